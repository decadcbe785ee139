"""Write events/fixtures/countries.json, the 249 ISO 3166-1 countries that migration 0002 loads.

The rows come from maintained packages rather than a hand-typed list: django-countries gives the
common English short name ("Russia") and the alpha-3 code, pycountry the ISO name where it differs
("Russian Federation"), and the IANA time-zone table shipped by tzdata the region, as the area of
the country's first listed zone (Europe, Asia, Africa, America...). The file is committed, so a
migration gives the same rows forever whatever versions are installed; run this after upgrading
those packages, read the diff, and add a data migration for what changed.
"""

import json
from importlib import resources

from django.core.management.base import BaseCommand

from events.countries import FIXTURE

REGION_NAMES = {
    "America": "Americas",
    "Australia": "Oceania",
    "Pacific": "Oceania",
    "Atlantic": "Atlantic Ocean",
    "Indian": "Indian Ocean",
}


def regions_by_code():
    text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text()
    regions = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        code, _coordinates, zone = line.split("\t")[:3]
        regions.setdefault(code, REGION_NAMES.get(zone.split("/")[0], zone.split("/")[0]))
    return regions


def country_rows():
    import pycountry
    from django_countries import countries

    regions = regions_by_code()
    rows = []
    for code, name in sorted(countries, key=lambda pair: pair[0]):
        iso = pycountry.countries.get(alpha_2=code)
        official = getattr(iso, "official_name", None) or iso.name
        fields = {
            "alpha3": countries.alpha3(code),
            "name": str(name),
            "official_name": official if official != str(name) else "",
            "region": regions.get(code, ""),
        }
        rows.append({"model": "events.country", "pk": code, "fields": fields})
    return rows


class Command(BaseCommand):
    help = "Regenerate events/fixtures/countries.json from django-countries, pycountry and tzdata."

    def handle(self, *args, **options):
        rows = country_rows()
        FIXTURE.write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        self.stdout.write(f"Wrote {len(rows)} countries to {FIXTURE}.")
