"""/api/v1/stats/: counts of published events grouped by country, year, kind, app or owner."""

from datetime import date

import pytest

from events.models import Event
from tests.factories import AppFactory, EventFactory, OwnerFactory, country


@pytest.fixture
def events(db):
    meta, snap = OwnerFactory(slug="meta", name="Meta"), OwnerFactory(slug="snap", name="Snap")
    whatsapp = AppFactory(slug="whatsapp", name="WhatsApp", owner=meta)
    facebook = AppFactory(slug="facebook", name="Facebook", owner=meta)
    snapchat = AppFactory(slug="snapchat", name="Snapchat", owner=snap)
    # Targets Meta and hits two of its apps: one event for Meta, not three.
    EventFactory(country=country("RU"), apps=[whatsapp, facebook], owner=meta, started_on=date(2022, 3, 21))
    EventFactory(country=country("RU"), apps=[snapchat], started_on=date(2025, 10, 10), kind="partial_block")
    EventFactory(country=country("IR"), apps=[whatsapp], started_on=date(2025, 1, 1))
    EventFactory(country=country("IR"), apps=[whatsapp], review_state="draft")


def stats(client, query):
    response = client.get(f"/api/v1/stats/?{query}")
    assert response.status_code == 200, response.content
    body = response.json()
    return body["total"], [(row["key"], row["label"], row["count"]) for row in body["results"]]


def test_by_country_largest_first(client, events):
    assert stats(client, "by=country") == (3, [("RU", "Russia", 2), ("IR", "Iran", 1)])


def test_by_year_kind_app_and_owner(client, events):
    assert stats(client, "by=year")[1] == [("2025", "2025", 2), ("2022", "2022", 1)]
    assert stats(client, "by=kind")[1] == [
        ("full_block", "Full block", 2),
        ("partial_block", Event.Kind.PARTIAL_BLOCK.label, 1),
    ]
    assert stats(client, "by=app")[1] == [
        ("whatsapp", "WhatsApp", 2),
        ("facebook", "Facebook", 1),
        ("snapchat", "Snapchat", 1),
    ]
    assert stats(client, "by=owner")[1] == [("meta", "Meta", 2), ("snap", "Snap", 1)]


def test_stats_honour_the_event_filters(client, events):
    assert stats(client, "by=app&country=ru") == (
        2,
        [("facebook", "Facebook", 1), ("snapchat", "Snapchat", 1), ("whatsapp", "WhatsApp", 1)],
    )
    assert stats(client, "by=country&active_on=2022-12-31") == (1, [("RU", "Russia", 1)])
    assert stats(client, "by=owner&owner=snap") == (1, [("snap", "Snap", 1)])


def test_stats_are_strict(client, events):
    for query, name in [("", "by"), ("by=month", "by"), ("by=country&country=xx", "country"),
                        ("by=country&page_size=5", "page_size"), ("by=", "by")]:  # fmt: skip
        response = client.get(f"/api/v1/stats/?{query}")
        assert response.status_code == 400, query
        assert name in response.json(), query


def test_stats_cost_a_fixed_number_of_queries(client, events, django_assert_num_queries):
    # From the kept counts: data version (ETag), the total, the grouped cells, and the names of
    # the countries, apps or owners counted (years and kinds need none).
    for by, queries in [("country", 4), ("year", 3), ("kind", 3), ("app", 4), ("owner", 4)]:
        with django_assert_num_queries(queries):
            client.get(f"/api/v1/stats/?by={by}")
    # An owner filter: the filter's check of the slug, then the owner's id for the cells.
    with django_assert_num_queries(6):
        client.get("/api/v1/stats/?by=country&owner=meta")
    # Grouped from the events (a filter the cells do not hold): the grouped counts and the total;
    # owners take two grouped queries (targeted events, events through owned apps).
    for by, queries in [("country", 3), ("app", 3), ("owner", 4)]:
        with django_assert_num_queries(queries):
            client.get(f"/api/v1/stats/?by={by}&active_on=2025-06-01")
    # Asked again with the data unchanged: only the data version (the sums are remembered).
    with django_assert_num_queries(1):
        client.get("/api/v1/stats/?by=owner")
