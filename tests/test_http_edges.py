"""HTTP at its edges: conditional requests, content negotiation, the Host header, sign-in redirects,
and the web addresses editors may store."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import EventFactory, SourceFactory
from tests.test_admin_helpers import make_user

pytestmark = pytest.mark.django_db


def test_if_none_match_star_is_a_304_only_for_what_exists(client):
    event = EventFactory()
    assert client.get(f"/api/v1/events/{event.pk}/", HTTP_IF_NONE_MATCH="*").status_code == 304
    assert client.get("/api/v1/events/999999/", HTTP_IF_NONE_MATCH="*").status_code == 404
    assert client.get("/api/v1/apps/no-such-app/", HTTP_IF_NONE_MATCH="*").status_code == 404


def test_accept_is_read_with_its_quality_values(client):
    EventFactory()
    csv_first = client.get("/api/v1/events/", HTTP_ACCEPT="text/csv, application/json;q=0.1")
    assert csv_first["Content-Type"].startswith("text/csv")
    json_first = client.get("/api/v1/events/", HTTP_ACCEPT="text/csv;q=0.5, application/json")
    assert json_first["Content-Type"].startswith("application/json")
    refused = client.get("/api/v1/events/", HTTP_ACCEPT="text/csv;q=0, application/json")
    assert refused["Content-Type"].startswith("application/json")
    assert client.get("/api/v1/events/", HTTP_ACCEPT="image/png").status_code == 406


def test_links_are_built_from_the_site_address_not_the_host_header(client, settings):
    settings.SITE_URL = "https://tracker.example.org"
    settings.ALLOWED_HOSTS = ["tracker.example.org"]
    event = EventFactory()
    record = client.get(f"/api/v1/events/{event.pk}/", HTTP_HOST="tracker.example.org:6666").json()
    assert record["page_url"] == f"http://tracker.example.org/events/{event.pk}/"
    feed = client.get("/feeds/events/", HTTP_HOST="tracker.example.org:6666").content.decode()
    assert ":6666" not in feed


def test_a_refused_next_after_signing_in_lands_on_the_admin(client):
    make_user("root", password="a long passphrase here")
    response = client.post(
        "/admin/login/?next=https://evil.example/",
        {"username": "root", "password": "a long passphrase here", "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


@pytest.mark.parametrize(
    "url", ['https://ok.example/"onmouseover=alert(1)', "https://ok.example/a b", "https://ok.example/<x>"]
)
def test_a_web_address_with_characters_uris_cannot_hold_is_refused(url):
    with pytest.raises(ValidationError) as caught:
        SourceFactory.build(url=url).full_clean()
    assert "percent-encode" in str(caught.value)


def test_a_web_address_with_letters_beyond_ascii_is_kept():
    SourceFactory.build(url="https://ria.ru/новости/2026").full_clean(validate_unique=False)
