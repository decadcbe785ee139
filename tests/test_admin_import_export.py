"""Bulk entry: events imported from CSV/XLSX all or nothing, with row-numbered errors; and exported."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import App, Event, review
from tests.factories import AppFactory, EventFactory, SourceFactory
from tests.test_admin_helpers import editor, publisher

pytestmark = pytest.mark.django_db

State = Event.ReviewState
HEADER = [
    *("title", "country", "apps", "kind", "features"),
    *("status", "started_on", "started_precision", "sources", "review_state"),
]


@pytest.fixture
def reference():
    AppFactory(slug="whatsapp", name="WhatsApp")
    AppFactory(slug="telegram", name="Telegram")
    SourceFactory(url="https://news.example.org/calls")
    SourceFactory(url="https://news.example.org/block")


def csv_file(rows, header=HEADER):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile("events.csv", out.getvalue().encode(), content_type="text/csv")


GOOD_ROWS = [
    [
        *("Calls restricted", "ru", "whatsapp;telegram", "feature_restriction", "voice_calls;video_calls"),
        *("in_force", "2025-08-13", "day", "https://news.example.org/calls", "published"),
    ],
    [
        *("WhatsApp blocked", "RU", "whatsapp", "full_block", "all"),
        *("in_force", "2026-02-01", "month", "https://news.example.org/block", ""),
    ],
]


def preview(client, upload, model="event"):
    return client.post(reverse(f"admin:events_{model}_import"), {"import_file": upload, "format": "0", "resource": "0"})


def confirm(client, preview_response, model="event"):
    return client.post(
        reverse(f"admin:events_{model}_process_import"), preview_response.context["confirm_form"].initial, follow=True
    )


def test_an_editor_imports_new_events_as_drafts_after_a_preview(client, reference):
    user = editor()
    client.force_login(user)
    shown = preview(client, csv_file(GOOD_ROWS))
    assert shown.status_code == 200
    assert "confirm_form" in shown.context, shown.context["result"].invalid_rows
    assert not Event.objects.exists()  # the preview saved nothing

    done = confirm(client, shown)
    assert "Import finished: 2 new" in " ".join(str(m) for m in get_messages(done.wsgi_request))
    calls = Event.objects.get(title="Calls restricted")
    # Editors never publish, not even by import: the "published" in the file is not honoured.
    assert calls.review_state == State.DRAFT
    assert sorted(calls.apps.values_list("slug", flat=True)) == ["telegram", "whatsapp"]
    assert calls.features == ["voice_calls", "video_calls"]
    assert calls.country_id == "RU"
    assert list(calls.sources.values_list("url", flat=True)) == ["https://news.example.org/calls"]
    assert calls.history.first().history_user == user
    block = Event.objects.get(title="WhatsApp blocked")
    assert block.started_display == "February 2026"


def test_a_publisher_imports_published_events_when_the_file_says_so(client, reference):
    client.force_login(publisher())
    confirm(client, preview(client, csv_file(GOOD_ROWS)))
    states = dict(Event.objects.values_list("title", "review_state"))
    assert states == {"Calls restricted": State.PUBLISHED, "WhatsApp blocked": State.DRAFT}


def test_a_file_with_bad_rows_imports_nothing_and_names_each_row_and_field(client, reference):
    client.force_login(editor())
    rows = [
        GOOD_ROWS[0],
        ["Unknown app", "RU", "whatsapp;signall", "full_block", "all", "in_force", "2025-01-01", "day", "", ""],
        ["Bad precision", "RU", "telegram", "full_block", "all", "in_force", "2025-03-15", "month", "", ""],
        ["No such country", "XX", "telegram", "full_block", "teleport", "in_force", "2025-03-01", "day", "", ""],
    ]
    shown = preview(client, csv_file(rows))
    assert "confirm_form" not in shown.context
    invalid = {row.number: row.error_dict for row in shown.context["result"].invalid_rows}
    assert sorted(invalid) == [2, 3, 4]
    assert invalid[2]["apps"] == ["No app with slug 'signall'."]
    assert "use 2025-03-01 for March 2025" in invalid[3]["started_on"][0]
    assert invalid[4]["country"] == ["No country code 'XX'."]
    assert "Unknown feature(s) teleport" in invalid[4]["features"][0]
    html = shown.content.decode()
    assert "Nothing was imported: correct these rows" in html
    assert "<li>Row 2, apps: No app with slug &#x27;signall&#x27;.</li>" in html
    assert not Event.objects.exists()


def test_a_confirmed_import_that_fails_after_the_preview_saves_no_row(client, reference):
    client.force_login(editor())
    shown = preview(client, csv_file(GOOD_ROWS))
    # Between the preview and the confirmation, someone deletes an app the second row needs.
    Event.apps.through.objects.all().delete()
    App.objects.filter(slug="telegram").delete()
    done = confirm(client, shown)
    assert not Event.objects.exists()
    text = " ".join(str(m) for m in get_messages(done.wsgi_request))
    assert "Nothing was imported, because row 1" in text
    assert "telegram" in text


def test_a_row_with_an_id_updates_that_event_unless_it_changed_since_the_export(client, reference):
    client.force_login(editor())
    event = EventFactory(title="Old title", review_state=State.DRAFT)
    header = ["id", "title", "revision"]
    shown = preview(client, csv_file([[event.pk, "New title", event.revision]], header))
    confirm(client, shown)
    event.refresh_from_db()
    assert event.title == "New title"

    stale = preview(client, csv_file([[event.pk, "Overwrite", event.revision - 1]], header))
    (row,) = stale.context["result"].invalid_rows
    assert "changed since the file was exported" in row.error_dict["revision"][0]
    event.refresh_from_db()
    assert event.title == "New title"


def test_an_editor_cannot_change_a_published_event_by_import(client, reference):
    client.force_login(editor())
    event = EventFactory(title="Public")
    shown = preview(client, csv_file([[event.pk, "Rewritten"]], ["id", "title"]))
    (row,) = shown.context["result"].invalid_rows
    assert row.error_dict["review_state"] == [review.PUBLISHERS_ONLY]


def test_publishing_by_import_needs_a_source(client, reference):
    client.force_login(publisher())
    row = ["No evidence", "RU", "whatsapp", "full_block", "all", "in_force", "2025-01-01", "day", "", "published"]
    shown = preview(client, csv_file([row]))
    (invalid,) = shown.context["result"].invalid_rows
    assert invalid.error_dict["review_state"] == [review.NO_SOURCE]


def test_an_xlsx_file_imports_too(client, reference):
    client.force_login(editor())
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in GOOD_ROWS:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    upload = SimpleUploadedFile("events.xlsx", data.getvalue())
    shown = client.post(reverse("admin:events_event_import"), {"import_file": upload, "format": "1", "resource": "0"})
    assert "confirm_form" in shown.context, shown.context["result"].invalid_rows
    confirm(client, shown)
    assert Event.objects.count() == 2


def export(client, file_format="0", **filters):
    fields = {f"eventresource_{name}": "on" for name in ("id", "title", "country", "apps", "sources", "review_state")}
    fields["eventresource_revision"] = "on"
    url = reverse("admin:events_event_export")
    if filters:
        url += "?" + "&".join(f"{key}={value}" for key, value in filters.items())
    return client.post(url, {"format": file_format, "resource": "0", **fields})


def test_export_writes_the_filtered_events_with_related_records_by_their_keys(client, reference):
    client.force_login(editor())
    whatsapp = App.objects.get(slug="whatsapp")
    draft = EventFactory(title="Draft one", review_state=State.DRAFT, apps=[whatsapp, AppFactory(slug="max")])
    EventFactory(title="Published one")
    response = export(client, review_state__exact="draft")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["title"] for row in rows] == ["Draft one"]
    assert rows[0]["id"] == str(draft.pk)
    assert sorted(rows[0]["apps"].split(";")) == ["max", "whatsapp"]
    assert rows[0]["country"] == "RU"
    assert rows[0]["revision"] == str(draft.revision)


def test_export_as_xlsx(client, reference):
    client.force_login(editor())
    EventFactory(title="In a spreadsheet")
    response = export(client, file_format="1")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert "In a spreadsheet" in values[1]


def test_export_costs_the_same_for_one_event_and_fifty(client, reference):
    client.force_login(editor())
    EventFactory()
    with CaptureQueriesContext(connection) as one:
        assert export(client).status_code == 200
    for _ in range(49):
        EventFactory(apps=[AppFactory(), AppFactory()], sources=[SourceFactory()])
    with CaptureQueriesContext(connection) as fifty:
        response = export(client)
    assert len(response.content.decode("utf-8-sig").strip().splitlines()) == 51
    # session, user, permissions (2), then the events with their to-one relations joined, and one
    # query each for their apps, sources and related events, with a COUNT for the paginated read.
    assert len(one) == len(fifty), [q["sql"] for q in fifty]


def test_an_import_reports_duplicates_instead_of_creating_them_unless_confirmed(client, reference):
    # The form's check: same country, an app in common and the same start date.
    client.force_login(publisher())
    existing = EventFactory(title="Already here", apps=[App.objects.get(slug="whatsapp")], started_on="2026-02-01")
    row = GOOD_ROWS[1]  # WhatsApp in RU from 2026-02-01
    shown = preview(client, csv_file([row, row, row]))
    invalid = shown.context["result"].invalid_rows
    assert [r.number for r in invalid] == [1, 2, 3]
    assert f"Possible duplicate of event {existing.pk} (Already here)" in invalid[0].error_dict["not_a_duplicate"][0]
    assert Event.objects.count() == 1
    # Confirmed in the file: imported, and the rows after the first are duplicates of it in turn.
    confirmed = csv_file([[*row, "yes"], [*row, "yes"]], [*HEADER, "not_a_duplicate"])
    confirm(client, preview(client, confirmed))
    assert Event.objects.count() == 3
    again = preview(client, csv_file([row]))
    assert "Possible duplicate" in again.context["result"].invalid_rows[0].error_dict["not_a_duplicate"][0]


def new_rows(count, start=0):
    """Rows of new, distinct events: each starts on a day of its own."""
    first = datetime.date(2000, 1, 1)
    rows = []
    for n in range(start, start + count):
        day = (first + datetime.timedelta(days=n)).isoformat()
        rows.append([f"Event {n}", "RU", "whatsapp;telegram", "full_block", "all", "in_force", day, "day"])
        rows[-1] += ["https://news.example.org/block", "published"]
    return rows


def test_an_import_writes_its_rows_in_batches_whatever_their_number(client, reference):
    # Rows are checked one by one but written together (events/bulk.py): the queries of an import
    # do not grow with its rows.
    client.force_login(publisher())
    counts = []
    for start, count in ((0, 3), (100, 60)):
        shown = preview(client, csv_file(new_rows(count, start)))
        with CaptureQueriesContext(connection) as queries:
            confirm(client, shown)
        counts.append(len(queries))
    assert Event.objects.count() == 63
    # Twenty times the rows, the same statements but for the batches SQLite's limit of 999
    # parameters a statement splits the wider inserts into.
    assert counts[1] - counts[0] <= 4, counts


def test_imported_events_have_one_creation_record_with_their_apps_and_are_public_at_once(client, reference):
    client.force_login(publisher())
    client.get("/api/v1/events/")  # a kept answer, if the cache keeps any
    confirm(client, preview(client, csv_file(new_rows(2))))
    event = Event.objects.get(title="Event 0")
    (record,) = event.history.all()
    assert record.history_type == "+" and record.history_user.username == "pia"
    assert sorted(link.app.slug for link in record.apps.all()) == ["telegram", "whatsapp"]
    assert [link.source.url for link in record.sources.all()] == ["https://news.example.org/block"]
    assert client.get(f"/events/{event.pk}/").status_code == 200
    assert {e["title"] for e in client.get("/api/v1/events/").json()["results"]} == {"Event 0", "Event 1"}
