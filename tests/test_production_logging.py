"""One structured line per request, and errors carrying the id of the request they happened in."""

import json
import logging

import pytest
from django.test import Client, override_settings
from django.urls import path

from tracker.logging import JSONFormatter, RequestIdFilter, TextFormatter


def failing_view(request):
    raise RuntimeError("a bug")


urlpatterns = [path("fails/", failing_view)]


def formatted(records, formatter=None):
    formatter = formatter or JSONFormatter()
    return [json.loads(formatter.format(record)) for record in records]


@pytest.mark.django_db
def test_each_request_logs_one_line_with_method_path_status_duration_and_id(caplog):
    with caplog.at_level(logging.INFO, logger="tracker.request"):
        response = Client().get("/about/?ref=home", HTTP_X_REQUEST_ID="edge-123")
    assert response["X-Request-ID"] == "edge-123"
    lines = formatted([r for r in caplog.records if r.name == "tracker.request"])
    assert len(lines) == 1
    line = lines[0]
    assert line["message"] == "GET /about/ 200"
    assert {k: line[k] for k in ("method", "path", "query", "status", "request_id")} == {
        "method": "GET",
        "path": "/about/",
        "query": "ref=home",
        "status": 200,
        "request_id": "edge-123",
    }
    assert line["duration_ms"] >= 0


@override_settings(ROOT_URLCONF=__name__)
def test_an_error_is_logged_with_its_traceback_and_the_request_id(caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.INFO):
        response = client.get("/fails/")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    for record in caplog.records:
        RequestIdFilter().filter(record)  # what the console handler's filter does
    lines = formatted(caplog.records)
    error = next(line for line in lines if line["logger"] == "django.request")
    assert error["level"] == "ERROR"
    assert error["request_id"] == request_id
    assert "RuntimeError: a bug" in error["exception"]
    request_line = next(line for line in lines if line["logger"] == "tracker.request")
    assert request_line["status"] == 500 and request_line["request_id"] == request_id


def test_the_text_format_gives_the_same_fields_as_key_value_pairs():
    record = logging.makeLogRecord(
        {"name": "tracker.request", "levelname": "INFO", "msg": "GET / 200", "method": "GET", "path": "/"}
    )
    record.duration_ms, record.request_id = 1.5, "abc"
    line = TextFormatter().format(record)
    assert line.endswith("INFO tracker.request GET / 200 duration_ms=1.5 request_id=abc")
    assert formatted([record])[0]["duration_ms"] == 1.5
