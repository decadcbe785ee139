"""History in the admin: who changed what and when, field by field, and reverting to an old version."""

import pytest
from django.urls import reverse

from events.models import Event
from tests.factories import AppFactory, EventFactory, SourceFactory
from tests.test_admin_helpers import editor, form_data, publisher

pytestmark = pytest.mark.django_db

State = Event.ReviewState


def edit(client, event, **changes):
    url = reverse("admin:events_event_change", args=[event.pk])
    response = client.post(url, form_data(client.get(url), **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def test_history_page_shows_the_editor_and_each_field_changed(client):
    client.force_login(editor("ana"))
    event = EventFactory(title="Russia slows Telegram", review_state=State.DRAFT)
    edit(client, event, title="Russia blocks Telegram", review_state=State.IN_REVIEW)
    page = client.get(reverse("admin:events_event_history", args=[event.pk]))
    html = page.content.decode()
    latest = page.context["page_obj"].object_list[0]
    assert latest.history_user.username == "ana"
    changes = {change["field"]: (change["old"], change["new"]) for change in latest.history_delta_changes}
    assert changes["Title"] == ("Russia slows Telegram", "Russia blocks Telegram")
    assert changes["Review state"] == ("Draft", "In review")
    assert latest.history_change_reason == "Changed Title and Review state."
    assert ">ana<" in html
    assert "Russia slows Telegram" in html and "Russia blocks Telegram" in html


def test_one_save_is_one_history_entry_even_when_apps_and_sources_change(client):
    client.force_login(editor())
    event = EventFactory(review_state=State.DRAFT)
    before = event.history.count()
    new_app, new_source = AppFactory(name="MAX"), SourceFactory()
    edit(client, event, title="Changed", apps=[new_app.pk], sources=[new_source.pk])
    assert event.history.count() == before + 1
    latest = event.history.first()
    assert [row.app_id for row in latest.apps.all()] == [new_app.pk]
    assert [row.source_id for row in latest.sources.all()] == [new_source.pk]
    changed = {change.field for change in latest.diff_against(latest.prev_record).changes}
    assert {"title", "apps", "sources"} <= changed


def test_a_new_event_made_in_the_admin_has_one_creation_entry(client):
    client.force_login(editor("ana"))
    app, source = AppFactory(), SourceFactory()
    url = reverse("admin:events_event_add")
    data = form_data(client.get(url))
    data.update(
        title="New",
        kind="full_block",
        country="RU",
        apps=[str(app.pk)],
        sources=[str(source.pk)],
        started_on="2024-05-01",
        started_precision="day",
        status="in_force",
        review_state="draft",
    )
    assert client.post(url, data).status_code == 302
    event = Event.objects.get(title="New")
    (entry,) = event.history.all()
    assert (entry.history_type, entry.history_user.username) == ("+", "ana")
    assert [row.app_id for row in entry.apps.all()] == [app.pk]


def test_revert_restores_an_earlier_version_with_its_apps_and_sources(client):
    user = editor("ana")
    client.force_login(user)
    first_app, first_source = AppFactory(name="Telegram"), SourceFactory(title="First report")
    event = EventFactory(
        title="Original title", review_state=State.DRAFT, apps=[first_app], sources=[first_source], summary="Old"
    )
    original = event.history.first()
    edit(client, event, title="Edited title", summary="New", apps=[AppFactory().pk], sources=[SourceFactory().pk])
    edit(client, event, review_state=State.IN_REVIEW)

    revert_url = reverse("admin:events_event_simple_history", args=[event.pk, original.history_id])
    page = client.get(revert_url)
    assert page.status_code == 200
    response = client.post(revert_url, form_data(page))
    assert response.status_code == 302, response.context["adminform"].form.errors

    event.refresh_from_db()
    assert (event.title, event.summary) == ("Original title", "Old")
    assert list(event.apps.all()) == [first_app]
    assert list(event.sources.all()) == [first_source]
    # The review state is not rewound: moving it is a separate, deliberate step.
    assert event.review_state == State.IN_REVIEW
    latest = event.history.first()
    assert latest.history_user == user
    assert latest.history_change_reason == "Reverted to an earlier version."


def test_a_revert_based_on_a_stale_page_is_refused_like_any_edit(client):
    client.force_login(editor())
    event = EventFactory(title="Original", review_state=State.DRAFT)
    original = event.history.first()
    revert_url = reverse("admin:events_event_simple_history", args=[event.pk, original.history_id])
    stale = client.get(revert_url)
    edit(client, event, title="Newer")
    assert client.post(revert_url, form_data(stale)).status_code == 200
    event.refresh_from_db()
    assert event.title == "Newer"


def test_reference_records_keep_history_with_the_editor(client):
    client.force_login(editor("ana"))
    app = AppFactory(name="Telegram", slug="telegram")
    url = reverse("admin:events_app_change", args=[app.pk])
    response = client.post(url, form_data(client.get(url), name="Telegram Messenger"))
    assert response.status_code == 302
    page = client.get(reverse("admin:events_app_history", args=[app.pk]))
    latest = page.context["page_obj"].object_list[0]
    assert latest.history_user.username == "ana"
    assert {c["field"]: c["new"] for c in latest.history_delta_changes}["Name"] == "Telegram Messenger"


def test_an_editor_cannot_change_a_published_event_by_reverting_it(client):
    # The revert form goes through the same workflow as any change: a version from when the event
    # was a draft does not make it editable again.
    event = EventFactory(title="Published title", review_state=State.DRAFT)
    draft_version = event.history.first()
    event.review_state = State.PUBLISHED
    event.save()
    published_version = event.history.first()
    client.force_login(editor())
    for version in (draft_version, published_version):
        url = reverse("admin:events_event_simple_history", args=[event.pk, version.history_id])
        page = client.get(url)
        assert page.status_code == 200  # a read-only view, not a server error
        assert 'name="title"' not in page.content.decode()
        assert client.post(url, {"title": "Rewritten", "review_state": State.PUBLISHED}).status_code == 403
    event.refresh_from_db()
    assert event.title == "Published title"


def test_a_publisher_may_revert_a_published_event(client):
    event = EventFactory(title="First", review_state=State.PUBLISHED)
    first = event.history.first()
    event.title = "Second"
    event.save()
    client.force_login(publisher())
    url = reverse("admin:events_event_simple_history", args=[event.pk, first.history_id])
    response = client.post(url, form_data(client.get(url)))
    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()
    assert (event.title, event.review_state) == ("First", State.PUBLISHED)
