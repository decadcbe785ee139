"""The public's answers kept PUBLIC_CACHE_SECONDS (tracker/caching.py): rendered once per period in
the shared cache, marked for browsers and CDNs, never an editor's, never the admin's."""

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.utils.cache import get_cache_key

from events.models import Event
from tests.test_admin_helpers import make_user
from tracker.caching import key_prefix


@pytest.fixture(autouse=True)
def sixty_seconds(settings):
    settings.PUBLIC_CACHE_SECONDS = 60
    settings.PUBLIC_CACHE_SHARED = True  # one process: its memory is every worker's cache
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/about/", "/api/v1/events/", "/feeds/events/", "/countries/ru/"])
def test_the_publics_answers_are_rendered_once_per_period_and_may_be_kept_for_it(seed, path, django_assert_num_queries):
    client = Client()
    first = client.get(path)
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, max-age=60"
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):  # served from the shared cache: no database at all
        again = client.get(path)
    assert again.content == first.content
    assert again["X-Cache"] == "hit"
    assert again["Cache-Control"] in ("public, max-age=60", "public, max-age=59")


@pytest.mark.django_db
def test_a_kept_answer_states_only_the_lifetime_it_has_left(seed, monkeypatch):
    client = Client()
    now = 1_000_000.0
    monkeypatch.setattr("tracker.caching.time.time", lambda: now)
    client.get("/about/")
    now += 45
    assert client.get("/about/")["Cache-Control"] == "public, max-age=15"


@pytest.mark.django_db
def test_an_expired_answer_is_rendered_again_by_one_request_while_the_others_get_the_old_one(seed, monkeypatch):
    client = Client()
    now = 1_000_000.0
    monkeypatch.setattr("tracker.caching.time.time", lambda: now)
    event = Event.objects.public().first()
    client.get(f"/events/{event.pk}/")
    event.title = "Corrected title"
    event.save()
    now += 61
    refresher = client.get(f"/events/{event.pk}/")
    assert refresher["X-Cache"] == "miss" and b"Corrected title" in refresher.content
    assert client.get(f"/events/{event.pk}/")["X-Cache"] == "hit"


@pytest.mark.django_db
def test_while_one_request_renders_again_the_others_get_the_expired_copy(seed, monkeypatch):
    client = Client()
    now = 1_000_000.0
    monkeypatch.setattr("tracker.caching.time.time", lambda: now)
    client.get("/about/")
    now += 61
    key = get_cache_key(RequestFactory().get("/about/"), key_prefix(), "GET", cache=cache)
    cache.add(f"{key}:refresh", 1)  # as if another request were rendering it now
    stale = client.get("/about/")
    assert stale["X-Cache"] == "stale" and stale["Cache-Control"] == "public, max-age=0"


@pytest.mark.django_db
def test_answers_that_differ_by_what_the_client_accepts_are_kept_apart(seed):
    client = Client()
    json_answer = client.get("/api/v1/events/", HTTP_ACCEPT="application/json")
    csv_answer = client.get("/api/v1/events/", HTTP_ACCEPT="text/csv")
    assert json_answer["Content-Type"].startswith("application/json")
    assert not csv_answer["Content-Type"].startswith("application/json")
    assert client.get("/api/v1/events/", HTTP_ACCEPT="application/json").content == json_answer.content


@pytest.mark.django_db
def test_editors_always_get_fresh_answers_that_no_shared_cache_keeps(seed):
    anonymous, editor = Client(), Client()
    editor.force_login(make_user("admin"))
    event = Event.objects.public().first()
    anonymous.get(f"/events/{event.pk}/")
    event.title = "Renamed by an editor"
    event.save()
    # The save dropped the kept answer (events/freshness.py): the public sees the edit at once.
    assert b"Renamed by an editor" in anonymous.get(f"/events/{event.pk}/").content
    answer = editor.get(f"/events/{event.pk}/")
    assert b"Renamed by an editor" in answer.content
    assert answer["Cache-Control"] == "private, no-cache"
    assert "X-Cache" not in answer
    admin = editor.get("/admin/")
    assert "public" not in admin.get("Cache-Control", "") and "X-Cache" not in admin


@pytest.mark.django_db
def test_errors_are_not_kept(seed):
    client = Client()
    assert "X-Cache" not in client.get("/no-such-page/")
    assert "Cache-Control" not in client.get("/no-such-page/")
    assert client.get("/api/v1/events/?country=XX").status_code == 400
    assert "X-Cache" not in client.get("/api/v1/events/?country=XX")


@pytest.mark.django_db
def test_nothing_is_kept_when_the_freshness_is_zero(settings, seed):
    settings.PUBLIC_CACHE_SECONDS = 0
    response = Client().get("/about/")
    assert "Cache-Control" not in response and "X-Cache" not in response


@pytest.mark.django_db
def test_without_a_shared_cache_nothing_is_kept_so_a_retraction_shows_at_the_next_request(settings, seed):
    # Two gunicorn workers with per-process caches: the worker that did not save would have kept
    # serving its copy. Now no worker keeps one; CDNs are still told they may (max-age).
    settings.PUBLIC_CACHE_SHARED = False
    client = Client()
    event = Event.objects.public().first()
    first = client.get(f"/events/{event.pk}/")
    assert first["Cache-Control"] == "public, max-age=60" and "X-Cache" not in first
    Event.objects.filter(pk=event.pk).update(review_state=Event.ReviewState.RETRACTED)  # no signal at all
    assert client.get(f"/events/{event.pk}/").status_code == 404
    assert client.get(f"/api/v1/events/{event.pk}/").status_code == 404


@pytest.mark.django_db
def test_an_expired_copy_whose_new_render_is_not_kept_is_dropped_at_once(seed, monkeypatch):
    client = Client()
    now = 1_000_000.0
    monkeypatch.setattr("tracker.caching.time.time", lambda: now)
    event = Event.objects.public().first()
    client.get(f"/events/{event.pk}/")
    Event.objects.filter(pk=event.pk).update(review_state=Event.ReviewState.RETRACTED)  # bypassing the signals
    now += 61
    assert client.get(f"/events/{event.pk}/").status_code == 404  # this request renders it again
    assert client.get(f"/events/{event.pk}/").status_code == 404  # and nobody gets the old copy


@pytest.mark.django_db
def test_a_made_up_session_cookie_is_served_from_the_cache_like_anyone(seed, django_assert_num_queries):
    client = Client()
    client.get("/about/")
    client.cookies["sessionid"] = "made-up"
    # One query: the session is looked up, and is not there.
    with django_assert_num_queries(1):
        answer = client.get("/about/")
    assert answer["X-Cache"] == "hit"


@pytest.mark.django_db
def test_anonymous_page_renders_are_limited_per_address_and_cached_answers_do_not_count(settings, seed):
    settings.PAGES_ANON_RATE = "3/minute"
    client = Client()
    for path in ("/", "/about/", "/countries/"):
        assert client.get(path).status_code == 200
    assert client.get("/about/")["X-Cache"] == "hit"  # from the cache: not a render
    refused = client.get("/apps/")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert client.get("/apps/", REMOTE_ADDR="10.0.0.9").status_code == 200  # another address
