"""Imports read only what they may, and a broken file is a clear error (events/importers/limits.py)."""

import io
import time
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from events.models import Event
from tests.test_admin_helpers import publisher
from tests.test_admin_import_export import preview

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_with_sheet(sheet_xml):
    """A real workbook whose first sheet's XML is replaced by `sheet_xml` (bytes)."""
    book = openpyxl.Workbook()
    book.active.append(["title", "country"])
    plain = io.BytesIO()
    book.save(plain)
    crafted = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(crafted, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else source.read(item.filename)
            target.writestr(item.filename, data)
    return crafted.getvalue()


def sheet_of_rows(count):
    rows = b"<row/>" * count  # numbered by position; so alike that they compress to almost nothing
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>title</t></is></c>'
        b"</row>" + rows + b"</sheetData></worksheet>"
    )


@pytest.fixture
def bomb(tmp_path):
    """Two million rows in a file of a few hundred kilobytes: tens of megabytes once unpacked."""
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(workbook_with_sheet(sheet_of_rows(2_000_000)))
    assert path.stat().st_size < 1_000_000
    return path


@pytest.mark.parametrize("command", ["import_stop", "import_ooni"])
def test_an_archive_that_unpacks_to_more_than_the_limit_is_refused_before_parsing(bomb, settings, command):
    settings.IMPORT_MAX_UNPACKED_MB = 10
    started = time.monotonic()
    with pytest.raises(CommandError, match=r"bomb\.xlsx: refused, it unpacks to \d+ MB, more than the 10 MB"):
        call_command(command, str(bomb), stdout=io.StringIO())
    assert time.monotonic() - started < 5


def test_a_sheet_with_more_rows_than_the_limit_is_refused_at_the_first_one_past_it(bomb, settings):
    settings.IMPORT_MAX_ROWS = 10_000
    with pytest.raises(CommandError, match=r"refused, it has more than 10,000 rows"):
        call_command("import_stop", str(bomb), stdout=io.StringIO())


@pytest.mark.parametrize("command", ["import_stop", "import_ooni"])
def test_a_damaged_workbook_is_a_clear_error_naming_the_file(tmp_path, command):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(workbook_with_sheet(b'<?xml version="1.0"?><worksheet><sheetData><row r="1"><c'))
    with pytest.raises(CommandError, match=r"broken\.xlsx: (not a readable|a damaged) \.xlsx file"):
        call_command(command, str(broken), stdout=io.StringIO())
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(workbook_with_sheet(sheet_of_rows(10))[:-200])
    with pytest.raises(CommandError, match=r"truncated\.xlsx: not a readable \.xlsx file"):
        call_command(command, str(truncated), stdout=io.StringIO())
    assert not Event.objects.exists()


def test_the_admin_import_refuses_a_bomb_and_a_damaged_file_on_its_form(client, bomb, settings):
    settings.IMPORT_MAX_UNPACKED_MB = 10
    client.force_login(publisher())
    for name, content, reason in [
        ("bomb.xlsx", bomb.read_bytes(), "more than the 10 MB an import may read"),
        ("broken.xlsx", workbook_with_sheet(b"<worksheet><sheetData><row"), "a damaged .xlsx file"),
    ]:
        upload = SimpleUploadedFile(name, content, content_type=XLSX)
        response = client.post("/admin/events/event/import/", {"import_file": upload, "format": "1", "resource": "0"})
        assert response.status_code == 200
        assert reason in response.content.decode(), name
    settings.IMPORT_MAX_ROWS = 2
    many = "title\n" + "a\n" * 5
    upload = SimpleUploadedFile("many.csv", many.encode(), content_type="text/csv")
    assert "more than 2 rows" in preview(client, upload).content.decode()
