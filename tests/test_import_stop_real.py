"""`import_stop` on Access Now's real STOP workbook, checked against the file by hand.

The workbook is imported once for the module (about five seconds) inside a transaction that is
rolled back at the end; each test runs in a savepoint inside it, so tests cannot disturb each
other or the rest of the suite.
"""

import csv
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from events.importers.stop import DATASET_URL
from events.models import App, Authority, Event, Source, Statement
from events.seed.loader import load_seed

XLSX = Path(settings.SHARED_DATA_DIR) / "keepiton_stop_2016-2022_raw.xlsx"
CSV = Path(settings.SHARED_DATA_DIR) / "keepiton_stop_2020-2022.csv"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not XLSX.exists() or not CSV.exists(), reason=f"the STOP files are not in {XLSX.parent}"),
]

# Every row the strict default refuses in the real workbook, found by reading the file.
REJECTED = [
    ("2016+2017+2018 ", 155, "end_date: unreadable date '4/1/2018 upon CAF visit' (expected YYYY-MM-DD)"),
    (
        "2016+2017+2018 ",
        172,
        "end_date: unreadable date 'April/2017 following the inauguration of the new prime minister' "
        "(expected YYYY-MM-DD)",
    ),
    ("2020 Data", 11, "shutdown_status is Ended but there is no end_date"),
    ("2020 Data", 19, "shutdown_status is Ended but there is no end_date"),
    ("2020 Data", 25, "end_date 2020-02-12 is before start_date 2020-02-18"),
    ("2020 Data", 36, "shutdown_status is Ended but there is no end_date"),
    ("2020 Data", 60, "end_date 2020-05-17 is before start_date 2020-05-18"),
    ("2020 Data", 79, "end_date 2020-06-16 is before start_date 2020-06-19"),
    ("2020 Data", 123, "shutdown_status is Ended but there is no end_date"),
    ("2020 Data", 151, "shutdown_status is Ended but there is no end_date"),
    ("2021 Data", 7, "shutdown_status is Ended but there is no end_date"),
    ("2021 Data", 32, "shutdown_status is Ended but there is no end_date"),
]


def run(*args):
    out = StringIO()
    call_command("import_stop", *map(str, args), stdout=out)
    return out.getvalue()


def history_count():
    return sum(model.history.count() for model in (Event, App, Authority, Source, Statement))


@pytest.fixture(scope="module")
def imported(django_db_setup, django_db_blocker, tmp_path_factory):
    """The seed plus the real workbook, imported once with --skip-invalid; rolled back afterwards."""
    rejects = tmp_path_factory.mktemp("stop") / "rejects.csv"
    with django_db_blocker.unblock(), transaction.atomic():
        load_seed()
        before = {"apps": App.objects.count(), "sources": Source.objects.count()}
        out = run(XLSX, "--skip-invalid", "--rejects", rejects)
        yield {"out": out, "rejects": rejects, "before": before}
        transaction.set_rollback(True)


def stop_events():
    return Event.objects.filter(import_key__startswith="stop:")


def test_the_strict_default_refuses_the_real_file_naming_every_bad_row(imported):
    with pytest.raises(CommandError) as raised:
        run(XLSX)
    message = str(raised.value)
    assert "12 row(s) cannot be imported" in message
    for sheet, number, reason in REJECTED:
        assert f"{sheet}, row {number}: {reason}" in message


def test_the_real_workbook_gives_1075_published_events_each_citing_the_dataset(imported):
    out = imported["out"]
    assert "Read 1118 rows: 1075 events, 12 rejected rows." in out
    assert "Skipped sheet 'Need more details': not a STOP layout" in out
    # The older layouts are read, and the report says what they do not record.
    assert "Read sheet '2019' in the 2019 layout: no start_date_type" in out
    assert "Read sheet '2016+2017+2018 ' in the 2016-2018 layout: no start_date_type" in out
    assert "no decision_maker" in out
    assert stop_events().count() == 1075
    assert stop_events().public().count() == 1075
    assert stop_events().filter(sources__url=DATASET_URL).count() == 1075
    assert stop_events().filter(kind=Event.Kind.NETWORK_SHUTDOWN).count() == 950
    assert stop_events().filter(kind__in=[Event.Kind.FULL_BLOCK, Event.Kind.PARTIAL_BLOCK]).count() == 125
    assert stop_events().filter(started_precision="estimated").count() == 22  # 23 rows, Turkmenistan twice
    assert stop_events().filter(description__contains="listed in: 2016+2017+2018").count() == 373
    assert App.objects.count() - imported["before"]["apps"] == 35
    assert Source.objects.count() - imported["before"]["sources"] == 1578  # cited links + the dataset
    assert Authority.objects.filter(events__import_key__startswith="stop:").distinct().count() == 150
    assert Statement.objects.filter(event__import_key__startswith="stop:").count() == 66


def test_rejected_rows_are_written_with_their_reasons(imported):
    with imported["rejects"].open(newline="", encoding="utf-8") as handle:
        rows = [(r["sheet"], int(r["row"]), r["reasons"]) for r in csv.DictReader(handle)]
    assert rows == REJECTED


def test_nigerias_twitter_block_is_one_event_with_its_dates_and_the_minister_who_ordered_it(imported):
    # 2021 Data row 75 and 2022 Data row 9 list the same block: one event.
    event = stop_events().get(country_id="NG", apps__slug="twitter")
    assert event.import_key == "stop:NG:2021-06-04:service:nationwide"
    assert (event.started_on, event.started_precision) == (date(2021, 6, 4), "day")
    assert event.ended_on == date(2022, 1, 13)
    assert (event.kind, event.status) == (Event.Kind.FULL_BLOCK, Event.Status.LIFTED)
    assert (event.authority.name, event.authority.kind) == ("Ministry of Information and Culture", "executive")
    assert event.authority_note == "Minister for Information and Culture"
    assert event.stated_reason.startswith("National security/ Counter-terrorism: The statement, posted")
    assert "listed in: 2021 Data, 2022 Data" in event.description
    assert set(event.sources.values_list("url", flat=True)) >= {
        DATASET_URL,
        "https://www.accessnow.org/nigeria-blocks-twitter-keepiton",
        "https://twitter.com/FMICNigeria/status/1400843062641717249",
    }


def test_the_api_answers_when_nigerias_twitter_block_began_and_ended_and_on_whose_order(imported, client):
    body = client.get("/api/v1/events/?country=NG&app=twitter").json()
    assert body["count"] == 1
    event = body["results"][0]
    assert (event["started_on"], event["ended_on"]) == ("2021-06-04", "2022-01-13")
    assert event["authority"]["name"] == "Ministry of Information and Culture"
    assert event["authority_note"] == "Minister for Information and Culture"
    assert {"url": DATASET_URL, "kind": "dataset"}.items() <= next(
        s for s in event["sources"] if s["kind"] == "dataset"
    ).items()


def test_the_event_page_credits_the_dataset(imported, client):
    event = stop_events().get(country_id="NG", apps__slug="twitter")
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Access Now #KeepItOn STOP dataset" in page


def test_events_carried_over_into_later_sheets_are_merged_but_other_areas_are_not(imported):
    # Tigray: 2020 Data row 144, 2021 Data row 6, 2022 Data row 2; Western Oromia on the same day
    # (2020 Data row 145) is another shutdown.
    tigray = stop_events().filter(country_id="ET", started_on=date(2020, 11, 4))
    assert sorted(tigray.values_list("import_key", flat=True)) == [
        "stop:ET:2020-11-04:network:tigray",
        "stop:ET:2020-11-04:network:western-oromia-wellega-kellem",
    ]
    assert "listed in: 2020 Data, 2021 Data, 2022 Data" in tigray.get(import_key__endswith="tigray").description
    # Uzbekistan's social media block: Unknown in 2021, Ended 1 August 2022 in 2022; the later sheet wins.
    uzbekistan = stop_events().get(country_id="UZ", started_on=date(2021, 11, 3))
    assert (uzbekistan.status, uzbekistan.ended_on) == (Event.Status.LIFTED, date(2022, 8, 1))
    assert {"twitter", "wechat", "vkontakte", "telegram", "linkedin"} <= set(
        uzbekistan.apps.values_list("slug", flat=True)
    )


def test_country_names_that_are_not_iso_short_names_are_mapped(imported):
    assert stop_events().filter(country_id="IR").count() == 27  # "Iran (Islamic Republic of)" and "Iran"
    assert stop_events().filter(country_id="RU").exists()  # "Russian Federation", and "Russia" in older sheets
    assert stop_events().filter(country_id="LK").exists()  # "SriLanka" (2019)
    assert stop_events().filter(country_id="CD").exists()  # "DemocraticRepublicCongo" (2019)
    assert stop_events().filter(country_id="TR").count() == 10  # "Turkey"
    somaliland = stop_events().filter(country_id="SO", scope__startswith="Somaliland")
    assert somaliland.exists()
    assert all("in Somaliland" in event.title for event in somaliland)


def test_a_second_run_changes_nothing(imported):
    history, revisions = history_count(), sum(stop_events().values_list("revision", flat=True))
    out = run(XLSX, "--skip-invalid", "--rejects", imported["rejects"])
    assert "events unchanged 1075." in out
    assert (history_count(), sum(stop_events().values_list("revision", flat=True))) == (history, revisions)


def test_the_stacked_csv_describes_exactly_the_same_events(imported):
    """The CSV stacks the three 2020-2022 sheets: the same events, bar the three that the older
    sheets list too (their description names one sheet fewer)."""
    out = run(CSV, "--skip-invalid", "--rejects", imported["rejects"], "--dry-run")
    assert "Read 528 rows: 497 events, 10 rejected rows." in out
    assert "events unchanged 494, events updated 3." in out
    assert "578 event(s) imported earlier are not in this file; they were left as they are." in out
