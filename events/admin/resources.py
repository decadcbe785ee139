"""Bulk entry: events (and sources) as CSV or XLSX through django-import-export.

One row is one event. Related records are named the way editors know them: the country by its
code, apps, owner, authority and the promoted alternative by slug, sources by URL, related events by
id; lists are joined by ';'. Every value must name an existing record (a typo is an error, never a
silent drop), and every row is validated with the model's full_clean.

An import is all or nothing: the admin first runs it in a transaction that is rolled back and shows
every refused row with its number (row 1 is the first row under the header); only a file without
errors can be confirmed, and the confirmed import runs in one transaction again, rolled back whole if
any row fails after all.

The review state follows the workflow (events/models/review.py):
- a new event is a draft unless the importer may publish, in which case the review_state column is
  honoured (blank means draft), and "published" still needs a source;
- an existing event (a row with its id) keeps its state unless the importer may publish; only a
  publisher may change a published event at all;
- a row carrying the revision it was exported at is refused if the event changed since then, so a
  spreadsheet edited offline never overwrites newer work.
"""

import copy
import datetime
import io

import tablib
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from import_export import fields, resources, widgets
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX

from events import status_steps
from events.bulk import LINKS, create_events
from events.importers.limits import READ_ERRORS, FileTooLarge, capped, check_archive, check_size
from events.models import App, Authority, Country, Event, Owner, Source, review
from events.text import from_spreadsheet, spreadsheet_safe

from .forms import editable_fields

SEPARATOR = ";"


def _split(value):
    if value is None:
        return []
    if isinstance(value, int | float):
        value = str(int(value))
    return [item.strip() for item in str(value).split(SEPARATOR) if item.strip()]


class SpreadsheetSafe:
    """A resource whose exported cells a spreadsheet never runs as formulae, and whose import takes
    that protection off again, so that an exported file imports unchanged (events/text.py)."""

    def export_field(self, field, instance, **kwargs):
        return spreadsheet_safe(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row, **kwargs):
        for name, value in row.items():
            row[name] = from_spreadsheet(value)
        super().before_import_row(row, **kwargs)


class RememberedLookups:
    """Records found by key once per import, not once per row: a widget belongs to one resource,
    which import-export makes for one import (its fields are copied per instance)."""

    def lookup(self, keys):
        """{key: record} for the `keys` that name a record."""
        known = self.__dict__.setdefault("_known", {})
        missing = [key for key in dict.fromkeys(keys) if key not in known]
        if missing:
            for record in self.model.objects.filter(**{f"{self.field}__in": missing}):
                known[str(getattr(record, self.field))] = record
        return {key: known[key] for key in keys if key in known}


class StrictForeignKeyWidget(RememberedLookups, widgets.ForeignKeyWidget):
    """A foreign key by a human key; an unknown value is an error that names it."""

    def __init__(self, model, field, label, upper=False):
        super().__init__(model, field=field)
        self.label = label
        self.upper = upper

    def clean(self, value, row=None, **kwargs):
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        text = text.upper() if self.upper else text.lower()
        found = self.lookup([text])
        if text not in found:
            raise ValueError(f"No {self.label} '{text}'.")
        return found[text]


class StrictManyToManyWidget(RememberedLookups, widgets.ManyToManyWidget):
    """A ';'-joined list of human keys; unknown values are an error that lists them."""

    def __init__(self, model, field, label, lower=True):
        super().__init__(model, separator=SEPARATOR, field=field)
        self.label = label
        self.lower = lower

    def clean(self, value, row=None, **kwargs):
        keys = _split(value)
        if self.lower:
            keys = [key.lower() for key in keys]
        found = self.lookup(keys)
        unknown = [key for key in keys if key not in found]
        if unknown:
            raise ValueError(f"No {self.label} {', '.join(repr(key) for key in unknown)}.")
        return list(dict.fromkeys(found[key] for key in keys))


class FeaturesWidget(widgets.Widget):
    """The features list as 'voice_calls;video_calls'; the model's clean rejects unknown values."""

    def clean(self, value, row=None, **kwargs):
        return _split(value)

    def render(self, value, obj=None, **kwargs):
        return SEPARATOR.join(value or [])


class EventResource(SpreadsheetSafe, resources.ModelResource):
    """Events as rows. See the module docstring for the rules an import follows."""

    country = fields.Field("country", "country", StrictForeignKeyWidget(Country, "code", "country code", upper=True))
    apps = fields.Field("apps", "apps", StrictManyToManyWidget(App, "slug", "app with slug"))
    owner = fields.Field("owner", "owner", StrictForeignKeyWidget(Owner, "slug", "owner with slug"))
    features = fields.Field("features", "features", FeaturesWidget(), default=list)
    authority = fields.Field("authority", "authority", StrictForeignKeyWidget(Authority, "slug", "authority with slug"))
    sources = fields.Field("sources", "sources", StrictManyToManyWidget(Source, "url", "source with URL", lower=False))
    promoted_alternative = fields.Field(
        "promoted_alternative", "promoted_alternative", StrictForeignKeyWidget(App, "slug", "app with slug")
    )
    related = fields.Field("related", "related", StrictManyToManyWidget(Event, "id", "event with id", lower=False))
    revision = fields.Field("revision", "revision", widgets.IntegerWidget(), readonly=True)
    updated_at = fields.Field("updated_at", "updated_at", widgets.DateTimeWidget(), readonly=True)

    class Meta:
        model = Event
        # Every field an editor writes, in the model's order, so that a new one imports and exports too.
        fields = ("id", *editable_fields(Event), "revision", "updated_at")
        export_order = fields
        import_id_fields = ("id",)
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = False
        # Rows are checked one by one and written in batches (bulk_create below).
        use_bulk = True
        batch_size = 1000

    # A larger file is previewed by its errors and counts alone, not field by field: comparing each
    # row with what it changes costs as much as importing it.
    PREVIEW_DIFF_ROWS = 1000
    # Found in the database by the widgets already: full_clean need not look them up again, a query each.
    LOOKED_UP = ["country", "owner", "authority", "promoted_alternative"]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.user = None
        self._meta = copy.copy(self._meta)  # skip_diff is decided per import (before_import)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(exclude=[*errors, *self.LOOKED_UP], validate_unique=validate_unique)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def get_user_visible_fields(self):
        # The import page lists the columns it reads; updated_at is written on export only.
        return [field for field in super().get_user_visible_fields() if field.column_name != "updated_at"]

    def before_import(self, dataset, **kwargs):
        self.user = kwargs.get("user")
        if "id" not in (dataset.headers or []):
            # A file of new events needs no id column; rows without an id create events.
            dataset.append_col([""] * len(dataset), header="id")
        self.existing, self.seen = self._read_existing_events(dataset), {}
        self._meta.skip_diff = len(dataset) > self.PREVIEW_DIFF_ROWS

    def get_instance(self, instance_loader, row):
        if row.get("id") in (None, ""):
            return None  # a new event: no query to find out
        return super().get_instance(instance_loader, row)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """New events in batches (events/bulk.py), with their links and their history."""
        if self.create_instances and (using_transactions or not dry_run):
            try:
                links = [instance.import_links for instance in self.create_instances]
                create_events(self.create_instances, links, user=self.user, reason="Imported from a file.")
            except Exception as error:
                self.handle_import_error(result, error, raise_errors)
            finally:
                self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """Changed events one by one: a save each, with history, and their links set."""
        if self.update_instances and (using_transactions or not dry_run):
            try:
                with status_steps.deferred():  # the pairs' steps written once, after the last row
                    for instance in self.update_instances:
                        instance.save()
                        for name, values in instance.import_links.items():
                            getattr(instance, name).set(values)
            except Exception as error:
                self.handle_import_error(result, error, raise_errors)
            finally:
                self.update_instances.clear()

    def filter_export(self, queryset, **kwargs):
        """Related records in a fixed number of queries, however many events are exported."""
        return queryset.select_related("country", "owner", "authority", "promoted_alternative").prefetch_related(
            "apps", "sources", "related"
        )

    def import_instance(self, instance, row, **kwargs):
        stored_state = instance.review_state if instance.pk else None
        stored_revision = instance.revision if instance.pk else None
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # The many-to-many values are only saved after the row; check them now so that an unknown
        # slug or URL is reported with the row, like every other mistake. The sources count for the
        # model's "no publication without a source" (Event.pending_sources).
        instance.import_links = {}  # written with the row, in bulk (events/bulk.py)
        for name in LINKS:
            if name in row:
                try:
                    values = self.fields[name].clean(row)
                except ValueError as error:
                    errors[name] = [str(error)]
                else:
                    instance.import_links[name] = values
                    if name == "sources":
                        instance.pending_sources = list(values)
        if instance.pk is None and instance.pending_sources is None:
            instance.pending_sources = []  # a new event without a sources column has none
        if instance.pk is None and not errors:
            errors.update(self._duplicate_errors(instance, row))
        errors.update(self._workflow_errors(instance, row, stored_state, stored_revision))
        if errors:
            raise ValidationError(errors)

    def _duplicate_errors(self, instance, row):
        """The form's rule (EventQuerySet.possible_duplicates: same country, start and an app in
        common), checked against keys read once for the whole file (_read_existing_events) and the
        rows of this file before this one, which are not in the database until their batch is."""
        confirmed = str(row.get("not_a_duplicate") or "").strip().lower() in ("1", "yes", "true", "y", "x")
        apps = instance.import_links.get("apps", [])
        if confirmed or not (instance.country_id and instance.started_on and apps):
            return {}
        keys = [(instance.country_id, instance.started_on, app.pk) for app in apps]
        matches = list(dict.fromkeys(self.existing[key] for key in keys if key in self.existing))
        earlier = sorted({self.seen[key] for key in keys if key in self.seen})
        for key in keys:
            self.seen.setdefault(key, str(row.get("title") or ""))
        if not (matches or earlier):
            return {}
        named = ", ".join(f"event {pk} ({title})" for pk, title in sorted(matches, reverse=True)[:3])
        named = named or "an earlier row of this file (" + ", ".join(earlier[:3]) + ")"
        return {
            "not_a_duplicate": f"Possible duplicate of {named}: same country, an app in common and the "
            "same start date. If it is a different event, put yes in a not_a_duplicate column for this row."
        }

    def _read_existing_events(self, dataset):
        """(country, start, app id) -> (event id, title) of the events starting on a day the file names:
        the duplicate check's one query for the whole file."""
        days = set()
        for value in dataset["started_on"] if "started_on" in (dataset.headers or []) else []:
            try:
                days.add(value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value)[:10]))
            except ValueError:
                continue  # the row's own validation reports it
        links = Event.apps.through.objects.filter(event__started_on__in=days).values_list(
            "event__country_id", "event__started_on", "app_id", "event_id", "event__title"
        )
        return {(country, day, app): (pk, title) for country, day, app, pk, title in links}

    def _workflow_errors(self, instance, row, stored_state, stored_revision):
        """An editor's rows never move the review state (new events are drafts); a publisher's
        follow the file, through the workflow's rules (blank: draft for a new event, unchanged for
        an existing one)."""
        errors = {}
        wanted = instance.review_state if self.user is not None and review.can_publish(self.user) else ""
        if stored_state is None and row.get("id") not in (None, ""):
            errors["id"] = f"No event with id {row['id']}; leave id empty to create a new event."
        instance.review_state = wanted or stored_state or Event.ReviewState.DRAFT
        if instance.review_state in Event.ReviewState.values:
            reason = review.refusal(self.user, stored_state, instance.review_state)
            if reason:
                errors["review_state"] = reason
        exported = row.get("revision")
        if stored_revision is not None and exported not in (None, ""):
            try:
                exported = int(float(exported))
            except ValueError:
                errors["revision"] = f"Not a revision number: {exported!r}."
            else:
                if exported != stored_revision:
                    errors["revision"] = (
                        f"This event changed since the file was exported (revision {exported}, now "
                        f"{stored_revision}): export it again and redo the change."
                    )
        return errors

    def before_save_instance(self, instance, row, **kwargs):
        instance._history_user = self.user


class SourceResource(SpreadsheetSafe, resources.ModelResource):
    """Sources as rows, matched by URL: import them before the events that cite them."""

    class Meta:
        model = Source
        fields = ("url", "title", "publisher", "published_on", "archived_url", "kind", "language")
        import_id_fields = ("url",)
        clean_model_instances = True
        use_transactions = True

    def before_import(self, dataset, **kwargs):
        self.user = kwargs.get("user")

    def import_instance(self, instance, row, **kwargs):
        # A source that published records cite is part of what the public reads (admin/published.py).
        if (
            instance.pk
            and not review.can_publish(self.user)
            and Source.objects.public().filter(pk=instance.pk).exists()
        ):
            raise ValidationError({"url": "Published events cite this source: only publishers can change it."})
        super().import_instance(instance, row, **kwargs)


class BoundedCSV(CSV):
    """CSV uploads no larger than an import may read (events/importers/limits.py)."""

    def create_dataset(self, in_stream, **kwargs):
        check_size(in_stream)
        dataset = super().create_dataset(in_stream, **kwargs)
        if len(dataset) > settings.IMPORT_MAX_ROWS:
            raise FileTooLarge(f"it has more than {settings.IMPORT_MAX_ROWS:,} rows, the most an import may read")
        return dataset


class BoundedXLSX(XLSX):
    """The first sheet of an .xlsx upload, its archive checked before parsing and its rows capped
    (events/importers/limits.py); a damaged file is a clear error on the import form."""

    def create_dataset(self, in_stream):
        import openpyxl

        check_archive(io.BytesIO(in_stream))
        book = None
        try:
            book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
            rows = capped(book.active.iter_rows(values_only=True))
            headers = list(next(rows, ()))
            dataset, width = tablib.Dataset(headers=headers), len(headers)
            for values in rows:
                if any(value is not None for value in values):
                    dataset.append((*values[:width], *(None,) * (width - len(values))))
        except FileTooLarge:
            raise
        except READ_ERRORS as error:
            raise ValueError(f"a damaged .xlsx file ({type(error).__name__}: {error})") from error
        finally:
            if book is not None:
                book.close()
        return dataset


class BulkEntryMixin(ImportExportMixin):
    """Import and export on a model admin, as CSV or XLSX: importing needs the add permission,
    exporting the view one (import-export's default lets any staff user do both)."""

    formats = [BoundedCSV, BoundedXLSX]
    # Who imported what is in each record's history (one creation record per row, with the user);
    # an admin log entry per row as well would double the writes of a large import.
    skip_admin_log = True

    def has_import_permission(self, request):
        return self.has_add_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def add_data_read_fail_error_to_form(self, form, e):
        # Our formats say what is wrong with the file (too large, damaged): show that, not only
        # the exception's name.
        if isinstance(e, ValueError) and getattr(e, "args", None):
            form.add_error("import_file", f"This file cannot be imported: {e}.")
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def get_import_data_kwargs(self, **kwargs):
        # The confirmed import also rolls back whole on a row that fails validation (import-export
        # only does that by default when the confirmation step is skipped).
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_result(self, result, request):
        """A confirmed import that failed after all (the data changed since the preview) was rolled
        back whole; say so, row by row, instead of import-export's "Import finished"."""
        if not (result.has_errors() or result.has_validation_errors()):
            return super().process_result(result, request)
        problems = [f"row {number}: {error.error}" for number, errors in result.row_errors() for error in errors]
        problems += [
            f"row {row.number}: " + "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in row.error_dict.items())
            for row in result.invalid_rows
        ]
        messages.error(request, "Nothing was imported, because " + "; ".join(problems[:20]) + ".")
        info = self.model._meta.app_label, self.model._meta.model_name
        return HttpResponseRedirect(reverse("admin:{}_{}_import".format(*info), current_app=self.admin_site.name))
