"""`import_stop` on small STOP files the tests write themselves, so the importer is covered everywhere."""

import csv
from datetime import date, datetime
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from tqdm import tqdm

from events.dates import Precision
from events.importers.common import progress
from events.importers.stop import DATASET_URL, extract_urls
from events.models import App, Authority, Event, Owner, Source, Statement
from tests.test_admin_helpers import make_user

pytestmark = pytest.mark.django_db

# The 45 columns of the 2020-2022 sheets, in the file's order.
COLUMNS = [
    "start_date_type",
    "start_date",
    "country",
    "geo_scope",
    "area_name",
    "shutdown_type",
    "affected_network",
    "shutdown_extent",
    "ordered_by",
    "decision_maker",
    "actual_cause",
    "actual_cause_details",
    "info_source",
    "info_source_link",
    "shutdown_status",
    "end_date",
    "duration",
    "gov_justification",
    "gov_just_details",
    "gov_ack",
    "legal_just",
    "legal_method",
    "gov_ack_source",
    "gov_ack_quote",
    "facebook_affected",
    "twitter_affected",
    "whatsapp_affected",
    "instagram_affected",
    "telegram_affected",
    "other_affected",
    "sms_affected",
    "phonecall_affected",
    "telcos_involved",
    "telco_ack",
    "telco_ack_source",
    "telco_ack_quote",
    "election",
    "violence",
    "hr_abuse_reported",
    "users_targeted",
    "users_target_detail",
    "users_notified",
    "econ_impact",
    "event",
    "an_link",
]
assert len(COLUMNS) == 45

NIGERIA = {
    "start_date_type": "Actual",
    "start_date": "2021-06-04",
    "country": "Nigeria",
    "geo_scope": "It affected locations in more than one state, province, or region",
    "area_name": "Entire country",
    "shutdown_type": "Shutdown",
    "affected_network": "Broadband, Mobile",
    "shutdown_extent": "Service-based",
    "ordered_by": "Executive government",
    "decision_maker": "Minister for Information and Culture",
    "actual_cause": "Other",
    "actual_cause_details": "Twitter removed a presidential tweet.",
    "info_source_link": "https://news.example.com/nigeria-twitter; https://www.example.gov.ng/statement ;",
    "shutdown_status": "Ended",
    "end_date": "2022-01-13",
    "duration": "-44000",  # a spreadsheet artefact: ignored, the duration follows from the dates
    "gov_justification": "National security/ Counter-terrorism",
    "gov_just_details": "Activities capable of undermining Nigeria's corporate existence.",
    "legal_just": "Unknown",
    "gov_ack_source": "https://twitter.com/FMICNigeria/status/1400843062641717249",
    "gov_ack_quote": "The Federal Government has suspended, indefinitely, the operations of Twitter.",
    "facebook_affected": "No",
    "twitter_affected": "Yes",
    "whatsapp_affected": "No",
    "instagram_affected": "Unknown",
    "telegram_affected": "No",
    "other_affected": "TikTok, PUBG",
    "event": "Nigeria blocked Twitter after it removed a tweet by the president.",
    "an_link": "https://www.accessnow.org/nigeria-blocks-twitter-keepiton",
}

SHUTDOWN = {
    "start_date_type": "Estimated",
    "start_date": "2020-11-04",
    "country": "Ethiopia",
    "area_name": "Tigray",
    "affected_network": "Broadband, Mobile",
    "shutdown_extent": "Full network",
    "ordered_by": "Unknown",
    "info_source_link": "https://news.example.com/tigray",
    "shutdown_status": "Ongoing",
    "facebook_affected": "No",
    "twitter_affected": "No",
    "whatsapp_affected": "No",
    "instagram_affected": "No",
    "telegram_affected": "No",
}


def row(base=NIGERIA, **changes):
    return {**base, **changes}


def write_csv(path, rows, sheet="2021 Data", columns=None):
    columns = columns or ["source_sheet", *COLUMNS]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for item in rows:
            writer.writerow({"source_sheet": sheet, **item})
    return path


def write_xlsx(path, sheets):
    """sheets: {name: [row dicts]}; dates are written as real spreadsheet dates, as Access Now's are."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        if rows == "old layout":
            sheet.append(["ID", "start_date", "end_date ", "country ", "full or service-based"])
            sheet.append([1, datetime(2019, 1, 1), None, "Chad", "Full"])
            continue
        sheet.append(COLUMNS)
        for item in rows:
            values = [item.get(column, "") for column in COLUMNS]
            for column in ("start_date", "end_date"):
                text = item.get(column, "")
                if text and text[:4].isdigit() and len(text) == 10 and text[4] == "-":
                    values[COLUMNS.index(column)] = datetime.fromisoformat(text)
            sheet.append(values)
    book.save(path)
    return path


def run(*args):
    out = StringIO()
    call_command("import_stop", *map(str, args), stdout=out)
    return out.getvalue()


def counts():
    return {
        "events": Event.objects.count(),
        "apps": App.objects.count(),
        "owners": Owner.objects.count(),
        "authorities": Authority.objects.count(),
        "sources": Source.objects.count(),
        "statements": Statement.objects.count(),
        "history": Event.history.count(),
    }


def test_a_service_block_becomes_a_published_event_against_the_named_apps(tmp_path):
    run(write_csv(tmp_path / "stop.csv", [row()]))
    event = Event.objects.get()
    assert event.import_key == "stop:NG:2021-06-04:service:nationwide"
    assert event.review_state == Event.ReviewState.PUBLISHED
    assert event.kind == Event.Kind.FULL_BLOCK
    assert event.status == Event.Status.LIFTED
    assert (event.started_on, event.started_precision) == (date(2021, 6, 4), Precision.DAY)
    assert (event.ended_on, event.ended_precision) == (date(2022, 1, 13), Precision.DAY)
    # Yes columns and the free text name the apps; "Unknown" (Instagram) does not count.
    assert sorted(event.apps.values_list("slug", flat=True)) == ["pubg", "tiktok", "twitter"]
    assert event.title == "Nigeria blocks Twitter (X), TikTok and PUBG"
    assert event.summary == "Nigeria blocked Twitter after it removed a tweet by the president."
    assert event.stated_reason.startswith("National security/ Counter-terrorism: Activities capable")
    assert "Actual cause (Access Now's assessment): Other: Twitter removed a presidential tweet." in event.description
    assert event.authority.slug == "ng-ministry-of-information-and-culture"
    assert event.authority.name == "Ministry of Information and Culture"
    assert event.authority_note == "Minister for Information and Culture"  # the sheet's words, kept
    assert (event.authority.kind, event.authority.country_id) == ("executive", "NG")


def test_apps_and_owners_are_created_with_stable_slugs_and_unknown_names_get_no_owner(tmp_path):
    run(write_csv(tmp_path / "stop.csv", [row(other_affected="TikTok, Snaptish")]))
    tiktok = App.objects.get(slug="tiktok")
    assert (tiktok.name, tiktok.owner.slug, tiktok.category) == ("TikTok", "bytedance", "video")
    assert App.objects.get(slug="twitter").owner.slug == "x-corp"
    unknown = App.objects.get(slug="snaptish")
    assert (unknown.name, unknown.owner, unknown.category) == ("Snaptish", None, "other")


def test_existing_apps_are_reused_and_left_as_they_are(tmp_path, seed_each):
    telegram = App.objects.get(slug="telegram")
    run(write_csv(tmp_path / "stop.csv", [row(telegram_affected="Yes", other_affected="")]))
    assert Event.objects.get(import_key__startswith="stop:").apps.get(slug="telegram") == telegram
    assert App.objects.get(slug="telegram").owner.slug == telegram.owner.slug


def test_every_event_cites_the_dataset_and_the_rows_links(tmp_path):
    run(write_csv(tmp_path / "stop.csv", [row()]))
    event = Event.objects.get()
    sources = {source.url: source for source in event.sources.all()}
    dataset = sources[DATASET_URL]
    assert (dataset.kind, dataset.title, dataset.publisher) == (
        "dataset",
        "Access Now #KeepItOn STOP dataset",
        "Access Now",
    )
    assert sources["https://news.example.com/nigeria-twitter"].kind == "news"
    assert sources["https://www.example.gov.ng/statement"].kind == "official"
    assert "https://www.accessnow.org/nigeria-blocks-twitter-keepiton" in sources
    statement = event.statements.get()
    assert statement.speaker == "Ministry of Information and Culture"
    assert statement.source.url == "https://twitter.com/FMICNigeria/status/1400843062641717249"


def test_a_full_network_row_is_a_network_shutdown_with_an_estimated_start(tmp_path):
    run(write_csv(tmp_path / "stop.csv", [SHUTDOWN]))
    event = Event.objects.get()
    assert event.kind == Event.Kind.NETWORK_SHUTDOWN
    assert event.status == Event.Status.IN_FORCE
    assert event.started_precision == Precision.ESTIMATED
    assert event.ended_on is None
    assert event.title == "Internet shutdown in Tigray, Ethiopia"
    assert not event.apps.exists()
    assert event.authority is None  # ordered_by Unknown and no decision maker


def test_a_row_that_is_both_full_network_and_service_based_is_a_shutdown_naming_its_apps(tmp_path):
    run(
        write_csv(
            tmp_path / "stop.csv",
            [
                row(
                    SHUTDOWN,
                    shutdown_extent="Full network, Service-based",
                    telegram_affected="Yes",
                    other_affected="Viber",
                )
            ],
        )
    )
    event = Event.objects.get()
    assert event.kind == Event.Kind.NETWORK_SHUTDOWN
    assert sorted(event.apps.values_list("slug", flat=True)) == ["telegram", "viber"]
    assert event.import_key.startswith("stop:ET:2020-11-04:network:")


@pytest.mark.parametrize(
    ("changes", "kind"),
    [
        ({"shutdown_type": "Throttle"}, Event.Kind.PARTIAL_BLOCK),
        (
            {"geo_scope": "It only affected one city, county, or village", "area_name": "Lagos"},
            Event.Kind.PARTIAL_BLOCK,
        ),
        ({"shutdown_type": "Shutdown, Throttle"}, Event.Kind.FULL_BLOCK),
    ],
)
def test_a_service_block_that_is_only_throttling_or_local_is_partial(tmp_path, changes, kind):
    run(write_csv(tmp_path / "stop.csv", [row(**changes)]))
    assert Event.objects.get().kind == kind


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Russian Federation", "RU"),
        ("Iran (Islamic Republic of)", "IR"),
        ("Venezuela (Bolivarian Republic of)", "VE"),
        ("Viet Nam", "VN"),
        ("Tanzania, United Republic of", "TZ"),
        ("Turkey", "TR"),
        ("Somaliland", "SO"),
    ],
)
def test_country_names_map_to_iso_codes(tmp_path, name, code):
    run(write_csv(tmp_path / "stop.csv", [row(country=name)]))
    assert Event.objects.get().country_id == code


def test_the_same_event_in_later_sheets_becomes_one_event_with_the_latest_facts(tmp_path):
    earlier = row(shutdown_status="Unknown", end_date="", area_name="Entire country", other_affected="VPN services")
    later = row(area_name="Nationwide", info_source_link="https://news.example.com/later", other_affected="YouTube")
    # The workbook lists the newer sheet first, as Access Now's does; sheet years decide the order.
    run(write_xlsx(tmp_path / "stop.xlsx", {"2022 Data": [later], "2021 Data": [earlier]}))
    event = Event.objects.get()
    assert (event.status, event.ended_on) == (Event.Status.LIFTED, date(2022, 1, 13))
    # Apps and sources of every listing are kept: each sheet's evidence still stands.
    assert {"vpn-services", "youtube", "twitter"} <= set(event.apps.values_list("slug", flat=True))
    urls = set(event.sources.values_list("url", flat=True))
    assert {"https://news.example.com/nigeria-twitter", "https://news.example.com/later"} <= urls
    assert "listed in: 2021 Data, 2022 Data" in event.description


def test_distinct_areas_on_the_same_day_stay_distinct_events(tmp_path):
    run(write_csv(tmp_path / "stop.csv", [row(SHUTDOWN), row(SHUTDOWN, area_name="Western Oromia")]))
    assert Event.objects.count() == 2


def test_a_new_event_gets_one_history_record_listing_its_apps_and_sources(tmp_path):
    run(write_csv(tmp_path / "stop.csv", [row()]))
    event = Event.objects.get()
    record = event.history.get()
    assert record.history_type == "+"
    assert (record.title, record.revision) == (event.title, 1)
    assert {r.app_id for r in record.apps.all()} == set(event.apps.values_list("pk", flat=True))
    assert {r.source_id for r in record.sources.all()} == set(event.sources.values_list("pk", flat=True))
    run(write_csv(tmp_path / "fixed.csv", [row(end_date="2022-01-20")]))
    assert [r.history_type for r in event.history.order_by("history_id")] == ["+", "~"]


def test_a_second_run_changes_nothing_and_writes_no_history(tmp_path):
    path = write_xlsx(tmp_path / "stop.xlsx", {"2021 Data": [row(), SHUTDOWN], "2022 Data": [row()]})
    run(path)
    before = counts()
    revisions = list(Event.objects.order_by("pk").values_list("revision", flat=True))
    out = run(path)
    assert counts() == before
    assert list(Event.objects.order_by("pk").values_list("revision", flat=True)) == revisions
    assert "events unchanged 2." in out


def test_a_corrected_file_updates_only_what_changed(tmp_path):
    run(write_csv(tmp_path / "stop.csv", [row(), SHUTDOWN]))
    shutdown = Event.objects.get(kind=Event.Kind.NETWORK_SHUTDOWN)
    out = run(
        write_csv(tmp_path / "fixed.csv", [row(end_date="2022-01-14", gov_ack_quote="Corrected quote."), SHUTDOWN])
    )
    event = Event.objects.get(kind=Event.Kind.FULL_BLOCK)
    assert event.ended_on == date(2022, 1, 14)
    assert list(event.statements.values_list("text", flat=True)) == ["Corrected quote."]
    assert Event.objects.get(pk=shutdown.pk).revision == shutdown.revision
    assert "events unchanged 1, events updated 1" in out


def test_an_event_an_editor_retracted_stays_retracted_on_reimport(tmp_path):
    path = write_csv(tmp_path / "stop.csv", [row()])
    run(path)
    Event.objects.update(review_state=Event.ReviewState.RETRACTED)
    run(path)
    assert Event.objects.get().review_state == Event.ReviewState.RETRACTED


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"end_date": "2021-06-01"}, "end_date 2021-06-01 is before start_date 2021-06-04"),
        ({"country": "Atlantis"}, "unknown country 'Atlantis'"),
        ({"country": ""}, "no country given"),
        ({"start_date": "4 June 2021"}, "start_date: unreadable date '4 June 2021' (expected YYYY-MM-DD)"),
        ({"start_date": ""}, "no start_date"),
        ({"end_date": "2021-02-30"}, "end_date: impossible date '2021-02-30'"),
        ({"end_date": ""}, "shutdown_status is Ended but there is no end_date"),
        ({"shutdown_status": "Ongoing"}, "shutdown_status is Ongoing but end_date is 2022-01-13"),
        ({"shutdown_status": "Paused"}, "shutdown_status 'Paused' is not Ended, Ongoing or Unknown"),
        ({"start_date_type": "Guessed"}, "start_date_type 'Guessed' is not Actual or Estimated"),
        ({"shutdown_extent": "Partial"}, "shutdown_extent 'Partial' is neither Full network nor Service-based"),
        ({"twitter_affected": "Maybe"}, "twitter_affected 'Maybe' is not Yes, No or Unknown"),
    ],
)
def test_each_kind_of_bad_row_is_reported_with_sheet_row_and_reason_and_nothing_is_written(tmp_path, changes, reason):
    path = write_csv(tmp_path / "stop.csv", [SHUTDOWN, row(**changes)])
    with pytest.raises(CommandError) as raised:
        run(path)
    assert f"2021 Data, row 3: {reason}" in str(raised.value)
    assert "Nothing was written" in str(raised.value)
    assert counts()["events"] == 0 and Source.objects.count() == 0


def test_bad_rows_in_a_workbook_are_reported_with_the_row_number_the_spreadsheet_shows(tmp_path):
    path = write_xlsx(tmp_path / "stop.xlsx", {"2022 Data": [SHUTDOWN, row(), row(country="Atlantis")]})
    with pytest.raises(CommandError, match=r"2022 Data, row 4: unknown country 'Atlantis'"):
        run(path)


def test_an_unexpected_failure_while_writing_rolls_everything_back(tmp_path, monkeypatch):
    from events.importers import stop_writer

    calls = []
    original = stop_writer.StopWriter.write_event

    def fail_on_second(self, plan, event, dataset):
        calls.append(plan.key)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(self, plan, event, dataset)

    monkeypatch.setattr(stop_writer.StopWriter, "write_event", fail_on_second)
    with pytest.raises(RuntimeError):
        run(write_csv(tmp_path / "stop.csv", [row(), SHUTDOWN]))
    assert counts()["events"] == 0 and Source.objects.count() == 0 and App.objects.count() == 0


def test_skip_invalid_imports_the_rest_and_writes_the_rejects_with_reasons(tmp_path):
    path = write_csv(tmp_path / "stop.csv", [row(), row(country="Atlantis", end_date="2020-01-01"), SHUTDOWN])
    rejects = tmp_path / "out" / "rejects.csv"
    out = run(path, "--skip-invalid", "--rejects", rejects)
    assert Event.objects.count() == 2
    assert f"Rejected rows written to {rejects}" in out
    with rejects.open(newline="", encoding="utf-8") as handle:
        written = list(csv.DictReader(handle))
    assert len(written) == 1
    assert (written[0]["sheet"], written[0]["row"], written[0]["country"]) == ("2021 Data", "3", "Atlantis")
    assert written[0]["reasons"] == "unknown country 'Atlantis'; end_date 2020-01-01 is before start_date 2021-06-04"


def test_skip_invalid_writes_rejects_beside_the_file_by_default_wherever_it_runs(tmp_path, monkeypatch):
    # As the README says: `import_stop data/Keepiton.xlsx --skip-invalid` writes data/Keepiton.rejects.csv.
    data, elsewhere = tmp_path / "data", tmp_path / "elsewhere"
    data.mkdir()
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    out = run(write_csv(data / "in.csv", [row(), row(country="Atlantis")]), "--skip-invalid")
    assert (data / "in.rejects.csv").exists()
    assert f"Rejected rows written to {data / 'in.rejects.csv'}" in out
    assert list(elsewhere.iterdir()) == []


def test_a_rejects_file_that_cannot_be_written_stops_the_import_with_nothing_written(tmp_path):
    # A folder that is not one fails as a read-only one does, for root too (who writes anywhere).
    path = write_csv(tmp_path / "in.csv", [row(), row(country="Atlantis")])
    (tmp_path / "a-file").write_text("")
    with pytest.raises(CommandError, match=r"Cannot write the rejected rows to .*a-file/rejects\.csv .*--rejects"):
        run(path, "--skip-invalid", "--rejects", tmp_path / "a-file" / "rejects.csv")
    assert Event.objects.count() == 0


def test_dry_run_reports_what_would_change_and_writes_nothing(tmp_path):
    path = write_csv(tmp_path / "stop.csv", [row(), SHUTDOWN])
    out = run(path, "--dry-run")
    assert "Dry run, nothing written. Would have: apps created 3" in out
    assert "events created 2" in out
    assert counts() == {key: 0 for key in counts()}
    run(path)
    out = run(write_csv(tmp_path / "fixed.csv", [row(end_date="2022-01-20"), SHUTDOWN]), "--dry-run")
    assert "events unchanged 1, events updated 1" in out
    assert Event.objects.get(kind=Event.Kind.FULL_BLOCK).ended_on == date(2022, 1, 13)


def test_sheets_of_no_known_layout_are_skipped_with_the_reason(tmp_path):
    out = run(write_xlsx(tmp_path / "stop.xlsx", {"2022 Data": [row()], "2019": "old layout"}))
    assert "Skipped sheet '2019': not a STOP layout (lacks 31 of the 2020-2022 columns" in out
    assert "is not the 2019 or 2016-2018 layout" in out
    assert Event.objects.count() == 1


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path / "nope.xlsx")


def test_a_file_of_another_format_is_a_clear_error(tmp_path):
    (tmp_path / "stop.json").write_text("{}")
    with pytest.raises(CommandError, match=r"cannot read a \.json file"):
        run(tmp_path / "stop.json")
    (tmp_path / "broken.xlsx").write_text("not a workbook")
    with pytest.raises(CommandError, match=r"not a readable \.xlsx file"):
        run(tmp_path / "broken.xlsx")


def test_wrong_columns_are_named(tmp_path):
    columns = [c for c in ["source_sheet", *COLUMNS] if c not in ("shutdown_status", "country")]
    with pytest.raises(CommandError, match="missing columns: country, shutdown_status"):
        run(write_csv(tmp_path / "stop.csv", [row()], columns=columns))
    with pytest.raises(CommandError, match="missing columns: start_date_type, geo_scope, area_name"):
        run(write_xlsx(tmp_path / "one.xlsx", {"2019": "old layout"}))
    with pytest.raises(CommandError, match=r"no sheet has the STOP columns\. Sheet '2019': not a STOP layout"):
        run(write_xlsx(tmp_path / "two.xlsx", {"2019": "old layout", "2018": "old layout"}))


def test_the_progress_bar_is_drawn_on_a_terminal_only():
    rows = [1, 2, 3]
    assert progress(rows, enabled=False) is rows  # logs and pipes get the bare rows
    bar = progress(rows, enabled=True)
    assert isinstance(bar, tqdm) and list(bar) == rows


def test_links_are_split_tidied_and_junk_is_dropped():
    cell = (
        'https://a.example/x?q=1; https://b.example/y#:~:text=The%20internet,border, "https://c.example/z" '
        "https://transparencyreport.google.com/traffic?f=start:1;end:2;region:PK&lu=f  The telcos appear to"
    )
    assert extract_urls(cell) == [
        "https://a.example/x?q=1",
        "https://b.example/y",
        "https://c.example/z",
        "https://transparencyreport.google.com/traffic?f=start:1;end:2;region:PK&lu=f",
    ]


def test_an_app_or_authority_an_editor_renamed_is_found_not_made_again(tmp_path):
    path = write_csv(tmp_path / "stop.csv", [row()])
    run(path)
    twitter, authority = App.objects.get(slug="twitter"), Event.objects.get().authority
    twitter.slug, authority.slug = "x-formerly-twitter", "ng-information-ministry"
    twitter.save()
    authority.save()
    run(path)
    assert not App.objects.filter(slug="twitter").exists()
    assert Event.objects.get().apps.filter(pk=twitter.pk).exists()
    assert Authority.objects.filter(slug__startswith="ng-ministry").count() == 0


def test_an_event_an_editor_deleted_is_not_imported_again(tmp_path):
    path = write_csv(tmp_path / "stop.csv", [row()])
    run(path)
    event = Event.objects.get()
    event._history_user = make_user("root")
    event.delete()
    out = run(path)
    assert not Event.objects.exists()
    assert "events deleted by editors, not recreated 1" in out
