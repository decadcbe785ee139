"""Creating an event that looks like an existing one (same country, an app in common, same start)
stops with a warning that links to it; the editor confirms or goes to the existing record."""

from datetime import date

import pytest
from django.urls import reverse

from events.models import Event
from tests.factories import AppFactory, EventFactory, country
from tests.test_admin_helpers import editor, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def whatsapp():
    return AppFactory(slug="whatsapp", name="WhatsApp")


@pytest.fixture
def existing(whatsapp):
    return EventFactory(
        title="Russia restricts WhatsApp calls",
        apps=[whatsapp, AppFactory(slug="telegram", name="Telegram")],
        started_on=date(2025, 8, 13),
        review_state=Event.ReviewState.DRAFT,
    )


def add(client, **fields):
    url = reverse("admin:events_event_add")
    data = form_data(client.get(url))
    data.update(
        title="Russia limits WhatsApp voice calls",
        kind="feature_restriction",
        status="in_force",
        started_precision="day",
        review_state="draft",
        country="RU",
        started_on="2025-08-13",
    )
    data.update(fields)
    return client.post(url, data)


def test_a_likely_duplicate_is_not_saved_and_the_warning_links_to_the_existing_event(client, existing, whatsapp):
    client.force_login(editor())
    response = add(client, apps=[str(whatsapp.pk)])
    assert response.status_code == 200
    warning = str(response.context["adminform"].form.errors["not_a_duplicate"])
    assert "Possible duplicate of" in warning
    assert reverse("admin:events_event_change", args=[existing.pk]) in warning
    assert "Russia restricts WhatsApp calls</a> (draft)" in warning
    assert "13 August 2025" in warning
    # The confirmation box is now shown next to the warning.
    assert b'type="checkbox" name="not_a_duplicate"' in response.content
    assert Event.objects.count() == 1


def test_the_editor_confirms_a_different_event_and_it_is_saved(client, existing, whatsapp):
    client.force_login(editor())
    response = add(client, apps=[str(whatsapp.pk)], not_a_duplicate="on")
    assert response.status_code == 302
    assert Event.objects.count() == 2


@pytest.mark.parametrize(
    "difference",
    [
        {"started_on": "2025-08-14"},
        {"country": "BY"},
        {"apps": "other"},
    ],
)
def test_no_warning_without_the_same_country_app_and_start(client, existing, difference):
    client.force_login(editor())
    fields = {"apps": [str(AppFactory(slug="whatsapp").pk)], **difference}
    if difference.get("apps") == "other":
        fields["apps"] = [str(AppFactory(slug="signal").pk)]
    response = add(client, **fields)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Event.objects.count() == 2


def test_the_confirmation_box_is_not_shown_when_there_is_nothing_to_confirm(client):
    client.force_login(editor())
    page = client.get(reverse("admin:events_event_add"))
    assert b'type="hidden" name="not_a_duplicate"' in page.content
    assert b'type="checkbox" name="not_a_duplicate"' not in page.content


def test_editing_an_existing_event_does_not_warn_about_its_twin(client, existing):
    client.force_login(editor())
    twin = EventFactory(
        apps=list(existing.apps.all()),
        started_on=existing.started_on,
        country=country("RU"),
        review_state=Event.ReviewState.DRAFT,
    )
    url = reverse("admin:events_event_change", args=[twin.pk])
    response = client.post(url, form_data(client.get(url), summary="Edited"))
    assert response.status_code == 302
