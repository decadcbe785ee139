"""Moving through time on /status/ (previous and next change), corrections as changes, and the
Atom feed of /status/changes/."""

from datetime import date, timedelta

import lxml.etree
import pytest
from django.utils import timezone

from events.models import Event
from events.status_steps import changes_between, neighbouring_changes
from tests.factories import AppFactory, EventFactory, country
from tests.test_feeds import ATOM

pytestmark = pytest.mark.django_db


def test_the_previous_and_next_change_are_the_nearest_starts_and_ends(db):
    EventFactory(country=country("IR"), started_on=date(2025, 1, 10), ended_on=date(2025, 3, 31))
    EventFactory(country=country("IR"), started_on=date(2025, 6, 1), last_confirmed_on=date(2026, 11, 1))
    EventFactory(country=country("IR"), started_on=date(2024, 5, 1), status="announced")  # never in force
    assert neighbouring_changes(date(2025, 2, 1)) == (date(2025, 1, 10), date(2025, 4, 1))  # lifted the day after
    assert neighbouring_changes(date(2025, 4, 1)) == (date(2025, 1, 10), date(2025, 6, 1))
    assert neighbouring_changes(date(2025, 4, 2)) == (date(2025, 4, 1), date(2025, 6, 1))
    assert neighbouring_changes(date(2024, 6, 1)) == (None, date(2025, 1, 10))
    assert neighbouring_changes(date(2025, 7, 1)) == (date(2025, 6, 1), None)  # its confirmation lapses after today


def test_a_measure_of_unknown_status_stops_counting_the_day_after_its_last_confirmation(db):
    EventFactory(status="unknown", started_on=date(2025, 1, 10), last_confirmed_on=date(2025, 5, 4))
    assert neighbouring_changes(date(2025, 2, 1)) == (date(2025, 1, 10), date(2025, 5, 5))
    assert neighbouring_changes(date(2025, 6, 1)) == (date(2025, 5, 5), None)


def test_no_next_change_is_offered_after_today(db):
    today = timezone.localdate()
    EventFactory(started_on=today + timedelta(days=40))
    assert neighbouring_changes(today)[1] is None


def test_the_status_page_links_the_neighbouring_changes_keeping_its_filters(client, db):
    whatsapp, telegram = AppFactory(slug="whatsapp", name="WhatsApp"), AppFactory(slug="telegram", name="Telegram")
    EventFactory(apps=[whatsapp], started_on=date(2025, 8, 13), kind="feature_restriction", features=["voice_calls"])
    EventFactory(apps=[telegram], started_on=date(2025, 9, 1))
    EventFactory(apps=[whatsapp], started_on=date(2026, 2, 12))
    page = client.get("/status/?on=2025-10-01&app=whatsapp").content.decode()
    # Telegram's start on 1 September is not a change of WhatsApp's.
    assert '<a href="/status/?app=whatsapp&amp;on=2025-08-13">← Previous change (13 August 2025)</a>' in page
    assert '<a href="/status/?app=whatsapp&amp;on=2026-02-12">Next change (12 February 2026) →</a>' in page
    everything = client.get("/status/?on=2025-10-01").content.decode()
    assert "← Previous change (1 September 2025)" in everything


def test_the_ends_of_the_calendar_have_no_change_past_them(client, db):
    EventFactory(started_on=date(1, 1, 1), ended_on=date(9999, 12, 31))
    assert neighbouring_changes(date(1, 1, 1)) == (None, None)
    assert client.get("/status/?on=9999-12-31").status_code == 200


def published_long_ago(event, days=30):
    """Dates the event's history back, so that an edit now is a correction and not part of the
    same edit as its publication (changelog.SAME_EDIT)."""
    event.history.update(history_date=timezone.now() - timedelta(days=days))


def test_a_correction_of_a_published_measure_is_a_change(client, db):
    app = AppFactory(slug="snapchat", name="Snapchat")
    event = EventFactory(apps=[app], started_on=date(2025, 12, 4))
    published_long_ago(event)
    event.started_on = date(2025, 12, 1)
    event.save()
    today = timezone.localdate()
    changes = [c for c in changes_between(today - timedelta(days=7), today) if c.change == "corrected"]
    assert [(c.country, c.app, c.on, c.event_ids) for c in changes] == [("RU", "snapchat", today, [event.pk])]
    assert changes[0].corrections == [("Started on", "4 December 2025", "1 December 2025")]
    assert changes_between(today - timedelta(days=60), today - timedelta(days=8)) == []  # made later
    page = client.get(f"/status/changes/?from={today - timedelta(days=7)}&to={today}").content.decode()
    assert "<strong>Corrected</strong>" in page and "started on was 4 December 2025, now 1 December 2025" in page
    record = client.get(f"/api/v1/status/changes/?from={today - timedelta(days=7)}&to={today}").json()["results"]
    assert record == [
        {
            "change": "corrected",
            "country": "RU",
            "country_name": "Russia",
            "app": "snapchat",
            "app_name": "Snapchat",
            "before": None,
            "after": None,
            "on": today.isoformat(),
            "on_precision": "day",
            "events": [event.pk],
            "corrections": [{"field": "Started on", "before": "4 December 2025", "after": "1 December 2025"}],
        }
    ]


def test_edits_that_are_not_corrections_of_a_status_are_not_changes(db):
    event = EventFactory(summary="Blocked.")
    published_long_ago(event)
    event.summary = "Blocked by Roskomnadzor."  # not a field of the status
    event.save()
    draft = EventFactory(review_state="draft")
    published_long_ago(draft)
    draft.started_on = date(2026, 1, 1)  # a draft: not public, not a correction
    draft.save()
    today = timezone.localdate()
    assert changes_between(today - timedelta(days=7), today) == []


def test_the_changes_feed_is_atom_with_one_entry_per_change(client, db):
    whatsapp = AppFactory(slug="whatsapp", name="WhatsApp")
    EventFactory(apps=[whatsapp], started_on=date(2025, 8, 13), kind="feature_restriction", features=["voice_calls"])
    EventFactory(apps=[whatsapp], started_on=date(2026, 2, 12))
    EventFactory(apps=[AppFactory(name="Signal")], country=country("IR"), started_on=date(2026, 1, 5))
    response = client.get("/status/changes/feed/?from=2025-12-31&to=2026-03-01")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    root = lxml.etree.fromstring(response.content)
    assert root.find(f"{ATOM}title").text == "App Blocking Tracker: what changed from 31 December 2025 to 1 March 2026"
    entries = root.findall(f"{ATOM}entry")
    titles = [entry.find(f"{ATOM}title").text for entry in entries]
    assert titles == ["Escalated: WhatsApp in Russia", "Imposed: Signal in Iran"]  # newest first
    first = entries[0]
    assert first.find(f"{ATOM}link").get("href") == "http://testserver/countries/ru/apps/whatsapp/"
    assert first.find(f"{ATOM}updated").text.startswith("2026-02-12")
    assert "was feature restriction since 13 August 2025, now full block since 12 February 2026" in (
        first.find(f"{ATOM}summary").text
    )
    ids = {entry.find(f"{ATOM}id").text for entry in entries}
    assert "http://testserver/status/changes/#ru-whatsapp-escalated-2026-02-12" in ids  # absolute, as Atom asks
    later = lxml.etree.fromstring(client.get("/status/changes/feed/?from=2026-01-01&to=2026-06-01").content)
    assert ids == {entry.find(f"{ATOM}id").text for entry in later.findall(f"{ATOM}entry")}  # stable ids
    iran = lxml.etree.fromstring(client.get("/status/changes/feed/?from=2025-12-31&to=2026-03-01&country=IR").content)
    assert [e.find(f"{ATOM}title").text for e in iran.findall(f"{ATOM}entry")] == ["Imposed: Signal in Iran"]


def test_the_changes_page_announces_its_feed(client, db):
    page = client.get("/status/changes/?from=2025-12-31&to=2026-03-01").content.decode()
    feed = "/status/changes/feed/?from=2025-12-31&amp;to=2026-03-01"
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="What changed, as Atom" href="http://testserver{feed}"'
        in page
    )
    assert f'<a href="{feed}">as an Atom feed</a>' in page


@pytest.mark.parametrize("query", ["from=2026-03-01&to=2025-01-01", "from=x", "colour=red", "country=XX", "to="])
def test_bad_feed_parameters_are_a_400_with_the_reason(client, db, query):
    response = client.get(f"/status/changes/feed/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode().split(":")[0] in {"from", "to", "colour", "country"}


def test_unpublished_measures_never_reach_the_feed(client, db):
    EventFactory(apps=[AppFactory(name="Hidden app")], review_state="draft", started_on=date(2026, 1, 5))
    body = client.get("/status/changes/feed/?from=2025-12-31&to=2026-03-01").content.decode()
    assert "Hidden app" not in body


def test_the_feed_reads_in_a_constant_number_of_queries(client, db, django_assert_max_num_queries):
    for code in ("FR", "DE", "IR", "CN", "TR"):
        EventFactory(country=country(code), started_on=date(2026, 1, 5))
    with django_assert_max_num_queries(8):
        assert client.get("/status/changes/feed/?from=2025-12-31&to=2026-03-01").status_code == 200


def test_the_api_says_when_each_change_took_effect(client, db):
    whatsapp = AppFactory(slug="whatsapp", name="WhatsApp")
    EventFactory(
        apps=[whatsapp],
        started_on=date(2025, 8, 13),
        ended_on=date(2026, 2, 11),
        kind="feature_restriction",
        features=["voice_calls"],
    )
    EventFactory(apps=[AppFactory(slug="viber")], started_on=date(2025, 1, 1), ended_on=date(2026, 1, 31))
    results = client.get("/api/v1/status/changes/?from=2025-12-31&to=2026-03-01").json()["results"]
    assert {(r["app"], r["change"], r["on"]) for r in results} == {
        ("viber", "lifted", "2026-02-01"),
        ("whatsapp", "lifted", "2026-02-12"),
    }
    response = client.get("/api/v1/status/changes/?from=2025-12-31&to=2026-03-01&format=csv")
    csv = b"".join(response.streaming_content).decode()
    assert csv.splitlines()[0].endswith(",events,on,corrections")
    assert Event.objects.count() == 2


def test_a_measure_imposed_and_lifted_between_the_two_days_shows_as_both(client, db):
    """A three-day shutdown in the middle of a year is what "what changed this year?" asks for,
    though the two days alone look the same."""
    EventFactory(apps=[], kind="network_shutdown", country=country("IQ"), started_on=date(2025, 6, 1),
                 ended_on=date(2025, 6, 3))  # fmt: skip
    changes = [(c.country, c.app, c.change, c.on) for c in changes_between(date(2025, 1, 1), date(2025, 12, 31))]
    assert changes == [("IQ", None, "imposed", date(2025, 6, 1)), ("IQ", None, "lifted", date(2025, 6, 4))]
    lifted = changes_between(date(2025, 1, 1), date(2025, 12, 31))[1]
    assert lifted.event_ids == lifted.before.event_ids != []  # the lifting names the measure that ended
    page = client.get("/status/changes/?from=2025-01-01&to=2025-12-31").content.decode()
    assert '<strong>Imposed</strong> <span class="muted">on 1 June 2025</span>: the network' in page
    assert '<strong>Lifted</strong> <span class="muted">on 4 June 2025</span>: the network' in page


def test_a_change_dated_to_the_month_says_the_month(client, db):
    EventFactory(apps=[AppFactory(name="Telegram")], started_on=date(2026, 2, 1), started_precision="month")
    page = client.get("/status/changes/?from=2026-01-01&to=2026-03-01").content.decode()
    assert '<span class="muted">on February 2026</span>' in page
    record = client.get("/api/v1/status/changes/?from=2026-01-01&to=2026-03-01").json()["results"][0]
    assert (record["on"], record["on_precision"]) == ("2026-02-01", "month")
