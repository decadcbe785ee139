"""Only published events exist: a draft, in-review or retracted event shows nowhere in the API."""

import csv
import io
from datetime import date

import pytest
from django.core.cache import cache

from events.models import Event
from tests.factories import AppFactory, AuthorityFactory, EventFactory, OwnerFactory, SourceFactory

HIDDEN_STATES = [Event.ReviewState.DRAFT, Event.ReviewState.IN_REVIEW, Event.ReviewState.RETRACTED]


@pytest.fixture(autouse=True)
def unthrottled(settings):
    """Throttling is tested on its own (test_api_citizenship); here it must not interfere. The
    request counters go afterwards, so that no later test inherits this module's requests."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute"}}
    yield
    cache.clear()


@pytest.fixture(params=HIDDEN_STATES)
def hidden(request, db):
    """A published event, and a hidden one with the same country, app, owner, authority and words,
    in force on the same day and linked from the published one."""
    owner = OwnerFactory(slug="meta")
    app = AppFactory(slug="whatsapp", name="WhatsApp", owner=owner)
    lonely = AppFactory(slug="lonely", name="Lonely", owner=owner)  # only the hidden event hits it
    authority = AuthorityFactory(slug="roskomnadzor")
    dataset = SourceFactory(url="https://example.org/secret-dataset", kind="dataset", title="Secret dataset")
    public = EventFactory(title="Public block", apps=[app], owner=owner, authority=authority, kind="full_block")
    secret = EventFactory(
        title="Secret block",
        apps=[app, lonely],
        owner=owner,
        authority=authority,
        kind="partial_block",
        started_on=date(2019, 5, 5),
        review_state=request.param,
        sources=[dataset],
    )
    public.related.add(secret)
    return public, secret


def test_hidden_events_are_absent_from_every_event_list_and_format(client, hidden):
    _public, secret = hidden
    queries = ["", "?country=ru", "?app=whatsapp", "?app=lonely", "?owner=meta", "?authority=roskomnadzor",
               "?kind=partial_block", "?year=2019", "?search=secret", "?active_on=2026-03-01",
               "?ordering=updated_at"]  # fmt: skip
    for query in queries:
        body = client.get(f"/api/v1/events/{query}").json()
        assert secret.pk not in {e["id"] for e in body["results"]}, query
        assert body["count"] == len(body["results"]), query
        text = client.get(f"/api/v1/events/{query}{'&' if query else '?'}format=csv")
        rows = list(csv.DictReader(io.StringIO(b"".join(text.streaming_content).decode())))
        assert str(secret.pk) not in {row["id"] for row in rows}, query
        assert all("Secret" not in value for row in rows for value in row.values()), query


def test_a_hidden_event_has_no_detail_and_is_not_a_related_id(client, hidden):
    public, secret = hidden
    assert client.get(f"/api/v1/events/{secret.pk}/").status_code == 404
    assert client.get(f"/api/v1/events/{public.pk}/").json()["related"] == []


def test_hidden_events_count_nowhere(client, hidden):
    _public, _secret = hidden
    ru = client.get("/api/v1/countries/ru/").json()
    assert ru["event_count"] == 1
    assert [a["slug"] for a in ru["apps_restricted_now"]] == ["whatsapp"]
    countries = client.get("/api/v1/countries/?search=russia").json()["results"]
    assert countries[0]["event_count"] == 1
    assert client.get("/api/v1/apps/lonely/").json()["countries_restricted_now"] == []
    assert client.get("/api/v1/apps/lonely/").json()["event_count"] == 0
    assert client.get("/api/v1/apps/whatsapp/").json()["event_count"] == 1
    assert client.get("/api/v1/authorities/roskomnadzor/").json()["event_count"] == 1
    for by in ("country", "year", "kind", "app", "owner"):
        stats = client.get(f"/api/v1/stats/?by={by}").json()
        assert stats["total"] == 1, by
        assert sum(row["count"] for row in stats["results"]) == 1, by


def test_the_root_credits_only_datasets_that_published_events_cite(client, hidden):
    credits = " ".join(client.get("/api/v1/").json()["credits"])
    assert "Secret dataset" not in credits
