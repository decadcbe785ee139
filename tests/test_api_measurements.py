"""/api/v1/measurements/: OONI counts filtered by country, app, test and days; JSON and CSV."""

import csv
import io
from datetime import date, timedelta

import pytest

from events.models import Measurement
from tests.factories import AppFactory, country

URL = "/api/v1/measurements/"
CREDIT = "OONI MAT aggregation, CC BY 4.0"


@pytest.fixture
def measurements(db):
    whatsapp, signal = AppFactory(slug="whatsapp"), AppFactory(slug="signal")
    rows = []
    for n in range(3):
        day = date(2024, 1, 1) + timedelta(days=n)
        for code in ("RU", "IR"):
            for app in (whatsapp, signal):
                rows.append(
                    Measurement(
                        country=country(code),
                        app=app,
                        test_name=app.slug,
                        day=day,
                        measurement_count=10,
                        anomaly_count=n,
                        confirmed_count=0,
                        failure_count=2,
                        ok_count=8 - n,
                        dataset=CREDIT,
                    )
                )
    return Measurement.objects.bulk_create(rows)


def results(client, query=""):
    response = client.get(URL + query)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_a_measurement_row_names_country_app_day_counts_rate_and_credit(client, measurements):
    first = results(client, "?country=ru&app=whatsapp")[0]
    assert first == {
        "country": "RU",
        "app": "whatsapp",
        "test_name": "whatsapp",
        "day": "2024-01-01",
        "measurement_count": 10,
        "anomaly_count": 0,
        "confirmed_count": 0,
        "failure_count": 2,
        "ok_count": 8,
        "likely_blocked_rate": 0.0,
        "dataset": CREDIT,
    }
    assert results(client, "?country=ru&app=whatsapp&since=2024-01-03")[0]["likely_blocked_rate"] == 2 / 8


def test_filters_by_country_app_test_and_day_range(client, measurements):
    assert len(results(client)) == 12
    assert {r["country"] for r in results(client, "?country=ir")} == {"IR"}
    assert {r["app"] for r in results(client, "?app=signal")} == {"signal"}
    assert {r["test_name"] for r in results(client, "?test_name=whatsapp")} == {"whatsapp"}
    days = {r["day"] for r in results(client, "?since=2024-01-02&until=2024-01-02")}
    assert days == {"2024-01-02"}
    days_in_order = [r["day"] for r in results(client)]
    assert days_in_order == sorted(days_in_order)


def test_measurement_filters_are_strict(client, measurements):
    for query, name in [("?country=xx", "country"), ("?app=nope", "app"), ("?test_name=nope", "test_name"),
                        ("?since=2024-13-01", "since"), ("?since=2024-02-01&until=2024-01-01", "since"),
                        ("?day=2024-01-01", "day"), ("?page_size=2000", "page_size")]:  # fmt: skip
        response = client.get(URL + query)
        assert response.status_code == 400, query
        assert name in response.json(), query


def test_measurements_page_without_overlap(client, measurements):
    seen, url = [], URL + "?page_size=5"
    while url:
        body = client.get(url).json()
        seen += [(r["day"], r["country"], r["app"]) for r in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == 12


def test_measurements_csv_streams_every_row_with_the_credit(client, measurements):
    response = client.get(URL + "?format=csv&country=ru")
    assert response.streaming is True
    assert "tracker-measurements.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 6
    assert rows[0]["dataset"] == CREDIT
    assert rows[-1]["likely_blocked_rate"] == "0.2500"


def test_an_unchanged_measurement_list_answers_304(client, measurements):
    first = client.get(URL + "?country=ru")
    again = client.get(URL + "?country=ru", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    Measurement.objects.filter(country_id="RU").update(anomaly_count=5)
    assert client.get(URL + "?country=ru", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_measurements_cost_the_same_for_one_row_and_twelve(client, measurements, django_assert_num_queries):
    # Queries: count, page (app slug joined in). No data version: the ETag hashes the body.
    with django_assert_num_queries(2):
        assert len(results(client, "?page_size=1")) == 1
    with django_assert_num_queries(2):
        assert len(results(client, "?page_size=12")) == 12
