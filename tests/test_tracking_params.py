"""Shared links work: the pages ignore the tracking parameters sites add to links; the API does not."""

import re

import pytest

from events.models import Event

pytestmark = pytest.mark.django_db

TRACKING = "utm_source=twitter&utm_campaign=launch&fbclid=IwAR0abc&gclid=Cj0K&mc_cid=1&mc_eid=2&igshid=x&_ga=1"


def pages():
    event = Event.objects.public().first()
    return [
        "/",
        "/timeline/",
        "/timeline/?country=ru",
        "/countries/",
        "/countries/ru/",
        "/apps/",
        "/apps/whatsapp/",
        "/owners/meta/",
        "/authorities/roskomnadzor/",
        event.get_absolute_url(),
        "/search/?q=whatsapp",
        "/about/",
        "/status/",
        "/status/changes/",
        "/feeds/events/",
        "/feeds/countries/ru/",
        "/feeds/apps/whatsapp/",
    ]


def without_request_ids(body):
    return re.sub(r'nonce="[^"]+"', "", body)


def test_every_page_answers_as_if_the_tracking_parameters_were_absent(client, seed):
    for url in pages():
        clean = client.get(url)
        joiner = "&" if "?" in url else "?"
        tracked = client.get(f"{url}{joiner}{TRACKING}")
        assert tracked.status_code == clean.status_code == 200, url
        assert without_request_ids(tracked.content.decode()) == without_request_ids(clean.content.decode()), url


def test_the_timeline_still_filters_and_its_links_drop_the_tracking(client, seed):
    page = client.get("/timeline/?country=ru&utm_campaign=a&fbclid=b").content.decode()
    assert "Russia" in page
    assert "fbclid" not in page and "utm_campaign" not in page  # canonical link, pagination, API links


def test_an_unknown_parameter_that_is_not_tracking_still_says_so_on_the_timeline(client, seed):
    assert client.get("/timeline/?colour=red").status_code == 400


def test_the_api_stays_strict(client, seed):
    for url in ("/api/v1/events/?utm_source=x", "/api/v1/events/?fbclid=y", "/api/v1/countries/?gclid=z"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "Unknown parameter" in str(response.json())


def test_a_tracked_link_is_served_from_the_same_kept_answer(client, seed, settings):
    settings.PUBLIC_CACHE_SECONDS, settings.PUBLIC_CACHE_SHARED = 60, True
    assert client.get("/countries/ru/")["X-Cache"] == "miss"
    assert client.get(f"/countries/ru/?{TRACKING}")["X-Cache"] == "hit"
