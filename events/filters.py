"""The filters: one filter set per model, shared by the API and the pages.

`EventFilterSet` serves `/api/v1/events/`, its CSV, `/api/v1/stats/` and the timeline page;
`MeasurementFilterSet` serves `/api/v1/measurements/`. Strict by design: an unknown parameter, a
repeated or empty one, a NUL character, a malformed date, an unknown code or slug, or an
impossible range is an error that names the parameter and says what is accepted, so that a typo
never silently returns the whole dataset. Lists are comma-separated; codes and slugs are
case-insensitive.

A code or slug counts as known only when its record is public (events/models/visibility.py): an
app that only a draft names gets the same answer as one that does not exist. A former slug (renamed
or merged away, events/redirects.py) counts as its public record's current one.

django-filter's BaseInFilter and ModelMultipleChoiceFilter would split the lists and look the
values up too, but report one unknown value at a time, keep empty items, and neither fold case
nor name the list to pick from; so the lists are one small field class here.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F

from . import search as full_text
from .countries import country_codes
from .models import App, Authority, Country, Event, Measurement, Owner
from .redirects import moved_to

# PostgreSQL cannot store or compare text holding a NUL character; refuse it before any query does.
NUL_MESSAGE = "The value contains a NUL character (%00), which no value can hold."


def parameter_errors(query, accepted):
    """{name: [message]} for parameters outside `accepted`, given twice, empty, or holding NUL.

    `query` is a QueryDict (or any mapping with getlist); the same check for the API and the pages.
    """
    errors = {}
    for name in query:
        values = query.getlist(name)
        if name not in accepted:
            errors[name] = [f"Unknown parameter. Accepted here: {', '.join(sorted(accepted)) or 'none'}."]
        elif len(values) > 1:
            errors[name] = [f"Give {name} once; separate several values with commas, e.g. {name}=a,b."]
        elif not values[0].strip():
            errors[name] = ["Empty value: give a value or leave the parameter out."]
        elif "\x00" in values[0]:
            errors[name] = [NUL_MESSAGE]
    return errors


class CommaListField(forms.CharField):
    """'ru, UA' -> ['ru', 'ua']: a comma-separated list of lower-cased, de-duplicated items."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return []
        items = [item.strip().lower() for item in value.split(",")]
        if any(not item for item in items):
            raise ValidationError("Empty item in the list: separate values with single commas, e.g. a,b.")
        return list(dict.fromkeys(items))


class ChoiceListField(CommaListField):
    """Each item must be one of `choices`."""

    def __init__(self, *args, choices, **kwargs):
        self.allowed = [value for value, _label in choices]
        super().__init__(*args, **kwargs)

    def validate(self, value):
        super().validate(value)
        unknown = [v for v in value if v not in self.allowed]
        if unknown:
            raise ValidationError(f"Unknown value {', '.join(unknown)}; use any of {', '.join(self.allowed)}.")


class ReferenceListField(CommaListField):
    """Codes or slugs of public records, checked in one query for the whole list.

    Cleaned to the records' keys as given (`key`), or to their ids when `ids` is set: PostgreSQL
    keeps statistics per value of `events_event_apps.app_id`, not per slug, so given the id it
    knows WhatsApp is in a fifth of the events and walks the newest-first index until the page is
    full (`app=whatsapp&active_on=...` at 100,000 events: 6 ms, against 630 ms given the slug).
    """

    def __init__(self, *args, model, key, example, ids=False, known=None, **kwargs):
        self.model, self.key, self.example, self.ids, self.known = model, key, example, ids, known
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        values = super().to_python(value)
        return [v.upper() for v in values] if self.key == "code" else values

    def validate(self, value):
        super().validate(value)
        self.found, self.renamed = {}, {}
        if not value:
            return
        if self.known is not None:  # a fixed set (the countries): no query
            self.found = {v: v for v in value if v in self.known()}
        else:
            rows = self.model.objects.public().filter(**{f"{self.key}__in": value}).values_list(self.key, "pk")
            self.found = dict(rows)
        unknown = [v for v in value if v not in self.found]
        if unknown and self.key == "slug":
            # A slug that was renamed or merged away names its record still: a shared link to
            # /timeline/?app=<old slug> keeps its meaning (events/redirects.py). Only asked when a
            # value is unknown, so the usual request costs no query more.
            for old, (new, pk) in moved_to(self.model, unknown).items():
                self.found[old], self.renamed[old] = pk, new
            unknown = [v for v in unknown if v not in self.found]
        if unknown:
            meta = self.model._meta
            what = f"{meta.verbose_name} {'code' if self.key == 'code' else 'slug'}"
            raise ValidationError(
                f"Unknown {what} {', '.join(unknown)}; use values such as {self.example} "
                f"(the list is at /api/v1/{meta.verbose_name_plural}/)."
            )

    def clean(self, value):
        values = super().clean(value)
        if self.ids:
            return list(dict.fromkeys(self.found[v] for v in values))
        return list(dict.fromkeys(self.renamed.get(v, v) for v in values))


class ListFilter(django_filters.Filter):
    """A comma-list filter; `method_name` is the QuerySet method that applies the values."""

    def __init__(self, *args, field_class, method_name=None, **kwargs):
        self.field_class, self.method_name = field_class, method_name
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        if self.method_name:
            return getattr(qs, self.method_name)(value)
        return qs.filter(**{f"{self.field_name}__in": value})


class ISODateFilter(django_filters.DateFilter):
    """Dates as YYYY-MM-DD only, so that 01/02/2026 is an error rather than a guess."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault("error_messages", {"invalid": "Enter a date as YYYY-MM-DD, e.g. 2025-12-31."})
        super().__init__(*args, **kwargs)


class YearFilter(django_filters.NumberFilter):
    """A whole year: 2022 is accepted, 2022.5 is not (NumberFilter would take any decimal)."""

    field_class = forms.IntegerField


class SearchField(forms.CharField):
    """A query in the web's search syntax, read as events/search.py reads it."""

    def clean(self, value):
        value = super().clean(value)  # the length checked on the text
        if not value:
            return None
        try:
            return full_text.understand(value)
        except full_text.SearchError as error:
            raise ValidationError(str(error)) from error


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField

    def filter(self, qs, value):
        return qs if value is None else qs.search(value)


def reference_filter(model, example, help_text, **kwargs):
    """A comma list of slugs (codes for countries) of public records of `model`."""
    if model is Country:
        kwargs.update(key="code", known=country_codes)
    kwargs.setdefault("key", "slug")
    return ListFilter(field_class=ReferenceListField, model=model, example=example, help_text=help_text, **kwargs)


COUNTRY_HELP = "ISO 3166-1 alpha-2 codes, comma-separated, any case: `RU` or `ru,ir`."


class StrictFilterSet(django_filters.FilterSet):
    """A filter set that also refuses a range no row can match: `range_filters` = (low, high) names."""

    range_filters = ()

    def is_valid(self):
        if not super().is_valid():
            return False
        low, high = self.range_filters or (None, None)
        cleaned = self.form.cleaned_data
        if low and cleaned.get(low) and cleaned.get(high) and cleaned[low] > cleaned[high]:
            what = self._meta.model._meta.verbose_name
            self.form.add_error(low, f"{low} is later than {high}: no {what} can match.")
            return False
        return True

    @property
    def errors(self):
        self.is_valid()  # the range check too, whichever a caller asks first
        return self.form.errors


class EventFilterSet(StrictFilterSet):
    """Filters on published events. Combine freely: every filter narrows the result."""

    ORDERINGS = ["started_on", "-started_on", "ended_on", "-ended_on", "updated_at", "-updated_at"]
    range_filters = ("started_after", "started_before")

    country = reference_filter(Country, "RU", COUNTRY_HELP, method_name="for_countries")
    app = reference_filter(
        App, "whatsapp", "App slugs, comma-separated: events whose apps include any of them.",
        ids=True, method_name="for_app_ids",
    )  # fmt: skip
    owner = reference_filter(
        Owner, "meta", "Owner slugs, comma-separated: events that target the owner or any app it owns.",
        method_name="for_owners",
    )  # fmt: skip
    authority = reference_filter(
        Authority, "roskomnadzor", "Authority slugs, comma-separated: events ordered or carried out by them.",
        method_name="for_authorities",
    )  # fmt: skip
    kind = ListFilter(
        field_name="kind",
        field_class=ChoiceListField,
        choices=Event.Kind.choices,
        help_text="Kinds of measure, comma-separated: " + ", ".join(Event.Kind.values) + ".",
    )
    status = ListFilter(
        field_name="status",
        field_class=ChoiceListField,
        choices=Event.Status.choices,
        help_text="Statuses, comma-separated: " + ", ".join(Event.Status.values) + ".",
    )
    started_after = ISODateFilter(
        field_name="started_on",
        lookup_expr="gte",
        help_text="Events that started on or after this date (YYYY-MM-DD).",
    )
    started_before = ISODateFilter(
        field_name="started_on",
        lookup_expr="lte",
        help_text="Events that started on or before this date (YYYY-MM-DD).",
    )
    active_on = ISODateFilter(
        method="filter_active_on",
        help_text="Events in force on this date (YYYY-MM-DD): started by then, not ended before it, "
        "and more than announced; one of unknown status only up to its last_confirmed_on.",
    )
    scope = django_filters.CharFilter(
        method="filter_scope",
        max_length=200,
        help_text="Text to find in the scope (the regions, cities or networks a measure applies to), "
        "e.g. kashmir; 'nationwide' gives the measures that apply to the whole country.",
    )
    year = YearFilter(
        field_name="started_on",
        lookup_expr="year",
        min_value=1990,
        max_value=2100,
        help_text="Events that started in this year, e.g. 2022.",
    )
    search = SearchFilter(
        max_length=200,
        help_text="Words to find in the records (titles, summaries, descriptions, reasons) and in the names "
        "of their countries, apps, owners and authorities; English words match their other forms (block, "
        'blocked, blocking). "Quoted words" match as a phrase, -word excludes, or gives alternatives; '
        "a misspelt app, owner or country name also matches the name, e.g. whatsap.",
    )
    ordering = django_filters.ChoiceFilter(
        method="filter_ordering",
        choices=[(o, o) for o in ORDERINGS],
        empty_label=None,
        error_messages={"invalid_choice": "Unknown ordering %(value)s; use one of " + ", ".join(ORDERINGS) + "."},
        help_text="Sort order: " + ", ".join(ORDERINGS) + ". Default -started_on (newest first).",
    )

    class Meta:
        model = Event
        fields = []

    def filter_active_on(self, qs, name, value):
        return qs.active_on(value)

    def filter_scope(self, qs, name, value):
        if value.strip().casefold() == "nationwide":
            return qs.filter(scope="")
        return qs.filter(scope__icontains=value.strip())

    def filter_ordering(self, qs, name, value):
        # An open-ended event (no end date) sorts as later than any date, on every database; the
        # id breaks ties so that pages never overlap or skip rows.
        field = F(value.lstrip("-"))
        if value.startswith("-"):
            return qs.order_by(field.desc(nulls_first=True), "-id")
        return qs.order_by(field.asc(nulls_last=True), "id")


class TestNameListField(CommaListField):
    """OONI test names that occur in the measurements (one query for the whole list)."""

    def validate(self, value):
        super().validate(value)
        if not value:
            return
        found = set(
            Measurement.objects.public()
            .filter(test_name__in=value)
            .values_list("test_name", flat=True)
            .distinct()
            .order_by()
        )
        unknown = [v for v in value if v not in found]
        if unknown:
            raise ValidationError(
                f"No measurements of test {', '.join(unknown)}; use OONI test names such as whatsapp or signal."
            )


class MeasurementFilterSet(StrictFilterSet):
    """Filters on OONI measurement counts; combine freely, every filter narrows the result."""

    range_filters = ("since", "until")

    country = reference_filter(Country, "RU", COUNTRY_HELP, field_name="country_id")
    app = reference_filter(
        App, "whatsapp", "App slugs, comma-separated: measurements of tests that check these apps.",
        ids=True, field_name="app_id",
    )  # fmt: skip
    test_name = ListFilter(
        field_name="test_name",
        field_class=TestNameListField,
        help_text="OONI test names, comma-separated, e.g. whatsapp,signal.",
    )
    since = ISODateFilter(field_name="day", lookup_expr="gte", help_text="Days on or after this date (YYYY-MM-DD).")
    until = ISODateFilter(field_name="day", lookup_expr="lte", help_text="Days on or before this date (YYYY-MM-DD).")

    class Meta:
        model = Measurement
        fields = []
