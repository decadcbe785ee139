"""What a reader sees on each public page, checked against the seed story (tests/conftest.py `seed`)."""

import datetime
import itertools

import lxml.html
import pytest
from django.utils import timezone

from events.dates import Precision
from events.models import App, Event, Source
from events.views.pages import KIND_NOTES, PRECISION_NOTES, STATUS_NOTES
from tests.factories import EventFactory, SourceFactory

pytestmark = pytest.mark.django_db

WHATSAPP_BLOCK = "Russia fully blocks WhatsApp and promotes the state messenger MAX"
WHATSAPP_CALLS = "Russia restricts WhatsApp and Telegram calls"
RESTRICTED_IN_RUSSIA = ["Facebook", "FaceTime", "Instagram", "Snapchat", "Telegram", "WhatsApp"]


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return lxml.html.fromstring(response.content)


def texts(doc, xpath):
    return [" ".join(el.text_content().split()) for el in doc.xpath(xpath)]


def event(title):
    return Event.objects.get(title=title)


def test_home_lists_the_apps_in_force_now_by_country_and_the_latest_events(client, seed):
    doc = page(client, "/")
    assert texts(doc, "//h1") == ["Government measures against apps, recorded and sourced"]
    row = doc.xpath("//table[contains(@class,'now-table')]//tr[th/a[text()='Russia']]")[0]
    assert texts(row, "td[1]/a") == RESTRICTED_IN_RUSSIA  # MAX is promoted, not restricted
    figures = dict(zip(texts(doc, "//dl[@class='figures']//dt"), texts(doc, "//dl[@class='figures']//dd"), strict=True))
    assert figures["Published records"] == "8"
    assert figures["Measures in force now"] == "8"
    assert figures["Apps restricted now"] == "6"
    assert figures["Countries with measures in force"] == "1"
    latest = texts(doc, "//section[@aria-labelledby='latest-heading']//*[contains(@class,'event-title')]")
    assert latest[:2] == [WHATSAPP_BLOCK, "Russia restricts Telegram in phases"]


def test_timeline_groups_every_event_by_year_and_month_newest_first(client, seed):
    doc = page(client, "/timeline/")
    assert texts(doc, "//h2[contains(@class,'year-heading')]") == [
        "2026 2 on this page",
        "2025 3 on this page",
        "2022 3 on this page",
    ]
    assert texts(doc, "//h3[contains(@class,'month-heading')]")[:2] == ["February 2026", "December 2025"]
    assert len(doc.xpath("//li[contains(@class,'event-line')]")) == 8
    whens = texts(doc, "//p[@class='event-when']")
    assert "Since February 2026" in whens  # the Telegram phase-in is known to the month only
    assert "Since 12 February 2026" in whens


def test_month_precision_is_never_shown_as_the_first_of_the_month(client, seed):
    telegram = event("Russia restricts Telegram in phases")
    assert telegram.started_precision == Precision.MONTH
    for url in ("/timeline/", f"/events/{telegram.pk}/", "/countries/ru/", "/apps/telegram/"):
        text = page(client, url).text_content()
        assert "February 2026" in text
        assert "1 February 2026" not in text and "2026-02-01" not in text, url


def test_country_page_lists_the_apps_restricted_now_and_the_full_history(client, seed):
    doc = page(client, "/countries/ru/")
    assert texts(doc, "//h1") == ["Russia"]
    now = texts(doc, "//section[@aria-labelledby='now-heading']//span[@class='now-name']")
    assert now == RESTRICTED_IN_RUSSIA
    history = texts(doc, "//section[@aria-labelledby='history-heading']//p[contains(@class,'event-title')]")
    assert len(history) == 8 and history[0] == WHATSAPP_BLOCK
    chart = doc.xpath("//svg[@role='img']")[0]
    assert texts(chart, "title[@id='history-chart-title']") == ["Measures against apps in Russia over time"]
    rows = texts(doc, "//details[contains(@class,'chart-data')]//tbody/tr/th")
    assert set(rows) == set(RESTRICTED_IN_RUSSIA)  # one row per app; the Meta designation sits on its apps
    assert doc.xpath("//link[@rel='alternate' and @type='application/atom+xml']/@href")[0].endswith(
        "/feeds/countries/ru/"
    )


def test_country_page_of_a_country_without_records_says_so(client, seed):
    doc = page(client, "/countries/fr/")
    assert "has no published record" in doc.text_content()
    assert not doc.xpath("//svg[@role='img']")


def test_app_page_shows_the_2025_call_restriction_and_the_2026_block_with_max(client, seed):
    doc = page(client, "/apps/whatsapp/")
    assert texts(doc, "//h1") == ["WhatsApp"]
    history = texts(doc, "//section[@aria-labelledby='history-heading']//li[contains(@class,'event-line')]")
    assert any(
        WHATSAPP_CALLS in line and "Since 13 August 2025" in line and "Feature restriction" in line for line in history
    )
    assert any(WHATSAPP_BLOCK in line and "Since 12 February 2026" in line and "Full block" in line for line in history)
    assert texts(doc, "//section[@aria-labelledby='now-heading']//span[@class='now-name']") == ["Russia"]
    # One bar per measure in Russia's row, in two lanes because they overlap.
    bars = doc.xpath("//svg[@role='img']//g[@class='chart-row']/rect")
    assert len(bars) == 2 and len({bar.get("y") for bar in bars}) == 2
    assert texts(doc, "//dl[contains(@class,'facts')]//dd/a") == ["Meta Platforms", "https://www.whatsapp.com/"]


def test_promoted_app_page_says_which_block_promoted_it(client, seed):
    doc = page(client, "/apps/max/")
    promoted = texts(doc, "//section[@aria-labelledby='promoted-heading']//*[contains(@class,'event-title')]")
    assert promoted == [WHATSAPP_BLOCK]
    assert "No published measure is in force today." in doc.text_content()
    owner = doc.xpath("//dl[contains(@class,'facts')]//dt[text()='Owner']/following-sibling::dd/a/@href")
    assert owner == ["/owners/vk/"] and client.get(owner[0]).status_code == 200  # the owner of a public app


def test_owner_page_shows_measures_against_the_company_and_its_apps(client, seed):
    doc = page(client, "/owners/meta/")
    assert texts(doc, "//h1") == ["Meta Platforms"]
    assert texts(doc, "//dl[contains(@class,'facts')]//dt[text()='Apps']/following-sibling::dd/a") == [
        "Facebook",
        "Instagram",
        "WhatsApp",
    ]
    history = texts(doc, "//section[@aria-labelledby='history-heading']//p[contains(@class,'event-title')]")
    assert "Moscow court declares Meta extremist and bans its activity" in history
    assert len(history) == 5  # Facebook, Instagram, the designation, WhatsApp calls and block


def test_authority_page_lists_what_it_ordered(client, seed):
    doc = page(client, "/authorities/roskomnadzor/")
    history = texts(doc, "//section[@aria-labelledby='history-heading']//p[contains(@class,'event-title')]")
    assert len(history) == 7 and "Moscow court declares Meta extremist and bans its activity" not in history
    assert "Prosecutor" not in " ".join(texts(doc, "//h1"))


def test_event_page_shows_what_where_when_who_why_and_the_evidence(client, seed):
    block = event(WHATSAPP_BLOCK)
    doc = page(client, f"/events/{block.pk}/")
    assert texts(doc, "//h1") == [WHATSAPP_BLOCK]
    facts = dict(zip(texts(doc, "//dl[@class='facts']//dt"), texts(doc, "//dl[@class='facts']//dd"), strict=True))
    assert facts["What was done"] == "Full block: everything"
    assert facts["App"] == "WhatsApp (Meta Platforms)"
    assert facts["Where"] == "Nationwide, Russia"
    assert facts["When"] == "Since 12 February 2026"
    assert facts["Ordered by"] == "Roskomnadzor (regulator)"
    assert facts["Promoted instead"] == "MAX"
    assert facts["Users affected"].startswith("66,000,000 'Used by 66 million Russians'")
    assert texts(doc, "//blockquote[@class='reason']") == ["Meta's 'unwillingness to comply with Russian law'."]
    sources = texts(doc, "//ol[@class='sources']/li")
    assert len(sources) == 3 and "India Today, 12 February 2026 · News report" in sources[0]
    speakers = texts(doc, "//figure[@class='statement']/figcaption/strong")
    assert speakers == ["Dmitry Peskov"] * 3 + ["WhatsApp"]
    assert "Kremlin spokesman" in texts(doc, "//figure[@class='statement']/figcaption")[0]
    assert texts(doc, "//ul[@class='related-list']/li/a") == [
        "Moscow court declares Meta extremist and bans its activity",
        WHATSAPP_CALLS,
    ]
    assert texts(doc, "//p[@class='updated']")[0].startswith("Added ")


def test_event_page_summarises_the_last_change_from_the_history(client, seed):
    block = event(WHATSAPP_BLOCK)
    # Make the record older than the editing session that created it, then change two fields.
    Event.objects.filter(pk=block.pk).update(created_at=timezone.now() - datetime.timedelta(days=3))
    block.refresh_from_db()
    block.status = Event.Status.UNKNOWN
    block.summary = "Reports differ on whether the block still holds."
    block.save()
    doc = page(client, f"/events/{block.pk}/")
    today = timezone.localdate()
    assert texts(doc, "//p[@class='updated']") == [f"Updated {today.day} {today:%B %Y}: status, summary changed."]


def test_imported_event_shows_the_credit_of_its_dataset(client, db):
    dataset = SourceFactory(
        url="https://www.accessnow.org/keepiton-data/",
        title="Access Now #KeepItOn STOP",
        publisher="Access Now",
        kind=Source.Kind.DATASET,
    )
    imported = EventFactory(sources=[dataset, SourceFactory()])
    doc = page(client, f"/events/{imported.pk}/")
    assert texts(doc, "//p[@class='credit-line']") == [
        "Imported from Access Now #KeepItOn STOP, published by Access Now. "
        "Credit the upstream dataset when you reuse this record."
    ]
    plain = EventFactory()
    assert not page(client, f"/events/{plain.pk}/").xpath("//p[@class='credit-line']")


def test_search_finds_events_apps_owners_and_countries(client, seed):
    doc = page(client, "/search/?q=whatsapp")
    assert texts(doc, "//section[@aria-labelledby='apps-heading']//li/a") == ["WhatsApp"]
    found = texts(doc, "//section[@aria-labelledby='events-heading']//*[contains(@class,'event-title')]")
    assert {WHATSAPP_BLOCK, WHATSAPP_CALLS} <= set(found)  # and those whose summaries mention it
    assert "Russia blocks Snapchat" not in found
    assert texts(page(client, "/search/?q=meta"), "//section[@aria-labelledby='owners-heading']//li/a") == [
        "Meta Platforms"
    ]
    countries = texts(page(client, "/search/?q=russia"), "//section[@aria-labelledby='countries-heading']//li")
    assert countries == ["Russia 8 records"]


def test_search_without_a_query_shows_the_form_and_no_error(client, seed):
    doc = page(client, "/search/?q=")
    assert doc.xpath("//input[@id='search-q']") and not doc.xpath("//section")
    assert "No published event matches" in page(client, "/search/?q=nothing-like-this").text_content()


def test_lists_of_countries_and_apps_carry_counts(client, seed):
    countries = page(client, "/countries/")
    assert [texts(row, "th|td") for row in countries.xpath("//tbody/tr")] == [["Russia", "8", "8", "2026"]]
    apps = {cells[0]: cells for cells in (texts(row, "th|td") for row in page(client, "/apps/").xpath("//tbody/tr"))}
    assert apps["WhatsApp"] == ["WhatsApp", "Meta Platforms", "2", "1", "2"]
    assert apps["MAX"] == ["MAX", "VK", "0", "0", "0"]  # public as the promoted alternative, never restricted


def test_about_page_explains_every_kind_status_and_precision_from_the_model(client, db):
    doc = page(client, "/about/")
    terms = texts(doc, "//dl[@class='definitions']//dt")
    for value, label in Event.Kind.choices + Event.Status.choices + Precision.choices:
        assert f"{label} {value}" in terms
    text = doc.text_content()
    for needle in ("CC BY 4.0", "MIT licence", "How to cite", "Report a correction", "Access Now"):
        assert needle in text
    assert doc.xpath("//h2[@id='corrections']") and doc.xpath("//h2[@id='cite']")


def test_every_choice_has_an_explanation_so_the_methodology_cannot_drift():
    assert set(KIND_NOTES) == set(Event.Kind.values)
    assert set(STATUS_NOTES) == set(Event.Status.values)
    assert set(PRECISION_NOTES) == set(Precision.values)


HEAD_URLS = [
    "/",
    "/timeline/",
    "/countries/",
    "/countries/ru/",
    "/apps/",
    "/apps/whatsapp/",
    "/owners/meta/",
    "/authorities/roskomnadzor/",
    "/search/?q=meta",
    "/about/",
]


def test_pages_have_one_h1_a_canonical_url_a_description_and_open_graph_tags(client, seed):
    urls = [*HEAD_URLS, f"/events/{event(WHATSAPP_BLOCK).pk}/"]
    for url in urls:
        check_head_and_outline(page(client, url), url)


def check_head_and_outline(doc, url):
    assert len(doc.xpath("//h1")) == 1, url
    canonical = doc.xpath("//link[@rel='canonical']/@href")
    assert len(canonical) == 1 and canonical[0].startswith("http://testserver/")
    assert doc.xpath("//meta[@name='description']/@content")[0]
    assert doc.xpath("//meta[@property='og:title']/@content")[0]
    assert doc.xpath("//meta[@property='og:url']/@content") == canonical
    assert doc.xpath("//title")[0].text.endswith("App Blocking Tracker")
    for landmark in ("header", "nav", "main", "footer"):
        assert doc.xpath(f"//{landmark}"), (url, landmark)
    assert doc.xpath("//a[@class='skip-link']/@href") == ["#main"]
    levels = [int(h.tag[1]) for h in doc.xpath("//main//*[self::h1 or self::h2 or self::h3 or self::h4]")]
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), (url, levels)  # no skipped level


def test_event_page_is_shared_as_an_article_with_its_summary(client, seed):
    block = event(WHATSAPP_BLOCK)
    doc = page(client, f"/events/{block.pk}/?utm_source=x")
    assert doc.xpath("//meta[@property='og:type']/@content") == ["article"]
    assert doc.xpath("//link[@rel='canonical']/@href") == [f"http://testserver/events/{block.pk}/"]
    assert doc.xpath("//meta[@name='description']/@content")[0].startswith("The Kremlin confirmed")


def test_app_list_and_pages_only_know_apps_that_published_records_name(client, seed):
    App.objects.create(slug="unmentioned", name="Unmentioned")
    assert "Unmentioned" not in page(client, "/apps/").text_content()
    page(client, "/apps/unmentioned/", status=404)
