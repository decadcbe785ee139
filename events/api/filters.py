"""Filters of the API's other lists, as strict as the shared event filters (events/filters.py)."""

import django_filters
from django.core.exceptions import ValidationError

from events.filters import CommaListField, ISODateFilter, ListFilter, ReferenceListField
from events.models import App, Country, Measurement


class TestNameListField(CommaListField):
    """OONI test names that occur in the measurements (one query for the whole list)."""

    def clean(self, value):
        values = super().clean(value)
        if not values:
            return values
        found = set(
            Measurement.objects.filter(test_name__in=values).values_list("test_name", flat=True).distinct().order_by()
        )
        unknown = [v for v in values if v not in found]
        if unknown:
            raise ValidationError(
                f"No measurements of test {', '.join(unknown)}; use OONI test names such as whatsapp or signal."
            )
        return values


class MeasurementFilterSet(django_filters.FilterSet):
    """Filters on OONI measurement counts; combine freely, every filter narrows the result."""

    country = ListFilter(
        field_name="country_id",
        field_class=ReferenceListField,
        model=Country,
        key="code",
        example="RU",
        help_text="ISO 3166-1 alpha-2 codes, comma-separated, any case: `RU` or `ru,ir`.",
    )
    app = ListFilter(
        field_name="app__slug",
        field_class=ReferenceListField,
        model=App,
        key="slug",
        example="whatsapp",
        help_text="App slugs, comma-separated: measurements of tests that check these apps.",
    )
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

    def is_valid(self):
        valid = super().is_valid()
        since, until = self.form.cleaned_data.get("since"), self.form.cleaned_data.get("until")
        if valid and since and until and since > until:
            self.form.add_error("since", "since is later than until: no measurement can match.")
            return False
        return valid
