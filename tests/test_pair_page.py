"""/countries/<code>/apps/<slug>/: one app's history in one country, as steps."""

import re
from datetime import date

import pytest

from events.models import Event
from events.status import PAIR_DAYS
from tests.factories import AppFactory, EventFactory, country

pytestmark = pytest.mark.django_db


def steps(page):
    return re.findall(r"<strong>From ([^<]+)</strong>: ([^<]+?)(?:<|\.)", page)


def test_whatsapp_in_russia_step_by_step(client, seed):
    page = client.get("/countries/ru/apps/whatsapp/").content.decode()
    assert steps(page) == [
        ("13 August 2025", "feature restriction (voice calls, video calls), on the order of "),
        ("12 February 2026", "full block, on the order of "),
    ]
    assert 'The authorities promote instead: <a href="/apps/max/">MAX</a>' in page
    assert "Russia fully blocks WhatsApp and promotes the state messenger MAX" in page


def test_a_lifted_measure_ends_its_step(client, db):
    app = AppFactory(slug="brief")
    EventFactory(apps=[app], country=country("TR"), started_on=date(2024, 1, 1), ended_on=date(2024, 2, 1),
                 status="lifted")  # fmt: skip
    page = client.get("/countries/tr/apps/brief/").content.decode()
    assert steps(page) == [("1 January 2024", "full block"), ("2 February 2024", "no measure in force")]


def test_facebook_in_russia_keeps_its_block_and_gains_the_designation(client, seed):
    page = client.get("/countries/ru/apps/facebook/").content.decode()
    assert [day for day, _ in steps(page)] == ["4 March 2022", "21 March 2022"]
    assert "Moscow court declares Meta extremist" in page


def test_unknown_addresses_and_drafts_are_404_or_empty(client, db):
    app = AppFactory(slug="secretive")
    EventFactory(apps=[app], review_state=Event.ReviewState.DRAFT)
    assert client.get("/countries/xx/apps/whatsapp/").status_code == 404
    assert client.get("/countries/ru/apps/secretive/").status_code == 404  # the app is not public
    assert client.get("/countries/ru/apps/never-was/").status_code == 404


def test_the_status_table_links_the_pairs(client, seed):
    page = client.get("/status/?on=2026-03-01").content.decode()
    assert 'href="/countries/ru/apps/whatsapp/"' in page


def test_country_and_app_pages_link_their_pairs(client, seed):
    assert 'href="/countries/ru/apps/whatsapp/"' in client.get("/countries/ru/").content.decode()
    assert 'href="/countries/ru/apps/whatsapp/"' in client.get("/apps/whatsapp/").content.decode()


def test_a_long_history_pages_by_its_days_of_change(client, db):
    """A pair with years of measures (a million events make thousands) reads the latest days of
    change, with a link to the earlier ones, rather than every day at once."""
    app = AppFactory(slug="long")
    for year in range(1980, 2026):  # 46 measures, each lifted at the end of June: 92 days of change
        EventFactory(apps=[app], country=country("TR"), started_on=date(year, 1, 1), ended_on=date(year, 6, 30),
                     status="lifted")  # fmt: skip
    page = client.get("/countries/tr/apps/long/").content.decode()
    days = [day for day, _state in steps(page)]
    assert len(days) == PAIR_DAYS and days[-1] == "1 July 2025"
    first = re.search(r'<a href="\?before=([0-9-]+)">← Earlier steps</a>', page).group(1)
    assert first == "2006-01-01"  # the first day shown
    earlier = client.get(f"/countries/tr/apps/long/?before={first}").content.decode()
    assert [day for day, _state in steps(earlier)][-1] == "1 July 2005"
    assert '<a href="?">The latest steps</a>' in earlier
    assert client.get("/countries/tr/apps/long/?before=0001-01-01").status_code == 200
    for query in ("before=2025-13-01", "before=", "colour=red"):
        assert client.get(f"/countries/tr/apps/long/?{query}").status_code == 400, query


def test_a_step_with_many_events_links_the_rest(client, db):
    app = AppFactory(slug="crowded")
    for n in range(15):
        EventFactory(apps=[app], country=country("TR"), title=f"Measure {n}", started_on=date(2024, 1, 1))
    page = client.get("/countries/tr/apps/crowded/").content.decode()
    assert page.count("Measure ") == 12
    assert 'active_on=2024-01-01">and 3 more in force that day</a>' in page
