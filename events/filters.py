"""The event filters, shared by the API (`/api/v1/events/`, stats, CSV) and the timeline page.

Strict by design: an unknown parameter, an empty value, a malformed date, an unknown code or slug
or an impossible range is an error that names the parameter and says what is accepted, so that a
typo never silently returns the whole dataset. Lists are comma-separated; codes and slugs are
case-insensitive.
"""

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F

from .models import App, Authority, Country, Event, Owner

# PostgreSQL cannot store or compare text holding a NUL character; refuse it before any query does.
NUL_MESSAGE = "The value contains a NUL character (%00), which no value can hold."


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


class ISODateFilter(django_filters.DateFilter):
    """Dates as YYYY-MM-DD only, so that 01/02/2026 is an error rather than a guess."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault("error_messages", {"invalid": "Enter a date as YYYY-MM-DD, e.g. 2025-12-31."})
        super().__init__(*args, **kwargs)


class ChoiceListField(CommaListField):
    """Each item must be one of `choices`."""

    def __init__(self, *args, choices, **kwargs):
        self.allowed = [value for value, _label in choices]
        super().__init__(*args, **kwargs)

    def clean(self, value):
        values = super().clean(value)
        unknown = [v for v in values if v not in self.allowed]
        if unknown:
            raise ValidationError(f"Unknown value {', '.join(unknown)}; use any of {', '.join(self.allowed)}.")
        return values


class ReferenceListField(CommaListField):
    """Each code or slug must exist (one query for the whole list), or the request is refused."""

    def __init__(self, *args, model, key, example, **kwargs):
        self.model, self.key, self.example = model, key, example
        super().__init__(*args, **kwargs)

    def clean(self, value):
        values = super().clean(value)
        if self.key == "code":
            values = [v.upper() for v in values]
        if not values:
            return values
        found = set(self.model.objects.filter(**{f"{self.key}__in": values}).values_list(self.key, flat=True))
        unknown = [v for v in values if v not in found]
        if unknown:
            what = f"{self.model._meta.verbose_name} {'code' if self.key == 'code' else 'slug'}"
            raise ValidationError(
                f"Unknown {what} {', '.join(unknown)}; use values such as {self.example} "
                f"(the list is at /api/v1/{self.model._meta.verbose_name_plural}/)."
            )
        return values


class ListFilter(django_filters.Filter):
    """A comma-list filter; `method_name` is the EventQuerySet method that applies the values."""

    def __init__(self, *args, field_class, method_name=None, **kwargs):
        self.field_class, self.method_name = field_class, method_name
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        if self.method_name:
            return getattr(qs, self.method_name)(value)
        return qs.filter(**{f"{self.field_name}__in": value})


class YearFilter(django_filters.NumberFilter):
    """A whole year: 2022 is accepted, 2022.5 is not (NumberFilter would take any decimal)."""

    field_class = forms.IntegerField


class EventFilterSet(django_filters.FilterSet):
    """Filters on published events. Combine freely: every filter narrows the result."""

    # Parameters that are not filters but that list views accept.
    PASS_THROUGH = {"page", "page_size", "format", "cursor"}

    ORDERINGS = ["started_on", "-started_on", "ended_on", "-ended_on", "updated_at", "-updated_at"]

    country = ListFilter(
        field_class=ReferenceListField,
        model=Country,
        key="code",
        example="RU",
        method_name="for_countries",
        help_text="ISO 3166-1 alpha-2 codes, comma-separated, any case: `RU` or `ru,ir`.",
    )
    app = ListFilter(
        field_class=ReferenceListField,
        model=App,
        key="slug",
        example="whatsapp",
        method_name="for_apps",
        help_text="App slugs, comma-separated: events whose apps include any of them.",
    )
    owner = ListFilter(
        field_class=ReferenceListField,
        model=Owner,
        key="slug",
        example="meta",
        method_name="for_owners",
        help_text="Owner slugs, comma-separated: events that target the owner or any app it owns.",
    )
    authority = ListFilter(
        field_class=ReferenceListField,
        model=Authority,
        key="slug",
        example="roskomnadzor",
        method_name="for_authorities",
        help_text="Authority slugs, comma-separated: events ordered or carried out by them.",
    )
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
        "and more than announced.",
    )
    year = YearFilter(
        field_name="started_on",
        lookup_expr="year",
        min_value=1990,
        max_value=2100,
        help_text="Events that started in this year, e.g. 2022.",
    )
    search = django_filters.CharFilter(
        method="filter_search",
        max_length=200,
        help_text="Text to find in titles, summaries, descriptions, reasons, countries and app names.",
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

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.raw = data if data is not None else {}

    def filter_active_on(self, qs, name, value):
        return qs.active_on(value)

    def filter_search(self, qs, name, value):
        return qs.search(value)

    def filter_ordering(self, qs, name, value):
        # An open-ended event (no end date) sorts as later than any date, on every database; the
        # id breaks ties so that pages never overlap or skip rows.
        field = F(value.lstrip("-"))
        if value.startswith("-"):
            return qs.order_by(field.desc(nulls_first=True), "-id")
        return qs.order_by(field.asc(nulls_last=True), "id")

    def is_valid(self):
        return super().is_valid() and not self.strict_errors()

    @property
    def errors(self):
        errors = dict(super().errors)
        for name, message in self.strict_errors().items():
            errors.setdefault(name, []).append(message)
        return forms.utils.ErrorDict(errors)

    def strict_errors(self):
        """What django-filter lets through: unknown parameters, empty values, impossible ranges."""
        if hasattr(self, "_strict_errors"):
            return self._strict_errors
        errors = {}
        known = set(self.filters) | self.PASS_THROUGH
        for name in self.raw:
            if name not in known:
                errors[name] = f"Unknown parameter. Accepted: {', '.join(sorted(known))}."
            elif name in self.filters and not str(self.raw.get(name, "")).strip():
                errors[name] = "Empty value: give a value or leave the parameter out."
            elif "\x00" in str(self.raw.get(name, "")):
                errors[name] = NUL_MESSAGE
        after, before = self.raw.get("started_after"), self.raw.get("started_before")
        if after and before and "started_after" not in errors:
            try:
                if datetime.date.fromisoformat(after) > datetime.date.fromisoformat(before):
                    errors["started_after"] = "started_after is later than started_before: no event can match."
            except ValueError:
                pass  # the date fields report the malformed value themselves
        self._strict_errors = errors
        return errors
