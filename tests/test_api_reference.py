"""Countries, apps, owners and authorities: lists with counts, details with what is restricted now."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.factories import AppFactory, AuthorityFactory, EventFactory, OwnerFactory, country


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content
    return response.json()


@pytest.mark.django_db
def test_countries_list_every_country_by_name_with_event_counts(client):
    EventFactory.create_batch(2, country=country("RU"))
    body = get(client, "/api/v1/countries/?page_size=1000")
    assert body["count"] == 249
    russia = next(c for c in body["results"] if c["code"] == "RU")
    assert russia == {
        "code": "RU",
        "name": "Russia",
        "region": russia["region"],
        "event_count": 2,
        "in_force_count": 2,
        "measurement_count": 0,
        "page_url": "http://testserver/countries/ru/",
    }
    assert get(client, "/api/v1/countries/?search=ru")["count"] >= 1  # the code matches too


@pytest.mark.django_db
def test_country_detail_takes_any_case_and_lists_apps_restricted_now(client):
    today = timezone.localdate()
    now = AppFactory(slug="whatsapp", name="WhatsApp")
    was = AppFactory(slug="icq", name="ICQ")
    soon = AppFactory(slug="soon", name="Soon")
    EventFactory(apps=[now], started_on=today - timedelta(days=3))
    EventFactory(apps=[was], started_on=date(2020, 1, 1), ended_on=today - timedelta(days=1), status="lifted")
    EventFactory(apps=[soon], started_on=today + timedelta(days=3))
    body = get(client, "/api/v1/countries/Ru/")
    assert body["code"] == "RU" and body["event_count"] == 3
    assert [a["slug"] for a in body["apps_restricted_now"]] == ["whatsapp"]
    assert body["events_url"] == "http://testserver/api/v1/events/?country=RU"
    assert get(client, "/api/v1/countries/zz/", status=404)["detail"]


@pytest.mark.django_db
def test_apps_list_with_owner_and_detail_with_countries_restricted_now(client):
    meta = OwnerFactory(slug="meta", name="Meta Platforms")
    whatsapp = AppFactory(slug="whatsapp", name="WhatsApp", owner=meta)
    EventFactory(apps=[whatsapp], country=country("RU"))
    EventFactory(apps=[whatsapp], country=country("IR"), started_on=date(2030, 1, 1))  # not yet
    [listed] = get(client, "/api/v1/apps/?search=whats")["results"]
    assert listed["owner"] == {"slug": "meta", "name": "Meta Platforms"}
    assert listed["event_count"] == 2
    detail = get(client, "/api/v1/apps/WhatsApp/")
    assert detail["countries_restricted_now"] == [{"code": "RU", "name": "Russia"}]
    assert detail["events_url"] == "http://testserver/api/v1/events/?app=whatsapp"
    get(client, "/api/v1/apps/nothing/", status=404)


@pytest.mark.django_db
def test_owners_and_authorities(client):
    parent = OwnerFactory(slug="alphabet", name="Alphabet")
    google = OwnerFactory(slug="google", name="Google", parent=parent)
    youtube = AppFactory(slug="youtube", name="YouTube", owner=google)
    rkn = AuthorityFactory(slug="roskomnadzor", name="Roskomnadzor")
    EventFactory(authority=rkn, apps=[youtube])
    owners = get(client, "/api/v1/owners/")["results"]
    assert [o["slug"] for o in owners if o["slug"] in ("alphabet", "google")] == ["alphabet", "google"]
    detail = get(client, "/api/v1/owners/GOOGLE/")
    assert detail["parent"] == {"slug": "alphabet", "name": "Alphabet"}
    assert detail["apps"] == [{"slug": "youtube", "name": "YouTube"}]
    authority = get(client, "/api/v1/authorities/roskomnadzor/")
    assert authority["country"] == {"code": "RU", "name": "Russia"} and authority["event_count"] == 1
    assert get(client, "/api/v1/authorities/")["results"][0]["slug"] == "roskomnadzor"
    get(client, "/api/v1/owners/nobody/", status=404)
    get(client, "/api/v1/authorities/nobody/", status=404)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/countries/", "/api/v1/apps/", "/api/v1/owners/", "/api/v1/authorities/"])
def test_reference_lists_are_strict_too(client, url):
    # A typo of a filter (the countries list takes the event filters, `country` among them).
    assert "Unknown parameter" in get(client, url + "?countyr=ru", status=400)["countyr"][0]
    assert "page_size" in get(client, url + "?page_size=0", status=400)
    assert "search" in get(client, url + "?search=", status=400)
    assert "format" in get(client, url + "?format=csv", status=400)


@pytest.mark.django_db
def test_reference_lists_page_by_name_without_overlap(client):
    seen, url = [], "/api/v1/countries/?page_size=50"
    while url:
        body = get(client, url)
        seen += [c["code"] for c in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == 249


@pytest.mark.django_db
def test_reference_lists_cost_the_same_for_one_row_and_fifty(client, django_assert_num_queries):
    EventFactory()  # an app is public through a published event that names it
    # Queries: data version (ETag), count, page, event counts of the page's apps.
    with django_assert_num_queries(4):
        assert get(client, "/api/v1/apps/")["count"] == 1
    EventFactory(apps=AppFactory.create_batch(49))
    with django_assert_num_queries(4):
        assert len(get(client, "/api/v1/apps/")["results"]) == 50
    # Countries: count, page, event counts, OONI measurement counts (no data version: the ETag is
    # the body's); the same four for 249 countries.
    with django_assert_num_queries(4):
        get(client, "/api/v1/countries/?page_size=1000")
