"""What the public sees must match the records: checked on the real STOP workbook, imported once.

Each figure or picture is computed again here in plain Python from the records, by the rule the
about page states, and compared with what the pages and the API say.
"""

import re
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from events.charts.restrictions import CHART_LIMIT
from events.models import Authority, Event
from events.seed.loader import load_seed

XLSX = Path(settings.SHARED_DATA_DIR) / "keepiton_stop_2016-2022_raw.xlsx"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not XLSX.exists(), reason=f"the STOP workbook is not in {XLSX.parent}"),
]


@pytest.fixture(scope="module")
def imported(django_db_setup, django_db_blocker, tmp_path_factory):
    """The seed and the real workbook, as the README imports them; rolled back afterwards."""
    rejects = tmp_path_factory.mktemp("truth") / "rejects.csv"
    with django_db_blocker.unblock(), transaction.atomic():
        load_seed()
        call_command("import_stop", str(XLSX), "--skip-invalid", "--rejects", str(rejects), stdout=StringIO())
        yield
        transaction.set_rollback(True)


def in_force_on(event, day):
    """The rule of the about page and DESIGN.md, written out again without the ORM."""
    if event.started_on > day or event.status == Event.Status.ANNOUNCED:
        return False
    if event.ended_on:
        return event.ended_on >= day
    if event.status == Event.Status.UNKNOWN:
        return (event.last_confirmed_on or event.started_on) >= day
    return True


def figure(page, label):
    match = re.search(rf"<dt>{label}</dt><dd>([\d,]+)</dd>", page)
    assert match, label
    return int(match.group(1).replace(",", ""))


def test_the_homes_in_force_count_is_the_records(imported, client):
    today = timezone.localdate()
    events = list(Event.objects.public())
    in_force = [event for event in events if in_force_on(event, today)]
    page = client.get("/").content.decode()
    assert figure(page, "Measures in force now") == len(in_force)
    assert figure(page, "Countries with measures in force") == len({event.country_id for event in in_force})
    # No measure of unknown status is among them, and the page says how many there are.
    assert not [event for event in in_force if event.status == Event.Status.UNKNOWN]
    unknown = [e for e in events if e.status == Event.Status.UNKNOWN and not e.ended_on and not in_force_on(e, today)]
    assert len(unknown) > 200
    assert f"{len(unknown)} measures of unknown status</a>, confirmed once and not since, are not counted" in page
    overdue = [e for e in in_force if e.confirmation_overdue]
    assert overdue
    assert f"{len(overdue)} of the measures in force have not been confirmed by a source for over a year" in page


def test_the_apis_active_on_agrees_with_the_records(imported, client):
    for day in (date(2019, 6, 1), date(2021, 1, 12), date(2022, 12, 31), timezone.localdate()):
        expected = sum(in_force_on(event, day) for event in Event.objects.public())
        body = client.get(f"/api/v1/events/?active_on={day.isoformat()}&page_size=1").json()
        assert body["count"] == expected, day


def test_kenyas_shutdown_of_unknown_status_is_not_in_force(imported, client):
    # 2020 Data: "Unknown", no end date; listed in that sheet only.
    event = Event.objects.get(country_id="KE", started_on=date(2020, 12, 18))
    assert (event.status, event.last_confirmed_on) == (Event.Status.UNKNOWN, date(2020, 12, 18))
    in_force_ids = {e["id"] for e in client.get("/api/v1/events/?country=KE&active_on=2020-12-19").json()["results"]}
    assert event.pk not in in_force_ids
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Status unknown since 19 December 2020" in page
    country = client.get("/countries/ke/").content.decode()
    assert "Status unknown" in country and event.title in country


def test_an_ongoing_measure_unconfirmed_for_years_says_so(imported, client):
    # Tigray, "Ongoing" in the 2022 sheet: confirmed to the end of 2022, not since.
    event = Event.objects.get(import_key="stop:ET:2020-11-04:network:tigray")
    assert (event.status, event.last_confirmed_on) == (Event.Status.IN_FORCE, date(2022, 12, 31))
    record = client.get(f"/api/v1/events/{event.pk}/").json()
    assert (record["last_confirmed_on"], record["confirmation_overdue"]) == ("2022-12-31", True)
    page = client.get(event.get_absolute_url()).content.decode()
    assert "not confirmed by a source since 31 December 2022" in page
    # The seed's measures were confirmed on 12 February 2026: within the year.
    seed = client.get("/api/v1/events/?country=RU&app=whatsapp&active_on=2026-03-01").json()["results"]
    assert seed and not any(item["confirmation_overdue"] for item in seed)


def test_the_confirmation_period_is_a_setting(imported, client, settings):
    event = Event.objects.get(import_key="seed:whatsapp-block-2026")
    settings.CONFIRMATION_MAX_AGE_DAYS = (timezone.localdate() - date(2026, 2, 12)).days - 1
    assert event.confirmation_overdue
    settings.CONFIRMATION_MAX_AGE_DAYS += 1
    assert not event.confirmation_overdue


def test_authorities_have_short_names_without_near_duplicates(imported):
    authorities = list(Authority.objects.filter(events__import_key__startswith="stop:").distinct())
    names = [(a.country_id, re.sub(r"\W+", " ", a.name).casefold().strip()) for a in authorities]
    assert len(names) == len(set(names))
    assert max(len(a.name) for a in authorities) <= 70
    # Six ways of writing Jammu and Kashmir's home department, one authority.
    kashmir = Authority.objects.get(slug="in-government-of-jammu-and-kashmir-home-department")
    assert kashmir.events.count() > 100
    assert not Authority.objects.filter(name__icontains="J&K").exists()
    # The sheet's sentence is the event's note on who ordered it.
    uganda = Event.objects.filter(authority_note="Uganda Communications Commission issued the order to the ISPs")
    assert uganda.get().authority.name == "Uganda Communications Commission"
    assert not Authority.objects.filter(name__icontains="issued the order").exists()


def test_the_timelines_ordered_by_list_is_short(imported, client):
    page = client.get("/timeline/").content.decode()
    select = re.search(r'<select[^>]*name="authority".*?</select>', page, re.S)
    options = re.findall(r"<option", select.group()) if select else []
    assert len(options) <= 40


def test_russias_throttling_of_twitter_is_a_partial_block_not_a_shutdown(imported):
    event = Event.objects.get(import_key__startswith="stop:RU:2021-03-10")
    assert event.kind == Event.Kind.PARTIAL_BLOCK
    assert list(event.apps.values_list("slug", flat=True)) == ["twitter"]
    assert event.title == "Russia throttles Twitter (X)"


def test_indias_regional_shutdowns_keep_their_region(imported, client):
    india = Event.objects.filter(country_id="IN", import_key__startswith="stop:")
    assert india.exclude(scope="").count() > 0.9 * india.count()
    kashmir = client.get("/api/v1/events/?country=IN&scope=kashmir&page_size=1").json()["count"]
    assert kashmir == india.filter(scope__icontains="kashmir").count() > 100
    nationwide = client.get("/api/v1/events/?country=IN&scope=nationwide&page_size=1").json()["count"]
    assert nationwide == india.filter(scope="").count()
    event = india.filter(scope__icontains="kashmir").first()
    assert f"{escape(event.scope)}, <a" in client.get(event.get_absolute_url()).content.decode()


def test_the_older_sheets_are_imported_and_merged_with_their_later_listing(imported):
    rakhine = Event.objects.get(country_id="MM", started_on=date(2019, 6, 22))
    assert "listed in: 2019, 2020 Data, 2021 Data" in rakhine.description
    assert Event.objects.filter(started_on__year=2016, import_key__startswith="stop:").count() > 50
    # Prose in the older sheets' service columns is not an app.
    assert not Event.objects.filter(apps__slug__in=["social-media", "social-media-only", "public-wifi"]).exists()


def test_the_chart_draws_every_measure_as_its_own_bar(imported, client):
    events = list(Event.objects.public().filter(country_id="UG").order_by("started_on"))
    assert 3 < len(events) <= 100
    page = client.get("/countries/ug/").content.decode()
    chart = page[page.index('id="history-chart-title"') : page.index("</svg>", page.index('id="history-chart-title"'))]
    for event in events:
        assert f"<title>{event.title}: " in chart.replace("&#x27;", "'"), event.title
    # India has more measures than a chart draws: the latest CHART_LIMIT, one bar each, said so.
    india = client.get("/countries/in/").content.decode()
    count = Event.objects.public().filter(country_id="IN").count()
    assert count > CHART_LIMIT
    assert f"The latest {CHART_LIMIT} of {count:,} measures are drawn." in india
    # Facebook's five shutdowns of 1-6 days stay five short bars, not one bar of two years.
    facebook = [e for e in Event.objects.public().filter(country_id="IN", apps__slug="facebook")]
    for event in facebook:
        assert (event.ended_on or event.started_on) - event.started_on < timedelta(days=30)


def test_unconfirmed_time_is_drawn_apart(imported, client):
    page = client.get("/countries/et/").content.decode()
    assert 'class="unconfirmed-tail"' in page
    assert "Not confirmed since (status unknown, or in force but unconfirmed for over a year)" in page


def test_the_homes_table_says_where_nothing_is_confirmed_lately(imported, client):
    page = client.get("/").content.decode()
    row = re.search(r'<th scope="row"><a href="/countries/ug/">Uganda</a>(.*?)</tr>', page, re.S).group(1)
    assert "not confirmed since 31 December 2022" in row
    # Russia's seed measures were confirmed in February 2026: its row carries no such note, and
    # only its one unconfirmed app (Twitter, from the 2022 sheet) is marked.
    russia = re.search(r'<th scope="row"><a href="/countries/ru/">Russia</a>(.*?)</tr>', page, re.S).group(1)
    assert "not confirmed since" not in russia
    assert russia.count("(unconfirmed)") == 1


def test_the_kept_status_steps_say_what_the_rule_says_on_the_real_records(imported):
    """The map reads the steps (events/status_steps.py); on 1,075 real events they must agree with
    the rule on the days that matter. Every day a measure starts, stops, is last confirmed or its
    confirmation lapses was checked once (2,509 days, none differed); a sample here keeps the suite quick."""
    from tests.test_status_steps import days_of_interest, kept, rule

    days = days_of_interest()
    assert len(days) > 1500
    for day in days[::15]:
        assert kept(day) == rule(day), day
