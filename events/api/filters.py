"""Filters of the API's other lists, as strict as the shared event filters (events/filters.py)."""

import django_filters
from django.core.exceptions import ValidationError

from events.filters import CommaListField, EventFilterSet, ISODateFilter, ListFilter, ReferenceListField
from events.models import App, Country, Measurement


class AppIdListField(ReferenceListField):
    """App slugs as ReferenceListField checks them, cleaned to the apps' ids in the same one query.

    Why ids: PostgreSQL keeps statistics per value of `events_event_apps.app_id`, not per slug. Given
    the slug it guesses that an app is in a handful of events, collects all of them and sorts
    (`app=whatsapp&active_on=...` at 100,000 events: 630 ms); given the id it knows WhatsApp is in a
    fifth of them and walks the newest-first index until the page is full (6 ms).
    """

    def clean(self, value):
        slugs = super(ReferenceListField, self).clean(value)
        if not slugs:
            return slugs
        ids = dict(App.objects.filter(slug__in=slugs).values_list("slug", "pk"))
        if len(ids) < len(slugs):
            return super().clean(value)  # raises the shared filters' error naming the unknown slugs
        return [ids[slug] for slug in slugs]


class CountryCodeListField(ReferenceListField):
    """Country codes as ReferenceListField checks them, against the codes read once per process.

    The 249 countries come from a migration and never change while the tracker runs, so the
    query a request made to check `country=RU` is saved. A code not among them is checked
    against the database as before, which gives the shared filters' error (or accepts a country
    added since this process read them).
    """

    codes = None

    def clean(self, value):
        values = super(ReferenceListField, self).clean(value)
        values = [v.upper() for v in values]
        if not values:
            return values
        if CountryCodeListField.codes is None:
            CountryCodeListField.codes = frozenset(Country.objects.values_list("code", flat=True))
        if not set(values) <= CountryCodeListField.codes:
            return super().clean(value)
        return values


class ApiEventFilterSet(EventFilterSet):
    """The shared event filters (events/filters.py), with `app` applied by id (see AppIdListField)
    and country codes checked without a query (see CountryCodeListField).

    Same parameters, messages and results; only the SQL the database is given differs.
    """

    country = ListFilter(
        field_class=CountryCodeListField,
        model=Country,
        key="code",
        example="RU",
        method_name="for_countries",
        help_text=EventFilterSet.base_filters["country"].extra["help_text"],
    )
    app = ListFilter(
        field_class=AppIdListField,
        model=App,
        key="slug",
        example="whatsapp",
        method_name="for_app_ids",
        help_text=EventFilterSet.base_filters["app"].extra["help_text"],
    )


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
