"""The public pages in a real headless Chromium: what a reader sees, on a desktop and at phone width.

Screenshots go to test-artifacts/ (see conftest) for a person to look at.
"""

import datetime

import pytest

from events.models import Event, Measurement
from events.seed.loader import load_seed
from tests.factories import country
from tests.migration_data import restore_migration_data

# serialized_rollback: a transactional test empties the tables afterwards, countries (loaded by a
# migration) included; this puts them back for the next test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def countries(live_server):
    """The countries, whatever ran before (see tests/migration_data.py)."""
    restore_migration_data()


WHATSAPP_BLOCK = "Russia fully blocks WhatsApp and promotes the state messenger MAX"


def no_horizontal_scroll(page):
    """The page is no wider than the window. Not window.innerWidth: on a phone Chromium widens that
    to whatever overflows, while the root's clientWidth stays the window's."""
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width <= viewport, f"page is {width}px wide in a {viewport}px window"


def add_measurements():
    """Thirty weeks of WhatsApp measurements in Russia around the 2026 block, for the OONI chart."""
    whatsapp = Event.objects.get(title=WHATSAPP_BLOCK).apps.get()
    for week in range(30):
        Measurement.objects.create(
            country=country("RU"),
            app=whatsapp,
            test_name="whatsapp",
            day=datetime.date(2025, 10, 6) + datetime.timedelta(weeks=week),
            measurement_count=40,
            anomaly_count=6 if week < 18 else 36,
            confirmed_count=0,
            failure_count=2,
            dataset="OONI (test rows)",
        )


def test_home_page_shows_what_is_in_force_and_the_latest_events(live_server, page, phone_page, screenshot):
    load_seed()
    for browser_page, name in ((page, "home-desktop"), (phone_page, "home-phone")):
        browser_page.goto(live_server.url + "/")
        assert browser_page.title() == "App Blocking Tracker"
        row = browser_page.locator("table.now-table tr", has_text="Russia")
        assert row.locator("td").first.inner_text() == "Facebook, FaceTime, Instagram, Snapchat, Telegram, WhatsApp"
        assert browser_page.locator(".figure", has_text="Published records").locator("dd").inner_text() == "8"
        assert browser_page.get_by_role("heading", name="Latest events").is_visible()
        no_horizontal_scroll(browser_page)
        screenshot(browser_page, name)
    # The skip link is the first thing a keyboard reaches, and it shows itself when focused.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0


def test_timeline_filters_through_the_form_and_keeps_them_in_the_address(live_server, page, phone_page, screenshot):
    load_seed()
    page.goto(live_server.url + "/timeline/")
    page.get_by_label("App", exact=True).select_option("whatsapp")
    page.get_by_label("Year started").select_option("2026")
    page.get_by_role("button", name="Show events").click()
    page.wait_for_url("**/timeline/?app=whatsapp&year=2026")
    assert page.locator(".event-title").all_inner_texts() == [WHATSAPP_BLOCK]
    assert page.get_by_label("App", exact=True).input_value() == "whatsapp"
    screenshot(page, "timeline-filtered-desktop")
    phone_page.goto(live_server.url + "/timeline/?country=xx")
    assert phone_page.get_by_role("alert").inner_text().startswith("Some filters could not be used")
    assert "Unknown country code XX" in phone_page.get_by_role("alert").inner_text()
    no_horizontal_scroll(phone_page)
    screenshot(phone_page, "timeline-error-phone")
    phone_page.goto(live_server.url + "/timeline/")
    no_horizontal_scroll(phone_page)
    screenshot(phone_page, "timeline-phone")


def test_country_page_shows_apps_in_force_and_a_readable_chart(live_server, page, phone_page, screenshot):
    load_seed()
    add_measurements()
    for browser_page, name in ((page, "country-desktop"), (phone_page, "country-phone")):
        browser_page.goto(live_server.url + "/countries/ru/")
        assert browser_page.get_by_role("heading", level=1).inner_text() == "Russia"
        names = browser_page.locator("section[aria-labelledby=now-heading] .now-name").all_inner_texts()
        assert names == ["Facebook", "FaceTime", "Instagram", "Snapchat", "Telegram", "WhatsApp"]
        chart = browser_page.get_by_role("img", name="Measures against apps in Russia over time")
        assert chart.is_visible()
        box = chart.bounding_box()
        assert box["width"] > 300 and box["height"] > 200
        # Labels keep a readable size at phone width: the SVG is not scaled down.
        sizes = browser_page.eval_on_selector_all(
            "svg .row-label", "els => els.map(e => e.getBoundingClientRect().height)"
        )
        assert min(sizes) >= 12
        assert browser_page.get_by_role("img", name="OONI measurements: Russia").is_visible()
        no_horizontal_scroll(browser_page)
        screenshot(browser_page, name)
    page.get_by_text("The chart as a table").click()
    assert page.locator(".chart-data table").first.is_visible()


def test_app_page_shows_where_it_is_restricted_with_the_evidence(live_server, page, phone_page, screenshot):
    load_seed()
    add_measurements()
    for browser_page, name in ((page, "app-desktop"), (phone_page, "app-phone")):
        browser_page.goto(live_server.url + "/apps/whatsapp/")
        text = browser_page.locator("main").inner_text()
        assert "Russia restricts WhatsApp and Telegram calls" in text and WHATSAPP_BLOCK in text
        assert "Since 13 August 2025" in text and "Since 12 February 2026" in text
        assert browser_page.locator(".marked-events li").first.inner_text().startswith(WHATSAPP_BLOCK)
        no_horizontal_scroll(browser_page)
        screenshot(browser_page, name)


def test_event_page_reads_as_a_sourced_record(live_server, page, phone_page, screenshot):
    load_seed()
    block = Event.objects.get(title=WHATSAPP_BLOCK)
    for browser_page, name in ((page, "event-desktop"), (phone_page, "event-phone")):
        browser_page.goto(live_server.url + block.get_absolute_url())
        assert browser_page.get_by_role("heading", level=1).inner_text() == WHATSAPP_BLOCK
        facts = browser_page.locator("dl.facts").inner_text()
        assert "Since 12 February 2026" in facts and "Roskomnadzor" in facts and "MAX" in facts
        assert browser_page.locator("figure.statement").count() == 4
        assert browser_page.locator("ol.sources li").count() == 3
        no_horizontal_scroll(browser_page)
        screenshot(browser_page, name)
    page.get_by_role("link", name="MAX", exact=True).click()
    page.wait_for_url("**/apps/max/")
    assert page.get_by_role("heading", name="Promoted as the alternative").is_visible()


def test_missing_page_shows_the_404_page(live_server, page):
    response = page.goto(live_server.url + "/events/424242/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "This page does not exist"


def test_a_measure_of_unknown_status_is_shown_apart_in_the_browser(live_server, page, phone_page, screenshot):
    """What the records do not confirm reads so: on the event, on the country page and its chart."""
    from tests.factories import EventFactory

    load_seed()
    unknown = EventFactory(
        title="Mobile internet shutdown in Mandera County, Kenya",
        country=country("KE"),
        kind=Event.Kind.NETWORK_SHUTDOWN,
        apps=[],
        status=Event.Status.UNKNOWN,
        started_on=datetime.date(2020, 12, 18),
        last_confirmed_on=datetime.date(2020, 12, 18),
        scope="Elele area, Mandera County",
    )
    for browser_page, name in ((page, "unknown-desktop"), (phone_page, "unknown-phone")):
        browser_page.goto(live_server.url + unknown.get_absolute_url())
        facts = browser_page.locator("dl.facts")
        assert "Status unknown since 19 December 2020" in facts.inner_text()
        assert "Elele area, Mandera County, Kenya" in facts.inner_text()
        assert "first published" in browser_page.locator("ol.revisions").inner_text()
        browser_page.goto(live_server.url + "/countries/ke/")
        assert "No published measure is in force today." in browser_page.locator("main").inner_text()
        assert browser_page.locator(".unknown-list li").count() == 1
        assert browser_page.locator("rect.unconfirmed-tail").count() == 1
        no_horizontal_scroll(browser_page)
        screenshot(browser_page, name)
