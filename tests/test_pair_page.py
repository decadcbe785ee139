"""/countries/<code>/apps/<slug>/: one app's history in one country, as steps."""

import re
from datetime import date

import pytest

from events.models import Event
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
