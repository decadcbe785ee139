"""Researchers find their way: every list page links its events in the API and as CSV, the countries
list answers "which countries restricted Telegram", OONI-only countries show, and statements come as
a CSV of their own, keyed by event id.

Every test stands on the seed story (Russia), loaded once for the module, and adds what it needs.
"""

import csv
import io
import re
from collections import Counter
from datetime import date

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Event, Measurement, Statement
from tests.factories import AppFactory, EventFactory, StatementFactory, country

EVENT_LINK = re.compile(r"^/events/(\d+)/$")


def body_of(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, body_of(response)[:500]
    return response.json()


def csv_rows(client, url):
    response = client.get(url)
    assert response.status_code == 200, body_of(response)[:500]
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(body_of(response), newline="")))


def api_ids(client, url):
    """The ids of every event an API list answers, following its pages."""
    ids, count = [], None
    while url:
        body = get_json(client, url)
        count = body["count"] if count is None else count
        ids += [event["id"] for event in body["results"]]
        url = body["next"]
    assert len(ids) == count
    return ids


def research_links(doc):
    """{class: href} of the research links of a page."""
    links = {}
    for anchor in doc.xpath("//p[contains(@class, 'research-links')]//a"):
        links[anchor.get("class")] = anchor.get("href")
    return links


# (page, the API query its links must carry, how many events the page says it lists)
LIST_PAGES = [
    ("/timeline/?app=telegram", "app=telegram", lambda r: r.context["page"].paginator.count),
    ("/countries/ru/", "country=RU", lambda r: r.context["count"]),
    ("/apps/whatsapp/", "app=whatsapp", lambda r: r.context["count"]),
    ("/owners/meta/", "owner=meta", lambda r: r.context["count"]),
    ("/authorities/roskomnadzor/", "authority=roskomnadzor", lambda r: r.context["count"]),
    ("/search/?q=WhatsApp", "search=WhatsApp", lambda r: r.context["event_count"]),
]


@pytest.mark.parametrize(("url", "query", "count_of"), LIST_PAGES)
def test_every_list_page_links_the_same_events_in_the_api_and_as_csv(client, seed, url, query, count_of):
    response = client.get(url)
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.content)
    links = research_links(doc)
    assert links["api-link"] == f"/api/v1/events/?{query}"
    assert links["csv-link"] == f"/api/v1/events/?{query}&format=csv"
    assert links["statements-csv-link"] == f"/api/v1/statements/?{query}&format=csv"
    assert links["docs-link"] == "/api/v1/docs/"

    shown = count_of(response)
    assert shown > 0, "the seed story has events for every page here"
    ids = api_ids(client, links["api-link"] + "&page_size=1000")
    on_page = {int(m.group(1)) for href in doc.xpath("//main//a/@href") if (m := EVENT_LINK.match(href))}
    assert len(ids) == shown
    assert on_page == set(ids)  # the seed story is small enough for every page to show all of them
    assert [int(row["id"]) for row in csv_rows(client, links["csv-link"])] == ids

    with_statements = {event["id"] for event in get_json(client, links["api-link"])["results"] if event["statements"]}
    statements = csv_rows(client, links["statements-csv-link"])
    assert {int(row["event_id"]) for row in statements} == with_statements


def test_the_timeline_links_its_filters_and_order_under_the_api_names(client, seed):
    # `q` is the page's old name for `search`: the page redirects to the API's names first.
    response = client.get("/timeline/?q=blocked&country=ru&ordering=started_on", follow=True)
    links = research_links(lxml.html.fromstring(response.content))
    assert links["api-link"] == "/api/v1/events/?country=RU&ordering=started_on&search=blocked"
    # Statements come by event id: the events' order is no parameter of theirs.
    assert links["statements-csv-link"] == "/api/v1/statements/?country=RU&search=blocked&format=csv"
    assert client.get(links["statements-csv-link"]).status_code == 200
    assert api_ids(client, links["api-link"]) == [e.pk for e in response.context["page"].object_list]


def test_the_home_page_and_the_site_header_link_the_api_docs(client, seed):
    doc = lxml.html.fromstring(client.get("/").content)
    assert doc.xpath("//header//nav//a[@href='/api/v1/docs/']")
    assert doc.xpath("//main//a[@href='/api/v1/docs/']")
    assert client.get("/api/v1/docs/").status_code == 200
    about = lxml.html.fromstring(client.get("/about/").content)
    assert about.xpath("//header//nav//a[@href='/api/v1/docs/']")


@pytest.fixture
def telegram(seed):
    """Beside the seed's Telegram measures in Russia: one in Iran (lifted), a draft in China from 1995,
    and WhatsApp in Belarus."""
    app = AppFactory(slug="telegram")  # the seed's
    EventFactory(apps=[app], country=country("IR"), title="Telegram filtered by the Cyberspace council",
                 started_on=date(2018, 4, 30), ended_on=date(2020, 1, 1), status=Event.Status.LIFTED)  # fmt: skip
    EventFactory(apps=[app], country=country("CN"), started_on=date(1995, 1, 1), review_state=Event.ReviewState.DRAFT)
    EventFactory(apps=[AppFactory(slug="whatsapp")], country=country("BY"))
    return app


def test_countries_filtered_by_app_are_those_with_its_published_events_counted_over_them(client, telegram):
    in_russia = Event.objects.public().for_apps(["telegram"]).filter(country="RU")
    russia = (in_russia.count(), in_russia.active_on(timezone.localdate()).count())
    assert russia[0] >= 2  # the seed story's phased restriction and the restricted calls
    body = get_json(client, "/api/v1/countries/?app=telegram")
    assert [(c["code"], c["event_count"], c["in_force_count"]) for c in body["results"]] == [
        ("IR", 1, 0),
        ("RU", *russia),
    ]
    assert body["count"] == 2
    # The draft in China counts nowhere, and other filters narrow the counts too.
    lifted = get_json(client, "/api/v1/countries/?app=TELEGRAM&status=lifted&started_after=2018-01-01")
    assert [(c["code"], c["event_count"]) for c in lifted["results"]] == [("IR", 1)]
    assert get_json(client, "/api/v1/countries/?started_before=1995-12-31")["count"] == 0
    # `search` is the country's name, as on every reference list; `event_search` the events' text.
    assert [c["code"] for c in get_json(client, "/api/v1/countries/?owner=telegram&search=rus")["results"]] == ["RU"]
    titles = get_json(client, "/api/v1/countries/?event_search=cyberspace")
    assert [(c["code"], c["event_count"]) for c in titles["results"]] == [("IR", 1)]
    # Without an event filter every country is listed, counted over all published events.
    everything = {c["code"]: c for c in get_json(client, "/api/v1/countries/?page_size=1000")["results"]}
    assert len(everything) == 249
    published = Counter(Event.objects.public().values_list("country_id", flat=True))
    assert {code: c["event_count"] for code, c in everything.items() if c["event_count"]} == published
    assert everything["CN"]["event_count"] == 0 and published["BY"] == 1
    # Each country's own events link back to the same answer.
    assert {c["code"] for c in body["results"]} == {
        e["country"]["code"] for e in get_json(client, "/api/v1/events/?app=telegram")["results"]
    }


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("app=no-such-app", "app"),
        ("country=XX", "country"),
        ("kind=wall", "kind"),
        ("active_on=31/12/2025", "active_on"),
        ("started_after=2026-01-01&started_before=2025-01-01", "started_after"),
        ("event_search=", "event_search"),
        ("event_search=" + "x" * 201, "event_search"),
        ("ordering=started_on", "ordering"),
        ("app=telegram&app=whatsapp", "app"),
    ],
)
def test_countries_refuse_a_bad_event_filter_by_name(client, telegram, query, parameter):
    assert parameter in get_json(client, f"/api/v1/countries/?{query}", status=400)


def test_a_country_with_a_draft_event_only_never_shows_under_a_filter(client, telegram):
    draft_only = AppFactory(slug="draft-app", name="Draft app")
    EventFactory(apps=[draft_only], country=country("KP"), review_state=Event.ReviewState.DRAFT)
    # The app only a draft names is unknown, as an app that never existed.
    never = get_json(client, "/api/v1/countries/?app=never-app", status=400)
    draft = get_json(client, "/api/v1/countries/?app=draft-app", status=400)
    assert draft["app"][0].replace("draft-app", "<key>") == never["app"][0].replace("never-app", "<key>")
    assert "KP" not in {c["code"] for c in get_json(client, "/api/v1/countries/?active_on=2026-03-01")["results"]}
    assert get_json(client, "/api/v1/countries/kp/")["event_count"] == 0


def measurement(code, app, count=40, day=date(2026, 3, 1)):
    assert count >= 3
    return Measurement.objects.create(
        country=country(code),
        app=app,
        test_name=app.slug,
        day=day,
        measurement_count=count,
        anomaly_count=1,
        confirmed_count=0,
        failure_count=2,
        ok_count=count - 3,
        dataset="OONI",
    )


def test_a_country_measured_by_ooni_without_an_event_is_listed_and_marked(client, telegram):
    signal = AppFactory(slug="signal", name="Signal")
    measurement("DE", signal, count=40)
    measurement("DE", signal, count=4, day=date(2026, 3, 2))
    measurement("RU", telegram, count=5)
    germany = get_json(client, "/api/v1/countries/?search=germany")["results"][0]
    assert (germany["event_count"], germany["measurement_count"]) == (0, 44)
    assert get_json(client, "/api/v1/countries/de/")["measurement_count"] == 44
    russia = get_json(client, "/api/v1/countries/?app=telegram&country=ru")["results"]
    expected = Event.objects.public().for_apps(["telegram"]).filter(country="RU").count()
    assert [(c["code"], c["event_count"], c["measurement_count"]) for c in russia] == [("RU", expected, 5)]
    # Under an event filter a country without a matching event is left out, measured or not.
    assert "DE" not in {c["code"] for c in get_json(client, "/api/v1/countries/?app=telegram")["results"]}

    doc = lxml.html.fromstring(client.get("/countries/").content)
    rows = {}
    for row in doc.xpath("//table//tbody/tr"):
        cells = [" ".join(cell.text_content().split()) for cell in row.xpath("th|td")]
        rows[cells[0]] = cells
    assert rows["Germany"] == ["Germany", "0", "0", "measured, no recorded measure"]
    assert rows["Russia"][3] == "2026"
    assert "China" not in rows  # its only event is a draft, and OONI has nothing there
    assert "1 where OONI measured apps but no measure is recorded" in doc.xpath("string(//p[@class='lede'])")


AWKWARD_TEXTS = [
    'He said, "no; never" and left.',
    "Line one;\nline two, with a comma;\nand a third.",
    'Only "quotes"',
    "Semicolons; everywhere; ;;",
]


def test_statements_csv_round_trips_texts_with_commas_quotes_semicolons_and_newlines(client, seed):
    ua = EventFactory(country=country("UA"))
    ir = EventFactory(country=country("IR"))
    hidden = EventFactory(country=country("UA"), review_state=Event.ReviewState.IN_REVIEW)
    for text in AWKWARD_TEXTS:
        StatementFactory(event=ua, text=text, speaker="A, B; C")
    StatementFactory(event=ir, text="Elsewhere.", said_on=None, source=None, role="")
    StatementFactory(event=hidden, text="Not yet public.")

    response = client.get("/api/v1/statements/?country=ua,IR&format=csv")
    assert "tracker-statements-CC-BY-4.0.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(body_of(response), newline="")))
    assert list(rows[0]) == ["event_id", "speaker", "role", "organisation", "said_on", "text", "source_url"]
    assert [(int(r["event_id"]), r["text"]) for r in rows] == [
        *((ua.pk, text) for text in AWKWARD_TEXTS),
        (ir.pk, "Elsewhere."),
    ]
    assert rows[0]["speaker"] == "A, B; C" and rows[0]["said_on"] == "2026-02-12"
    assert (rows[-1]["said_on"], rows[-1]["source_url"], rows[-1]["role"]) == ("", "", "")

    # The event filters choose the events, as for /api/v1/events/; JSON pages give the same rows.
    only_ua = csv_rows(client, "/api/v1/statements/?country=ua&format=csv")
    assert {row["event_id"] for row in only_ua} == {str(ua.pk)}
    everything = csv_rows(client, "/api/v1/statements/?format=csv")
    assert len(everything) == Statement.objects.filter(event__review_state="published").count()
    assert "Not yet public." not in {row["text"] for row in everything}
    seen, url = [], "/api/v1/statements/?country=ua,ir&page_size=2"
    while url:
        body = get_json(client, url)
        assert body["count"] == 5
        seen += [(s["event_id"], s["text"]) for s in body["results"]]
        url = body["next"]
    assert seen == [(int(r["event_id"]), r["text"]) for r in rows]
    assert "kind" in get_json(client, "/api/v1/statements/?kind=wall", status=400)
    assert "page_size" in get_json(client, "/api/v1/statements/?format=csv&page_size=10", status=400)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # count, page, event counts (with those in force), OONI measurement counts
        ("/api/v1/countries/", 4),
        # the app's slug looked up, then the same four with the events narrowed by a subquery
        ("/api/v1/countries/?app=telegram", 5),
        # data version (ETag), count, page
        ("/api/v1/statements/", 3),
        ("/api/v1/statements/?app=telegram", 4),
    ],
)
def test_query_counts_do_not_grow_with_the_page_size(client, telegram, url, expected):
    for event in Event.objects.all():
        StatementFactory.create_batch(3, event=event)
    measurement("RU", telegram)
    separator = "&" if "?" in url else "?"
    assert count_queries(client, f"{url}{separator}page_size=1") == expected
    assert count_queries(client, f"{url}{separator}page_size=100") == expected
