"""The shapes of API responses other than an event's own, declared for the OpenAPI schema.

The views build plain dicts (records.py, reference.py) for speed; these serializers describe
those dicts so that drf-spectacular documents them, and schemathesis checks every response
against that description. An event's record and its schema both come from shape.py.
"""

from rest_framework import serializers

from events.models import App, Authority, Owner, Source


class Ref(serializers.Serializer):
    slug = serializers.CharField(help_text="Stable lower-case identifier, usable in filters.")
    name = serializers.CharField()


class CountryRef(serializers.Serializer):
    code = serializers.CharField(help_text="ISO 3166-1 alpha-2 code, upper case.")
    name = serializers.CharField()


class AppRef(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    owner = Ref(allow_null=True, help_text="Who runs the app; null when unknown.")


class SourceOut(serializers.Serializer):
    url = serializers.URLField()
    title = serializers.CharField()
    publisher = serializers.CharField(allow_blank=True)
    published_on = serializers.DateField(allow_null=True)
    kind = serializers.ChoiceField(choices=Source.Kind.choices)
    archived_url = serializers.CharField(allow_blank=True, help_text="A web-archive copy, or empty.")


class StatementOut(serializers.Serializer):
    speaker = serializers.CharField()
    role = serializers.CharField(allow_blank=True)
    organisation = serializers.CharField(allow_blank=True)
    text = serializers.CharField()
    said_on = serializers.DateField(allow_null=True)
    source_url = serializers.URLField(allow_null=True, help_text="The document that reports the statement.")


class StatementRowOut(serializers.Serializer):
    event_id = serializers.IntegerField(help_text="The published event the statement is about (its `id`).")
    speaker = serializers.CharField()
    role = serializers.CharField(allow_blank=True)
    organisation = serializers.CharField(allow_blank=True)
    said_on = serializers.DateField(allow_null=True)
    text = serializers.CharField(help_text="What was said, quoted as reported.")
    source_url = serializers.URLField(allow_null=True, help_text="The document that reports the statement.")


class CountryOut(serializers.Serializer):
    code = serializers.CharField(help_text="ISO 3166-1 alpha-2 code, upper case.")
    name = serializers.CharField()
    region = serializers.CharField(allow_blank=True)
    event_count = serializers.IntegerField(
        help_text="Published events in this country; in a list given event filters, only the matching ones."
    )
    in_force_count = serializers.IntegerField(help_text="Of those events, the ones in force today (see `active_on`).")
    measurement_count = serializers.IntegerField(
        help_text="OONI measurements of any app in this country (never narrowed by event filters); a country "
        "with measurements but no event is measured, with no recorded measure."
    )
    page_url = serializers.URLField()


class CountryDetailOut(CountryOut):
    apps_restricted_now = AppRef(many=True, help_text="Apps that a published event restricts here today.")
    events_url = serializers.URLField(help_text="This country's events in the API.")


class AppOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    category = serializers.ChoiceField(choices=App.Category.choices)
    website = serializers.CharField(allow_blank=True)
    owner = Ref(allow_null=True)
    event_count = serializers.IntegerField(help_text="Published events that hit this app.")
    page_url = serializers.URLField()


class AppDetailOut(AppOut):
    description = serializers.CharField(allow_blank=True)
    countries_restricted_now = CountryRef(many=True, help_text="Countries where a published event restricts it today.")
    events_url = serializers.URLField(help_text="This app's events in the API.")


class OwnerOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Owner.Kind.choices)
    country = serializers.CharField(allow_null=True, help_text="Country code of its seat.")
    parent = Ref(allow_null=True)
    website = serializers.CharField(allow_blank=True)
    page_url = serializers.URLField()


class OwnerDetailOut(OwnerOut):
    description = serializers.CharField(allow_blank=True)
    apps = Ref(many=True, help_text="The apps it runs.")
    events_url = serializers.URLField(help_text="Events that target it or its apps, in the API.")


class AuthorityOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Authority.Kind.choices)
    country = CountryRef(allow_null=True)
    website = serializers.CharField(allow_blank=True)
    page_url = serializers.URLField()


class AuthorityDetailOut(AuthorityOut):
    description = serializers.CharField(allow_blank=True)
    event_count = serializers.IntegerField(help_text="Published events it ordered or carried out.")
    events_url = serializers.URLField(help_text="Its events in the API.")


class MeasurementOut(serializers.Serializer):
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2 code, upper case.")
    app = serializers.CharField(help_text="Slug of the app the test checks.")
    test_name = serializers.CharField()
    day = serializers.DateField()
    measurement_count = serializers.IntegerField()
    anomaly_count = serializers.IntegerField()
    confirmed_count = serializers.IntegerField()
    failure_count = serializers.IntegerField()
    ok_count = serializers.IntegerField()
    likely_blocked_rate = serializers.FloatField(
        allow_null=True, help_text="anomaly_count / (measurement_count - failure_count); null without usable tests."
    )
    dataset = serializers.CharField(help_text="Where the figures come from, with credit to the publisher.")


class StatsRow(serializers.Serializer):
    key = serializers.CharField(help_text="Country code, year, kind, app slug or owner slug.")
    label = serializers.CharField(help_text="What to print: country name, year, kind label, app or owner name.")
    count = serializers.IntegerField(help_text="Matching published events in this group.")


class StatsOut(serializers.Serializer):
    by = serializers.ChoiceField(choices=["country", "year", "kind", "app", "owner"])
    total = serializers.IntegerField(help_text="Matching published events (an event with two apps counts once).")
    results = StatsRow(many=True)


class Endpoint(serializers.Serializer):
    name = serializers.CharField()
    url = serializers.URLField()
    description = serializers.CharField()


class Licence(serializers.Serializer):
    name = serializers.CharField()
    url = serializers.URLField()


class RootOut(serializers.Serializer):
    name = serializers.CharField()
    version = serializers.CharField()
    licence = Licence()
    credits = serializers.ListField(child=serializers.CharField())
    endpoints = Endpoint(many=True)
    docs = serializers.URLField()
    schema = serializers.URLField()
