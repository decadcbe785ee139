"""The review workflow in the admin: draft → in review → published → retracted, and its refusals."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from events.models import Event, review
from tests.factories import AppFactory, EventFactory, SourceFactory, country
from tests.test_admin_helpers import editor, form_data, publisher

pytestmark = pytest.mark.django_db

State = Event.ReviewState


def change(client, event, **changes):
    url = reverse("admin:events_event_change", args=[event.pk])
    return client.post(url, form_data(client.get(url), **changes))


def errors(response):
    return response.context["adminform"].form.errors


def new_event_data(**changes):
    """A complete add-form submission for a new event (no statements)."""
    data = {
        "title": "Russia restricts calls in WhatsApp",
        "kind": Event.Kind.FEATURE_RESTRICTION,
        "features": ["voice_calls", "video_calls"],
        "country": "RU",
        "apps": [AppFactory(slug="whatsapp", name="WhatsApp").pk],
        "status": Event.Status.IN_FORCE,
        "started_on": "2025-08-13",
        "started_precision": "day",
        "review_state": State.DRAFT,
        "statements-TOTAL_FORMS": "0",
        "statements-INITIAL_FORMS": "0",
        "statements-MIN_NUM_FORMS": "0",
        "statements-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_editor_creates_a_draft_with_features_ticked_and_a_source(client):
    user = editor()
    client.force_login(user)
    source = SourceFactory()
    response = client.post(reverse("admin:events_event_add"), new_event_data(sources=[source.pk]))
    assert response.status_code == 302, errors(response)
    event = Event.objects.get()
    assert event.review_state == State.DRAFT
    assert event.features == ["voice_calls", "video_calls"]
    assert list(event.sources.all()) == [source]
    assert event.history.get().history_user == user


def test_statements_are_entered_on_the_event_page(client):
    client.force_login(editor())
    source = SourceFactory()
    data = new_event_data(sources=[source.pk])
    data.update(
        {
            "statements-TOTAL_FORMS": "1",
            "statements-0-speaker": "Dmitry Peskov",
            "statements-0-role": "Kremlin spokesman",
            "statements-0-text": "Such a decision was indeed made.",
            "statements-0-said_on": "2025-08-13",
            "statements-0-source": str(source.pk),
        }
    )
    response = client.post(reverse("admin:events_event_add"), data)
    assert response.status_code == 302, errors(response)
    statement = Event.objects.get().statements.get()
    assert (statement.speaker, statement.source) == ("Dmitry Peskov", source)


def test_editor_submits_a_draft_for_review(client):
    client.force_login(editor())
    event = EventFactory(review_state=State.DRAFT)
    assert change(client, event, review_state=State.IN_REVIEW).status_code == 302
    event.refresh_from_db()
    assert event.review_state == State.IN_REVIEW


def test_a_publisher_may_create_an_event_published_when_it_has_a_source(client):
    # One workflow for the form and imports alike: a publisher's new, sourced event may go straight out.
    client.force_login(publisher())
    response = client.post(
        reverse("admin:events_event_add"), new_event_data(review_state=State.PUBLISHED, sources=[SourceFactory().pk])
    )
    assert response.status_code == 302, errors(response)
    assert Event.objects.get().review_state == State.PUBLISHED


def test_a_new_event_without_a_source_cannot_be_created_published(client):
    client.force_login(publisher())
    response = client.post(reverse("admin:events_event_add"), new_event_data(review_state=State.PUBLISHED))
    assert response.status_code == 200
    assert errors(response)["review_state"] == [review.NO_SOURCE]
    assert not Event.objects.exists()


def test_an_editor_cannot_create_an_event_published(client):
    client.force_login(editor())
    response = client.post(
        reverse("admin:events_event_add"), new_event_data(review_state=State.PUBLISHED, sources=[SourceFactory().pk])
    )
    assert response.status_code == 200
    assert "review_state" in errors(response)
    assert not Event.objects.exists()


def test_publishing_without_a_source_is_refused_next_to_the_review_state(client):
    client.force_login(publisher())
    event = EventFactory(review_state=State.IN_REVIEW, sources=[])
    response = change(client, event, review_state=State.PUBLISHED)
    assert response.status_code == 200
    assert errors(response)["review_state"] == [review.NO_SOURCE]
    event.refresh_from_db()
    assert event.review_state == State.IN_REVIEW


def test_publishing_together_with_the_first_source_counts_that_source(client):
    client.force_login(publisher())
    event = EventFactory(review_state=State.IN_REVIEW, sources=[])
    source = SourceFactory()
    response = change(client, event, review_state=State.PUBLISHED, sources=[source.pk])
    assert response.status_code == 302, errors(response)
    event.refresh_from_db()
    assert event.review_state == State.PUBLISHED
    assert list(event.sources.all()) == [source]


def test_removing_the_last_source_of_a_published_event_is_refused(client):
    client.force_login(publisher())
    event = EventFactory()
    response = change(client, event, sources=[])
    assert response.status_code == 200
    assert "retract it first" in str(errors(response)["sources"])
    assert event.sources.count() == 1


def test_a_skipped_step_is_refused_with_the_states_named(client):
    client.force_login(publisher())
    event = EventFactory(review_state=State.DRAFT)
    response = change(client, event, review_state=State.PUBLISHED)
    assert response.status_code == 200
    assert "review_state" in errors(response)
    event.refresh_from_db()
    assert event.review_state == State.DRAFT


def test_clear_date_errors_appear_next_to_the_field_at_fault(client):
    client.force_login(editor())
    response = client.post(
        reverse("admin:events_event_add"),
        new_event_data(started_on="2025-12-15", started_precision="month", ended_on="2025-01-01"),
    )
    assert response.status_code == 200
    form_errors = errors(response)
    assert "use 2025-12-01 for December 2025" in str(form_errors["started_on"])
    assert "before the start date" in str(form_errors["ended_on"])
    assert b'class="errorlist' in response.content


def test_bulk_submit_moves_drafts_and_names_each_event_it_refuses(client):
    client.force_login(editor())
    drafts = [EventFactory(review_state=State.DRAFT, title=f"Draft {n}") for n in range(2)]
    waiting = EventFactory(review_state=State.IN_REVIEW, title="Already waiting")
    response = client.post(
        reverse("admin:events_event_changelist"),
        {"action": "submit_for_review", "_selected_action": [e.pk for e in [*drafts, waiting]]},
        follow=True,
    )
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert "2 events submitted for review." in texts
    assert any(t.startswith("“Already waiting” was not submitted for review") for t in texts)
    assert set(Event.objects.filter(review_state=State.IN_REVIEW).values_list("title", flat=True)) == {
        "Draft 0",
        "Draft 1",
        "Already waiting",
    }


def test_bulk_publish_refuses_an_event_without_sources_and_publishes_the_rest(client):
    client.force_login(publisher())
    sourced = EventFactory(review_state=State.IN_REVIEW, title="Sourced")
    bare = EventFactory(review_state=State.IN_REVIEW, title="Bare", sources=[])
    response = client.post(
        reverse("admin:events_event_changelist"),
        {"action": "publish", "_selected_action": [sourced.pk, bare.pk]},
        follow=True,
    )
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert "1 event published." in texts
    assert f"“Bare” was not published: {review.NO_SOURCE}" in texts
    sourced.refresh_from_db()
    bare.refresh_from_db()
    assert (sourced.review_state, bare.review_state) == (State.PUBLISHED, State.IN_REVIEW)


def test_bulk_retract_then_back_to_draft(client):
    user = publisher()
    client.force_login(user)
    event = EventFactory()
    url = reverse("admin:events_event_changelist")
    client.post(url, {"action": "retract", "_selected_action": [event.pk]})
    event.refresh_from_db()
    assert event.review_state == State.RETRACTED
    latest = event.history.first()
    assert (latest.history_user, latest.history_change_reason) == (user, "Retracted (bulk action).")
    client.post(url, {"action": "back_to_draft", "_selected_action": [event.pk]})
    event.refresh_from_db()
    assert event.review_state == State.DRAFT


def test_view_on_site_is_offered_for_published_events_only(client):
    client.force_login(publisher())
    published = EventFactory()
    draft = EventFactory(review_state=State.DRAFT, started_on=date(2020, 1, 1), country=country("IR"))
    page = client.get(reverse("admin:events_event_change", args=[published.pk]))
    assert page.context["has_absolute_url"] is True
    assert b"viewsitelink" in page.content
    page = client.get(reverse("admin:events_event_change", args=[draft.pk]))
    assert page.context["has_absolute_url"] is False
    assert b"viewsitelink" not in page.content
