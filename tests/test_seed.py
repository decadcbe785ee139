"""`load_seed` writes the seed story, exactly, and a second run changes nothing."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from events.models import App, Authority, Event, Owner, Source, Statement
from events.seed.loader import load_seed
from tests.test_admin_helpers import form_data, make_user, publisher

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


# Nothing an editor did is undone: `make run` loads the seed every time.


def edit_in_admin(client, event, **changes):
    client.force_login(publisher())
    url = reverse("admin:events_event_change", args=[event.pk])
    response = client.post(url, form_data(client.get(url), **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_a_publishers_edit_to_a_seed_event_survives_load_seed(client, seed_each):
    event = Event.objects.get(import_key="seed:whatsapp-block-2026")
    edit_in_admin(client, event, title="Russia blocks WhatsApp nationwide")
    out = StringIO()
    call_command("load_seed", stdout=out)
    event.refresh_from_db()
    assert event.title == "Russia blocks WhatsApp nationwide"
    assert event.history.first().history_user.username == "pia"  # the latest change is still hers
    assert f"conflict: event {event.pk} (Russia blocks WhatsApp nationwide): an editor changed it" in out.getvalue()
    assert "title not applied" in out.getvalue()


def test_an_unchanged_seed_event_an_editor_saved_is_no_conflict(client, seed_each):
    event = Event.objects.get(import_key="seed:snapchat-block-2025")
    edit_in_admin(client, event)  # saved as it was
    out = StringIO()
    call_command("load_seed", stdout=out)
    assert "conflict" not in out.getvalue()


def test_a_seed_event_an_editor_deleted_is_not_brought_back(client, seed_each):
    event = Event.objects.get(import_key="seed:facetime-restriction-2025")
    client.force_login(make_user("root"))
    response = client.post(reverse("admin:events_event_delete", args=[event.pk]), {"post": "yes"})
    assert response.status_code == 302
    call_command("load_seed", stdout=StringIO())
    assert not Event.objects.filter(import_key="seed:facetime-restriction-2025").exists()
    assert Event.objects.count() == 7


def test_a_statement_an_editor_reworded_is_not_added_again(seed_each):
    statement = Statement.objects.filter(event__import_key="seed:whatsapp-block-2026").first()
    statement.text = "Reworded by an editor."
    statement._history_user = publisher()
    statement.save()
    before = Statement.objects.count()
    load_seed()
    assert Statement.objects.count() == before
    assert Statement.objects.filter(text="Reworded by an editor.").exists()


def test_a_program_change_is_brought_back_to_the_seed(seed_each):
    """What no person touched is the seed's: a command's stray change is put right on the next run."""
    Event.objects.filter(import_key="seed:snapchat-block-2025").update(title="Garbled")
    event = Event.objects.get(import_key="seed:snapchat-block-2025")
    event.save()  # a history record without a user, as a command writes
    load_seed()
    event.refresh_from_db()
    assert event.title == "Russia blocks Snapchat"


def test_a_renamed_app_is_followed_not_duplicated(client, seed_each):
    app = App.objects.get(slug="whatsapp")
    client.force_login(make_user("root"))
    url = reverse("admin:events_app_change", args=[app.pk])
    response = client.post(url, form_data(client.get(url), slug="whatsapp-messenger"))
    assert response.status_code == 302
    tally = load_seed()
    assert not App.objects.filter(slug="whatsapp").exists()
    assert App.objects.get(pk=app.pk).slug == "whatsapp-messenger"
    assert any("renamed or merged by an editor" in conflict for conflict in tally.conflicts)


def test_an_app_merged_into_another_is_left_to_the_survivor(client, seed_each):
    from events.merging import merge
    from tests.factories import AppFactory

    telegram = App.objects.get(slug="telegram")
    survivor = AppFactory(slug="telegram-messenger", name="Telegram Messenger app")
    merge(survivor, [telegram])  # as a program would: no user on the history
    tally = load_seed()  # must not fail, nor rename the survivor back
    survivor.refresh_from_db()
    assert (survivor.slug, survivor.name) == ("telegram-messenger", "Telegram Messenger app")
    assert not App.objects.filter(slug="telegram").exists()
    assert any("renamed or merged by an editor" in conflict for conflict in tally.conflicts)
