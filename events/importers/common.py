"""What every importer shares: reading a spreadsheet or CSV, row errors, the report, country names.

A file is read into `Sheet`s of `Row`s. Each row keeps the number a spreadsheet program shows for it
(the header is row 1), so that an error message points at the cell a person can open and fix.
"""

import csv
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pycountry
from django.conf import settings
from django.core.management.base import CommandError
from tqdm import tqdm

from events.countries import code_for_name

from .limits import READ_ERRORS, FileTooLarge, capped, check_archive

# Names that need more than the country table's names and aliases (events/countries.py, which
# also knows "Turkey", "Burma", "DRC" and the like): each maps to an alpha-2 code and, where the
# name is a part of that country, the area the record is about.
COUNTRY_NAMES = {
    "somaliland": ("SO", "Somaliland"),  # self-declared state, inside Somalia in ISO 3166
    "kosovo": ("XK", ""),  # user-assigned code; present only if the country table has it
    "democratic republic congo": ("CD", ""),
}


@dataclass
class Row:
    """One line of data: the sheet it is on, its row number as a spreadsheet shows it, its cells."""

    sheet: str
    number: int
    cells: dict


@dataclass
class Sheet:
    name: str
    columns: list
    rows: list


@dataclass
class RowError:
    """A row that cannot be imported, and every reason why."""

    sheet: str
    row: int
    reasons: list
    cells: dict = field(default_factory=dict)

    def __str__(self):
        return f"{self.sheet}, row {self.row}: {'; '.join(self.reasons)}"


@dataclass
class Report:
    """What an import did or would do, for the command to print and the tests to check."""

    counts: Counter = field(default_factory=Counter)
    rejects: list = field(default_factory=list)
    skipped_sheets: list = field(default_factory=list)  # (sheet name, reason)
    notes: list = field(default_factory=list)
    seconds: float = 0.0

    def count(self, label, n=1):
        self.counts[label] += n


def clean_header(name):
    """'Duration ' and 'duration' are one column: spreadsheets differ in case and stray spaces."""
    return str(name or "").strip().lower()


def cell_text(value):
    """A cell as tidy text: None and blanks become '', whitespace runs inside become one space."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"[ \t\u00a0]+", " ", str(value)).strip()


def read_table(path, sheet_column=None):
    """Read `.xlsx` (every sheet) or `.csv` into Sheets; a missing or unreadable file is a CommandError.

    For a CSV, `sheet_column` names a column that says which sheet a row came from (the stacked STOP
    CSV has `source_sheet`); rows are then grouped by it, keeping the CSV's own row numbers.
    """
    path = Path(path)
    if not path.exists():
        raise CommandError(f"{path}: no such file.")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix == ".csv":
        return _read_csv(path, sheet_column)
    raise CommandError(f"{path}: cannot read a {suffix or 'suffix-less'} file; give an .xlsx or a .csv file.")


def _read_xlsx(path):
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        check_archive(path)
        # data_only gives the values a spreadsheet last computed, not formulas such as =DAYS(P2,B2-1).
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileTooLarge as error:
        raise CommandError(f"{path}: refused, {error}.") from error
    except (InvalidFileException, *READ_ERRORS) as error:
        raise CommandError(f"{path}: not a readable .xlsx file ({error}).") from error
    sheets = []
    try:
        for worksheet in book.worksheets:
            values = worksheet.iter_rows(values_only=True)
            header = next(values, None) or ()
            columns = [clean_header(name) for name in header]
            rows = []
            for number, line in enumerate(capped(values), start=2):
                if not any(cell not in (None, "") for cell in line):
                    continue  # blank rows (sheets carry hundreds of formatted, empty ones)
                rows.append(Row(worksheet.title, number, as_cells(columns, line)))
            sheets.append(Sheet(worksheet.title, columns, rows))
    except FileTooLarge as error:
        raise CommandError(f"{path}: refused, {error}.") from error
    except READ_ERRORS as error:
        raise CommandError(
            f"{path}: a damaged .xlsx file, unreadable past a point ({type(error).__name__}: {error})."
        ) from error
    finally:
        book.close()
    return sheets


def _read_csv(path, sheet_column):
    if path.stat().st_size > settings.IMPORT_MAX_UNPACKED_MB * 1_000_000:
        raise CommandError(
            f"{path}: refused, it is larger than the {settings.IMPORT_MAX_UNPACKED_MB} MB an import may read."
        )
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = capped(csv.reader(handle))
            header = next(reader, [])
            columns = [clean_header(name) for name in header]
            by_sheet = {}
            # The row number counts records, not lines: a quoted cell may hold line breaks, and a
            # spreadsheet program shows such a record as one row.
            for number, line in enumerate(reader, start=2):
                if not any(cell.strip() for cell in line):
                    continue
                cells = as_cells(columns, line)
                sheet = cell_text(cells.get(sheet_column)) if sheet_column else ""
                by_sheet.setdefault(sheet or path.name, []).append(Row(sheet or path.name, number, cells))
    except FileTooLarge as error:
        raise CommandError(f"{path}: refused, {error}.") from error
    except (UnicodeDecodeError, csv.Error) as error:
        raise CommandError(f"{path}: not a readable UTF-8 CSV file ({error}).") from error
    if not by_sheet:
        return [Sheet(path.name, columns, [])]
    return [Sheet(name, columns, rows) for name, rows in by_sheet.items()]


def as_cells(columns, line):
    """Cells by column name; short lines (trailing blanks left out by the writer) read as blank."""
    return {name: line[index] if index < len(line) else None for index, name in enumerate(columns) if name}


def missing_columns(columns, required):
    present = set(columns)
    return [name for name in required if name not in present]


def parse_date(value):
    """A date from a spreadsheet cell (a datetime) or text (YYYY-MM-DD); None when blank.

    Raises ValueError with the offending value for anything else: a guessed day/month order would
    be worse than a reported row.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?", text)
    if not match:
        raise ValueError(f"unreadable date {text!r} (expected YYYY-MM-DD)")
    try:
        return date(*map(int, match.groups()))
    except ValueError as error:
        raise ValueError(f"impossible date {text!r}") from error


class CountryNames:
    """Country names as datasets write them -> ISO alpha-2 codes of the countries we have.

    The country table's names and aliases (events/countries.py: "Russia", "Burma", "DRC") come
    first, then pycountry's ISO short, official and common names ("Russian Federation", "Viet
    Nam", "Tanzania, United Republic of"); a name with a qualifier in brackets ("Iran (Islamic
    Republic of)") is tried without it; COUNTRY_NAMES covers the rest.
    """

    def __init__(self, known_codes):
        self.known_codes = set(known_codes)
        self.cache = {}

    def resolve(self, name):
        """(code, area) for a name, or raise LookupError saying why."""
        key = cell_text(name).casefold()
        if key not in self.cache:
            self.cache[key] = self._resolve(cell_text(name), key)
        result = self.cache[key]
        if isinstance(result, LookupError):
            raise result
        return result

    def _resolve(self, name, key):
        if not name:
            return LookupError("no country given")
        code, area = COUNTRY_NAMES.get(key, (None, ""))
        # "SriLanka": the 2019 sheet runs some names together.
        spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)
        code, area = COUNTRY_NAMES.get(spaced.casefold(), (code, area))
        candidates = [name, re.sub(r"\s*\(.*\)\s*$", "", name), spaced]
        for candidate in candidates:
            if code:
                break
            code = code_for_name(candidate)
            if code:
                break
            try:
                code = pycountry.countries.lookup(candidate).alpha_2
            except LookupError:
                continue
        if not code:
            return LookupError(f"unknown country {name!r}")
        if code not in self.known_codes:
            return LookupError(f"country {name!r} ({code}) is not in the country table")
        return code, area


def progress(iterable, enabled, **options):
    """A tqdm bar on a terminal, the bare iterable otherwise (logs and pipes get no bar noise)."""
    if not enabled:
        return iterable
    return tqdm(iterable, file=sys.stderr, leave=False, **options)


def rejects_path(file, given=None):
    """Where --skip-invalid writes the rejected rows: `given` (--rejects), or beside the imported
    file, named after it (data/Keepiton.xlsx -> data/Keepiton.rejects.csv)."""
    if given:
        return Path(given)
    file = Path(file)
    return file.with_name(f"{file.stem}.rejects.csv")


def write_rejects(path, rejects, columns):
    """Write rejected rows, with where they are and why, to a CSV a person can fix and re-import.

    Called before anything is imported: a place that cannot be written to stops the command there,
    with nothing written, rather than losing the rejected rows or putting them somewhere else.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["sheet", "row", "reasons", *columns])
            for reject in rejects:
                writer.writerow(
                    [reject.sheet, reject.row, "; ".join(reject.reasons)]
                    + [cell_text(reject.cells.get(column)) for column in columns]
                )
    except OSError as error:
        raise CommandError(
            f"Cannot write the rejected rows to {path} ({error.strerror or error}): give --rejects with a "
            "file in a folder you can write to. Nothing was imported."
        ) from error
    return path
