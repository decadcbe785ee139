"""The public's answers, kept for PUBLIC_CACHE_SECONDS: the freshness the tracker promises readers
after an edit (60 s in production, off in development).

Two layers keep them, both bounded by that one figure:

- the app servers' shared cache (Redis with REDIS_URL): a page or API answer is rendered once per
  URL (and per `Accept`, or whatever else it varies on) per period, however many readers ask, so
  a news spike costs the database a few queries a minute. Only a cache that every app server
  shares keeps answers: with a per-process cache (no REDIS_URL) an edit in one worker could not
  drop another worker's copy, and a retracted event would go on being served from it;
- browsers and a CDN, through `Cache-Control: public, max-age=N`. An answer taken from the
  server's cache says only the lifetime it has left, so that the two layers together never keep
  it longer than PUBLIC_CACHE_SECONDS.

When a kept answer expires, one request renders it again while the others are still given the
expired copy (for at most the time that one render takes): otherwise every reader arriving in
that moment would render the same expensive page at once, just when the site is busiest. If that
render is not kept (a 404 for a retracted event, say), the expired copy goes at once.

Kept answers are dropped as soon as editors publish or change anything the public sees: every key
includes the *generation* (events/freshness.py, which explains both of the tracker's clocks of
change), bumped by every save of public data. Old entries are then never looked up again and
expire on their own. So a retraction stops being served by the app servers at the next request;
a CDN may keep its copy for what is left of PUBLIC_CACHE_SECONDS.

Only an anonymous GET or HEAD answered 200 that says nothing about caching itself, sets no cookie
and does not vary by cookie is kept; never the admin. Editors (a request whose session cookie names
a live session) always get a fresh answer, marked private so that no shared cache keeps it; a made-up
cookie does not make a request an editor's. After expiry, the API's ETags make a CDN's revalidation
cheap (304).

Anonymous page renders (not answers from the cache, nor the API, which DRF limits) are limited per
address to PAGES_ANON_RATE, generous for readers, so that nobody can make the servers render
expensive pages on demand.
"""

import time
from importlib import import_module

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_cache_key, has_vary_header, learn_cache_key, patch_cache_control
from rest_framework.throttling import SimpleRateThrottle

from events.freshness import generation

KEY_PREFIX = "public"
# Longest time one request may hold the right to render an expired answer again.
REFRESH_SECONDS = 30


def key_prefix():
    """The prefix of every kept answer's key in the current generation."""
    return f"{KEY_PREFIX}:{generation()}"


def _has_session(request):
    """Whether the request's session cookie names a live session: one lookup, for cookies only."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return False
    store = import_module(settings.SESSION_ENGINE).SessionStore
    return store().exists(key)


def _anonymous_read(request):
    return (
        request.method in ("GET", "HEAD") and not request.path_info.startswith("/admin/") and not _has_session(request)
    )


class PageRateThrottle(SimpleRateThrottle):
    """Anonymous page renders per address (behind NUM_PROXIES proxies, as DRF counts them)."""

    scope = "pages"

    def get_rate(self):
        return settings.PAGES_ANON_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def _too_many(wait):
    seconds = max(1, round(wait or 1))
    response = HttpResponse(
        f"Too many pages requested from your address. Retry after {seconds} seconds.\n",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(seconds)
    return response


def _is_page(request):
    return not request.path_info.startswith(("/api/", "/admin/", "/static/", "/healthz", "/readyz"))


def _cacheable(response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.has_header("Cache-Control")
        and not response.cookies
        and not has_vary_header(response, "Cookie")
    )


class PublicCacheMiddleware:
    """See the module docstring. Sits outside the session, authentication and outage middleware,
    so that what it stores is the final answer, and a stored answer is served without them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PUBLIC_CACHE_SECONDS
        anonymous = _anonymous_read(request)
        keeps = bool(seconds) and anonymous and settings.PUBLIC_CACHE_SHARED
        # Read once, before rendering: an answer rendered while an edit lands is stored under the
        # generation it started in, which that edit has already made obsolete.
        prefix = key_prefix() if keeps else None
        key = get_cache_key(request, prefix, "GET", cache=cache) if keeps else None
        refreshing = False
        if key:
            stored = cache.get(key)
            if stored is not None:
                stored_at, response = stored
                left = round(seconds - (time.time() - stored_at))
                # Expired: this request renders it again, unless another one already is.
                refreshing = left <= 0 and cache.add(f"{key}:refresh", 1, REFRESH_SECONDS)
                if not refreshing:
                    patch_cache_control(response, public=True, max_age=max(0, left))
                    response["X-Cache"] = "hit" if left > 0 else "stale"
                    return response
        if anonymous and _is_page(request):
            throttle = PageRateThrottle()
            if not throttle.allow_request(request, None):
                return _too_many(throttle.wait())
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD") or request.path_info.startswith("/admin/"):
            return response
        if not anonymous:
            if response.status_code == 200 and not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_cache=True)
            return response
        if seconds and _cacheable(response):
            patch_cache_control(response, public=True, max_age=seconds)
            if keeps and request.method == "GET":
                # Kept twice as long as it is fresh, so that an expired copy remains to be given
                # out while one request renders the next.
                key = learn_cache_key(request, response, 2 * seconds, prefix, cache=cache)
                cache.set(key, (time.time(), response), 2 * seconds)
                cache.delete(f"{key}:refresh")
                response["X-Cache"] = "miss"
        elif refreshing:
            # The new answer is not kept (an error, a retracted record): nor may the old one be.
            cache.delete_many([key, f"{key}:refresh"])
        return response
