"""The kept counts behind /api/v1/stats/ (events/tallies.py, events/stats.py): the same answers as
grouping the events, after every kind of write, on both databases and under concurrent writers."""

import io
from datetime import date
from itertools import product

import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from events import search_index, stats, tallies
from events.api.views.events import filter_events
from events.models import App, Country, Event, Owner, Tally
from tests.concurrency import at_once
from tests.factories import AppFactory, EventFactory, OwnerFactory, country
from tests.migration_data import restore_migration_data

FILTERS = [
    "",
    "country=ru",
    "country=ru,ir",
    "kind=full_block,partial_block",
    "status=lifted",
    "year=2025",
    "app=whatsapp",
    "owner=meta",
    "country=ir&kind=full_block",
    "country=ru&year=2022",
    "status=in_force&year=2025",
    "app=whatsapp&country=ru",
    "owner=meta&kind=full_block",
]
# What the cells cannot answer: counted from the events, and still the same numbers.
FALLBACKS = [
    "country=ru&kind=full_block&year=2022",
    "app=whatsapp,telegram",
    "app=whatsapp&owner=meta",
    "active_on=2025-06-01",
    "search=block",
]


@pytest.fixture
def varied(db):
    """Events that count in every way the rules distinguish: an owner targeted with two of its apps
    and another owner's app, apps without an owner, an event with no app, drafts and a retraction,
    several countries, kinds, statuses and years."""
    meta, snap = OwnerFactory(slug="meta", name="Meta"), OwnerFactory(slug="snap", name="Snap")
    whatsapp = AppFactory(slug="whatsapp", name="WhatsApp", owner=meta)
    instagram = AppFactory(slug="instagram", name="Instagram", owner=meta)
    snapchat = AppFactory(slug="snapchat", name="Snapchat", owner=snap)
    telegram = AppFactory(slug="telegram", name="Telegram", owner=None)
    ru, ir = country("RU"), country("IR")
    EventFactory(country=ru, owner=meta, apps=[whatsapp, instagram, snapchat], started_on=date(2022, 3, 21))
    EventFactory(country=ru, owner=meta, apps=[], kind="legal_designation", started_on=date(2022, 3, 21))
    EventFactory(country=ru, apps=[whatsapp, telegram], kind="partial_block", started_on=date(2025, 8, 1))
    EventFactory(country=ir, apps=[whatsapp], status="lifted", started_on=date(2025, 1, 1), ended_on=date(2025, 2, 1))
    EventFactory(country=ir, apps=[telegram, snapchat], started_on=date(2018, 4, 30))
    EventFactory(country=country("CN"), apps=[instagram], kind="app_store_removal", started_on=date(2025, 6, 1))
    EventFactory(country=ir, apps=[whatsapp, snapchat], review_state="draft")
    EventFactory(country=ru, owner=snap, apps=[telegram], review_state="retracted")
    return {"meta": meta, "snap": snap, "whatsapp": whatsapp, "telegram": telegram, "snapchat": snapchat}


def both_ways(by, query):
    """(from the tallies, from the events) for the stats' filters in `query`, sorted alike."""
    events, _ordering, filters, errors = filter_events(Request(APIRequestFactory().get(f"/?{query}")))
    assert not errors, errors
    kept = stats.from_tallies(by, filters)
    plain = stats.from_events(by, events.order_by())
    return kept and (sorted(kept[0]), kept[1]), (sorted(plain[0]), plain[1])


def cells():
    return {cell.pk: cell.events for cell in Tally.objects.filter(events__gt=0)}


def assert_kept_as_rebuilt():
    """The counts the triggers kept are those that counting everything again gives."""
    kept = cells()
    tallies.rebuild()
    assert kept == cells()
    assert kept, "nothing counted"


def served_by_cells(by, query):
    """What the cells hold: at most two of country, kind, status and year between the filters and
    the grouping, and an app or owner filter only when not grouping by app or owner."""
    dimensions = {name for name in ("country", "kind", "status", "year") if f"{name}=" in query or name == by}
    return len(dimensions) <= 2 and not (by in ("app", "owner") and ("app=" in query or "owner=" in query))


def test_the_cells_answer_as_grouping_the_events_does(varied):
    served = 0
    for by, query in product(stats.GROUPINGS, FILTERS):
        kept, plain = both_ways(by, query)
        if served_by_cells(by, query):
            assert kept == plain, (by, query)
            served += 1
        else:
            assert kept is None, (by, query)
    assert served > 40
    for by, query in product(stats.GROUPINGS, FALLBACKS):
        assert both_ways(by, query)[0] is None, (by, query)
    # Meta: targeted by two events and hit through WhatsApp or Instagram by three more, each once.
    assert sorted(stats.from_tallies("owner", ())[0]) == [("meta", "Meta", 5), ("snap", "Snap", 2)]


def test_the_api_gives_the_same_counts_either_way(client, varied):
    for by, query in product(stats.GROUPINGS, FILTERS + FALLBACKS):
        body = client.get(f"/api/v1/stats/?by={by}&{query}").json()
        _kept, (groups, total) = both_ways(by, query)
        assert body["total"] == total, (by, query)
        assert sorted((row["key"], row["label"], row["count"]) for row in body["results"]) == groups, (by, query)


def kazakh_event(day):
    return Event(title=f"Bulk {day}", country_id="KZ", kind="full_block", status="in_force",
                 started_on=date(2024, 1, day), review_state="published")  # fmt: skip


def test_the_counts_follow_every_write(varied):
    assert_kept_as_rebuilt()
    whatsapp, telegram, meta, snap = varied["whatsapp"], varied["telegram"], varied["meta"], varied["snap"]
    draft = Event.objects.get(review_state="draft")
    steps = [
        lambda: EventFactory(country=country("TR"), apps=[telegram], started_on=date(2016, 7, 15)),
        lambda: Event.objects.filter(pk=draft.pk).update(review_state="published"),
        lambda: Event.objects.filter(pk=draft.pk).update(review_state="retracted"),
        lambda: Event.objects.filter(country_id="IR").update(kind="feature_restriction"),
        lambda: Event.objects.filter(country_id="CN").update(country_id="BY", started_on=date(2020, 1, 1)),
        lambda: Event.objects.filter(country_id="RU").update(status="lifted", owner=snap),
        lambda: Event.objects.get(country_id="BY").apps.add(whatsapp, telegram),
        lambda: Event.objects.get(country_id="BY").apps.remove(whatsapp),
        lambda: Event.objects.get(country_id="TR").apps.set([whatsapp, varied["snapchat"]]),
        lambda: Event.objects.get(country_id="TR").apps.clear(),
        lambda: App.objects.filter(pk=telegram.pk).update(owner=meta),
        lambda: App.objects.filter(pk=whatsapp.pk).update(owner=None),
        lambda: Event.objects.filter(title="Untouched").update(title="Still untouched"),
        lambda: Event.objects.bulk_create([kazakh_event(day) for day in range(1, 4)]),
        lambda: Event.apps.through.objects.bulk_create(
            [Event.apps.through(event=event, app=telegram) for event in Event.objects.filter(country_id="KZ")]
        ),
        lambda: Event.apps.through.objects.filter(app=telegram, event__country_id="KZ").update(app=whatsapp),
        lambda: Event.objects.get(country_id="BY").delete(),
        lambda: Owner.objects.filter(pk=meta.pk).update(name="Meta Platforms"),  # names are read, not kept
    ]
    for number, step in enumerate(steps):
        step()
        assert_kept_as_rebuilt(), number
        for by in stats.GROUPINGS:
            kept, plain = both_ways(by, "")
            assert kept == plain, (number, by)


def test_rebuild_command_and_install_restore_lost_counts(varied):
    right = cells()
    Tally.objects.all().delete()
    call_command("rebuild_tallies", stdout=io.StringIO())
    assert cells() == right
    # A trigger dropped (SQLite drops them when a migration rebuilds a table): install puts it back
    # and counts again, since the counted events no longer match the published ones.
    with connection.cursor() as cursor:
        on = " ON events_event" if connection.vendor == "postgresql" else ""
        cursor.execute(f"DROP TRIGGER events_tally_event_insert{on}")
    EventFactory(country=country("TR"), apps=[varied["telegram"]])
    tallies.install()
    EventFactory(country=country("TR"), apps=[varied["telegram"]])
    name = Country.objects.get(code="TR").name
    assert stats.from_tallies("country", (("country", ("TR",)),)) == ([("TR", name, 2)], 2)


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # see tests/browser/test_admin_e2e.py
def test_concurrent_writers_keep_the_counts():
    """Each pair of writes runs in two transactions open at once, in both orders: an edit of an
    event and a link to it, two links to one event, an app's new owner and a link to the app.
    Without the refresh's row lock (or the link's lock on the app) one of them counts from what it
    saw before the other committed, and the kept counts drift from the events."""
    restore_migration_data()
    # The search documents' triggers take locks of their own, which would hide a missing one here.
    with connection.cursor() as cursor:
        for name, table, *_rest in search_index.POSTGRES_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name} ON {table}")
    try:
        concurrent_pairs()
    finally:
        search_index.install()
    Event.objects.all().delete()


def concurrent_pairs():
    owner, other = OwnerFactory(), OwnerFactory()

    def edit(event, _app):
        Event.objects.filter(pk=event.pk).update(kind="partial_block", started_on=date(2019, 5, 5))

    def link(event, app):
        event.apps.add(app)

    def link_another(event, _app):
        event.apps.add(AppFactory(owner=other))

    def new_owner(_event, app):
        App.objects.filter(pk=app.pk).update(owner=other)

    for pair, first in product([(edit, link), (link, link_another), (new_owner, link)], [0, 1]):
        event, app = EventFactory(country=country("RU"), apps=[AppFactory(owner=owner)]), AppFactory(owner=owner)
        one, two = (lambda p=pair, e=event, a=app: p[0](e, a)), (lambda p=pair, e=event, a=app: p[1](e, a))
        at_once(one, two) if first == 0 else at_once(two, one)
        kept = cells()
        tallies.rebuild()
        assert kept == cells(), (pair, first)
