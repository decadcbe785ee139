"""`load_seed` writes the seed story, exactly, and a second run changes nothing."""

from datetime import date

import pytest
from django.core.management import call_command

from events.models import App, Authority, Event, Owner, Source, Statement

pytestmark = pytest.mark.django_db


def counts():
    return {model.__name__: model.objects.count() for model in (Event, App, Owner, Authority, Source, Statement)} | {
        "history": Event.history.count()
    }


def test_load_seed_creates_exactly_the_seed_records(seed_each):
    assert counts() == {
        "Event": 8,
        "App": 7,
        "Owner": 5,
        "Authority": 3,
        "Source": 10,
        "Statement": 4,
        "history": 24,  # each event: created, then its apps set, then its sources set
    }
    assert set(App.objects.values_list("slug", flat=True)) == {
        "whatsapp",
        "facebook",
        "instagram",
        "snapchat",
        "facetime",
        "max",
        "telegram",
    }
    assert set(Owner.objects.values_list("slug", flat=True)) >= {"meta", "snap", "apple", "vk"}
    assert Event.objects.public().count() == 8
    assert all(event.sources.exists() for event in Event.objects.all())


def test_load_seed_twice_changes_nothing(seed_each, capsys):
    before = counts()
    revisions = dict(Event.objects.values_list("pk", "revision"))
    call_command("load_seed")
    assert "nothing changed" in capsys.readouterr().out
    assert counts() == before
    assert dict(Event.objects.values_list("pk", "revision")) == revisions


def test_the_whatsapp_block_carries_its_story(seed_each):
    block = Event.objects.get(import_key="seed:whatsapp-block-2026")
    assert block.promoted_alternative.slug == "max"
    assert block.started_on == date(2026, 2, 12)
    assert block.users_affected == 66_000_000
    assert {s.speaker for s in block.statements.all()} == {"Dmitry Peskov", "WhatsApp"}
    assert {e.import_key for e in block.related.all()} == {"seed:whatsapp-calls-2025", "seed:meta-extremist-2022"}


def test_a_date_known_only_to_the_month_says_so(seed_each):
    telegram = Event.objects.get(import_key="seed:telegram-phased-2026")
    assert telegram.started_display == "February 2026"


def test_apps_in_force_in_russia_at_the_end_of_2025(seed_each):
    in_force = Event.objects.public().active_on(date(2025, 12, 31)).for_countries(["ru"])
    slugs = set(App.objects.filter(events__in=in_force).values_list("slug", flat=True))
    assert slugs == {"facebook", "instagram", "whatsapp", "telegram", "snapchat", "facetime"}
