"""Cache-Control on the public's answers (PUBLIC_CACHE_SECONDS): what a CDN may keep, and what not."""

import pytest
from django.test import Client

from tests.test_admin_helpers import publisher


@pytest.fixture(autouse=True)
def sixty_seconds(settings):
    settings.PUBLIC_CACHE_SECONDS = 60


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/about/", "/api/v1/events/", "/feeds/events/"])
def test_the_publics_answers_may_be_kept_for_the_stated_freshness(seed, path):
    response = Client().get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=60"


@pytest.mark.django_db
def test_editors_errors_and_the_admin_are_never_kept_by_a_shared_cache(seed):
    client = Client()
    assert "Cache-Control" not in client.get("/no-such-page/")  # a 404 is not promised for 60 s
    assert "public" not in client.get("/admin/login/").get("Cache-Control", "")
    client.force_login(publisher("pia"))
    assert client.get("/about/")["Cache-Control"] == "private, no-cache"
    assert "public" not in client.get("/admin/").get("Cache-Control", "")


@pytest.mark.django_db
def test_nothing_is_marked_cacheable_when_the_freshness_is_zero(settings, seed):
    settings.PUBLIC_CACHE_SECONDS = 0
    assert "Cache-Control" not in Client().get("/about/")
