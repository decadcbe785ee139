"""Which database each request reads from, with replicas configured (the real primary and standby
are in test_replica.py; here, the decisions themselves, without a second database)."""

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpResponse, StreamingHttpResponse

from events.models import Event
from tracker import outage, routers

router = routers.PrimaryReplicaRouter()


@pytest.fixture(autouse=True)
def two_replicas(monkeypatch):
    monkeypatch.setattr(routers, "replica_aliases", lambda: ["replica_1", "replica_2"])


def reads_during(request, write=False):
    """Where reads go inside a request through ReadRoutingMiddleware: (before a write, after it)."""
    seen = []

    def view(request):
        seen.append(router.db_for_read(Event))
        if write:
            router.db_for_write(Event)
        seen.append(router.db_for_read(Event))
        return HttpResponse()

    routers.ReadRoutingMiddleware(view)(request)
    return tuple(seen)


def request(rf, method="get", path="/events/1/", user=None, cookie=False):
    made = getattr(rf, method)(path)
    made.user = user or AnonymousUser()
    if cookie:
        made.COOKIES["sessionid"] = "x"
    return made


def test_an_anonymous_read_goes_to_one_replica_for_the_whole_request(rf):
    first, second = reads_during(request(rf))
    assert first in {"replica_1", "replica_2"} and second == first


def test_everything_an_editor_does_reads_the_primary(rf):
    editor = User(username="ana", is_staff=True)
    assert reads_during(request(rf, path="/admin/events/event/")) == (None, None)
    assert reads_during(request(rf, method="post", path="/events/1/")) == (None, None)
    assert reads_during(request(rf, user=editor, cookie=True)) == (None, None)


def test_a_write_sends_the_rest_of_the_request_to_the_primary(rf):
    before, after = reads_during(request(rf), write=True)
    assert before.startswith("replica_") and after is None


def test_outside_requests_everything_uses_the_primary():
    assert router.db_for_read(Event) is None
    assert router.db_for_write(Event) == "default"
    assert router.allow_migrate("replica_1", "events") is False
    assert router.allow_migrate("default", "events") is None


def test_a_streamed_body_reads_from_the_same_replica(rf):
    def view(request):
        return StreamingHttpResponse(router.db_for_read(Event) or "primary" for _ in range(2))

    response = routers.ReadRoutingMiddleware(view)(request(rf))
    chosen = b"".join(response.streaming_content).decode()
    assert chosen in {"replica_1replica_1", "replica_2replica_2"}
    assert router.db_for_read(Event) is None  # and nothing is left behind


def test_a_failing_replica_is_answered_from_the_primary_and_then_left_alone(rf, monkeypatch):
    monkeypatch.setattr(routers, "replica_aliases", lambda: ["replica_1"])
    monkeypatch.setattr(outage, "health", outage.DatabaseHealth())
    served = []

    def view(request):
        alias = router.db_for_read(Event)
        served.append(alias)
        if alias == "replica_1":  # what the outage middleware makes of a replica that is down
            return outage.outage_response(request)
        return HttpResponse("from the primary")

    middleware = routers.ReadRoutingMiddleware(view)
    assert middleware(request(rf)).content == b"from the primary"
    assert served == ["replica_1", None]
    assert middleware(request(rf)).status_code == 200
    assert served[2:] == [None]  # the replica is not tried again for a while


def test_a_primary_outage_is_still_a_503(rf, monkeypatch):
    def view(request):
        return outage.outage_response(request)

    response = routers.ReadRoutingMiddleware(view)(request(rf))  # tried on a replica, then the primary
    assert response.status_code == 503
