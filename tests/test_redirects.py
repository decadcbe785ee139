"""Links never break: a changed slug, or a merged duplicate, keeps its old addresses as 301s."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import User
from django.urls import reverse

from events.models import App, Authority, Event, FormerSlug, Owner
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
    # The query string is kept on a page too.
    page = urls[0].format(old)
    assert client.get(page + "?utm_source=x").status_code == 301


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
    assert FormerSlug.objects.filter(kind="app", slug="hidden-app").exists()
    gone, never = client.get("/api/v1/apps/hidden-app/"), client.get("/api/v1/apps/never-was/")
    assert gone.status_code == never.status_code == 404
    assert gone.content == never.content
    assert client.get("/apps/hidden-app/").status_code == 404


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


def test_merging_owners_moves_their_apps_and_parents(client, seed):
    meta = Owner.objects.get(slug="meta")
    twin = Owner.objects.create(slug="meta-platforms-inc", name="Meta Platforms, Inc.")
    app = AppFactory(owner=twin)
    merge(client, make_user("root"), [meta, twin], meta)
    app.refresh_from_db()
    assert app.owner == meta
    assert client.get("/owners/meta-platforms-inc/")["Location"] == "/owners/meta/"


def test_an_editor_who_may_not_delete_cannot_merge(client, seed):
    whatsapp = App.objects.get(slug="whatsapp")
    duplicate = AppFactory(slug="whats-app")
    _asked, done = merge(client, editor(), [whatsapp, duplicate], whatsapp)
    assert App.objects.filter(slug="whats-app").exists()
    assert done.status_code in (302, 403)
