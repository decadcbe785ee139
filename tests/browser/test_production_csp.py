"""The Content-Security-Policy (settings.CONTENT_SECURITY_POLICY) in a real headless Chromium:
the public pages, the API docs and the editors' admin (with django-import-export and
django-simple-history pages, and its JavaScript widgets in use) load and run with no violation.

A violation shows up both as a `securitypolicyviolation` DOM event (recorded by a script added
before any page script runs) and as a console error; the test collects both.
"""

import pytest
from django.test import Client

from events.models import Event
from events.seed.loader import load_seed
from tests.migration_data import restore_migration_data
from tests.test_admin_helpers import make_user

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${where}`);
});
"""


@pytest.fixture
def seeded(live_server):
    """The seed story, on the migrations' rows put back if an earlier transactional test flushed them."""
    restore_migration_data()
    load_seed()


class Watcher:
    """Opens pages in one browser tab and gathers every CSP violation and console error."""

    def __init__(self, page, base):
        self.page, self.base, self.problems = page, base, []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self.console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))

    def console(self, message):
        url = message.location.get("url", "")
        # Not CSP matters: the admin's pages name no icon, so the browser asks for /favicon.ico;
        # and the 404 page is visited on purpose.
        if message.type != "error" or url.endswith(("/favicon.ico", "/no-such-page/")):
            return
        self.problems.append(f"{self.page.url}: {message.text} ({url})")

    def visit(self, path, expected_status=200):
        response = self.page.goto(self.base + path)
        assert response.status == expected_status, path
        assert "Content-Security-Policy" in response.headers or "content-security-policy" in response.headers
        self.page.wait_for_load_state("networkidle")
        self.collect(path)

    def collect(self, where):
        found = self.page.evaluate("window.__cspViolations || []")
        self.problems += [f"{where}: {violation}" for violation in found]
        self.page.evaluate("window.__cspViolations = []")


def signed_in(context, base, user):
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_public_pages_and_api_docs_run_under_the_content_security_policy(live_server, page, seeded):
    watcher = Watcher(page, live_server.url)
    event = Event.objects.public().first()
    for path in [
        "/",
        "/timeline/",
        "/timeline/?country=RU&kind=full_block",
        "/countries/",
        "/countries/ru/",
        "/apps/",
        "/apps/whatsapp/",
        "/owners/meta/",
        "/authorities/roskomnadzor/",
        f"/events/{event.pk}/",
        "/search/?q=whatsapp",
        "/about/",
        "/api/v1/docs/",
    ]:
        watcher.visit(path)
    watcher.visit("/no-such-page/", expected_status=404)
    page.goto(live_server.url + "/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .opblock")  # Swagger UI has run and drawn the operations
    page.locator(".opblock-summary").first.click()
    watcher.collect("/api/v1/docs/ (operation opened)")
    assert not watcher.problems, "\n".join(watcher.problems)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_admin_runs_under_the_content_security_policy(live_server, page, seeded):
    watcher = Watcher(page, live_server.url)
    watcher.visit("/admin/login/")
    signed_in(page.context, live_server.url, make_user("admin"))
    event = Event.objects.public().first()
    for path in [
        "/admin/",
        "/admin/events/event/",
        "/admin/events/event/?review_state__exact=published",
        f"/admin/events/event/{event.pk}/change/",
        f"/admin/events/event/{event.pk}/history/",
        "/admin/events/event/import/",
        "/admin/events/event/export/",
        "/admin/events/source/",
        "/admin/events/app/add/",
    ]:
        watcher.visit(path)

    # The widgets: an autocomplete (select2), the date shortcuts and calendar, a related-object popup.
    watcher.visit("/admin/events/event/add/")
    page.click("#id_country + .select2 .select2-selection")
    # Type into select2's own search box once it is open: typed at once, the keys can land
    # before it has focus, and the first page of countries (A to ...) has no Russia.
    page.locator(".select2-container--open .select2-search__field").fill("Rus")
    page.locator(".select2-results__option", has_text="Russia").first.click()
    page.locator("#id_started_on").fill("2026-02-12")
    calendar = page.locator(".datetimeshortcuts a").nth(1)
    if calendar.count():
        calendar.click()
    with page.expect_popup() as popup_opened:
        page.click("#add_id_sources")
    popup = popup_opened.value
    popup.wait_for_load_state("networkidle")
    problems_in_popup = popup.evaluate("window.__cspViolations || []")
    watcher.collect("/admin/events/event/add/ (widgets used)")
    problems = watcher.problems + problems_in_popup
    assert not problems, "\n".join(problems)
