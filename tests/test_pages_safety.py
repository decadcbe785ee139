"""Safety of the public pages: only published events anywhere, escaped editor text, flat query
counts, proper 404 and 500 pages, and templates ready for a strict Content-Security-Policy."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.template import loader

from events.models import Event
from tests.factories import (
    AppFactory,
    AuthorityFactory,
    EventFactory,
    OwnerFactory,
    SourceFactory,
    StatementFactory,
    country,
)

SECRET = "Zanzibar secret crackdown"
HIDDEN_STATES = [Event.ReviewState.DRAFT, Event.ReviewState.IN_REVIEW, Event.ReviewState.RETRACTED]


@pytest.fixture
def hidden(seed):
    """Unpublished events in every state, in a country and with an app, owner and authority that
    nothing published mentions: none of them may show anywhere."""
    owner = OwnerFactory(slug="secret-owner", name="Secret Owner Ltd")
    app = AppFactory(slug="secretapp", name="Secretapp", owner=owner)
    authority = AuthorityFactory(slug="secret-authority", name="Secret Authority", country=country("TZ"))
    events = []
    for state in HIDDEN_STATES:
        events.append(
            EventFactory(
                title=f"{SECRET} ({state})",
                summary=f"{SECRET} summary",
                country=country("TZ"),
                apps=[app],
                owner=owner,
                authority=authority,
                review_state=state,
                started_on=datetime.date(2026, 3, 1),
            )
        )
    # An unpublished event in Russia that names a published app and relates to a published event.
    russian = EventFactory(
        title=f"{SECRET} in Russia",
        apps=[AppFactory(slug="whatsapp")],
        review_state=Event.ReviewState.DRAFT,
    )
    russian.related.add(Event.objects.get(title__startswith="Russia fully blocks WhatsApp"))
    return [*events, russian]


PUBLIC_URLS = [
    "/",
    "/timeline/",
    "/timeline/?search=Zanzibar",
    "/timeline/?country=tz",
    "/countries/",
    "/countries/tz/",
    "/countries/ru/",
    "/apps/",
    "/apps/whatsapp/",
    "/owners/meta/",
    "/authorities/roskomnadzor/",
    "/search/?q=Zanzibar",
    "/search/?q=secret",
    "/feeds/events/",
    "/feeds/countries/tz/",
    "/feeds/countries/ru/",
    "/feeds/apps/whatsapp/",
]


@pytest.mark.django_db
def test_unpublished_events_and_what_only_they_name_appear_nowhere(client, hidden):
    # Full titles and names: a search page echoes the words searched for, never what they matched.
    needles = [event.title for event in hidden] + [
        f"{SECRET} summary",
        "Secretapp",
        "Secret Owner Ltd",
        "Secret Authority",
    ]
    for url in PUBLIC_URLS:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for needle in needles:
            assert needle not in body, (url, needle)
    related = Event.objects.get(title__startswith="Russia fully blocks WhatsApp")
    assert SECRET not in client.get(related.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_pages_of_unpublished_records_and_of_what_only_they_name_are_404(client, hidden):
    for event in hidden:
        assert client.get(f"/events/{event.pk}/").status_code == 404
    for url in (
        "/apps/secretapp/",
        "/owners/secret-owner/",
        "/authorities/secret-authority/",
        "/feeds/apps/secretapp/",
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.django_db
def test_counts_and_filter_choices_ignore_unpublished_events(client, hidden):
    home = client.get("/").content.decode()
    assert "<dt>Published records</dt><dd>8</dd>" in home
    assert "<dt>Countries on record</dt><dd>1</dd>" in home
    timeline = client.get("/timeline/").content.decode()
    assert 'value="tz"' not in timeline and "2026, 3" not in timeline
    tanzania = client.get("/countries/tz/").content.decode()
    assert "has no published record" in tanzania and "<svg" not in tanzania


SCRIPT = "<script>alert('x')</script>"


@pytest.mark.django_db
def test_editor_text_is_escaped_everywhere(client, db):
    app = AppFactory(slug="scripted", name=f"App {SCRIPT}")
    authority = AuthorityFactory(slug="scripted-authority", name=f"Authority {SCRIPT}")
    source = SourceFactory(title=f"Source {SCRIPT}", publisher=f"Publisher {SCRIPT}")
    event = EventFactory(
        title=f"Title {SCRIPT}",
        summary=f"Summary {SCRIPT}",
        description=f"Description {SCRIPT}",
        stated_reason=f"Reason {SCRIPT}",
        legal_basis=f"Law {SCRIPT}",
        users_affected=10,
        users_affected_note=f"Note {SCRIPT}",
        apps=[app],
        authority=authority,
        sources=[source],
    )
    StatementFactory(event=event, speaker=f"Speaker {SCRIPT}", text=f"Said {SCRIPT}", source=source)
    urls = [
        event.get_absolute_url(),
        "/",
        "/timeline/",
        "/countries/ru/",
        "/apps/scripted/",
        "/authorities/scripted-authority/",
        "/apps/",
        "/search/?q=script",
        f"/search/?q={SCRIPT}",
        f"/timeline/?search={SCRIPT}",
    ]
    for url in urls:
        body = client.get(url).content.decode()
        assert "<script" not in body, url
        assert "&lt;script&gt;" in body, url
    feed = client.get("/feeds/events/").content.decode()
    assert "<script" not in feed and "&lt;script&gt;" in feed


def events_for(count):
    """`count` published events in Russia, each with two apps, two sources and a statement."""
    owner = OwnerFactory()
    apps = [AppFactory(slug="whatsapp", name="WhatsApp", owner=owner), AppFactory(owner=owner)]
    authority = AuthorityFactory(slug="roskomnadzor")
    events = []
    for n in range(count):
        event = EventFactory(
            apps=apps,
            authority=authority,
            owner=owner,
            sources=[SourceFactory(), SourceFactory()],
            started_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=n * 30),
        )
        StatementFactory(event=event)
        events.append(event)
    return events, apps[0], owner


# Each page's queries, listed once; the same numbers must hold for 1 and for 50 events.
PAGE_QUERIES = {
    # totals over the events; totals over their apps; apps in force per country; measures in force
    # without an app per country and kind; latest events + their apps
    "/": 6,
    # kinds/statuses/years; countries; apps; owners; authorities (the form's choices);
    # count; one page of events; their apps
    "/timeline/": 8,
    # the same, plus one existence check per reference filter given but the country (its codes
    # are the committed fixture's)
    "/timeline/?country=ru&app=whatsapp": 9,
    # countries with counts; in force now per country
    "/countries/": 2,
    # The detail pages: the record; its counts (all, in force, of unknown status); the latest events
    # + their apps; the latest in force + their apps (the chart draws the latest events, one bar
    # each; measures of unknown status, none here, would add two); then what the page adds.
    # ... + weekly OONI counts
    "/countries/ru/": 7,
    # apps with counts; in force now per app
    "/apps/": 2,
    # ... + weekly OONI counts; events promoting it (none here, so no query for their apps)
    "/apps/whatsapp/": 8,
    # ... + the ids of its apps (before the rest, so the filter is by id) and its public apps
    "/owners/{owner}/": 8,
    "/authorities/roskomnadzor/": 6,
    # the names a misspelt word may be of and the matches' ids (events/search.py); count; apps;
    # owners; authorities; countries; events; their apps
    "/search/?q=event": 9,
    "/about/": 0,
    # events with their apps (two queries), plus the country or app looked up
    "/feeds/events/": 2,
    "/feeds/countries/ru/": 3,
    "/feeds/apps/whatsapp/": 3,
}


EVENT_PAGE_QUERIES = 13


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 50])
def test_query_counts_do_not_grow_with_the_rows_shown(client, django_assert_num_queries, count):
    events, _app, owner = events_for(count)
    for url, expected in PAGE_QUERIES.items():
        url = url.format(owner=owner.slug)
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200, url
    # event page: the event; its apps, sources, statements and related events; its history, the
    # apps and sources of the last two records (the "updated" line) and of every published one
    # (the change log), and the names these point at
    with django_assert_num_queries(EVENT_PAGE_QUERIES):
        assert client.get(events[-1].get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_related_events_on_an_event_page_cost_one_query_however_many(client, django_assert_num_queries):
    events, _app, _owner = events_for(12)
    events[0].related.set(events[1:])
    with django_assert_num_queries(EVENT_PAGE_QUERIES):
        response = client.get(events[0].get_absolute_url())
    assert response.content.decode().count('<li><a href="/events/') == 11


@pytest.mark.django_db
def test_upper_case_codes_and_slugs_redirect_to_the_lower_case_address(client, seed):
    for url, target in [
        ("/countries/RU/", "/countries/ru/"),
        ("/apps/WhatsApp/", "/apps/whatsapp/"),
        ("/owners/Meta/", "/owners/meta/"),
        ("/authorities/Roskomnadzor/", "/authorities/roskomnadzor/"),
    ]:
        response = client.get(url)
        assert response.status_code == 301 and response["Location"] == target, url


@pytest.mark.django_db
def test_unknown_records_answer_the_404_page(client, seed):
    for url in (
        "/countries/xx/",
        "/countries/russia/",
        "/apps/nope/",
        "/owners/nope/",
        "/authorities/nope/",
        "/events/999999/",
        "/feeds/countries/xx/",
        "/feeds/apps/nope/",
        "/nowhere/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
    body = client.get("/apps/nope/").content.decode()
    assert "This page does not exist" in body and 'href="/timeline/"' in body


def test_the_500_page_renders_without_a_request_or_the_database():
    # No db fixture: any database access here would fail the test.
    body = loader.get_template("500.html").render()
    assert "Something went wrong" in body and "<h1>" in body


def test_templates_have_no_inline_script_or_style_for_the_content_security_policy():
    root = Path(settings.BASE_DIR) / "templates"
    checked = 0
    for path in root.rglob("*.html"):
        if "admin" in path.relative_to(root).parts:
            continue
        text = path.read_text()
        checked += 1
        for forbidden in ("<script", "<style", " style="):
            assert forbidden not in text, (path, forbidden)
    assert checked >= 15
