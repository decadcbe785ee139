"""Links never break: a changed slug, or a merged duplicate, keeps its old addresses as 301s."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import User
from django.core.cache import cache
from django.urls import reverse

from events.models import App, Authority, Country, Event, FormerSlug, Measurement, Owner
from tests.factories import AppFactory, EventFactory
from tests.test_admin_helpers import editor, form_data, make_user

pytestmark = pytest.mark.django_db


def rename(client, obj, slug):
    """Change the slug in the admin, as an editor would."""
    client.force_login(User.objects.filter(username="root").first() or make_user("root"))
    url = reverse(f"admin:events_{obj._meta.model_name}_change", args=[obj.pk])
    response = client.post(url, form_data(client.get(url), slug=slug))
    assert response.status_code == 302, response.context["adminform"].form.errors
    client.logout()


@pytest.mark.parametrize(
    ("model", "old", "new", "urls"),
    [
        (App, "whatsapp", "whatsapp-messenger", ["/apps/{}/", "/feeds/apps/{}/", "/api/v1/apps/{}/"]),
        (Owner, "meta", "meta-platforms", ["/owners/{}/", "/api/v1/owners/{}/"]),
        (Authority, "roskomnadzor", "rkn", ["/authorities/{}/", "/api/v1/authorities/{}/"]),
    ],
)
def test_a_changed_slug_redirects_pages_feeds_and_api_details(client, seed, model, old, new, urls):
    rename(client, model.objects.get(slug=old), new)
    for url in urls:
        response = client.get(url.format(old) + "?format=json" * url.startswith("/api/"))
        assert response.status_code == 301, url
        assert response["Location"] == url.format(new) + "?format=json" * url.startswith("/api/")
        assert client.get(response["Location"]).status_code == 200
    # The query string is kept on a page too, and a slug in another case is not a redirect to itself.
    page = urls[0].format(old)
    assert client.get(page + "?x=1")["Location"] == urls[0].format(new) + "?x=1"
    api = urls[-1].format(old.upper())
    assert client.get(api)["Location"] == urls[-1].format(new)


@pytest.mark.parametrize(
    ("parameter", "model", "old", "new"),
    [
        ("app", App, "whatsapp", "wa"),
        ("owner", Owner, "meta", "meta-platforms"),
        ("authority", Authority, "roskomnadzor", "rkn"),
    ],
)
def test_a_filter_takes_a_former_slug_as_its_record(client, seed, parameter, model, old, new):
    def ids(query):
        response = client.get(f"/api/v1/events/?{query}")
        assert response.status_code == 200, response.content
        return [event["id"] for event in response.json()["results"]]

    before = ids(f"{parameter}={old}")
    assert before
    rename(client, model.objects.get(slug=old), new)
    assert ids(f"{parameter}={old}") == ids(f"{parameter}={old},{new}") == ids(f"{parameter}={new}") == before
    assert client.get(f"/timeline/?{parameter}={old}").status_code == 200


def test_a_chain_of_renames_leads_every_old_slug_to_the_record(client, seed):
    app = App.objects.get(slug="telegram")
    rename(client, app, "telegram-messenger")
    rename(client, App.objects.get(pk=app.pk), "telegram-app")
    for old in ("telegram", "telegram-messenger"):
        assert client.get(f"/apps/{old}/")["Location"] == "/apps/telegram-app/"


def test_a_record_that_takes_an_old_slug_is_the_live_one(client, seed):
    rename(client, App.objects.get(slug="max"), "max-messenger")
    newcomer = AppFactory(slug="max", name="Max (another)")
    EventFactory(apps=[newcomer])
    assert not FormerSlug.objects.filter(kind="app", slug="max").exists()
    assert client.get("/apps/max/").status_code == 200
    assert client.get("/apps/max-messenger/").status_code == 200


def test_the_old_slug_of_a_record_the_public_cannot_see_is_a_plain_404(client, db):
    hidden = AppFactory(slug="hidden-app")
    EventFactory(apps=[hidden], review_state=Event.ReviewState.DRAFT)
    hidden.slug = "still-hidden"
    hidden.save()
    # Its old address was never public: no redirect is kept, so publishing it later reveals nothing.
    assert not FormerSlug.objects.filter(kind="app", slug="hidden-app").exists()
    gone, never = client.get("/api/v1/apps/hidden-app/"), client.get("/api/v1/apps/never-was/")
    assert gone.status_code == never.status_code == 404
    assert gone.content == never.content
    gone, never = client.get("/apps/hidden-app/"), client.get("/apps/never-was/")
    assert gone.status_code == never.status_code == 404
    assert gone.content.replace(b"hidden-app", b"never-was") == never.content
    assert client.get("/feeds/apps/hidden-app/").status_code == 404
    gone, never = client.get("/api/v1/events/?app=hidden-app"), client.get("/api/v1/events/?app=never-was")
    assert gone.status_code == never.status_code == 400
    assert gone.content.replace(b"hidden-app", b"never-was") == never.content


def test_a_rename_undone_from_the_history_keeps_both_addresses(client, seed):
    app = App.objects.get(slug="telegram")
    rename(client, app, "telegram-messenger")
    App.objects.get(pk=app.pk).history.earliest().instance.save()  # as the admin's history revert does
    assert App.objects.get(pk=app.pk).slug == "telegram"
    assert not FormerSlug.objects.filter(kind="app", slug="telegram").exists()
    assert client.get("/apps/telegram-messenger/")["Location"] == "/apps/telegram/"


def test_a_kept_page_is_not_served_after_a_rename(client, seed, settings):
    settings.PUBLIC_CACHE_SECONDS, settings.PUBLIC_CACHE_SHARED = 60, True
    cache.clear()
    assert client.get("/apps/whatsapp/").status_code == 200
    assert client.get("/apps/whatsapp/")["X-Cache"] == "hit"
    app = App.objects.get(slug="whatsapp")
    app.slug = "wa"
    app.save()  # the shell, an import: no admin involved
    assert client.get("/apps/whatsapp/").status_code == 301
    assert client.get("/apps/wa/").status_code == 200


def merge(client, user, records, survivor):
    url = reverse(f"admin:events_{survivor._meta.model_name}_changelist")
    client.force_login(user)
    data = {"action": "merge_selected", ACTION_CHECKBOX_NAME: [r.pk for r in records]}
    asked = client.post(url, data)
    return asked, client.post(url, {**data, "confirm": "yes", "survivor": survivor.pk})


def test_merging_a_duplicate_moves_its_events_and_redirects_its_addresses(client, seed):
    whatsapp = App.objects.get(slug="whatsapp")
    duplicate = AppFactory(slug="whats-app", name="Whats App", owner=whatsapp.owner)
    event = EventFactory(apps=[duplicate], promoted_alternative=duplicate)
    both_ids = set(Event.objects.filter(apps=whatsapp).values_list("pk", flat=True)) | {event.pk}
    asked, done = merge(client, make_user("root"), [whatsapp, duplicate], whatsapp)
    assert asked.status_code == 200 and "Choose the app that stays" in asked.content.decode()
    assert done.status_code == 302
    assert not App.objects.filter(slug="whats-app").exists()
    assert set(Event.objects.filter(apps=whatsapp).values_list("pk", flat=True)) == both_ids
    event.refresh_from_db()
    assert event.promoted_alternative == whatsapp
    assert client.get("/apps/whats-app/")["Location"] == "/apps/whatsapp/"
    assert client.get("/api/v1/apps/whats-app/")["Location"] == "/api/v1/apps/whatsapp/"
    # The move is in the event's history, under the editor's name.
    assert event.history.first().history_user.username == "root"


def test_merging_moves_measurements_and_the_duplicates_former_slugs(client, seed):
    signal = App.objects.get(slug="telegram")
    duplicate = AppFactory(slug="tg", name="TG")
    EventFactory(apps=[duplicate])  # public, so its addresses were known
    duplicate.slug = "tg-app"
    duplicate.save()  # so "tg" is a former slug of the duplicate
    day = datetime.date(2020, 1, 1)
    Measurement.objects.create(
        country=Country.objects.get(code="RU"), app=duplicate, test_name="tg-test", day=day, measurement_count=3,
        anomaly_count=1, confirmed_count=0, failure_count=0, dataset="test",
    )  # fmt: skip
    merge(client, make_user("root"), [signal, duplicate], signal)
    assert Measurement.objects.get(test_name="tg-test").app == signal
    for old in ("tg", "tg-app"):
        assert client.get(f"/apps/{old}/")["Location"] == "/apps/telegram/"


def test_merging_owners_moves_their_apps_and_parents(client, seed):
    meta = Owner.objects.get(slug="meta")
    twin = Owner.objects.create(slug="meta-platforms-inc", name="Meta Platforms, Inc.")
    app = AppFactory(owner=twin)
    EventFactory(apps=[app])  # the twin owns a public app: it is public
    merge(client, make_user("root"), [meta, twin], meta)
    app.refresh_from_db()
    assert app.owner == meta
    assert client.get("/owners/meta-platforms-inc/")["Location"] == "/owners/meta/"


def test_an_editor_who_may_not_delete_cannot_merge(client, seed):
    whatsapp = App.objects.get(slug="whatsapp")
    duplicate = AppFactory(slug="whats-app")
    user = editor()
    client.force_login(user)
    assert "merge_selected" not in client.get(reverse("admin:events_app_changelist")).content.decode()
    _asked, done = merge(client, user, [whatsapp, duplicate], whatsapp)
    assert "Choose the app that stays" not in done.content.decode()  # the list again, "No action selected"
    assert App.objects.filter(slug="whats-app").exists()
    assert not FormerSlug.objects.filter(slug="whats-app").exists()


def test_merging_a_draft_only_duplicate_keeps_no_redirect_to_reveal_it(client, seed):
    whatsapp = App.objects.get(slug="whatsapp")
    hidden = AppFactory(slug="codename-orchid")
    EventFactory(apps=[hidden], review_state=Event.ReviewState.DRAFT)
    merge(client, make_user("root2"), [whatsapp, hidden], whatsapp)
    assert not App.objects.filter(slug="codename-orchid").exists()
    assert client.get("/apps/codename-orchid/").status_code == 404
