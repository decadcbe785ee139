"""/healthz and /readyz for load balancers: JSON, never cached, never throttled, cheap; and the
503 a database outage turns into (the real outage is in test_outage.py; here, in-process)."""

import logging

import pytest
from django.db import OperationalError
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path

from tracker import health, outage
from tracker.urls import urlpatterns as site_urlpatterns


def broken_view(request):
    raise OperationalError('connection to server at "10.0.0.9", port 5432 failed: Connection refused')


def fine_view(request):
    return HttpResponse("fine")


urlpatterns = [
    path("api/v1/broken/", broken_view),
    path("broken/", broken_view),
    path("fine/", fine_view),
    *site_urlpatterns,
]


@pytest.fixture(autouse=True)
def healthy_process(monkeypatch):
    """Each test starts from a healthy process with nothing remembered."""
    monkeypatch.setattr(outage, "health", outage.DatabaseHealth())
    monkeypatch.setattr("tracker.middleware.health", outage.health)
    monkeypatch.setattr("tracker.health.health", outage.health)
    monkeypatch.setattr(health, "_migrations_complete", False)


def test_healthz_answers_without_the_database(client):
    # No django_db mark: any query here would fail the test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_checks_the_database_and_migrations_then_only_the_database(client, django_assert_num_queries):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database:default": "ok", "migrations": "ok"}}
    assert "no-store" in response["Cache-Control"]
    # Once migrations are known to be complete, a probe costs one query: SELECT 1.
    with django_assert_num_queries(1):
        assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_readyz_is_503_while_a_migration_is_pending(client):
    MigrationRecorder.Migration.objects.filter(app="events").order_by("-id").first().delete()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "pending"


@pytest.mark.django_db
def test_probes_are_never_throttled_nor_redirected_to_https(settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    for _ in range(200):
        assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/about/").status_code == 301  # everything else goes to HTTPS


@override_settings(ROOT_URLCONF=__name__)
def test_an_outage_in_a_view_is_a_503_page_or_json_logged_once(caplog):
    client = Client()
    with caplog.at_level(logging.INFO):
        pages = [client.get("/broken/") for _ in range(3)]
        api = [client.get("/api/v1/broken/") for _ in range(3)]
    for response in pages:
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert "no-store" in response["Cache-Control"]
        assert b"We will be back in a moment" in response.content
        assert b"10.0.0.9" not in response.content  # no internals for the public
    for response in api:
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert response.json() == {
            "detail": "The tracker's database is unavailable for a moment. Retry after 30 seconds."
        }
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert [record.getMessage() for record in errors] == [
        'database unavailable: connection to server at "10.0.0.9", port 5432 failed: Connection refused'
    ]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_the_first_successful_query_after_an_outage_logs_the_recovery_once(caplog):
    client = Client()
    client.get("/broken/")
    with caplog.at_level(logging.INFO):
        client.get("/fine/")  # no query: nothing to say about the database yet
        assert outage.health.failing
        client.get("/readyz")
        client.get("/readyz")
    recovered = [r for r in caplog.records if getattr(r, "event", None) == "database_recovered"]
    assert len(recovered) == 1 and recovered[0].failed_requests == 1
    assert not outage.health.failing


def test_an_outage_raised_outside_a_view_still_gets_the_503(rf):
    request = rf.get("/api/v1/events/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = outage.server_error(request)
    assert response.status_code == 503 and response["Retry-After"] == "30"
    try:
        raise ValueError("a bug, not an outage")
    except ValueError:
        assert outage.server_error(rf.get("/")).status_code == 500
