"""Edges a second reading found: what the records do not confirm, dates, and what is no longer public."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from events.status import status_on
from tests.factories import AppFactory, EventFactory, country
from tests.test_admin_helpers import form_data, publisher

pytestmark = pytest.mark.django_db


def test_an_unknown_measure_still_within_its_confirmation_is_not_yet_status_unknown(client, db):
    today = timezone.localdate()
    event = EventFactory(
        status="unknown", started_on=today - timedelta(days=100), last_confirmed_on=today + timedelta(10)
    )
    assert event.unknown_since is None
    assert Event.objects.in_force_now().filter(pk=event.pk).exists()
    assert "Status unknown since" not in client.get(event.get_absolute_url()).content.decode()


def test_a_confirmation_before_the_start_is_refused(db):
    event = EventFactory.build(country=country("RU"), started_on=date(2026, 2, 12), last_confirmed_on=date(2026, 1, 1))
    with pytest.raises(ValidationError) as raised:
        event.clean()
    assert "last_confirmed_on" in raised.value.message_dict


def test_a_shutdown_naming_apps_lists_its_event_once(db):
    event = EventFactory(
        apps=[AppFactory(), AppFactory(), AppFactory()], kind="network_shutdown", country=country("IQ")
    )
    pairs = [pair for pair in status_on(date(2026, 3, 1)) if pair.country == "IQ"]
    assert [(pair.app, pair.event_ids) for pair in pairs] == [(None, [event.pk])]


def test_the_change_log_does_not_name_a_record_that_is_no_longer_public(client, db):
    secret, kept = AppFactory(name="Codename Orchid"), AppFactory(name="Kept app")
    event = EventFactory(apps=[secret, kept])
    for record in event.history.all():
        record.history_date -= timedelta(days=1)
        record.save()
    client.force_login(publisher())
    url = reverse("admin:events_event_change", args=[event.pk])
    assert client.post(url, form_data(client.get(url), apps=[kept.pk])).status_code == 302
    EventFactory(apps=[secret], review_state=Event.ReviewState.DRAFT)  # only a draft names it now
    client.logout()
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Codename Orchid" not in page
    assert "(a record no longer listed)" in page


def test_an_etag_does_not_outlive_its_day(client, seed):
    first = client.get("/api/v1/events/?country=ru")["ETag"]
    tomorrow = timezone.localdate() + timedelta(days=1)
    with mock.patch("events.freshness.timezone.localdate", return_value=tomorrow):
        response = client.get("/api/v1/events/?country=ru", HTTP_IF_NONE_MATCH=first)
    assert response.status_code == 200 and response["ETag"] != first


def test_the_python_rule_agrees_with_the_sql_rule_case_by_case(db):
    """Event.in_force_on (pair histories) and active_on_condition (everything else) are one rule."""
    start = date(2024, 6, 10)
    cases = []
    for status in Event.Status.values:
        for ended_on in (None, date(2024, 6, 12)):
            if status == "lifted" and ended_on is None:
                continue
            for confirmed in (None, date(2024, 6, 10), date(2024, 6, 11), date(2024, 6, 20)):
                cases.append(
                    EventFactory(status=status, started_on=start, ended_on=ended_on, last_confirmed_on=confirmed)
                )
    for day in (date(2024, 6, 9), start, date(2024, 6, 11), date(2024, 6, 12), date(2024, 6, 13), date(2024, 6, 21)):
        in_sql = set(Event.objects.active_on(day).filter(pk__in=[e.pk for e in cases]).values_list("pk", flat=True))
        in_python = {event.pk for event in cases if event.in_force_on(day)}
        assert in_sql == in_python, day
