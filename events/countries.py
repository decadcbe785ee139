"""The ISO 3166-1 countries, committed with the code as events/fixtures/countries.json.

Migration 0002 loads the file and nothing else writes countries, so the valid codes are known
without asking the database: the `country` filters check against country_codes(). `manage.py
generate_countries` regenerates the file from maintained packages.
"""

import functools
import json
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "countries.json"


def country_rows():
    """The fixture's rows: [{"model": "events.country", "pk": code, "fields": {...}}]."""
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@functools.cache  # the file is part of the release: it cannot change while the process runs
def country_codes():
    return frozenset(row["pk"] for row in country_rows())
