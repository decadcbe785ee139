"""Load all 249 ISO 3166-1 countries from maintained packages, not from a hand-typed list.

django-countries gives the common English short name ("Russia") and alpha-3 code; pycountry the
ISO name where it differs ("Russian Federation"); the IANA time-zone table shipped by tzdata gives
the region, as the area of the country's first listed zone (Europe, Asia, Africa, America...).
"""

from importlib import resources

from django.db import migrations

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
        area = zone.split("/")[0]
        regions.setdefault(code, REGION_NAMES.get(area, area))
    return regions


def load_countries(apps, schema_editor):
    import pycountry
    from django_countries import countries

    Country = apps.get_model("events", "Country")
    regions = regions_by_code()
    rows = []
    for code, name in countries:
        iso = pycountry.countries.get(alpha_2=code)
        official = getattr(iso, "official_name", None) or iso.name
        rows.append(
            Country(
                code=code,
                alpha3=countries.alpha3(code),
                name=str(name),
                official_name=official if official != str(name) else "",
                region=regions.get(code, ""),
            )
        )
    Country.objects.bulk_create(rows, ignore_conflicts=True)


def unload_countries(apps, schema_editor):
    apps.get_model("events", "Country").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(load_countries, unload_countries)]
