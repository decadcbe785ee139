"""The status pages in a real headless Chromium: the map and the matrix at desktop and phone width,
the way a keyboard goes through them, and an axe-core scan of each page at both widths.

Screenshots go to test-artifacts/ (see conftest) for a person to look at.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from events.seed.loader import load_seed
from tests.browser.test_pages_browser import no_horizontal_scroll
from tests.migration_data import restore_migration_data

# Without serialized_rollback: in a run of browser tests alone, it would write back the serialized
# rows over those tests/conftest.py has already put back after the previous test, and fail on their
# unique names. The autouse fixture below and that hook are what restore the countries.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def countries(live_server):
    """The countries, whatever ran before (see tests/migration_data.py)."""
    restore_migration_data()


END_OF_2025 = "/status/?on=2025-12-31"
PAGES = ["/status/", END_OF_2025, "/status/changes/?from=2025-01-01&to=2026-06-30", "/countries/ru/apps/whatsapp/"]


def matrix_cell(page, country, app):
    """The matrix cell in `country`'s row and `app`'s column."""
    table = page.locator("table.matrix-table")
    column = table.locator("thead th").all_text_contents().index(app)
    row = table.locator("tbody tr", has=page.locator("th", has_text=country))
    return row.locator("th, td").nth(column)


def test_the_map_and_the_matrix_on_a_desktop_and_the_list_by_country_on_a_phone(
    live_server, page, phone_page, screenshot
):
    load_seed()
    for browser_page, name in ((page, "status-desktop"), (phone_page, "status-phone")):
        browser_page.goto(live_server.url + END_OF_2025)
        russia = browser_page.get_by_role("link", name="Russia: full block")
        assert russia.get_attribute("href") == "/countries/ru/" and russia.is_visible()
        assert russia.evaluate("link => link.closest('svg').classList.contains('world-map-svg')")
        legend = browser_page.locator(".world-map .legend")
        assert legend.is_visible()
        assert legend.locator("li").all_inner_texts() == ["Full block", "No recorded measure in force"]
        screenshot(browser_page, name)
    matrix = page.get_by_role("table", name="The strongest measure in force on 31 December 2025, by country and app")
    assert matrix.is_visible()
    cell = matrix_cell(page, "Russia", "WhatsApp")
    assert cell.get_by_role("link").get_attribute("href") == "/countries/ru/apps/whatsapp/"
    assert cell.inner_text().split("\n") == ["Feature restriction", "13 August 2025"]
    # Below 700px the matrix would need sideways scrolling: the list by country says the same.
    assert phone_page.locator("table.matrix-table").is_hidden()
    by_country = phone_page.get_by_role("table", name="Measures in force on 31 December 2025 by country and app")
    assert by_country.is_visible()
    assert by_country.get_by_role("link", name="WhatsApp").is_visible()
    no_horizontal_scroll(phone_page)


FOCUSED = """() => {
    const element = document.activeElement;
    return (element.labels && element.labels[0] ? element.labels[0].textContent : null)
        || element.getAttribute("title") || element.textContent.trim();
}"""


RING = "path => [getComputedStyle(path).stroke, getComputedStyle(path).strokeWidth]"


def test_the_keyboard_reaches_the_form_the_steps_the_map_and_the_matrix_in_order(live_server, page, screenshot):
    load_seed()
    page.goto(live_server.url + END_OF_2025)
    russia = page.locator('.world-map-svg a[href="/countries/ru/"]')
    whatsapp = "WhatsApp in Russia: feature restriction"  # the matrix cell's link
    stops = []
    while whatsapp not in stops and len(stops) < 100:
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        if not stops or stops[-1] != stop:  # a date field takes a Tab for each of its parts
            stops.append(stop)
        if stop == "Russia: full block":
            ring = russia.locator("path").evaluate(RING)
            focused_map = page.locator(".world-map-svg").screenshot()
            screenshot(page, "status-map-focused")
    wanted = [
        "Skip to the content",
        "Day",
        "Region",
        "App category",
        "App",
        "Strongest measure",
        "Show",
        "← Previous change (4 December 2025)",
        "A year earlier",
        "Russia: full block",
        whatsapp,
    ]
    assert [stop for stop in stops if stop in wanted] == wanted, stops
    # The focused country is ringed in the focus colour along its shape, and the map shows it.
    assert ring == ["rgb(29, 78, 216)", "3px"], ring
    assert page.locator(".world-map-svg").screenshot() != focused_map
    russia.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/countries/ru/")
    assert page.get_by_role("heading", level=1).inner_text() == "Russia"

    # The selects left at "Any" are sent empty; the page drops them rather than answering 400.
    page.go_back()
    page.get_by_label("Day", exact=True).fill("2025-06-30")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/status/?on=2025-06-30")
    assert page.get_by_role("heading", level=1).inner_text() == "What was in force on 30 June 2025"


def serious(results):
    """The violations of impact serious or critical, one readable paragraph each."""
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}\n"
        + "\n".join(f"  {', '.join(map(str, node['target']))}: {node['failureSummary']}" for node in violation["nodes"])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def test_axe_finds_nothing_serious_on_the_status_pages(live_server, page, phone_page):
    load_seed()
    axe = Axe()
    found = {}
    for browser_page, width in ((page, "desktop"), (phone_page, "phone")):
        for path in PAGES:
            browser_page.goto(live_server.url + path)
            if problems := serious(axe.run(browser_page)):
                found[f"{path} at {width} width"] = problems
    assert not found, "\n\n".join(f"{where}:\n" + "\n".join(problems) for where, problems in found.items())
