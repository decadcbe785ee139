"""A NUL character in a parameter is a clear 400 on every database, never a PostgreSQL error."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/events/?owner=me%00ta", "owner"),
        ("/api/v1/events/?search=what%00sapp", "search"),
        ("/api/v1/stats/?by=country&country=r%00u", "country"),
        ("/api/v1/apps/?search=a%00", "search"),
        ("/api/v1/measurements/?test_name=whats%00app", "test_name"),
    ],
)
def test_the_api_refuses_a_nul_character_naming_the_parameter(client, seed, url, parameter):
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.json()[parameter][0]


@pytest.mark.parametrize("url", ["/timeline/?search=what%00sapp", "/search/?q=what%00sapp"])
def test_the_pages_answer_a_nul_character_without_a_server_error(client, seed, url):
    response = client.get(url)
    assert response.status_code in (200, 400)
    assert response.status_code != 500


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/apps/%00/",
        "/api/v1/countries/ru%00/",
        "/api/v1/owners/me%00ta/",
        "/api/v1/authorities/%00/",
        "/api/v1/events/1%00/",
        "/countries/%00/",
        "/apps/what%00sapp/",
        "/feeds/countries/%00/",
        "/feeds/apps/%00/",
    ],
)
def test_a_nul_character_in_the_path_is_a_404_and_json_under_the_api(client, seed, url):
    response = client.get(url)
    assert response.status_code == 404
    if url.startswith("/api/"):
        assert "NUL" in response.json()["detail"]


def test_a_nul_character_in_a_timeline_filter_is_a_400_naming_it(client, seed):
    response = client.get("/timeline/?country=%00")
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_cursor_carrying_a_nul_character_is_a_400(client, seed):
    import base64

    import orjson

    token = base64.urlsafe_b64encode(orjson.dumps({"o": "-started_on", "r": False, "v": "2026\u0000", "k": 1}))
    response = client.get(f"/api/v1/events/?cursor={token.decode().rstrip('=')}")
    assert response.status_code == 400
    assert "cursor" in response.json()


def test_errors_under_the_api_are_json_even_outside_its_routes(client, db):
    response = client.get("/api/nothing-here/")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("No such address")
    long = client.get("/api/v1/events/?search=" + "a" * 8001)
    assert long.status_code == 414
    assert "longer than" in long.json()["detail"]


def test_a_server_error_under_the_api_is_json(db, monkeypatch):
    from django.test import Client

    from events.api.views.root import Root

    def broken(self, request):
        raise RuntimeError("a bug")

    monkeypatch.setattr(Root, "respond", broken)
    response = Client(raise_request_exception=False).get("/api/v1/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert "logged" in response.json()["detail"]
