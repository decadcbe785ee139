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
