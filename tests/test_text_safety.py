"""Text that is safe to store, to put in a feed and to open in a spreadsheet (events/text.py)."""

import csv
import io
import json

import openpyxl
import pytest
from django.core.management import call_command

from events.models import App, Event
from tests.factories import AppFactory, EventFactory, SourceFactory
from tests.test_admin_helpers import editor, form_data, publisher
from tests.test_admin_import_export import confirm, csv_file, export, preview
from tests.test_feeds import atom

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("https://evil.example/","Click")'


def csv_rows(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_every_feed_survives_a_control_character_stored_before_cleaning(client):
    app = AppFactory(slug="whatsapp", name="WhatsApp")
    event = EventFactory(apps=[app])
    # As pasted from a word processor, and stored before records were cleaned (no save() here).
    Event.objects.filter(pk=event.pk).update(title="Russia\x0bblocks WhatsApp", summary="One\x0btwo\x01")
    App.objects.filter(pk=app.pk).update(name="Whats\x0bApp")
    for url in ("/feeds/events/", "/feeds/countries/ru/", "/feeds/apps/whatsapp/"):
        _root, entries = atom(client, url)
        assert len(entries) == 1, url


def test_the_admins_xlsx_export_survives_a_stored_control_character(client):
    event = EventFactory()
    Event.objects.filter(pk=event.pk).update(title="Pasted\x0btitle")
    client.force_login(editor())
    response = export(client, file_format="1")
    assert response.status_code == 200
    openpyxl.load_workbook(io.BytesIO(response.content))


def test_saving_cleans_control_characters_from_every_text_field():
    source = SourceFactory(title="Head\x0bline\x00")
    event = EventFactory(
        title="Russia\x0bblocks\tWhatsApp", description="First\x0bsecond\x0cthird\x07.", sources=[source]
    )
    event.refresh_from_db()
    source.refresh_from_db()
    assert event.title == "Russia blocks WhatsApp"
    assert event.description == "First\nsecond\nthird."
    assert source.title == "Head line "


def test_the_admin_form_and_import_store_clean_text(client):
    client.force_login(publisher())
    event = EventFactory(title="Before")
    url = f"/admin/events/event/{event.pk}/change/"
    assert client.post(url, form_data(client.get(url), title="After\x0bthe\x1bedit")).status_code == 302
    event.refresh_from_db()
    assert event.title == "After the edit"
    AppFactory(slug="whatsapp")
    row = ["Pasted\x0btitle", "RU", "whatsapp", "full_block", "all", "in_force", "2025-01-01", "day", "", ""]
    confirm(client, preview(client, csv_file([row])))
    assert Event.objects.filter(title="Pasted title").exists()


def test_spreadsheet_exports_write_formulae_as_text_and_json_keeps_them(client, tmp_path):
    event = EventFactory(title=FORMULA, summary="+7 million users", sources=[SourceFactory(publisher="@agency")])
    (api_row,) = csv_rows(client.get("/api/v1/events/?format=csv"))
    assert api_row["title"] == "'" + FORMULA
    assert api_row["summary"] == "'+7 million users"
    assert api_row["source_publishers"] == "'@agency"
    record = client.get(f"/api/v1/events/{event.pk}/").json()
    assert (record["title"], record["summary"]) == (FORMULA, "+7 million users")

    call_command("export_dataset", str(tmp_path), stdout=io.StringIO())
    (dataset_row,) = list(csv.DictReader((tmp_path / "events.csv").open(encoding="utf-8")))
    assert dataset_row["title"] == "'" + FORMULA
    assert json.loads((tmp_path / "events.json").read_text())[0]["title"] == FORMULA
    assert "so that a spreadsheet shows it rather than running it" in (tmp_path / "README.md").read_text()


def test_the_admins_exports_write_formulae_as_text_and_import_them_back_unchanged(client):
    event = EventFactory(title=FORMULA)
    client.force_login(publisher())
    (row,) = csv_rows(export(client))
    assert row["title"] == "'" + FORMULA
    sheet = openpyxl.load_workbook(io.BytesIO(export(client, file_format="1").content)).active
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("title") + 1)
    assert cell.data_type == "s" and cell.value == "'" + FORMULA
    # The exported file imports unchanged: the ' is taken off again.
    upload = csv_file([[row["id"], row["title"], row["revision"]]], ["id", "title", "revision"])
    confirm(client, preview(client, upload))
    event.refresh_from_db()
    assert event.title == FORMULA
