"""Keyset pagination: links, every ordering walked end to end, page sizes, bad cursors, constant cost."""

from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache

from events.models import Event
from tests.factories import EventFactory

URL = "/api/v1/events/"


@pytest.fixture
def events(db):
    """23 events with many shared start and end dates (ties) and some still in force (no end)."""
    made = []
    for n in range(23):
        ended = None if n % 4 == 0 else date(2024, 1, 1) + timedelta(days=n % 3)
        made.append(
            EventFactory(
                started_on=date(2023, 1, 1) + timedelta(days=n % 5),
                ended_on=ended,
                status="lifted" if ended else "in_force",
            )
        )
    return made


def walk(client, first_url, direction="next"):
    """Every page from `first_url` following `direction` links: the ids in order and the pages."""
    url, seen, pages = first_url, [], []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append(body)
        seen.extend(event["id"] for event in body["results"])
        url = body[direction]
    return seen, pages


def expected_order(ordering):
    """The order the API promises, computed in Python: NULL end dates count as later than any date."""
    events = list(Event.objects.public())
    field = ordering.lstrip("-")
    descending = ordering.startswith("-")

    def key(event):
        value = getattr(event, field)
        return (value is None, value or date.min, event.pk)

    return [e.pk for e in sorted(events, key=key, reverse=descending)]


ORDERINGS = ["-started_on", "started_on", "ended_on", "-ended_on", "updated_at", "-updated_at"]


@pytest.mark.parametrize("ordering", ORDERINGS)
def test_walking_every_page_visits_each_event_once_in_order(client, events, ordering):
    seen, pages = walk(client, f"{URL}?page_size=4&ordering={ordering}")
    assert seen == expected_order(ordering)
    assert len(pages) == 6
    assert all(page["count"] == 23 for page in pages)
    assert pages[0]["previous"] is None and pages[-1]["next"] is None


def test_previous_links_walk_back_over_the_same_pages(client, events):
    _seen, pages = walk(client, f"{URL}?page_size=5&ordering=-ended_on")
    _back, back_pages = walk(client, pages[-1]["previous"], direction="previous")
    forward_pages_but_last = [[e["id"] for e in page["results"]] for page in pages[:-1]]
    assert [[e["id"] for e in page["results"]] for page in reversed(back_pages)] == forward_pages_but_last
    assert back_pages[-1]["previous"] is None
    assert back_pages[-1]["next"] is not None


def test_links_keep_the_filters_and_page_size(client, events):
    body = client.get(f"{URL}?page_size=3&country=ru").json()
    query = parse_qs(urlsplit(body["next"]).query)
    assert query["page_size"] == ["3"] and query["country"] == ["ru"] and "cursor" in query
    assert body["next"].startswith("http://testserver/api/v1/events/")


def test_page_size_is_bounded(client, events):
    assert len(client.get(f"{URL}?page_size=1").json()["results"]) == 1
    assert len(client.get(f"{URL}?page_size=1000").json()["results"]) == 23
    assert len(client.get(URL).json()["results"]) == 23  # default 100
    for bad in ("0", "1001", "-1", "ten", "2.5", "%EF%BC%91"):
        response = client.get(f"{URL}?page_size={bad}")
        assert response.status_code == 400, bad
        assert "1 to 1000" in response.json()["page_size"][0]


def test_a_tampered_or_foreign_cursor_is_a_400(client, events):
    body = client.get(f"{URL}?page_size=2").json()
    cursor = parse_qs(urlsplit(body["next"]).query)["cursor"][0]
    for bad in ("nonsense", "e30", cursor[:-3], "eyJvIjoiLXN0YXJ0ZWRfb24iLCJyIjpmYWxzZSwidiI6MSwiayI6ImEifQ"):
        response = client.get(f"{URL}?cursor={bad}")
        assert response.status_code == 400, bad
        assert "cursor" in response.json()
    # A cursor made for one ordering cannot be used with another.
    response = client.get(f"{URL}?cursor={cursor}&ordering=updated_at")
    assert response.status_code == 400
    assert "another ordering" in response.json()["cursor"][0]


def test_a_page_costs_the_same_queries_at_any_depth(client, events, django_assert_num_queries):
    _seen, pages = walk(client, f"{URL}?page_size=4")
    # Queries: data version (ETag), page, apps, sources, statements, related events; the count
    # was remembered by the walk (events/freshness.py).
    with django_assert_num_queries(6):
        client.get(URL + "?page_size=4")
    with django_assert_num_queries(6):
        client.get(pages[-2]["next"])
    cache.clear()
    # Once forgotten, the count is one more query, at any depth.
    with django_assert_num_queries(7):
        client.get(pages[-2]["next"])


def test_one_event_and_fifty_cost_the_same_queries(client, db, django_assert_num_queries):
    EventFactory()
    # Queries: data version (ETag), count, page, apps, sources, statements, related events.
    with django_assert_num_queries(7):
        one = client.get(URL).json()
    EventFactory.create_batch(49)
    with django_assert_num_queries(7):
        fifty = client.get(URL).json()
    assert (one["count"], fifty["count"]) == (1, 50)
    # A country code is checked against the committed fixture's codes (events/countries.py), without
    # a query, and an app slug with one query that also finds the app's id.
    with django_assert_num_queries(7):
        client.get(URL + "?country=ru")
    slug = Event.objects.first().apps.first().slug
    with django_assert_num_queries(8):
        client.get(URL + f"?app={slug}")
