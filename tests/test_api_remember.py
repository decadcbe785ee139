"""Counts remembered until the data changes (events/freshness.py), and kept public answers
dropped as soon as an editor publishes or changes an event (events/freshness.py, tracker/caching.py)."""

import pytest
from django.core.cache import cache

from events.models import Event
from tests.factories import AppFactory, EventFactory, country

URL = "/api/v1/events/"


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute"}}
    cache.clear()
    yield
    cache.clear()


def publish(event):
    event.move_to(Event.ReviewState.IN_REVIEW)
    event.save()
    event.move_to(Event.ReviewState.PUBLISHED)
    event.save()


@pytest.mark.django_db
def test_a_count_is_remembered_for_the_same_filters_in_any_spelling(client, django_assert_num_queries):
    EventFactory.create_batch(3, country=country("RU"))
    EventFactory(country=country("UA"))
    assert client.get(f"{URL}?country=ru,ua").json()["count"] == 4
    # Queries: data version (ETag), page, apps, sources, statements, related events; no count: the
    # same filters were counted for the same data (and country codes are checked without a query).
    with django_assert_num_queries(6):
        again = client.get(f"{URL}?country=UA,RU&page_size=2&ordering=started_on").json()
    assert again["count"] == 4


@pytest.mark.django_db
def test_a_remembered_count_follows_a_publication_at_once(client):
    EventFactory.create_batch(2, country=country("RU"))
    draft = EventFactory(country=country("RU"), review_state=Event.ReviewState.DRAFT)
    assert client.get(f"{URL}?country=ru").json()["count"] == 2
    assert client.get("/api/v1/stats/?by=country").json()["total"] == 2
    publish(draft)
    assert client.get(f"{URL}?country=ru").json()["count"] == 3
    assert client.get("/api/v1/stats/?by=country").json()["total"] == 3


@pytest.mark.django_db
def test_a_kept_public_answer_changes_right_after_an_event_is_published(client, settings):
    settings.PUBLIC_CACHE_SECONDS = 60
    settings.PUBLIC_CACHE_SHARED = True
    EventFactory(title="Already public")
    draft = EventFactory(title="Just published", review_state=Event.ReviewState.DRAFT)
    first = client.get(URL)
    assert first["X-Cache"] == "miss"
    assert client.get(URL)["X-Cache"] == "hit"
    publish(draft)
    after = client.get(URL)
    assert after["X-Cache"] == "miss"
    assert "Just published" in [event["title"] for event in after.json()["results"]]


@pytest.mark.django_db
def test_a_kept_public_answer_changes_when_an_events_apps_change(client, settings):
    settings.PUBLIC_CACHE_SECONDS = 60
    settings.PUBLIC_CACHE_SHARED = True
    event = EventFactory(apps=[])
    assert client.get(f"/api/v1/events/{event.pk}/").json()["apps"] == []
    assert client.get(f"/api/v1/events/{event.pk}/")["X-Cache"] == "hit"
    event.apps.add(AppFactory(slug="signal", name="Signal"))
    assert [app["slug"] for app in client.get(f"/api/v1/events/{event.pk}/").json()["apps"]] == ["signal"]


@pytest.mark.django_db
def test_the_data_version_follows_links_between_events_written_without_a_save():
    """Links between related events have no history; a trigger counts their writes, so a link made
    or removed in bulk (no save, no signal) still changes every ETag and remembered count."""
    from events.freshness import data_version

    first, second, third = EventFactory(), EventFactory(), EventFactory()
    seen = [data_version()]
    links = Event.related.through.objects
    links.bulk_create([links.model(from_event=first, to_event=second), links.model(from_event=second, to_event=first)])
    seen.append(data_version())
    links.filter(from_event=first).update(to_event=third)
    seen.append(data_version())
    links.filter(from_event=first).delete()
    seen.append(data_version())
    assert data_version() == seen[-1]  # and only a write changes it
    assert len(set(seen)) == 4, seen
