"""`manage.py export_dataset DIR`: every published record and what it references, as JSON and as
CSV, with a data dictionary; read back, the files give the same records as the database."""

import csv
import json
from datetime import date

import pytest
from django.core.management import call_command

from events.export import SEPARATOR
from events.models import App, Country, Event, Measurement, Owner, Source, Statement
from tests.factories import AppFactory, AuthorityFactory, EventFactory, OwnerFactory, SourceFactory, StatementFactory

TABLES = ["events", "statements", "sources", "apps", "owners", "authorities", "countries", "measurements"]


def export(tmp_path):
    call_command("export_dataset", str(tmp_path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    json_tables = {name: json.loads((tmp_path / f"{name}.json").read_text()) for name in TABLES}
    with_csv = {}
    for name in TABLES:
        with (tmp_path / f"{name}.csv").open(newline="") as handle:
            with_csv[name] = list(csv.DictReader(handle))
    return json_tables, with_csv


def as_csv(value):
    if value is None:
        return ""
    if isinstance(value, list):
        return SEPARATOR.join(map(str, value))
    return str(value)


@pytest.fixture
def records(seed_each):
    """The seed story plus what must stay out and a chain of owners that must come in."""
    parent = OwnerFactory(slug="holding", name="Holding", country=Country.objects.get(code="CY"))
    owner = OwnerFactory(slug="subsidiary", name="Subsidiary", parent=parent)
    app = AppFactory(slug="chat", name="Chat", owner=owner)
    published = EventFactory(title="Chat blocked", apps=[app], country=Country.objects.get(code="IR"))
    StatementFactory(event=published, source=SourceFactory(url="https://example.org/only-a-statement-cites-me"))
    secret_app = AppFactory(slug="draft-only-app", owner=OwnerFactory(slug="draft-only-owner"))
    draft = EventFactory(
        title="Not yet public",
        review_state=Event.ReviewState.DRAFT,
        apps=[secret_app],
        sources=[SourceFactory(url="https://example.org/draft-only")],
        country=Country.objects.get(code="KP"),
    )
    StatementFactory(event=draft, text="Unpublished words", source=None)
    published.related.add(draft)  # a link to a draft must not leak it
    Measurement.objects.create(
        country=Country.objects.get(code="TM"),
        app=AppFactory(slug="measured-only", owner=None),
        test_name="signal",
        day=date(2026, 1, 5),
        measurement_count=10,
        anomaly_count=4,
        confirmed_count=0,
        failure_count=1,
        ok_count=5,
        dataset="OONI (CC BY 4.0)",
    )
    return published


@pytest.mark.django_db
def test_export_round_trip_gives_back_every_published_record_and_only_those(records, tmp_path):
    tables, csv_tables = export(tmp_path)
    public = Event.objects.public()

    assert [row["id"] for row in tables["events"]] == sorted(public.values_list("id", flat=True))
    for row in tables["events"]:
        event = Event.objects.get(pk=row["id"])
        assert row["title"] == event.title
        assert row["country"] == event.country_id
        assert row["kind"] == event.kind and row["status"] == event.status
        assert row["started_on"] == event.started_on.isoformat()
        assert row["started_precision"] == event.started_precision
        assert row["features"] == event.features
        assert row["apps"] == sorted(event.apps.values_list("slug", flat=True))
        assert row["sources"] == sorted(event.sources.values_list("id", flat=True))
        assert row["related"] == sorted(event.related.public().values_list("id", flat=True))
        assert row["authority"] == (event.authority.slug if event.authority else None)
        assert row["updated_at"] == event.updated_at.isoformat().replace("+00:00", "Z")
        assert "review_state" not in row and "import_key" not in row

    # Statements and sources of published events only, the statement-only source included.
    statements = Statement.objects.filter(event__in=public)
    assert [row["id"] for row in tables["statements"]] == sorted(statements.values_list("id", flat=True))
    cited = set(Source.objects.filter(events__in=public).values_list("id", flat=True))
    cited |= set(statements.exclude(source=None).values_list("source_id", flat=True))
    assert {row["id"] for row in tables["sources"]} == cited
    assert "https://example.org/only-a-statement-cites-me" in {row["url"] for row in tables["sources"]}

    apps = {row["slug"] for row in tables["apps"]}
    assert {"chat", "measured-only", "whatsapp", "max"} <= apps
    assert "draft-only-app" not in apps
    owners = {row["slug"]: row for row in tables["owners"]}
    assert owners["subsidiary"]["parent"] == "holding" and owners["holding"]["country"] == "CY"
    assert "draft-only-owner" not in owners
    countries = {row["code"] for row in tables["countries"]}
    assert {"RU", "IR", "CY", "TM"} <= countries  # events, an owner's seat, a measurement
    assert "KP" not in countries  # only a draft is there
    assert tables["measurements"][0]["anomaly_count"] == 4 and tables["measurements"][0]["app"] == "measured-only"

    everything = json.dumps(tables)
    assert "Not yet public" not in everything and "Unpublished words" not in everything
    assert "draft-only" not in everything

    # The CSV files hold the same rows as the JSON files, lists joined by ";".
    for name in TABLES:
        assert csv_tables[name] == [{k: as_csv(v) for k, v in row.items()} for row in tables[name]], name

    # Every foreign key resolves inside the export: a mirror needs nothing else.
    keys = {name: {row[key] for row in tables[name]} for name, key in [("apps", "slug"), ("owners", "slug")]}
    assert all(slug in keys["apps"] for row in tables["events"] for slug in row["apps"])
    assert all(row["owner"] in keys["owners"] for row in tables["apps"] if row["owner"])


@pytest.mark.django_db
def test_the_data_dictionary_describes_every_column_from_the_models_help_text(records, tmp_path):
    export(tmp_path)
    package = json.loads((tmp_path / "datapackage.json").read_text())
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    resources = {resource["name"]: resource for resource in package["resources"]}
    assert list(resources) == TABLES
    for name, resource in resources.items():
        with (tmp_path / resource["path"]).open(newline="") as handle:
            header = next(csv.reader(handle))
        fields = resource["schema"]["fields"]
        assert [field["name"] for field in fields] == header, name
        assert all(field["description"] for field in fields), name
    events = {field["name"]: field for field in resources["events"]["schema"]["fields"]}
    assert events["title"]["description"] == Event._meta.get_field("title").help_text
    assert events["kind"]["constraints"]["enum"] == list(Event.Kind.values)
    assert {"fields": "country", "reference": {"resource": "countries", "fields": "code"}} in resources["events"][
        "schema"
    ]["foreignKeys"]
    readme = (tmp_path / "README.md").read_text()
    assert str(App._meta.get_field("category").help_text) in readme
    assert str(Owner._meta.get_field("parent").help_text) in readme
    assert "blank text is the empty string." in readme


@pytest.mark.django_db
def test_export_costs_the_same_queries_for_one_event_as_for_fifty(tmp_path, django_assert_num_queries):
    StatementFactory(event=EventFactory(authority=AuthorityFactory()))
    # Selection (each table's public() rows, read by the table's own query below): the countries
    # that events, measurements, owners and authorities refer to (4); then per table 1 query,
    # plus 3 for the events' apps, sources and related.
    with django_assert_num_queries(15) as one:
        call_command("export_dataset", str(tmp_path / "one"), stdout=open("/dev/null", "w"))  # noqa: SIM115
    EventFactory.create_batch(49)
    with django_assert_num_queries(len(one.captured_queries)):
        call_command("export_dataset", str(tmp_path / "fifty"), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(json.loads((tmp_path / "fifty" / "events.json").read_text())) == 50
