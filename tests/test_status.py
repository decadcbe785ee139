"""The status rule (events/status.py) and /api/v1/status/: the seed story answered, and the edges."""

import csv
import io
from datetime import date

import pytest

from events.models import Event
from events.status import status_on
from tests.factories import AppFactory, AuthorityFactory, EventFactory, country

pytestmark = pytest.mark.django_db


def kinds(day, **filters):
    return {pair.app: pair.kind for pair in status_on(day, Event.objects.public().filter(**filters))}


def test_russia_at_the_end_of_2025(seed):
    pairs = {pair.app: pair for pair in status_on(date(2025, 12, 31)) if pair.country == "RU"}
    assert {app: pair.kind for app, pair in pairs.items()} == {
        "whatsapp": "feature_restriction",
        "telegram": "feature_restriction",
        "snapchat": "full_block",
        "facetime": "partial_block",
        "facebook": "full_block",
        "instagram": "full_block",
    }
    assert "max" not in pairs  # promoted, not restricted
    assert pairs["whatsapp"].features == ["voice_calls", "video_calls"]
    assert pairs["whatsapp"].since == (date(2025, 8, 13), "day")
    # Facebook: the 2022 block is the strongest; the designation is among its measures too.
    facebook = Event.objects.filter(import_key__in=["seed:facebook-block-2022", "seed:meta-extremist-2022"])
    assert pairs["facebook"].event_ids == sorted(facebook.values_list("pk", flat=True))
    assert pairs["facebook"].since == (date(2022, 3, 4), "day")


def test_whatsapp_escalates_and_was_exempt_from_the_designation(seed):
    assert kinds(date(2026, 3, 1))["whatsapp"] == "full_block"
    assert "whatsapp" not in kinds(date(2022, 3, 1))
    assert "whatsapp" not in kinds(date(2022, 6, 1))  # the designation names Facebook and Instagram only
    assert kinds(date(2022, 6, 1)) == {"facebook": "full_block", "instagram": "full_block"}


def test_the_first_and_last_days_count_and_the_day_after_does_not(db):
    app = AppFactory(slug="chatty")
    EventFactory(apps=[app], started_on=date(2024, 5, 1), ended_on=date(2024, 5, 3), status="lifted")
    assert "chatty" not in kinds(date(2024, 4, 30))
    assert kinds(date(2024, 5, 1))["chatty"] == kinds(date(2024, 5, 3))["chatty"] == "full_block"
    assert "chatty" not in kinds(date(2024, 5, 4))


def test_a_month_precision_start_counts_from_the_first_of_the_month(db):
    app = AppFactory(slug="monthly")
    EventFactory(apps=[app], started_on=date(2026, 2, 1), started_precision="month")
    assert "monthly" in kinds(date(2026, 2, 1)) and "monthly" not in kinds(date(2026, 1, 31))


def test_unknown_status_counts_only_up_to_its_last_confirmation(db):
    app = AppFactory(slug="vague")
    EventFactory(apps=[app], status="unknown", started_on=date(2021, 1, 1), last_confirmed_on=date(2021, 6, 30))
    assert "vague" in kinds(date(2021, 6, 30))
    assert "vague" not in kinds(date(2021, 7, 1))


def test_drafts_never_count(db):
    app = AppFactory(slug="secret")
    EventFactory(apps=[app], review_state=Event.ReviewState.DRAFT)
    assert "secret" not in kinds(date(2026, 3, 1))


def test_an_owner_level_measure_naming_no_app_applies_to_the_owners_apps(db):
    app = AppFactory(slug="owned")
    EventFactory(apps=[app], kind="other")  # makes the app public
    EventFactory(apps=[], owner=app.owner, kind="legal_designation", started_on=date(2026, 1, 1))
    pair = next(pair for pair in status_on(date(2026, 3, 1)) if pair.app == "owned")
    assert pair.kind == "legal_designation"  # it ranks above "other"
    assert len(pair.event_ids) == 2


def test_a_network_shutdown_is_a_state_of_the_country_not_a_block_of_its_apps(db):
    EventFactory(apps=[], kind="network_shutdown", country=country("IN"), scope="Jammu and Kashmir")
    pairs = [pair for pair in status_on(date(2026, 3, 1)) if pair.country == "IN"]
    assert [(pair.app, pair.kind, pair.scope) for pair in pairs] == [(None, "network_shutdown", "Jammu and Kashmir")]


def test_the_api_answers_with_the_same_records_as_json_and_csv(client, seed):
    body = client.get("/api/v1/status/?on=2025-12-31&country=ru").json()
    assert body["on"] == "2025-12-31"
    assert {r["app"]: r["kind"] for r in body["results"]} == kinds(date(2025, 12, 31), country_id="RU")
    whatsapp = next(r for r in body["results"] if r["app"] == "whatsapp")
    assert (whatsapp["since"], whatsapp["features"]) == ("2025-08-13", ["voice_calls", "video_calls"])
    response = client.get("/api/v1/status/?on=2025-12-31&country=ru&format=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {row["app"]: row["kind"] for row in rows} == {r["app"]: r["kind"] for r in body["results"]}
    assert client.get("/api/v1/status/?on=2026-03-01&app=whatsapp").json()["results"][0]["kind"] == "full_block"
    assert client.get("/api/v1/status/?on=2025-12-31&kind=full_block").json()["count"] == 3
    assert client.get("/api/v1/status/?on=2025-12-31&category=video_calling").json()["count"] == 1  # FaceTime
    assert client.get("/api/v1/status/?on=2025-12-31&region=europe").json()["count"] == 6


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("on=31-12-2025", "on"),
        ("country=xx", "country"),
        ("app=no-such-app", "app"),
        ("kind=blocked", "kind"),
        ("region=mars", "region"),
        ("category=games", "category"),
        ("colour=red", "colour"),
        ("on=", "on"),
    ],
)
def test_bad_parameters_are_400_naming_them(client, seed, query, parameter):
    response = client.get(f"/api/v1/status/?{query}")
    assert response.status_code == 400
    assert parameter in response.json()


def test_the_query_count_does_not_grow_with_the_pairs(client, django_assert_max_num_queries, db):
    for n in range(30):
        EventFactory(apps=[AppFactory(slug=f"app-{n}")], authority=AuthorityFactory(), country=country("FR"))
    # The count, a page of steps, their authorities, the page's events (two).
    with django_assert_max_num_queries(5):
        body = client.get("/api/v1/status/?on=2026-03-01&country=fr").json()
    assert {r["app"] for r in body["results"]} >= {f"app-{n}" for n in range(30)}
    assert all(r["events"] and r["authorities"] for r in body["results"])
    for size in (1, 7):
        with django_assert_max_num_queries(5):
            body = client.get(f"/api/v1/status/?on=2026-03-01&country=fr&page_size={size}").json()
        assert len(body["results"]) == size and body["count"] == 30 and body["next"]


def test_the_pages_walk_every_pair_once(client, db):
    for code in ("PL", "DE", "IR"):
        for _n in range(3):
            EventFactory(apps=[AppFactory()], country=country(code))
    seen, url = [], "/api/v1/status/?on=2026-03-01&country=pl,de,ir&page_size=2"
    while url:
        body = client.get(url).json()
        seen += [(r["country"], r["app"]) for r in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == 9
    assert [country for country, _app in seen] == sorted(country for country, _app in seen)  # by country code


def test_changes_list_whatsapps_escalation_and_the_new_measures_of_late_2025(client, seed):
    body = client.get("/api/v1/status/changes/?from=2025-01-01&to=2026-06-30&country=ru").json()
    changes = [(r["app"], r["change"], r["on"]) for r in body["results"]]
    assert (body["from"], body["to"]) == ("2025-01-01", "2026-06-30")
    # Every change on the way, not only the difference between the two days.
    assert [c for c in changes if c[0] == "whatsapp"] == [
        ("whatsapp", "imposed", "2025-08-13"),
        ("whatsapp", "escalated", "2026-02-12"),
    ]
    assert {app for app, change, _on in changes if change == "imposed"} == {
        "whatsapp",
        "telegram",
        "snapchat",
        "facetime",
    }
    body = client.get("/api/v1/status/changes/?from=2025-12-31&to=2026-03-01").json()
    whatsapp = next(r for r in body["results"] if r["app"] == "whatsapp")
    assert whatsapp["change"] == "escalated"
    assert (whatsapp["before"]["kind"], whatsapp["after"]["kind"]) == ("feature_restriction", "full_block")
    assert next(r for r in body["results"] if r["app"] == "telegram")["change"] == "escalated"
    response = client.get("/api/v1/status/changes/?from=2025-12-31&to=2026-03-01&format=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {row["app"]: row["change"] for row in rows} == {r["app"]: r["change"] for r in body["results"]}


def test_a_lifted_measure_is_listed_as_lifted(client, db):
    app = AppFactory(slug="brief")
    EventFactory(apps=[app], started_on=date(2024, 1, 1), ended_on=date(2024, 2, 1), status="lifted")
    body = client.get("/api/v1/status/changes/?from=2024-01-15&to=2024-03-01").json()
    assert [(r["app"], r["change"], r["after"]) for r in body["results"]] == [("brief", "lifted", None)]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("from=2026-03-01&to=2025-01-01", "from"), ("from=yesterday", "from"), ("to=2026-13-01", "to"), ("on=x", "on")],
)
def test_bad_change_parameters_are_400_naming_them(client, seed, query, parameter):
    response = client.get(f"/api/v1/status/changes/?{query}")
    assert response.status_code == 400
    assert parameter in response.json()


def test_changes_to_the_first_year_of_the_calendar_answer(client, db):
    body = client.get("/api/v1/status/changes/?to=0001-06-01").json()
    assert (body["from"], body["count"]) == ("0001-06-01", 0)  # no year before it: from = to
