"""End to end in a real headless Chromium: an editor enters an event with a new source and submits it,
a publisher publishes it, and the public can then read it."""

import re

import pytest
from playwright.sync_api import expect

from events.models import Event
from tests.factories import AppFactory
from tests.migration_data import restore_migration_data
from tests.test_admin_helpers import editor, publisher

PASSWORD = "correct horse battery staple"
TITLE = "Russia restricts voice and video calls in WhatsApp"


def sign_in(page, base, username):
    page.goto(base + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_have_text("Tracker editors")


def sign_out(page):
    page.click("#logout-form button")
    expect(page.locator("h1")).to_contain_text("Logged out")


def choose(page, field, typed, option):
    """Pick `option` in the select2 autocomplete of `field`, typing `typed` as an editor would."""
    page.click(f"#id_{field} + .select2 .select2-selection")
    # Into select2's own search box once it is open: keys typed at once can land before it
    # has focus, and the unfiltered first page may not hold the option.
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=option).first.click()
    expect(page.locator(f"#id_{field} + .select2")).to_contain_text(option)


# serialized_rollback, like every transactional test here: the flush after it then leaves the
# migrations' data for the next one to restore (a plain flush re-creates content types, and the
# next test's restore collides with them). restore_migration_data covers a restore that did not run.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_editor_submits_publisher_publishes_and_the_event_is_public(live_server, page, screenshot):
    base = live_server.url
    restore_migration_data()
    editor("ana", password=PASSWORD)
    publisher("pia", password=PASSWORD)
    AppFactory(slug="whatsapp", name="WhatsApp")

    # The editor enters the event on one page.
    sign_in(page, base, "ana")
    page.goto(base + "/admin/events/event/add/")
    page.fill("#id_title", TITLE)
    page.select_option("#id_kind", "feature_restriction")
    page.check("input[name=features][value=voice_calls]")
    page.check("input[name=features][value=video_calls]")
    page.fill("#id_summary", "Calls in WhatsApp and Telegram stop connecting across Russia.")
    choose(page, "country", "Rus", "Russia")
    choose(page, "apps", "Whats", "WhatsApp")
    page.fill("#id_started_on", "2025-08-13")

    # A source that is not in the tracker yet is added in the popup of the + button.
    with page.expect_popup() as popup_opened:
        page.click("#add_id_sources")
    popup = popup_opened.value
    popup.fill("#id_url", "https://www.reuters.com/technology/russia-restricts-calls-whatsapp-telegram-2025-08-13/")
    popup.fill("#id_title", "Russia restricts some calls on WhatsApp and Telegram")
    popup.fill("#id_publisher", "Reuters")
    with popup.expect_event("close"):
        popup.click("input[name=_save]")
    expect(page.locator("#id_sources + .select2")).to_contain_text("Russia restricts some calls")

    # Editors cannot publish: their choice is to submit for review.
    expect(page.locator("#id_review_state option")).to_have_text(["Draft", "In review"])
    page.select_option("#id_review_state", "in_review")
    page.evaluate("window.scrollTo(0, 0)")  # the sticky sidebar is drawn where the page is scrolled
    screenshot(page, "admin-event-form")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")

    event = Event.objects.get(title=TITLE)
    assert event.review_state == Event.ReviewState.IN_REVIEW
    assert event.sources.get().publisher == "Reuters"
    assert page.request.get(f"{base}/events/{event.pk}/").status == 404  # not public yet
    sign_out(page)

    # The publisher checks it and publishes it.
    sign_in(page, base, "pia")
    page.goto(f"{base}/admin/events/event/?review_state__exact=in_review")
    page.click(f"text={TITLE}")
    expect(page.locator("#id_review_state option")).to_have_text(["Draft", "In review", "Published"])
    page.select_option("#id_review_state", "published")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    event.refresh_from_db()
    assert event.review_state == Event.ReviewState.PUBLISHED

    # Its history names both editors, with what each changed.
    page.goto(f"{base}/admin/events/event/{event.pk}/history/")
    expect(page.locator("#change-history tbody tr")).to_have_count(2)
    expect(page.locator("#change-history tbody tr").first).to_contain_text("pia")
    expect(page.locator("#change-history tbody tr").first).to_contain_text("Review state:")
    expect(page.locator("#change-history tbody tr").last).to_contain_text("ana")
    screenshot(page, "admin-event-history")

    # The public can now read it.
    response = page.goto(f"{base}/events/{event.pk}/")
    assert response.status == 200
    expect(page.locator("body")).to_contain_text(re.compile(re.escape(TITLE)))
