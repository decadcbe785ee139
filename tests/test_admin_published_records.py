"""What the public reads is changed by publishers only, and no deletion leaves a published event
without a source (events/admin/published.py)."""

import pytest
from django.urls import reverse

from events.models import Event, Source
from tests.factories import AppFactory, AuthorityFactory, EventFactory, SourceFactory
from tests.test_admin_helpers import editor, form_data, publisher
from tests.test_admin_import_export import preview

pytestmark = pytest.mark.django_db


def change_url(obj):
    return reverse(f"admin:events_{obj._meta.model_name}_change", args=[obj.pk])


def delete_url(obj):
    return reverse(f"admin:events_{obj._meta.model_name}_delete", args=[obj.pk])


@pytest.fixture
def cited():
    """A source, app and authority that a published event uses."""
    source, app, authority = SourceFactory(title="Reuters report"), AppFactory(), AuthorityFactory()
    EventFactory(sources=[source], apps=[app], authority=authority)
    return source, app, authority


def test_an_editor_sees_what_a_published_event_uses_read_only_and_cannot_change_or_delete_it(client, cited):
    client.force_login(editor())
    for record in cited:
        page = client.get(change_url(record))
        assert page.status_code == 200
        assert 'name="name"' not in page.content.decode() and 'name="title"' not in page.content.decode()
        assert client.post(change_url(record), {"title": "Rewritten", "name": "Rewritten"}).status_code == 403
        assert client.post(delete_url(record), {"post": "yes"}).status_code == 403
    source = cited[0]
    source.refresh_from_db()
    assert source.title == "Reuters report"
    assert Source.objects.filter(pk=source.pk).exists()


def test_an_editor_changes_a_source_that_only_drafts_cite(client):
    source = SourceFactory(title="Draft evidence")
    EventFactory(sources=[source], review_state=Event.ReviewState.DRAFT)
    client.force_login(editor())
    response = client.post(change_url(source), form_data(client.get(change_url(source)), title="Better title"))
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.title == "Better title"


def test_a_publisher_changes_a_cited_source(client, cited):
    source = cited[0]
    client.force_login(publisher())
    response = client.post(change_url(source), form_data(client.get(change_url(source)), title="Corrected title"))
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.title == "Corrected title"


def test_an_editor_cannot_change_a_cited_source_through_its_history(client, cited):
    source = cited[0]
    version = source.history.first()
    client.force_login(editor())
    url = reverse("admin:events_source_simple_history", args=[source.pk, version.history_id])
    assert client.post(url, {"title": "Rewritten", "url": source.url, "kind": "news"}).status_code == 403


def test_deleting_the_last_source_of_a_published_event_is_refused_even_to_a_publisher(client, cited):
    source = cited[0]
    client.force_login(publisher())
    page = client.get(delete_url(source))
    assert "would be left without a source" in page.content.decode()
    client.post(delete_url(source), {"post": "yes"})
    assert Source.objects.filter(pk=source.pk).exists()
    # With a second source the first may go.
    other = SourceFactory()
    Event.objects.get().sources.add(other)
    assert client.post(delete_url(source), {"post": "yes"}).status_code == 302
    assert not Source.objects.filter(pk=source.pk).exists()


def test_the_bulk_delete_action_refuses_it_too(client, cited):
    source = cited[0]
    client.force_login(publisher())
    response = client.post(
        reverse("admin:events_source_changelist"),
        {"action": "delete_selected", "_selected_action": [source.pk], "post": "yes"},
    )
    assert Source.objects.filter(pk=source.pk).exists()
    assert "would be left without a source" in response.content.decode()


def test_an_editor_cannot_rewrite_a_cited_source_by_import(client, cited):
    import csv
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    source = cited[0]
    out = io.StringIO()
    csv.writer(out).writerows([["url", "title", "kind"], [source.url, "Rewritten", "news"]])
    client.force_login(editor())
    upload = SimpleUploadedFile("sources.csv", out.getvalue().encode(), content_type="text/csv")
    shown = preview(client, upload, model="source")
    (row,) = shown.context["result"].invalid_rows
    assert "only publishers can change it" in str(row.error_dict)
