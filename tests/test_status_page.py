"""/status/: the world map and the table by country on a day, from the one status rule."""

import json
import re
from datetime import date

import pytest
from django.conf import settings

from events.charts.palette import colour
from events.models import Event
from events.status_picture import PAIRS_SHOWN
from events.views.status import MAP_FILE, NO_MEASURE
from tests.factories import AppFactory, EventFactory, country

pytestmark = pytest.mark.django_db


def shape_fill(page, title_start):
    match = re.search(r'<path d="[^"]+" fill="(#[0-9a-f]+)"[^>]*><title>' + re.escape(title_start), page)
    assert match, title_start
    return match.group(1)


def test_russia_at_the_end_of_2025_on_the_map_and_in_the_table(client, seed):
    page = client.get("/status/?on=2025-12-31").content.decode()
    assert "What was in force on 31 December 2025" in page
    assert shape_fill(page, "Russia: full block") == colour(Event.Kind.FULL_BLOCK)
    assert '<a href="/countries/ru/"><path' in page
    assert shape_fill(page, "France: no recorded measure") == NO_MEASURE
    by_country = page.split('id="by-country-heading"')[1]
    row = re.search(r'<th scope="row"><a href="/countries/ru/">Russia</a></th>(.*?)</tr>', by_country, re.S).group(1)
    assert "WhatsApp</a>: feature restriction (voice calls, video calls) since 13 August 2025" in row
    assert "Snapchat</a>: full block since 10 October 2025" in row
    assert "MAX" not in row


def test_other_days_and_the_default(client, seed):
    assert "WhatsApp</a>: full block since 12 February 2026" in client.get("/status/?on=2026-03-01").content.decode()
    assert "No published measure was in force on that day." in client.get("/status/?on=2020-01-01").content.decode()
    today = client.get("/status/").content.decode()
    assert "in force today" in today and 'href="/status/?on=' in today  # steps to other days


def test_a_network_shutdown_shades_its_country_apart(client, db):
    EventFactory(apps=[], kind="network_shutdown", country=country("IN"), scope="Jammu and Kashmir")
    page = client.get("/status/?on=2026-03-01").content.decode()
    assert shape_fill(page, "India: network shutdown") == colour(Event.Kind.NETWORK_SHUTDOWN)
    assert "shutdown since 12 February 2026 (Jammu and Kashmir)" in page


def test_a_draft_shades_nothing(client, db):
    EventFactory(apps=[AppFactory()], country=country("FR"), review_state=Event.ReviewState.DRAFT)
    page = client.get("/status/?on=2026-03-01").content.decode()
    assert shape_fill(page, "France: no recorded measure") == NO_MEASURE


@pytest.mark.parametrize("query", ["on=2025-31-12", "on=yesterday", "colour=red", "on="])
def test_bad_parameters_are_a_400_page_saying_why(client, seed, query):
    response = client.get(f"/status/?{query}")
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()


def test_tracking_parameters_are_ignored(client, seed):
    assert client.get("/status/?on=2025-12-31&utm_source=x&fbclid=y").status_code == 200


def test_the_map_is_drawn_from_the_derived_natural_earth_file_with_its_origin(client, seed):
    data = json.loads(MAP_FILE.read_text())
    assert data["source"].startswith("Natural Earth") and data["version"] and "Public domain" in data["licence"]
    assert len(data["shapes"]) > 170 and "RU" in data["shapes"]
    page = client.get("/status/").content.decode()
    svg = page[page.index("<svg viewBox") : page.index("</svg>", page.index("<svg viewBox"))]
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")  # no outside request


def test_the_query_count_does_not_grow_with_the_countries(client, django_assert_max_num_queries, db):
    for code in ("FR", "DE", "IR", "CN", "TR", "IN", "PK", "EG"):
        EventFactory(apps=[AppFactory()], country=country(code))
    # The picture (six, seven on PostgreSQL: events/status_picture.py), the map's names (1), the
    # form's apps (1), the previous and next change (4).
    with django_assert_max_num_queries(13):
        assert client.get("/status/?on=2026-03-01").status_code == 200


def test_a_country_with_many_apps_lists_the_first_and_links_the_rest(client, db):
    apps = [AppFactory(name=f"App {n:02}") for n in range(PAIRS_SHOWN + 3)]
    EventFactory(apps=apps, country=country("IR"))
    page = client.get("/status/?on=2026-03-01").content.decode()
    listed = "</a>: full block since"  # a line of the table (the matrix names apps too)
    assert f"App 00{listed}" in page and f"App {PAIRS_SHOWN - 1:02}{listed}" in page
    assert f"App {PAIRS_SHOWN:02}{listed}" not in page
    assert '<a class="more-pairs" href="/status/?country=ir&amp;on=2026-03-01">and 3 more apps</a>' in page
    every = client.get("/status/?country=ir&on=2026-03-01").content.decode()
    assert f"App {PAIRS_SHOWN + 2:02}{listed}" in every and "more-pairs" not in every


@pytest.mark.parametrize("day", ["0001-01-01", "0001-12-31", "9999-01-01", "9999-12-31"])
def test_the_ends_of_the_calendar_answer_without_steps_past_them(client, seed, day):
    assert client.get(f"/status/?on={day}").status_code == 200


@pytest.mark.parametrize("day", ["20250101", "2025-W01-1"])
def test_only_yyyy_mm_dd_is_a_date_as_in_the_api(client, seed, day):
    assert client.get(f"/status/?on={day}").status_code == 400


def test_the_changes_page_lists_the_escalation_and_the_new_measures(client, seed):
    page = client.get("/status/changes/?from=2025-12-31&to=2026-03-01").content.decode()
    assert "What changed from 31 December 2025 to 1 March 2026" in page
    whatsapp = (
        '<strong>Escalated</strong> <span class="muted">on 12 February 2026</span>: '
        '<a href="/countries/ru/apps/whatsapp/">WhatsApp</a>, was feature restriction, now full'
    )
    assert whatsapp in page
    year = client.get("/status/changes/?from=2025-01-01&to=2026-06-30").content.decode()
    for slug, name in (
        ("whatsapp", "WhatsApp"),
        ("telegram", "Telegram"),
        ("snapchat", "Snapchat"),
        ("facetime", "FaceTime"),
    ):
        line = rf'<strong>Imposed</strong> <span class="muted">on [^<]+</span>: <a href="/countries/ru/apps/{slug}/">'
        assert re.search(line + name, year), name
    assert client.get("/status/changes/").status_code == 200  # the last twelve months


@pytest.mark.parametrize("query", ["from=2026-03-01&to=2025-01-01", "from=x", "to=2026-02-30", "colour=red"])
def test_bad_change_dates_are_a_400_page(client, seed, query):
    response = client.get(f"/status/changes/?{query}")
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()


def test_the_map_and_table_narrow_by_kind_category_app_and_region(client, seed):
    blocks = client.get("/status/?on=2025-12-31&kind=full_block").content.decode()
    by_country = blocks.split('id="by-country-heading"')[1]
    row = re.search(r'<th scope="row"><a href="/countries/ru/">Russia</a></th>(.*?)</tr>', by_country, re.S).group(1)
    assert "Snapchat" in row and "WhatsApp" not in row  # WhatsApp's calls were restricted, not blocked
    assert "of the kinds chosen" in blocks
    assert '<option value="full_block" selected>' in blocks
    video = client.get("/status/?on=2025-12-31&category=video_calling").content.decode()
    assert "FaceTime" in video and "Snapchat</a>" not in video
    one = client.get("/status/?on=2026-03-01&app=whatsapp").content.decode()
    assert "WhatsApp</a>: full block" in one and "Telegram</a>" not in one.split('id="by-country-heading"')[1]
    elsewhere = client.get("/status/?on=2025-12-31&region=africa").content.decode()
    assert "No published measure of the kinds chosen was in force on that day." in elsewhere
    assert client.get("/status/?kind=blocked").status_code == 400
    assert client.get("/status/?app=never-was").status_code == 400


def test_the_matrix_has_a_cell_per_country_and_app_linking_the_pair(client, seed):
    page = client.get("/status/?on=2025-12-31").content.decode()
    matrix = page[page.index('id="matrix-heading"') : page.index('id="by-country-heading"')]
    header = re.findall(r'<th scope="col"><a href="/apps/([a-z0-9-]+)/">', matrix)
    assert header == ["facebook", "facetime", "instagram", "snapchat", "telegram", "whatsapp"]
    assert 'href="/countries/ru/apps/whatsapp/" title="WhatsApp in Russia: feature restriction">' in matrix
    assert "max" not in header


def test_markup_in_the_records_is_shown_as_text_in_the_matrix_and_the_table(client, db):
    app = AppFactory(name='<b id="x">App</b>', slug="markup")
    EventFactory(apps=[app], country=country("IR"), scope='<script>alert("scope")</script>',
                 kind="feature_restriction", features=["voice_calls"])  # fmt: skip
    page = client.get("/status/?on=2026-03-01").content.decode()
    assert '<b id="x">' not in page and "<script>alert" not in page
    assert "&lt;b id=&quot;x&quot;&gt;App&lt;/b&gt;</a>: feature restriction (voice calls)" in page
    assert "(&lt;script&gt;alert(&quot;scope&quot;)&lt;/script&gt;)" in page
    assert 'title="&lt;b id=&quot;x&quot;&gt;App&lt;/b&gt; in Iran: feature restriction"' in page  # the matrix


def test_the_table_lists_a_countrys_strongest_measures_first(client, db):
    weak = [AppFactory(name=f"Weak {n:02}") for n in range(PAIRS_SHOWN)]
    EventFactory(apps=weak, country=country("IR"), kind="app_store_removal", features=["app_store"])
    EventFactory(apps=[AppFactory(name="Zzz blocked")], country=country("IR"))  # the strongest, made last
    page = client.get("/status/?on=2026-03-01").content.decode()
    assert "Zzz blocked</a>: full block since" in page
    assert "and 1 more app</a>" in page


def test_states_no_source_has_confirmed_for_a_year_say_so(client, db):
    EventFactory(apps=[], kind="network_shutdown", country=country("BH"), started_on=date(2016, 6, 23))
    EventFactory(apps=[AppFactory(name="Old block")], country=country("YE"), started_on=date(2010, 5, 1))
    page = client.get("/status/?on=2026-03-01").content.decode()
    days = settings.CONFIRMATION_MAX_AGE_DAYS
    assert f"nationwide, not confirmed by a source for over {days} days (" in page
    assert f"Old block</a>: full block since 1 May 2010, not confirmed by a source for over {days} days" in page
    assert '<span class="unconfirmed">unconfirmed</span>' in page  # its matrix cell
    record = client.get("/api/v1/status/?on=2026-03-01&country=ye").json()["results"][0]
    assert record["confirmation_overdue"] is True
    assert client.get("/api/v1/status/?on=2010-06-01&country=ye").json()["results"][0]["confirmation_overdue"] is False
