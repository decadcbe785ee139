"""A real database outage: a gunicorn server of this project on its own PostgreSQL cluster, which
the test stops and starts again. Only a server process runs Django's per-request connection
handling as production does, so the test client would not do here.

Runs the same on the SQLite and the PostgreSQL CI runs: the cluster is its own, not the test database.
"""

import json

import pytest

from tests.pgcluster import Cluster, Server, prepare, skip_without_postgres

PAGES = ["/", "/events/1/", "/timeline/", "/countries/ru/"]
API = ["/api/v1/events/", "/api/v1/countries/RU/", "/api/v1/events/1/"]


@pytest.fixture(scope="module")
def site():
    skip_without_postgres()
    # A cluster of its own: this test stops it.
    with Cluster.start() as cluster:
        env, _ = prepare(cluster)
        with Server(env) as server:
            yield cluster, server


def log_lines(server):
    """The server's JSON log lines (gunicorn's own start-up lines are not JSON)."""
    return [json.loads(line) for line in server.output().splitlines() if line.startswith("{")]


def count_events(server, name):
    return sum(1 for line in log_lines(server) if line.get("event") == name)


def assert_serving(server):
    for path in PAGES + API + ["/readyz"]:
        response = server.get(path)
        assert response.status == 200, (path, response.body[:300])


def test_a_database_outage_answers_503s_logs_once_and_recovers_without_a_restart(site):
    cluster, server = site
    assert_serving(server)

    for outage in (1, 2):  # the second proves "once per failure", not "once ever"
        cluster.stop()
        try:
            for _ in range(3):
                for path in PAGES:
                    response = server.get(path)
                    body = response.body.decode()
                    assert response.status == 503, (path, body[:300])
                    assert response.headers["Content-Type"].startswith("text/html")
                    assert response.headers["Retry-After"] == "30"
                    assert "no-store" in response.headers["Cache-Control"]
                    assert "We will be back in a moment" in body
                    assert "Traceback" not in body and "OperationalError" not in body
                for path in API:
                    response = server.get(path)
                    assert response.status == 503, (path, response.body[:300])
                    assert response.headers["Content-Type"] == "application/json"
                    assert response.headers["Retry-After"] == "30"
                    assert "Retry after 30 seconds" in json.loads(response.body)["detail"]
            # The process itself is alive: no restart by an orchestrator; but not ready for traffic.
            assert server.get("/healthz").status == 200
            ready = server.get("/readyz")
            assert ready.status == 503
            assert json.loads(ready.body)["checks"] == {"database:default": "unavailable"}
            # 21 failed requests, one error line (and no tracebacks at all).
            assert count_events(server, "database_unavailable") == outage
            assert "Traceback" not in server.output()
            assert not [line for line in log_lines(server) if line["logger"] == "django.request"]
        finally:
            cluster.restart()

        assert_serving(server)
        assert count_events(server, "database_recovered") == outage

    recovered = [line for line in log_lines(server) if line.get("event") == "database_recovered"]
    assert all(line["failed_requests"] >= 21 for line in recovered)


def test_every_request_logs_one_json_line_with_its_id_and_honours_an_incoming_one(site):
    _, server = site
    response = server.get("/api/v1/events/?country=RU", headers={"X-Request-ID": "lb-4711.abc"})
    assert response.status == 200
    assert response.headers["X-Request-ID"] == "lb-4711.abc"
    generated = server.get("/about/").headers["X-Request-ID"]
    assert len(generated) == 32
    # Something that could forge log fields is replaced, not echoed.
    forged = server.get("/about/", headers={"X-Request-ID": 'x" injected="1'}).headers["X-Request-ID"]
    assert forged != 'x" injected="1' and len(forged) == 32

    lines = {line.get("request_id"): line for line in log_lines(server) if line["logger"] == "tracker.request"}
    line = lines["lb-4711.abc"]
    assert line["method"] == "GET"
    assert line["path"] == "/api/v1/events/"
    assert line["query"] == "country=RU"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")
    assert lines[generated]["path"] == "/about/"
