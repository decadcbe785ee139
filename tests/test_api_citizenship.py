"""Good citizenship: 304 for unchanged lists, read-only methods, rate limits, CORS, docs offline."""

import pytest
from django.core.cache import cache

from tests.factories import AppFactory, EventFactory, SourceFactory, StatementFactory

URL = "/api/v1/events/"
ENDPOINTS = [
    "/api/v1/",
    "/api/v1/events/",
    "/api/v1/countries/",
    "/api/v1/countries/ru/",
    "/api/v1/apps/",
    "/api/v1/owners/",
    "/api/v1/authorities/",
    "/api/v1/measurements/",
    "/api/v1/statements/",
    "/api/v1/stats/?by=country",
    "/api/v1/status/",
    "/api/v1/status/changes/",
]


@pytest.fixture
def rate(settings):
    """Set the anonymous rate for one test, with fresh counters."""

    def set_rate(value):
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": value}}
        cache.clear()

    set_rate("100000/minute")
    yield set_rate
    cache.clear()


def revalidate(client, url, etag):
    return client.get(url, HTTP_IF_NONE_MATCH=etag).status_code


@pytest.mark.django_db
def test_an_unchanged_list_answers_304_for_one_query(client, rate, django_assert_num_queries):
    EventFactory()
    first = client.get(URL + "?country=ru")
    assert first.status_code == 200 and first["ETag"].startswith('W/"')
    # Queries: the data version only.
    with django_assert_num_queries(1):
        again = client.get(URL + "?country=ru", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    # Another query string is another resource.
    assert revalidate(client, URL + "?country=RU", first["ETag"]) == 200


@pytest.mark.django_db
def test_the_etag_changes_when_anything_shown_changes(client, rate):
    event = EventFactory()
    draft = EventFactory(review_state="draft")

    def etag():
        return client.get(URL)["ETag"]

    changes = [
        lambda: setattr(event, "title", "Edited") or event.save(),
        lambda: setattr(draft, "review_state", "published") or draft.save(),  # publishing
        lambda: setattr(draft, "review_state", "retracted") or draft.save(),  # retracting
        lambda: event.apps.add(AppFactory()),
        lambda: event.sources.add(SourceFactory()),
        lambda: StatementFactory(event=event),
        lambda: event.related.add(draft),
        lambda: event.related.remove(draft),
        lambda: event.apps.first().save(),  # an app renamed
        lambda: EventFactory(),
        lambda: event.delete(),
    ]
    for change in changes:
        before = etag()
        assert revalidate(client, URL, before) == 304
        change()
        assert revalidate(client, URL, before) == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url", ENDPOINTS)
def test_every_endpoint_gives_an_etag_that_revalidates(client, rate, url):
    EventFactory()
    first = client.get(url)
    assert first.status_code == 200, first.content
    assert revalidate(client, url, first["ETag"]) == 304


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", [*ENDPOINTS, "/api/v1/apps/whatsapp/", "/api/v1/events/1/"])
def test_write_methods_are_refused_with_405(client, rate, url, method):
    response = getattr(client, method)(url, data='{"title": "x"}', content_type="application/json")
    assert response.status_code == 405
    assert "not allowed" in response.json()["detail"]


@pytest.mark.django_db
def test_anonymous_clients_are_throttled_with_retry_after(client, rate):
    rate("3/minute")
    for _ in range(3):
        assert client.get(URL).status_code == 200
    response = client.get(URL)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    detail = response.json()["detail"]
    assert "3/minute" in detail and "Retry after" in detail
    # Another address has its own allowance.
    assert client.get(URL, REMOTE_ADDR="10.0.0.2").status_code == 200


@pytest.mark.django_db
def test_a_forged_forwarded_for_header_does_not_dodge_the_limit(client, rate):
    rate("2/minute")
    for n in range(2):
        client.get(URL, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert client.get(URL, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


@pytest.mark.django_db
def test_browser_notebooks_on_other_origins_may_read(client, rate):
    response = client.get(URL, HTTP_ORIGIN="https://notebook.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        URL, HTTP_ORIGIN="https://notebook.example.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert preflight.status_code == 200
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]


@pytest.mark.django_db
def test_root_states_the_licence_and_lists_the_endpoints(client, rate):
    seed_dataset = SourceFactory(url="https://example.org/stop", publisher="Access Now", title="#KeepItOn STOP")
    seed_dataset.kind = "dataset"
    seed_dataset.save()
    EventFactory(sources=[seed_dataset])
    body = client.get("/api/v1/").json()
    assert body["licence"]["name"] == "CC BY 4.0"
    assert any("Access Now" in credit and "#KeepItOn STOP" in credit for credit in body["credits"])
    names = {endpoint["name"] for endpoint in body["endpoints"]}
    assert names == {
        "events", "statements", "countries", "apps", "owners", "authorities", "measurements", "stats", "status",
        "status-changes",
    }  # fmt: skip
    for endpoint in body["endpoints"]:
        assert (
            client.get(
                endpoint["url"].replace("http://testserver", "") + ("?by=kind" if endpoint["name"] == "stats" else "")
            ).status_code
            == 200
        )


@pytest.mark.django_db
def test_schema_and_docs_are_served_without_any_outside_address(client, rate):
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/events/" in paths and "400" in paths["/api/v1/events/"]["get"]["responses"]
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html and "https://" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and b"/api/v1/schema/" in script.content


@pytest.mark.django_db
def test_every_list_documents_its_400_and_its_parameters(client, rate):
    paths = client.get("/api/v1/schema/?format=json").json()["paths"]
    for path, item in paths.items():
        if path.endswith("/") and "{" not in path and path not in ("/api/v1/",):
            operation = item["get"]
            assert "400" in operation["responses"], path
            body = operation["responses"]["400"]["content"]["application/json"]["schema"]
            assert body["additionalProperties"]["items"]["type"] == "string", path
    names = {p["name"] for p in paths["/api/v1/events/"]["get"]["parameters"]}
    assert {"country", "app", "owner", "authority", "kind", "status", "started_after", "started_before",
            "active_on", "year", "search", "ordering", "page_size", "cursor", "format"} <= names  # fmt: skip


@pytest.mark.django_db
def test_unknown_addresses_under_the_api_are_json_404s(client, rate):
    for url in (
        "/api/v1/events/abc/",
        "/api/v1/events/1,2/",
        "/api/v1/nothing/",
        "/api/v1/events/99999999999999999999/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json"
        assert response.json()["detail"]
    # A missing trailing slash is still redirected, keeping the query string.
    response = client.get("/api/v1/events?country=ru")
    assert response.status_code == 301 and response["Location"] == "/api/v1/events/?country=ru"
