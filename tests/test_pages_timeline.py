"""The timeline's filters: the API's strict filter set, a form that keeps its state in the URL, pages."""

import datetime

import lxml.html
import pytest

from events.views.timeline import PAGE_SIZE
from tests.factories import EventFactory, country

pytestmark = pytest.mark.django_db


def titles(response):
    doc = lxml.html.fromstring(response.content)
    return [" ".join(el.text_content().split()) for el in doc.xpath("//main//*[contains(@class,'event-title')]")]


def form_state(response):
    """{field name: value the form shows}: the selected option of each select, the value of each input."""
    doc = lxml.html.fromstring(response.content)
    state = {}
    for select in doc.xpath("//form[@class='filters']//select"):
        selected = select.xpath("option[@selected]/@value")
        state[select.get("name")] = selected[0] if selected else ""
    for field in doc.xpath("//form[@class='filters']//input"):
        state[field.get("name")] = field.get("value") or ""
    return state


FILTER_CASES = [
    ("country=ru", 8),
    ("country=RU", 8),
    ("app=whatsapp", 2),
    ("owner=meta", 5),
    ("authority=tverskoy-district-court-moscow", 1),
    ("kind=full_block", 4),
    ("kind=feature_restriction,partial_block", 3),
    ("status=in_force", 8),
    ("status=lifted", 0),
    ("year=2025", 3),
    ("search=Snapchat", 2),  # the Snapchat block and the FaceTime record whose summary names it
    ("active_on=2025-01-01", 3),
    ("started_after=2025-12-01&started_before=2026-01-31", 1),
    ("app=whatsapp&year=2026", 1),
]


def test_each_filter_narrows_the_timeline(client, seed_each):
    # One test over all cases: the seed loads once rather than once per case.
    for query, expected in FILTER_CASES:
        response = client.get(f"/timeline/?{query}")
        assert response.status_code == 200, query
        assert len(titles(response)) == expected, query


def test_the_form_shows_the_filters_in_the_url(client, seed_each):
    response = client.get("/timeline/?country=RU&app=whatsapp&kind=full_block&year=2026&search=MAX")
    state = form_state(response)
    assert state["country"] == "ru" and state["app"] == "whatsapp" and state["kind"] == "full_block"
    assert state["year"] == "2026" and state["search"] == "MAX" and state["owner"] == ""
    assert titles(response) == ["Russia fully blocks WhatsApp and promotes the state messenger MAX"]


def test_selects_offer_only_values_that_occur_in_published_events(client, seed_each):
    doc = lxml.html.fromstring(client.get("/timeline/").content)
    assert doc.xpath("//select[@name='country']/option/@value") == ["", "ru"]
    assert doc.xpath("//select[@name='year']/option/@value") == ["", "2026", "2025", "2022"]
    kinds = doc.xpath("//select[@name='kind']/option/@value")
    assert "network_shutdown" not in kinds and "legal_designation" in kinds
    assert "max" not in doc.xpath("//select[@name='app']/option/@value")  # promoted, never restricted
    assert "vk" not in doc.xpath("//select[@name='owner']/option/@value")  # MAX's owner
    labels = {label.get("for") for label in doc.xpath("//form[@class='filters']//label")}
    fields = {el.get("id") for el in doc.xpath("//form[@class='filters']//*[self::select or self::input]")}
    assert fields <= labels  # every field has its label


def test_a_comma_list_from_a_shared_link_is_kept_by_the_form(client, seed_each):
    state = form_state(client.get("/timeline/?kind=full_block,partial_block"))
    assert state["kind"] == "full_block,partial_block"


def test_the_q_parameter_and_empty_fields_redirect_to_the_tidy_address(client, seed_each):
    response = client.get("/timeline/?q=telegram&country=&app=&ordering=-started_on")
    assert response.status_code == 302
    assert response["Location"] == "/timeline/?search=telegram"


INVALID_CASES = [
    ("country=xx", "country", "Unknown country code XX"),
    ("app=nosuchapp", "app", "Unknown app slug nosuchapp"),
    ("year=abc", "year", "number"),
    ("kind=blocked", "kind", "Unknown value blocked"),
    ("active_on=01/02/2026", "active_on", "Enter a date as YYYY-MM-DD"),
    ("started_after=2026-01-01&started_before=2025-01-01", "started_after", "no event can match"),
    ("colour=red", "colour", "Unknown parameter"),
    ("page_size=10", "page_size", "Not accepted on this page"),
    ("ordering=title", "ordering", "Unknown ordering title"),
]


def test_invalid_filters_answer_400_and_say_what_is_wrong(client, seed_each):
    for query, parameter, message in INVALID_CASES:
        response = client.get(f"/timeline/?{query}")
        assert response.status_code == 400, query
        doc = lxml.html.fromstring(response.content)
        errors = [" ".join(li.text_content().split()) for li in doc.xpath("//div[@class='error-summary']//li")]
        assert any(f"({parameter})" in error and message in error for error in errors), (query, errors)
        assert not titles(response)
        assert doc.xpath("//meta[@name='robots']/@content") == ["noindex"]


def test_active_filters_can_be_removed_one_by_one(client, seed_each):
    doc = lxml.html.fromstring(client.get("/timeline/?country=ru&app=whatsapp").content)
    chips = {
        " ".join(li.xpath("span")[0].text_content().split()): li.xpath("a/@href")[0]
        for li in doc.xpath("//ul[@class='active-filters']/li")
    }
    assert chips == {"Russia": "/timeline/?app=whatsapp", "WhatsApp": "/timeline/?country=ru"}
    assert doc.xpath("//title")[0].text.startswith("Timeline: Russia, WhatsApp")


def test_ordering_oldest_first(client, seed_each):
    response = client.get("/timeline/?ordering=started_on")
    assert titles(response)[0] == "Russia blocks Facebook"
    assert form_state(response)["ordering"] == "started_on"


def test_ordering_by_update_lists_without_year_groups(client, seed_each):
    doc = lxml.html.fromstring(client.get("/timeline/?ordering=-updated_at").content)
    assert not doc.xpath("//h2[contains(@class,'year-heading')]")
    assert len(doc.xpath("//li[contains(@class,'event-line')]")) == 8


def test_pages_keep_the_filters_in_their_links_and_a_missing_page_is_404(client, db):
    for day in range(PAGE_SIZE + 5):
        EventFactory(started_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=day))
    EventFactory(started_on=datetime.date(2020, 1, 1), country=country("UA"))  # filtered out
    first = client.get("/timeline/?country=ru")
    assert len(titles(first)) == PAGE_SIZE
    doc = lxml.html.fromstring(first.content)
    assert doc.xpath("//nav[@class='pagination']//a[@rel='next']/@href") == ["?country=ru&page=2"]
    second = client.get("/timeline/?country=ru&page=2")
    assert len(titles(second)) == 5
    assert set(titles(first)).isdisjoint(titles(second))
    canonical = lxml.html.fromstring(second.content).xpath("//link[@rel='canonical']/@href")
    assert canonical == ["http://testserver/timeline/?country=ru&page=2"]
    assert client.get("/timeline/?country=ru&page=3").status_code == 404
    assert client.get("/timeline/?page=abc").status_code == 404


def test_the_timeline_canonical_url_keeps_the_filters_in_a_stable_order(client, seed_each):
    doc = lxml.html.fromstring(client.get("/timeline/?year=2025&country=ru").content)
    assert doc.xpath("//link[@rel='canonical']/@href") == ["http://testserver/timeline/?country=ru&year=2025"]
