"""/api/v1/events/: the event shape, each filter and its 400, combinations, and the seed story."""

from datetime import date

import pytest

from events.models import Event
from tests.factories import (
    AppFactory,
    AuthorityFactory,
    EventFactory,
    OwnerFactory,
    SourceFactory,
    StatementFactory,
    country,
)

URL = "/api/v1/events/"


def ids(client, query="", status=200):
    response = client.get(URL + query)
    assert response.status_code == status, response.content
    return {event["id"] for event in response.json()["results"]}


def error(client, query, url=URL):
    response = client.get(url + query)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


@pytest.mark.django_db
def test_an_event_embeds_what_a_researcher_needs(client):
    meta = OwnerFactory(slug="meta", name="Meta Platforms")
    whatsapp = AppFactory(slug="whatsapp", name="WhatsApp", owner=meta)
    max_app = AppFactory(slug="max", name="MAX")
    rkn = AuthorityFactory(slug="roskomnadzor", name="Roskomnadzor")
    dataset = SourceFactory(
        url="https://example.org/stop", title="STOP", publisher="Access Now", kind="dataset", published_on=None
    )
    news = SourceFactory(url="https://example.org/news", title="News", published_on=date(2026, 2, 12))
    earlier = EventFactory(started_on=date(2022, 3, 21))
    event = EventFactory(
        title="Russia blocks WhatsApp",
        apps=[whatsapp],
        owner=meta,
        authority=rkn,
        promoted_alternative=max_app,
        features=["all"],
        started_on=date(2026, 2, 1),
        started_precision="month",
        sources=[news, dataset],
        summary="Blocked.",
    )
    event.related.add(earlier)
    StatementFactory(event=event, speaker="Dmitry Peskov", source=news)

    body = client.get(f"{URL}{event.pk}/").json()

    assert body["id"] == event.pk
    assert body["page_url"] == f"http://testserver/events/{event.pk}/"
    assert body["country"] == {"code": "RU", "name": "Russia"}
    meta_ref = {"slug": "meta", "name": "Meta Platforms"}
    assert body["apps"] == [{"slug": "whatsapp", "name": "WhatsApp", "owner": meta_ref}]
    assert body["owner"] == {"slug": "meta", "name": "Meta Platforms"}
    assert body["authority"] == {"slug": "roskomnadzor", "name": "Roskomnadzor"}
    assert body["promoted_alternative"] == {"slug": "max", "name": "MAX"}
    assert (body["kind"], body["status"], body["features"]) == ("full_block", "in_force", ["all"])
    assert (body["started_on"], body["started_precision"]) == ("2026-02-01", "month")
    assert (body["ended_on"], body["ended_precision"]) == (None, None)
    # Sources by publication date, undated last, on every database.
    assert [s["url"] for s in body["sources"]] == ["https://example.org/news", "https://example.org/stop"]
    assert set(body["sources"][0]) == {"url", "title", "publisher", "published_on", "kind", "archived_url"}
    assert body["statements"][0]["speaker"] == "Dmitry Peskov"
    assert body["statements"][0]["source_url"] == "https://example.org/news"
    assert body["related"] == [earlier.pk]
    assert body["updated_at"].startswith(str(event.updated_at.date()))
    assert body["description"] == ""


@pytest.mark.django_db
def test_detail_of_a_missing_event_is_404_in_json(client):
    response = client.get(f"{URL}999999/")
    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.django_db
def test_list_is_newest_start_first_with_id_breaking_ties(client):
    old = EventFactory(started_on=date(2020, 1, 1))
    a = EventFactory(started_on=date(2025, 1, 1))
    b = EventFactory(started_on=date(2025, 1, 1))
    results = client.get(URL).json()["results"]
    assert [e["id"] for e in results] == [b.pk, a.pk, old.pk]


@pytest.mark.django_db
def test_country_filter_takes_codes_in_any_case_and_lists(client):
    ru = EventFactory(country=country("RU"))
    ir = EventFactory(country=country("IR"))
    EventFactory(country=country("CN"))
    assert ids(client, "?country=ru") == {ru.pk}
    assert ids(client, "?country=RU,ir") == {ru.pk, ir.pk}
    assert error(client, "?country=XX")["country"][0].startswith("Unknown country code XX")
    assert "country" in error(client, "?country=ru,,ir")
    assert "country" in error(client, "?country=")


@pytest.mark.django_db
def test_app_filter_matches_events_whose_apps_include_it(client):
    whatsapp, telegram = AppFactory(slug="whatsapp"), AppFactory(slug="telegram")
    both = EventFactory(apps=[whatsapp, telegram])
    only_telegram = EventFactory(apps=[telegram])
    EventFactory()
    assert ids(client, "?app=WhatsApp") == {both.pk}
    assert ids(client, "?app=whatsapp,telegram") == {both.pk, only_telegram.pk}
    assert error(client, "?app=whatsap")["app"][0].startswith("Unknown app slug whatsap")


@pytest.mark.django_db
def test_owner_filter_matches_target_or_any_app_it_owns(client):
    meta = OwnerFactory(slug="meta")
    targeted = EventFactory(owner=meta, apps=[])
    via_app = EventFactory(apps=[AppFactory(owner=meta)])
    EventFactory()
    assert ids(client, "?owner=meta") == {targeted.pk, via_app.pk}
    assert "owner" in error(client, "?owner=nobody")


@pytest.mark.django_db
def test_authority_kind_and_status_filters(client):
    rkn = AuthorityFactory(slug="roskomnadzor")
    by_rkn = EventFactory(authority=rkn, kind="partial_block", status="lifted", ended_on=date(2026, 3, 1))
    other = EventFactory(kind="full_block")
    assert ids(client, "?authority=roskomnadzor") == {by_rkn.pk}
    assert ids(client, "?kind=partial_block") == {by_rkn.pk}
    assert ids(client, "?kind=partial_block,full_block") == {by_rkn.pk, other.pk}
    assert ids(client, "?status=lifted") == {by_rkn.pk}
    assert "authority" in error(client, "?authority=nobody")
    assert "use any of" in error(client, "?kind=blocked")["kind"][0]
    assert "status" in error(client, "?status=on")


@pytest.mark.django_db
def test_start_date_range_and_year(client):
    a = EventFactory(started_on=date(2022, 3, 4))
    b = EventFactory(started_on=date(2025, 8, 13))
    assert ids(client, "?started_after=2022-03-05") == {b.pk}
    assert ids(client, "?started_after=2022-03-04") == {a.pk, b.pk}
    assert ids(client, "?started_before=2022-03-04") == {a.pk}
    assert ids(client, "?started_after=2022-01-01&started_before=2025-08-12") == {a.pk}
    assert ids(client, "?year=2025") == {b.pk}
    assert "started_after" in error(client, "?started_after=2026-01-01&started_before=2025-01-01")
    assert "YYYY-MM-DD" in error(client, "?started_before=01/02/2026")["started_before"][0]
    assert "year" in error(client, "?year=1800")
    assert "year" in error(client, "?year=twenty")


@pytest.mark.django_db
def test_active_on_at_its_edges(client):
    lifted = EventFactory(started_on=date(2025, 1, 10), ended_on=date(2025, 1, 20), status="lifted")
    ongoing = EventFactory(started_on=date(2025, 1, 15))
    EventFactory(started_on=date(2025, 1, 12), status="announced")  # announced is never in force
    assert ids(client, "?active_on=2025-01-09") == set()
    assert ids(client, "?active_on=2025-01-10") == {lifted.pk}  # first day counts
    assert ids(client, "?active_on=2025-01-15") == {lifted.pk, ongoing.pk}
    assert ids(client, "?active_on=2025-01-20") == {lifted.pk, ongoing.pk}  # last day counts
    assert ids(client, "?active_on=2025-01-21") == {ongoing.pk}
    assert "active_on" in error(client, "?active_on=2025-02-30")


@pytest.mark.django_db
def test_search_finds_words_and_app_names(client):
    facetime = EventFactory(title="Russia restricts calls", apps=[AppFactory(name="FaceTime")])
    EventFactory(title="Something else")
    assert ids(client, "?search=facetime") == {facetime.pk}
    assert ids(client, "?search=RESTRICTS") == {facetime.pk}
    assert "search" in error(client, "?search=%20%20")


@pytest.mark.django_db
def test_filters_combine(client):
    whatsapp = AppFactory(slug="whatsapp")
    hit = EventFactory(country=country("RU"), apps=[whatsapp], kind="full_block", started_on=date(2026, 2, 12))
    EventFactory(country=country("IR"), apps=[whatsapp], kind="full_block")
    EventFactory(country=country("RU"), apps=[whatsapp], kind="feature_restriction")
    EventFactory(country=country("RU"), kind="full_block")
    assert ids(client, "?country=ru&app=whatsapp&kind=full_block&active_on=2026-03-01") == {hit.pk}


@pytest.mark.django_db
def test_strictness_on_unknown_repeated_and_empty_parameters(client):
    EventFactory()
    assert "Unknown parameter" in error(client, "?contry=ru")["contry"][0]
    assert "page" in error(client, "?page=2")  # this API pages with cursors
    assert "once" in error(client, "?country=ru&country=ir")["country"][0]
    assert "ordering" in error(client, "?ordering=title")
    assert "format" in error(client, "?format=xml")
    assert "format" in error(client, "?format=")
    # Several bad parameters are reported together.
    assert set(error(client, "?country=xx&page_size=0&kind=nope")) == {"country", "page_size", "kind"}


@pytest.mark.django_db
def test_detail_accepts_no_filters(client):
    event = EventFactory()
    assert "country" in error(client, "?country=ru", url=f"{URL}{event.pk}/")
    assert client.get(f"{URL}{event.pk}/?format=json").status_code == 200


@pytest.mark.django_db
def test_seed_story_apps_restricted_in_russia_on_new_years_eve_2025(client, seed_each):
    results = client.get(URL + "?country=ru&active_on=2025-12-31&page_size=1000").json()["results"]
    apps = {app["slug"] for event in results for app in event["apps"]}
    assert apps == {"facebook", "instagram", "whatsapp", "telegram", "snapchat", "facetime"}


@pytest.mark.django_db
def test_seed_story_events_about_whatsapp_with_their_sources(client, seed_each):
    results = client.get(URL + "?app=whatsapp").json()["results"]
    assert [e["started_on"] for e in results] == ["2026-02-12", "2025-08-13"]
    assert all(e["sources"] and all(s["url"].startswith("https://") for s in e["sources"]) for e in results)
    full_block = results[0]
    assert full_block["kind"] == "full_block"
    assert full_block["promoted_alternative"]["slug"] == "max"


@pytest.mark.django_db
def test_ordering_by_end_puts_ongoing_events_last_going_up_and_first_going_down(client):
    ongoing = EventFactory(started_on=date(2025, 1, 1))
    early = EventFactory(started_on=date(2024, 1, 1), ended_on=date(2024, 6, 1), status="lifted")
    late = EventFactory(started_on=date(2024, 2, 1), ended_on=date(2024, 9, 1), status="lifted")

    def order(value):
        return [e["id"] for e in client.get(f"{URL}?ordering={value}").json()["results"]]

    assert order("ended_on") == [early.pk, late.pk, ongoing.pk]
    assert order("-ended_on") == [ongoing.pk, late.pk, early.pk]
    assert order("started_on") == [early.pk, late.pk, ongoing.pk]
    Event.objects.filter(pk=early.pk).update(title="touched")  # update() leaves updated_at alone
    early.save()
    assert order("-updated_at")[0] == early.pk
