"""format=csv: every matching row, streamed in batches, flat columns, licence in the filename."""

import csv
import io
from datetime import date

import pytest

from events.api import export, shape
from tests.factories import AppFactory, EventFactory, OwnerFactory, SourceFactory, StatementFactory, country

URL = "/api/v1/events/?format=csv"


def rows_of(response):
    assert response.status_code == 200
    assert response.streaming is True
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))


@pytest.mark.django_db
def test_csv_flattens_an_event_with_lists_joined_by_semicolons(client):
    meta = OwnerFactory(slug="meta")
    apps = [AppFactory(slug="whatsapp", name="WhatsApp", owner=meta), AppFactory(slug="facebook", name="Facebook")]
    stop = SourceFactory(url="https://example.org/stop", title="STOP 2022", publisher="Access Now", kind="dataset")
    news = SourceFactory(url="https://example.org/news", published_on=date(2020, 1, 1))
    event = EventFactory(
        title='Blocks, "quoted"',
        apps=apps,
        features=["messages", "voice_calls"],
        sources=[news, stop],
        ended_on=date(2026, 3, 1),
        ended_precision="month",
        status="lifted",
    )
    StatementFactory(event=event, speaker="Peskov", source=news)
    response = client.get(URL)
    assert response["Content-Disposition"] == 'attachment; filename="tracker-events-CC-BY-4.0.csv"'
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    [row] = rows_of(response)
    assert list(row) == shape.CSV_COLUMNS
    assert row["title"] == 'Blocks, "quoted"'
    assert row["country"] == "RU" and row["country_name"] == "Russia"
    assert row["apps"] == "facebook;whatsapp"  # by app name
    assert row["app_names"] == "Facebook;WhatsApp"
    assert row["features"] == "messages;voice_calls"
    assert row["source_urls"] == "https://example.org/news;https://example.org/stop"
    assert row["dataset"] == "Access Now: STOP 2022"
    assert row["statement_speakers"] == "Peskov"
    assert (row["ended_on"], row["ended_precision"], row["started_on"]) == ("2026-03-01", "month", "2026-02-12")
    assert row["page_url"] == f"http://testserver/events/{event.pk}/"


@pytest.mark.django_db
def test_csv_streams_every_matching_event_in_batches_not_one_page(client, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(export, "BATCH", 7)
    EventFactory.create_batch(23, country=country("RU"))
    EventFactory.create_batch(2, country=country("IR"))
    # Queries before streaming (country codes are the committed fixture's: no query): the data version (ETag) only.
    with django_assert_num_queries(1):
        response = client.get(URL + "&country=ru")
    # 23 events in batches of 7: 4 batches, each its page and its 4 relation queries.
    with django_assert_num_queries(4 * 5):
        rows = rows_of(response)
    assert len(rows) == 23
    assert len({row["id"] for row in rows}) == 23
    assert {row["country"] for row in rows} == {"RU"}


@pytest.mark.django_db
def test_csv_follows_the_ordering(client):
    a = EventFactory(started_on=date(2020, 1, 1))
    b = EventFactory(started_on=date(2021, 1, 1))
    assert [int(r["id"]) for r in rows_of(client.get(URL + "&ordering=started_on"))] == [a.pk, b.pk]
    assert [int(r["id"]) for r in rows_of(client.get(URL))] == [b.pk, a.pk]


@pytest.mark.django_db
def test_csv_refuses_paging_parameters_and_answers_errors_in_json(client):
    for query in ("&page_size=10", "&cursor=abc", "&country=xx"):
        response = client.get(URL + query)
        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_csv_of_no_events_is_just_the_header(client):
    assert rows_of(client.get(URL)) == []


@pytest.mark.django_db
def test_accept_header_text_csv_also_streams(client):
    EventFactory()
    response = client.get("/api/v1/events/", HTTP_ACCEPT="text/csv")
    assert len(rows_of(response)) == 1
