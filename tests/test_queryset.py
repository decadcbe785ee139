"""The QuerySets that every page, endpoint and export builds on."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event
from tests.factories import AppFactory, EventFactory, OwnerFactory, StatementFactory

pytestmark = pytest.mark.django_db


def test_public_holds_only_published_events():
    published = EventFactory()
    for state in ("draft", "in_review", "retracted"):
        EventFactory(review_state=state)
    assert list(Event.objects.public()) == [published]


@pytest.fixture
def lifted():
    """In force from 2025-12-04 to 2026-01-31."""
    return EventFactory(started_on=date(2025, 12, 4), ended_on=date(2026, 1, 31), status=Event.Status.LIFTED)


@pytest.mark.parametrize(
    ("day", "in_force"),
    [
        (date(2025, 12, 3), False),  # the day before it started
        (date(2025, 12, 4), True),  # its start day
        (date(2026, 1, 31), True),  # its end day
        (date(2026, 2, 1), False),  # the day after it ended
    ],
)
def test_active_on_includes_the_start_and_end_days(lifted, day, in_force):
    assert (lifted in Event.objects.active_on(day)) is in_force


def test_active_on_an_open_ended_event_lasts_until_today_and_beyond():
    event = EventFactory(started_on=date(2022, 3, 4))
    assert event in Event.objects.active_on(date(2030, 1, 1))
    assert event not in Event.objects.active_on(date(2022, 3, 3))


def test_an_announced_event_is_not_in_force_even_after_its_date():
    event = EventFactory(started_on=date(2026, 1, 1), status=Event.Status.ANNOUNCED)
    assert event not in Event.objects.active_on(date(2026, 6, 1))


def test_for_owners_matches_the_owner_targeted_and_the_apps_it_owns():
    meta = OwnerFactory(slug="meta")
    designation = EventFactory(owner=meta, apps=[])
    app_block = EventFactory(apps=[AppFactory(owner=meta)])
    EventFactory()  # someone else's app
    assert set(Event.objects.for_owners(["meta"])) == {designation, app_block}


def test_for_apps_returns_each_event_once_even_with_several_matching_apps():
    a, b = AppFactory(slug="a"), AppFactory(slug="b")
    event = EventFactory(apps=[a, b])
    assert list(Event.objects.for_apps(["a", "b"])) == [event]


def test_search_matches_app_names():
    event = EventFactory(apps=[AppFactory(name="WhatsApp")])
    EventFactory()
    assert list(Event.objects.search("whatsapp")) == [event]


def _fetch_all():
    """Touch everything a display of the events reads, as a page or the API would."""
    return [
        (
            event.country.name,
            event.authority,
            event.owner,
            event.promoted_alternative,
            [(app.name, app.owner.name) for app in event.apps.all()],
            [s.url for s in event.sources.all()],
            [(s.text, s.source.url) for s in event.statements.all()],
            [r.country.name for r in event.related.all()],
        )
        for event in Event.objects.public().with_related()
    ]


def test_with_related_costs_the_same_for_one_event_and_for_fifty():
    StatementFactory()
    with CaptureQueriesContext(connection) as one:
        _fetch_all()
    for _ in range(49):
        StatementFactory()
    with CaptureQueriesContext(connection) as fifty:
        _fetch_all()
    # events with country/owner/authority/alternative; apps with owners; sources; statements with
    # their source; related events with their country.
    assert len(one) == len(fifty) == 5


def test_with_related_never_brings_in_an_unpublished_related_event():
    event = EventFactory()
    hidden = EventFactory(review_state="draft")
    event.related.add(hidden)
    (fetched,) = Event.objects.public().with_related()
    assert list(fetched.related.all()) == []


def test_the_shared_filters_refuse_a_fractional_year():
    from django.http import QueryDict

    from events.filters import EventFilterSet

    filters = EventFilterSet(QueryDict("year=2022.5"), queryset=Event.objects.public())
    assert not filters.is_valid()
    assert "year" in filters.errors


def test_the_shared_ordering_puts_open_ended_events_last_when_sorting_by_end_date():
    from django.http import QueryDict

    from events.filters import EventFilterSet

    open_ended = EventFactory(started_on=date(2026, 1, 1))
    ended = EventFactory(started_on=date(2025, 1, 1), ended_on=date(2025, 6, 1), status=Event.Status.LIFTED)
    ascending = EventFilterSet(QueryDict("ordering=ended_on"), queryset=Event.objects.public()).qs
    descending = EventFilterSet(QueryDict("ordering=-ended_on"), queryset=Event.objects.public()).qs
    assert list(ascending) == [ended, open_ended]
    assert list(descending) == [open_ended, ended]
