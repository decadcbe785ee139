"""Load the 249 ISO 3166-1 countries from the committed fixture, events/fixtures/countries.json.

The file was generated from maintained packages (django-countries, pycountry, tzdata) by
`manage.py generate_countries`, and is read here rather than those packages, so that this
migration gives the same rows forever whatever versions happen to be installed.
"""

import json
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "countries.json"


def load_countries(apps, schema_editor):
    Country = apps.get_model("events", "Country")
    rows = json.loads(FIXTURE.read_text(encoding="utf-8"))
    Country.objects.bulk_create([Country(code=row["pk"], **row["fields"]) for row in rows], ignore_conflicts=True)


def unload_countries(apps, schema_editor):
    apps.get_model("events", "Country").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(load_countries, unload_countries)]
