"""No lost edits: of two editors who opened the same event, the second to save is refused."""

import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Event
from tests.factories import EventFactory
from tests.migration_data import restore_migration_data
from tests.test_admin_helpers import editor, form_data

State = Event.ReviewState


def url_of(event):
    return reverse("admin:events_event_change", args=[event.pk])


@pytest.mark.django_db
def test_second_of_two_concurrent_edits_is_refused_and_nothing_is_overwritten(client):
    ana, ben = editor("ana"), editor("ben")
    event = EventFactory(title="Russia blocks WhatsApp", review_state=State.DRAFT, status=Event.Status.ANNOUNCED)
    client.force_login(ana)
    ana_form = client.get(url_of(event))
    client.force_login(ben)
    ben_form = client.get(url_of(event))

    client.force_login(ana)
    first = client.post(
        url_of(event), form_data(ana_form, title="Russia fully blocks WhatsApp", status=Event.Status.IN_FORCE)
    )
    assert first.status_code == 302

    client.force_login(ben)
    second = client.post(url_of(event), form_data(ben_form, summary="Ben's summary"))
    assert second.status_code == 200
    refusal = str(second.context["adminform"].form.non_field_errors())
    assert "changed by ana" in refusal
    assert "<strong>Title</strong> is now: Russia fully blocks WhatsApp" in refusal
    assert "<strong>Status</strong> is now: In force" in refusal
    assert "Summary" not in refusal
    # Ben's text is still in the form for him to copy, and the link opens the current version.
    assert second.context["adminform"].form["summary"].value() == "Ben's summary"
    assert f'href="{url_of(event)}"' in refusal

    event.refresh_from_db()
    assert (event.title, event.status, event.summary) == ("Russia fully blocks WhatsApp", "in_force", "")


@pytest.mark.django_db
def test_a_refused_form_stays_refused_when_posted_again(client):
    client.force_login(editor())
    event = EventFactory(review_state=State.DRAFT)
    stale = client.get(url_of(event))
    client.post(url_of(event), form_data(client.get(url_of(event)), title="Newer"))
    for _ in range(2):
        assert client.post(url_of(event), form_data(stale, title="Older")).status_code == 200
    event.refresh_from_db()
    assert event.title == "Newer"


@pytest.mark.django_db
def test_a_form_that_does_not_say_which_revision_it_edits_is_refused(client):
    client.force_login(editor())
    event = EventFactory(review_state=State.DRAFT, title="Kept")
    data = form_data(client.get(url_of(event)), title="Blind write")
    del data["loaded_revision"]
    assert client.post(url_of(event), data).status_code == 200
    event.refresh_from_db()
    assert event.title == "Kept"


@pytest.mark.django_db
def test_the_revision_is_read_with_a_row_lock_inside_the_save_transaction(client):
    client.force_login(editor())
    event = EventFactory(review_state=State.DRAFT)
    data = form_data(client.get(url_of(event)), title="Locked save")
    with CaptureQueriesContext(connection) as queries:
        assert client.post(url_of(event), data).status_code == 302
    revision_reads = [q["sql"] for q in queries if '"revision"' in q["sql"] and q["sql"].startswith("SELECT")]
    if connection.features.has_select_for_update:
        assert any("FOR UPDATE" in sql for sql in revision_reads), revision_reads


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # see tests/browser/test_admin_e2e.py
def test_a_save_waits_for_a_simultaneous_save_and_is_then_refused(client):
    """Another transaction holds the event's row and saves it while this editor's save is under way:
    the admin's save waits on the lock, then sees the new revision and refuses. Without the lock it
    would read the old revision and overwrite the other save."""
    restore_migration_data()  # a transactional test may follow browser tests that emptied the tables
    client.force_login(editor())
    event = EventFactory(review_state=State.DRAFT, title="Original")
    data = form_data(client.get(url_of(event)), title="Mine")
    locked, release = threading.Event(), threading.Event()

    def other_editor():
        try:
            with transaction.atomic():
                other = Event.objects.select_for_update().get(pk=event.pk)
                locked.set()
                release.wait(5)
                other.title = "Theirs"
                other.save()
        finally:
            connection.close()

    thread = threading.Thread(target=other_editor)
    thread.start()
    assert locked.wait(5)
    timer = threading.Timer(0.5, release.set)
    timer.start()
    response = client.post(url_of(event), data)
    thread.join(5)
    assert response.status_code == 200
    assert "Theirs" in str(response.context["adminform"].form.non_field_errors())
    event.refresh_from_db()
    assert event.title == "Theirs"
