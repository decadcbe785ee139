"""Every editable model keeps its history, with the editor who made each change."""

import pytest
from django.contrib.auth.models import User
from django.test import RequestFactory
from simple_history.models import HistoricalRecords

from events.models import App, Authority, Event, Owner, Source, Statement
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Event, App, Owner, Authority, Source, Statement])
def test_every_editable_model_has_history(model):
    assert hasattr(model, "history")


def test_history_records_the_editor_and_the_fields_changed():
    editor = User.objects.create_user("ana", password="x")
    event = EventFactory(title="Before")
    event.title = "After"
    event._history_user = editor
    event.save()
    latest, previous = event.history.all()[:2]
    assert latest.history_user == editor
    delta = latest.diff_against(previous)
    assert [(c.field, c.old, c.new) for c in delta.changes if c.field == "title"] == [("title", "Before", "After")]


def test_history_records_the_editor_of_a_web_request():
    """HistoryRequestMiddleware puts the request where simple-history finds its user."""
    editor = User.objects.create_superuser("ana", password="x")
    event = EventFactory()
    request = RequestFactory().get("/")
    request.user = editor
    HistoricalRecords.context.request = request
    try:
        event.title = "Edited in a request"
        event.save()
    finally:
        del HistoricalRecords.context.request
    assert event.history.first().history_user == editor
