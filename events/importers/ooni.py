"""OONI measurement counts in OONI's aggregation format: one row per country, test and day.

Each row becomes one Measurement, linked to the app the test checks. The whole file is checked
before anything is written; writing compares with what is stored and uses bulk_create and
bulk_update in batches, because a year of nine countries and eight tests is 26,000 rows.
"""

from dataclasses import dataclass

from django.core.management.base import CommandError

from events import status_steps
from events.models import Measurement

from .catalogue import AppCatalogue
from .common import RowError, cell_text, missing_columns, parse_date, read_table

DEFAULT_CREDIT = "OONI (ooni.org) via Sinar Project iMAP; CC BY-NC-SA 4.0"

# OONI test name -> app slug. The three Tor tests (plain, vanilla_tor, torsf over Snowflake) all
# check Tor; the test name stays on each measurement.
TEST_APPS = {
    "whatsapp": "whatsapp",
    "telegram": "telegram",
    "signal": "signal",
    "facebook_messenger": "facebook_messenger",
    "psiphon": "psiphon",
    "tor": "tor",
    "vanilla_tor": "tor",
    "torsf": "tor",
}
COUNT_FIELDS = ["measurement_count", "anomaly_count", "confirmed_count", "failure_count", "ok_count"]
REQUIRED_COLUMNS = ["measurement_start_day", "probe_cc", "test_name", *COUNT_FIELDS]
BATCH = 2000


@dataclass
class OoniFile:
    """A checked file: one value dict per valid row, keyed by (country, test, day); and the rejects."""

    rows: dict
    errors: list
    discarded: int
    total: int
    columns: list


def check_file(path, known_countries, wrap=lambda rows: rows):
    sheets = read_table(path)
    columns = sheets[0].columns
    missing = missing_columns(columns, REQUIRED_COLUMNS)
    if missing:
        raise CommandError(f"{path}: not an OONI aggregation file; missing columns: {', '.join(missing)}.")
    rows = [row for sheet in sheets for row in sheet.rows]
    checked, errors, discarded = {}, [], 0
    for row in wrap(rows):
        if cell_text(row.cells.get("discard")).casefold() in ("yes", "true", "1"):
            discarded += 1  # the publisher marked the row as not to be used
            continue
        result = parse_row(row, known_countries, checked)
        if isinstance(result, RowError):
            errors.append(result)
        else:
            checked[result[0]] = result[1]
    return OoniFile(checked, errors, discarded, len(rows), columns)


def parse_row(row, known_countries, seen):
    cells = {name: cell_text(value) for name, value in row.cells.items()}
    reasons = []
    code = cells["probe_cc"].upper()
    if code not in known_countries:
        reasons.append(f"unknown country code {cells['probe_cc']!r}")
    test = cells["test_name"].casefold()
    if test not in TEST_APPS:
        reasons.append(f"test_name {cells['test_name']!r} is not one of {', '.join(TEST_APPS)}")
    day = None
    try:
        day = parse_date(row.cells["measurement_start_day"])
        if day is None:
            reasons.append("no measurement_start_day")
    except ValueError as error:
        reasons.append(f"measurement_start_day: {error}")
    counts = {name: whole_number(cells[name]) for name in COUNT_FIELDS}
    reasons += [
        f"{name} {cells[name]!r} is not a whole number of at least 0" for name, n in counts.items() if n is None
    ]
    if not reasons:
        total = counts["measurement_count"]
        for name in ("anomaly_count", "failure_count", "ok_count"):
            if counts[name] > total:
                reasons.append(f"{name} {counts[name]} is more than measurement_count {total}")
        if counts["confirmed_count"] > counts["anomaly_count"]:
            reasons.append(f"confirmed_count {counts['confirmed_count']} is more than anomaly_count")
        if (code, test, day) in seen:
            reasons.append(f"a second row for {code}, {test} on {day}")
    if reasons:
        return RowError(row.sheet, row.number, reasons, row.cells)
    return (code, test, day), counts


def whole_number(text):
    """'26' or '26.0' -> 26; blanks, fractions, negatives and words -> None."""
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value.is_integer() and value >= 0 else None


def write_measurements(checked, report, credit=DEFAULT_CREDIT):
    """Create the new measurements, update the changed ones, leave the rest; call inside a transaction."""
    catalogue = AppCatalogue(report)
    apps = {test: catalogue.app(slug).pk for test, slug in TEST_APPS.items() if any(k[1] == test for k in checked)}
    fields = ["app_id", *COUNT_FIELDS, "dataset"]
    days = [key[2] for key in checked]
    stored = {}
    if days:
        existing = Measurement.objects.filter(test_name__in=list(apps), day__gte=min(days), day__lte=max(days))
        existing = existing.only("id", "country", "test_name", "day", "app", *COUNT_FIELDS, "dataset")
        stored = {(m.country_id, m.test_name, m.day): m for m in existing}
    to_create, to_update = [], []
    moved_from = {m.app_id for m in stored.values()}  # an app that loses measurements may stop being public
    for (code, test, day), counts in checked.items():
        values = {"app_id": apps[test], **counts, "dataset": credit}
        measurement = stored.get((code, test, day))
        if measurement is None:
            to_create.append(Measurement(country_id=code, test_name=test, day=day, **values))
        elif any(getattr(measurement, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(measurement, name, value)
            to_update.append(measurement)
    Measurement.objects.bulk_create(to_create, batch_size=BATCH)
    Measurement.objects.bulk_update(to_update, fields, batch_size=BATCH)
    report.count("measurements created", len(to_create))
    report.count("measurements updated", len(to_update))
    report.count("measurements unchanged", len(checked) - len(to_create) - len(to_update))
    # A measured app is public: owner-level measures of its owner now apply to it, or no longer
    # to one whose measurements moved to another (bulk writes send no signal).
    status_steps.refresh_apps(set(apps.values()) | moved_from)
