"""The kept steps say what the status rule says, on every day, however the measures change."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from events import status_steps
from events.dates import shifted
from events.models import Event, PairStep
from events.status import status_on
from events.status_steps import STEP_COLUMNS, steps_on, stored_pairs, with_events
from tests.factories import AppFactory, EventFactory, OwnerFactory, country

pytestmark = pytest.mark.django_db


def rule(day):
    return {
        (p.country, p.app): (p.kind, list(p.features), p.since, p.scope, p.authorities, p.event_ids, p.overdue)
        for p in status_on(day)
    }


def kept(day):
    pairs = with_events(day, stored_pairs(list(steps_on(day).values_list(*STEP_COLUMNS))))
    return {
        (p.country, p.app): (p.kind, list(p.features), p.since, p.scope, p.authorities, p.event_ids, p.overdue)
        for p in pairs
    }


def days_of_interest():
    """Every day a measure starts, stops or its confirmation lapses, the days either side, and some
    plain days."""
    days = {date(2000, 1, 1), date(2026, 12, 31)}
    for started, ended, confirmed in Event.objects.values_list("started_on", "ended_on", "last_confirmed_on"):
        lapse = shifted(confirmed or started, days=settings.CONFIRMATION_MAX_AGE_DAYS + 1)
        for day in (started, ended, confirmed, lapse):
            if day:
                days |= {shifted(day, days=-1), day, shifted(day, days=1)} - {None}
    return sorted(days)


def assert_agree():
    for day in days_of_interest():
        assert kept(day) == rule(day), day


def test_edits_keep_the_steps_true(db):
    whatsapp, telegram = AppFactory(slug="whatsapp"), AppFactory(slug="telegram")
    calls = EventFactory(apps=[whatsapp], kind="feature_restriction", features=["voice_calls"],
                         started_on=date(2025, 8, 13))  # fmt: skip
    block = EventFactory(apps=[whatsapp], started_on=date(2026, 2, 12))
    assert_agree()
    block.ended_on = date(2026, 3, 1)  # lifted
    block.save()
    assert_agree()
    block.apps.add(telegram)  # now also Telegram
    assert_agree()
    calls.apps.remove(whatsapp)
    assert_agree()
    calls.apps.add(whatsapp)
    block.country = country("IR")  # moved to another country
    block.save()
    assert_agree()
    block.review_state = "retracted"
    block.save()
    assert_agree()
    calls.delete()
    assert_agree()
    assert not PairStep.objects.filter(app=whatsapp).exists()


def test_owner_level_measures_follow_the_owners_apps(db):
    meta = OwnerFactory(slug="meta")
    instagram = AppFactory(slug="instagram", owner=meta)
    EventFactory(apps=[instagram], started_on=date(2022, 3, 14))
    EventFactory(apps=[], owner=meta, kind="legal_designation", started_on=date(2022, 3, 21))
    assert_agree()
    threads = AppFactory(slug="threads", owner=meta)  # not public yet: named by no published event
    assert_agree()
    EventFactory(apps=[threads], country=country("IR"), started_on=date(2024, 1, 1))  # now public
    assert_agree()
    assert PairStep.objects.filter(app=threads, country="RU", kind="legal_designation").exists()
    threads.owner = OwnerFactory(slug="other")
    threads.save()
    assert_agree()
    assert not PairStep.objects.filter(app=threads, country="RU").exists()


def test_an_import_in_a_deferred_block_writes_the_steps_once_at_the_end(db, django_assert_max_num_queries):
    app = AppFactory()
    with status_steps.deferred():
        for year in range(2010, 2020):
            EventFactory(apps=[app], started_on=date(year, 1, 1), ended_on=date(year, 6, 30))
        assert not PairStep.objects.exists()
    assert PairStep.objects.count() == 10
    assert_agree()


def test_shutdowns_and_unknown_measures_and_the_calendars_ends(db):
    EventFactory(apps=[AppFactory()], kind="network_shutdown", country=country("IQ"), started_on=date(2025, 6, 1),
                 ended_on=date(2025, 6, 3), scope="Kurdistan")  # fmt: skip
    EventFactory(status="unknown", started_on=date(2025, 1, 10), last_confirmed_on=date(2025, 5, 4))
    EventFactory(started_on=date(1, 1, 1), ended_on=date(9999, 12, 31), country=country("CN"))
    EventFactory(status="announced", started_on=date(2025, 1, 1), country=country("TR"))
    assert_agree()
    assert not PairStep.objects.filter(country="TR").exists()


def test_deleting_an_app_makes_the_events_that_named_only_it_owner_level(db):
    meta = OwnerFactory(slug="meta")
    facebook, threads = AppFactory(slug="facebook", owner=meta), AppFactory(slug="threads", owner=meta)
    EventFactory(apps=[facebook], started_on=date(2022, 3, 4))
    EventFactory(apps=[threads], owner=meta, kind="legal_designation", started_on=date(2024, 1, 1))
    assert_agree()
    threads.delete()  # the designation now names no app: it applies to all of Meta's public apps
    assert_agree()
    assert PairStep.objects.filter(app=facebook, kind="full_block").exists()


def test_a_shutdown_against_an_owner_is_still_a_state_of_the_network(db):
    EventFactory(apps=[], owner=OwnerFactory(), kind="network_shutdown", country=country("IQ"))
    assert_agree()
    assert PairStep.objects.filter(country="IQ", app__isnull=True).exists()


def test_each_change_names_its_own_events(db):
    app = AppFactory()
    first = EventFactory(apps=[app], kind="feature_restriction", features=["voice_calls"], started_on=date(2025, 1, 1),
                         ended_on=date(2025, 12, 31))  # fmt: skip
    block = EventFactory(apps=[app], started_on=date(2025, 6, 1), ended_on=date(2025, 9, 30))
    changes = status_steps.changes_between(date(2024, 12, 31), date(2026, 6, 30))
    assert [(c.change, c.on, c.event_ids) for c in changes] == [
        ("imposed", date(2025, 1, 1), [first.pk]),
        ("escalated", date(2025, 6, 1), [first.pk, block.pk]),
        ("eased", date(2025, 10, 1), [first.pk]),
        ("lifted", date(2026, 1, 1), [first.pk]),
    ]
    escalated = changes[1]
    assert escalated.before.event_ids == [first.pk] and escalated.after.event_ids == [first.pk, block.pk]


def test_a_measure_no_source_confirms_for_a_year_is_marked_so_from_that_day(db):
    event = EventFactory(started_on=date(2020, 1, 1), last_confirmed_on=date(2021, 6, 30))
    lapse = date(2021, 6, 30) + timedelta(days=settings.CONFIRMATION_MAX_AGE_DAYS + 1)
    assert_agree()
    assert [(s.starts_on, s.ends_on, s.overdue) for s in PairStep.objects.order_by("starts_on")] == [
        (date(2020, 1, 1), lapse - timedelta(days=1), False),
        (lapse, None, True),
    ]
    today = timezone.localdate()
    EventFactory(apps=list(event.apps.all()), started_on=date(2022, 1, 1), last_confirmed_on=today)  # confirmed
    assert_agree()
    assert not steps_on(today).get().overdue


# The seed story is loaded once for the rest of the module (tests/conftest.py): these come last.


def test_the_seed_story_steps_agree_with_the_rule_every_day(seed):
    assert PairStep.objects.exists()
    assert_agree()


def test_a_rebuild_writes_the_same_steps(seed):
    before = sorted(PairStep.objects.values_list(*STEP_COLUMNS[1:]), key=str)
    assert status_steps.rebuild() == len(before)
    assert sorted(PairStep.objects.values_list(*STEP_COLUMNS[1:]), key=str) == before
