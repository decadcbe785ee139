"""Who may do what in the admin: anonymous visitors nothing, editors write and submit, publishers publish."""

import pytest
from django.urls import reverse

from events.models import Event
from tests.factories import EventFactory, SourceFactory
from tests.test_admin_helpers import editor, form_data, publisher

pytestmark = pytest.mark.django_db

State = Event.ReviewState


def admin_urls(event):
    return [
        reverse("admin:index"),
        reverse("admin:events_event_changelist"),
        reverse("admin:events_event_add"),
        reverse("admin:events_event_change", args=[event.pk]),
        reverse("admin:events_event_history", args=[event.pk]),
        reverse("admin:events_event_import"),
        reverse("admin:events_event_export"),
        reverse("admin:events_source_changelist"),
        reverse("admin:events_app_changelist"),
        reverse("admin:events_owner_changelist"),
        reverse("admin:events_authority_changelist"),
        reverse("admin:events_country_changelist"),
        reverse("admin:autocomplete") + "?app_label=events&model_name=event&field_name=apps&term=a",
    ]


def test_anonymous_visitors_are_sent_to_the_login_page_from_every_admin_page(client):
    event = EventFactory(review_state=State.DRAFT)
    for url in admin_urls(event):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url


def test_anonymous_posts_change_nothing(client):
    event = EventFactory(title="Untouched", review_state=State.IN_REVIEW)
    response = client.post(reverse("admin:events_event_change", args=[event.pk]), {"title": "Vandalised"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Untouched"


def test_editors_and_publishers_see_every_admin_page(client):
    event = EventFactory(review_state=State.DRAFT)
    for user in (editor(), publisher()):
        client.force_login(user)
        for url in admin_urls(event):
            assert client.get(url).status_code == 200, (user, url)


def test_editor_is_offered_only_the_states_an_editor_may_choose(client):
    client.force_login(editor())
    in_review = EventFactory(review_state=State.IN_REVIEW)
    response = client.get(reverse("admin:events_event_change", args=[in_review.pk]))
    choices = [value for value, _ in response.context["adminform"].form.fields["review_state"].choices]
    assert choices == [State.DRAFT, State.IN_REVIEW]


def test_publisher_is_offered_publication(client):
    client.force_login(publisher())
    in_review = EventFactory(review_state=State.IN_REVIEW)
    response = client.get(reverse("admin:events_event_change", args=[in_review.pk]))
    choices = [value for value, _ in response.context["adminform"].form.fields["review_state"].choices]
    assert choices == [State.DRAFT, State.IN_REVIEW, State.PUBLISHED]


def test_editor_cannot_publish_through_the_form(client):
    client.force_login(editor())
    event = EventFactory(review_state=State.IN_REVIEW, title="Waiting")
    url = reverse("admin:events_event_change", args=[event.pk])
    response = client.post(url, form_data(client.get(url), review_state=State.PUBLISHED))
    assert response.status_code == 200
    assert "only publishers publish" in str(response.context["adminform"].form.errors["review_state"])
    event.refresh_from_db()
    assert event.review_state == State.IN_REVIEW


def test_publisher_can_publish_through_the_form(client):
    client.force_login(publisher())
    event = EventFactory(review_state=State.IN_REVIEW)
    url = reverse("admin:events_event_change", args=[event.pk])
    response = client.post(url, form_data(client.get(url), review_state=State.PUBLISHED))
    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()
    assert event.review_state == State.PUBLISHED


def test_editor_sees_a_published_event_read_only_and_cannot_change_it(client):
    client.force_login(editor())
    event = EventFactory(title="Public record", features=["voice_calls", "video_calls"])
    url = reverse("admin:events_event_change", args=[event.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    html = page.content.decode()
    assert "only a publisher can change or retract it" in html
    assert "Voice calls, Video calls" in html
    assert client.post(url, {"title": "Rewritten"}).status_code == 403
    event.refresh_from_db()
    assert event.title == "Public record"


def test_publisher_can_correct_a_published_event(client):
    client.force_login(publisher())
    event = EventFactory(title="Public record")
    url = reverse("admin:events_event_change", args=[event.pk])
    response = client.post(url, form_data(client.get(url), title="Public record, corrected"))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Public record, corrected"


def test_publish_and_retract_actions_are_offered_to_publishers_only(client):
    EventFactory(review_state=State.DRAFT)
    url = reverse("admin:events_event_changelist")
    client.force_login(editor())
    editor_actions = [name for name, _ in client.get(url).context["action_form"].fields["action"].choices]
    client.force_login(publisher("pia"))
    publisher_actions = [name for name, _ in client.get(url).context["action_form"].fields["action"].choices]
    assert "publish" not in editor_actions and "retract" not in editor_actions
    assert "submit_for_review" in editor_actions
    assert {"publish", "retract", "submit_for_review", "back_to_draft"} <= set(publisher_actions)


def test_editor_posting_the_publish_action_anyway_publishes_nothing(client):
    client.force_login(editor())
    event = EventFactory(review_state=State.IN_REVIEW)
    client.post(
        reverse("admin:events_event_changelist"),
        {"action": "publish", "_selected_action": [event.pk]},
    )
    event.refresh_from_db()
    assert event.review_state == State.IN_REVIEW


def test_nobody_but_an_administrator_deletes_events(client):
    event = EventFactory(review_state=State.DRAFT)
    for user in (editor(), publisher()):
        client.force_login(user)
        response = client.post(reverse("admin:events_event_delete", args=[event.pk]), {"post": "yes"})
        assert response.status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()


def test_countries_are_read_only_even_for_publishers(client):
    client.force_login(publisher())
    url = reverse("admin:events_country_change", args=["RU"])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert client.post(url, {"name": "Renamed"}).status_code == 403
    assert client.get(reverse("admin:events_country_add")).status_code == 403


def test_editors_can_import_and_export_events_but_a_view_only_user_cannot_import(client):
    from django.contrib.auth.models import Permission, User

    viewer = User.objects.create_user("vic", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_event"))
    client.force_login(viewer)
    assert client.get(reverse("admin:events_event_import")).status_code == 403
    assert client.get(reverse("admin:events_event_export")).status_code == 200
    client.force_login(editor())
    assert client.get(reverse("admin:events_event_import")).status_code == 200
    SourceFactory()
    assert client.get(reverse("admin:events_source_import")).status_code == 200
