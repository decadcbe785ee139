"""Scale-out on a real PostgreSQL primary and a real streaming standby (pg_basebackup -R), both
started here, under a gunicorn server of this project configured with DATABASE_REPLICA_URL.

To make "which database answered" observable, the test pauses WAL replay on the standby: a
record written on the primary then exists only there until replay resumes. The public must not
see it yet (its reads go to the standby); an editor must (everything an editor does reads the
primary); and once replay resumes the public sees it too. Finally the standby is stopped: the
public is served from the primary instead, and the admin goes on working as it never touched it.
"""

import json
import time

import pytest

from tests.pgcluster import Server, manage, shared_primary, skip_without_postgres

EDITOR = """
from django.contrib.auth import get_user_model
from django.test import Client
user = get_user_model().objects.create_superuser("editor", "editor@example.org", "a-long-pass-phrase-42")
client = Client()
client.force_login(user)
print(client.cookies["sessionid"].value)
"""

WRITE = """
from django.contrib.auth import get_user_model
from tests.factories import EventFactory
event = EventFactory(title="Written while the standby is paused")
user = get_user_model().objects.create_user("late-editor", is_staff=True)
print(event.pk, user.pk)
"""


@pytest.fixture(scope="module")
def replicated():
    skip_without_postgres()
    primary, env = shared_primary()
    session = manage(env, "shell", "--no-imports", "-c", EDITOR).strip()
    with primary.standby() as standby:
        env = {**env, "DATABASE_REPLICA_URL": standby.url()}
        with Server(env) as server:
            yield primary, standby, server, env, session


def wait_for(condition, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def request_lines(server):
    lines = [json.loads(line) for line in server.output().splitlines() if line.startswith("{")]
    return [line for line in lines if line["logger"] == "tracker.request"]


def test_public_reads_come_from_the_replica_and_everything_an_editor_does_from_the_primary(replicated):
    primary, standby, server, env, session = replicated
    editor = {"Cookie": f"sessionid={session}"}
    assert json.loads(server.get("/readyz").body)["checks"] == {
        "database:default": "ok",
        "database:replica_1": "ok",
        "migrations": "ok",
    }
    assert standby.sql("SELECT pg_is_in_recovery()") == "t"

    standby.sql("SELECT pg_wal_replay_pause()")
    assert wait_for(lambda: standby.sql("SELECT pg_get_wal_replay_pause_state()") == "paused")
    event_id, user_id = (int(number) for number in manage(env, "shell", "--no-imports", "-c", WRITE).split())
    find = f"SELECT count(*) FROM events_event WHERE id = {event_id}"  # noqa: S608 - an int
    assert (primary.sql(find), standby.sql(find)) == ("1", "0")

    # The public reads the standby: the new record does not exist there yet.
    assert server.get(f"/api/v1/events/{event_id}/").status == 404
    assert server.get(f"/events/{event_id}/").status == 404
    # An editor reads the primary everywhere: the admin, and the public pages too.
    change = server.get(f"/admin/events/event/{event_id}/change/", headers=editor)
    assert change.status == 200 and b"Written while the standby is paused" in change.body
    assert server.get(f"/admin/auth/user/{user_id}/change/", headers=editor).status == 200
    assert server.get(f"/events/{event_id}/", headers=editor).status == 200

    # Once replayed, the write reaches the public.
    standby.sql("SELECT pg_wal_replay_resume()")
    assert wait_for(lambda: server.get(f"/api/v1/events/{event_id}/").status == 200)
    assert server.get(f"/events/{event_id}/").status == 200

    served = {(line["path"], line["status"]): line["db"] for line in request_lines(server)}
    assert served[(f"/api/v1/events/{event_id}/", 404)] == "replica_1"
    assert served[(f"/api/v1/events/{event_id}/", 200)] == "replica_1"
    assert served[(f"/admin/events/event/{event_id}/change/", 200)] == "default"

    # Without the standby the public is served from the primary, and the admin does not notice.
    standby.stop()
    try:
        assert server.get(f"/events/{event_id}/").status == 200
        assert server.get(f"/api/v1/events/{event_id}/").status == 200
        assert server.get(f"/admin/events/event/{event_id}/change/", headers=editor).status == 200
        assert server.get("/admin/events/event/", headers=editor).status == 200
        ready = server.get("/readyz")
        assert ready.status == 200  # the load balancer keeps this app server
        assert json.loads(ready.body)["status"] == "degraded"
        assert json.loads(ready.body)["checks"]["database:replica_1"] == "unavailable"
        lines = [json.loads(line) for line in server.output().splitlines() if line.startswith("{")]
        assert sum(line.get("event") == "replica_unavailable" for line in lines) == 1
        public = [line for line in request_lines(server) if line["path"] == f"/api/v1/events/{event_id}/"]
        assert public[-1]["db"] == "default"
    finally:
        standby.restart()
