"""The event page's public change log: published revisions only, whole values, no editors' names."""

import pytest
from django.urls import reverse

from events.changelog import published_revisions
from events.models import Event
from tests.factories import EventFactory
from tests.test_admin_helpers import form_data, publisher

pytestmark = pytest.mark.django_db


def edit(client, event, **changes):
    url = reverse("admin:events_event_change", args=[event.pk])
    response = client.post(url, form_data(client.get(url), **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()


def test_a_published_change_is_shown_with_old_and_new_values_but_drafts_and_names_are_not(client, db):
    event = EventFactory(review_state=Event.ReviewState.DRAFT, summary="DRAFT-ONLY-WORDING")
    client.force_login(publisher("pia"))
    # Each admin save is its own edit only when minutes apart; move the history back to make them so.
    _age_history(event)
    edit(client, event, summary="Wording fixed before publishing.", review_state="in_review")
    _age_history(event)
    edit(client, event, review_state="published", summary="Russia blocked Snapchat on 10 October 2025.")
    _age_history(event)
    edit(client, event, status="lifted", ended_on="2026-06-01", ended_precision="day")
    page = client.get(event.get_absolute_url()).content.decode()
    section = page[page.index('id="changes-heading"') :]
    assert "first published" in section
    assert "DRAFT-ONLY-WORDING" not in page
    assert "Wording fixed before publishing." not in section  # a draft value, never published
    assert "Russia blocked Snapchat on 10 October 2025." in page  # the published wording, as the record
    assert "Was: In force" in section and "Now: Lifted" in section
    assert "Now: 1 June 2026" in section
    assert "pia" not in section
    revisions = published_revisions(event)
    assert [r.published for r in revisions] == [True, False]  # published, then lifted


def test_a_long_value_is_shown_whole(client, seed):
    event = Event.objects.get(import_key="seed:snapchat-block-2025")
    client.force_login(publisher("pia"))
    _age_history(event)
    long_text = "A long account. " * 80
    edit(client, event, description=long_text)
    section = client.get(event.get_absolute_url()).content.decode().split('id="changes-heading"')[1]
    assert long_text.strip() in section


def test_a_record_never_changed_shows_only_its_publication(client, seed):
    event = Event.objects.get(import_key="seed:snapchat-block-2025")
    assert [r.published for r in published_revisions(event)] == [True]


def _age_history(event, days=1):
    """Move the event's history back in time, as if the saves so far were made a day earlier."""
    from datetime import timedelta

    for record in event.history.all():
        record.history_date -= timedelta(days=days)
        record.save()


def test_the_change_log_costs_the_same_queries_however_many_revisions(client, db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    event = EventFactory()
    user = publisher("pia")

    def queries():
        client.logout()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(event.get_absolute_url()).status_code == 200
        client.force_login(user)
        return len(captured)

    one = queries()
    for number in range(4):
        _age_history(event)
        edit(client, event, summary=f"Revision {number}.")
    assert len(published_revisions(event)) == 5
    assert queries() == one
