"""Atom feeds: valid Atom that feed readers accept, published events only, linked from the pages."""

import lxml.etree
import lxml.html
import pytest

from events.models import Event
from tests.factories import EventFactory, country

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def atom(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = lxml.etree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):  # RFC 4287 4.1.1
        assert root.find(f"{ATOM}{required}") is not None and root.find(f"{ATOM}{required}").text, required
    assert root.find(f"{ATOM}author/{ATOM}name").text == "App Blocking Tracker"
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        for required in ("id", "title", "updated"):  # RFC 4287 4.1.2
            element = entry.find(f"{ATOM}{required}")
            assert element is not None and element.text, required
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http://testserver/events/")
        assert entry.find(f"{ATOM}summary").text
    ids = [entry.find(f"{ATOM}id").text for entry in entries]
    assert len(ids) == len(set(ids))
    return root, entries


def entry_titles(entries):
    return [entry.find(f"{ATOM}title").text for entry in entries]


def test_events_feed_is_valid_atom_with_every_published_event(client, seed_each):
    root, entries = atom(client, "/feeds/events/")
    assert root.find(f"{ATOM}title").text == "App Blocking Tracker: latest events"
    assert len(entries) == 8
    telegram = next(e for e in entries if e.find(f"{ATOM}title").text == "Russia restricts Telegram in phases")
    summary = telegram.find(f"{ATOM}summary").text
    assert summary.startswith(
        "Partial block (throttling, some networks or regions) in Russia (Telegram), since February 2026."
    )
    categories = {c.get("term") for c in telegram.findall(f"{ATOM}category")}
    assert {"Russia", "Telegram"} <= categories


def test_a_corrected_event_comes_first_as_an_updated_entry(client, seed_each):
    snapchat = Event.objects.get(title="Russia blocks Snapchat")
    snapchat.summary = "Corrected summary."
    snapchat.save()
    _root, entries = atom(client, "/feeds/events/")
    assert entry_titles(entries)[0] == "Russia blocks Snapchat"


def test_country_feed_holds_that_country_only(client, seed_each):
    EventFactory(title="Ukraine blocks VK", country=country("UA"))
    _root, entries = atom(client, "/feeds/countries/ru/")
    assert len(entries) == 8 and "Ukraine blocks VK" not in entry_titles(entries)
    _root, entries = atom(client, "/feeds/countries/UA/")
    assert entry_titles(entries) == ["Ukraine blocks VK"]
    assert client.get("/feeds/countries/xx/").status_code == 404


def test_app_feed_holds_that_apps_events_only(client, seed_each):
    root, entries = atom(client, "/feeds/apps/whatsapp/")
    assert root.find(f"{ATOM}title").text == "App Blocking Tracker: events about WhatsApp"
    assert set(entry_titles(entries)) == {
        "Russia fully blocks WhatsApp and promotes the state messenger MAX",
        "Russia restricts WhatsApp and Telegram calls",
    }
    assert client.get("/feeds/apps/nope/").status_code == 404


def test_feeds_leave_out_unpublished_events(client, seed_each):
    for state in (Event.ReviewState.DRAFT, Event.ReviewState.IN_REVIEW, Event.ReviewState.RETRACTED):
        EventFactory(title=f"Hidden {state}", review_state=state)
    for url in ("/feeds/events/", "/feeds/countries/ru/"):
        _root, entries = atom(client, url)
        assert not [t for t in entry_titles(entries) if t.startswith("Hidden")], url


def test_an_empty_feed_is_still_valid_atom(client, db):
    _root, entries = atom(client, "/feeds/events/")
    assert entries == []


def test_pages_link_their_feeds_for_readers_to_discover(client, seed_each):
    for url, feed in [
        ("/", "/feeds/events/"),
        ("/timeline/", "/feeds/events/"),
        ("/countries/ru/", "/feeds/countries/ru/"),
        ("/apps/whatsapp/", "/feeds/apps/whatsapp/"),
    ]:
        doc = lxml.html.fromstring(client.get(url).content)
        links = doc.xpath("//link[@rel='alternate' and @type='application/atom+xml']/@href")
        assert f"http://testserver{feed}" in links, url
