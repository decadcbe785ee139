"""The whole public dataset as files, so that a researcher can mirror the tracker (export_dataset).

Every published event and exactly what it references: its country, apps (and the app promoted
instead), owners (and their parents), authority, sources and statements; plus the measurements
with their apps and countries. Nothing unpublished leaves: a draft's sources, an app only a
draft names, and the like stay out.

Each table is written twice, as JSON (an array of objects; lists are arrays) and as CSV (lists
joined by ";"), with a data dictionary generated from the models' help_text: a Frictionless
`datapackage.json` (types, keys and foreign keys, which tools such as `frictionless validate`
read) and a `README.md` for people. Tables are streamed row by row, so memory stays flat however
many measurements there are.
"""

import csv
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.db import models
from django.utils import timezone

from events.models import App, Authority, Country, Event, Measurement, Owner, Source, Statement
from events.text import spreadsheet_safe

LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
SEPARATOR = ";"
CHUNK = 2000


@dataclass
class Column:
    """One column: its name, the values() lookup that reads it, and its dictionary entry."""

    name: str
    lookup: str | None
    type: str
    description: str
    enum: list | None = None
    many: bool = False  # a list: JSON array, CSV values joined by ";"
    references: tuple | None = None  # (table, column) for the data package's foreign keys


@dataclass
class Table:
    name: str
    model: type
    key: str
    description: str
    columns: list = field(default_factory=list)


# How a row of each model is named from another table: the key researchers join on.
NATURAL_KEYS = {Country: "code", Owner: "slug", App: "slug", Authority: "slug", Event: "id", Source: "id"}
TABLE_OF = {
    Country: "countries",
    Owner: "owners",
    App: "apps",
    Authority: "authorities",
    Event: "events",
    Source: "sources",
}
TYPES = {
    models.CharField: "string",
    models.TextField: "string",
    models.URLField: "string",
    models.SlugField: "string",
    models.DateField: "date",
    models.DateTimeField: "datetime",
    models.BigAutoField: "integer",
    models.AutoField: "integer",
    models.PositiveIntegerField: "integer",
    models.PositiveBigIntegerField: "integer",
    models.JSONField: "string",
}

# Columns left out of the public files: workflow and bookkeeping, the same for every published row.
OMIT = {
    Event: {"review_state", "import_key", "revision"},
    Owner: {"id"},
    App: {"id"},
    Authority: {"id"},
}


# Fields without help_text of their own.
FALLBACK = {
    "id": "The record's stable number (an event's page is /events/{id}/).",
    "created_at": "When the record was created.",
}


def _describe(model_field):
    text = str(model_field.help_text or FALLBACK.get(model_field.name) or model_field.verbose_name).strip()
    return text[0].upper() + text[1:] if text else ""


def _columns(model):
    columns = []
    for model_field in model._meta.concrete_fields:
        if model_field.name in OMIT.get(model, set()):
            continue
        if model_field.is_relation:
            target = model_field.related_model
            key = NATURAL_KEYS[target]
            columns.append(
                Column(
                    model_field.name,
                    f"{model_field.name}__{key}",
                    "integer" if key == "id" else "string",
                    f"{_describe(model_field)} (`{key}` in {TABLE_OF[target]})",
                    references=(TABLE_OF[target], key),
                )
            )
            continue
        if model_field.name == "features":
            columns.append(
                Column(
                    "features",
                    "features",
                    "string",
                    _describe(model_field),
                    enum=list(Event.Feature.values),
                    many=True,
                )
            )
            continue
        column_type = next(t for cls, t in TYPES.items() if type(model_field) is cls)
        enum = [value for value, _ in model_field.choices] if model_field.choices else None
        columns.append(Column(model_field.name, model_field.name, column_type, _describe(model_field), enum))
    for model_field in model._meta.many_to_many:
        target = model_field.related_model
        key = NATURAL_KEYS[target]
        description = _describe(model_field)
        if model_field.name == "related":
            description += " Published events only."
        columns.append(
            Column(
                model_field.name,
                None,
                "integer" if key == "id" else "string",
                f"{description} (`{key}`s in {TABLE_OF[target]})",
                many=True,
                references=(TABLE_OF[target], key),
            )
        )
    return columns


def build_tables():
    return [
        Table("events", Event, "id", "Published events: one measure taken in one country against apps or their owner."),
        Table("statements", Statement, "id", "Who said what about a published event."),
        Table("sources", Source, "id", "The documents that published events and their statements cite."),
        Table("apps", App, "slug", "Apps and services named by published events or measured."),
        Table("owners", Owner, "slug", "Owners of those apps, owners targeted by events, and their parents."),
        Table("authorities", Authority, "slug", "Bodies that ordered or carried out published events."),
        Table("countries", Country, "code", "Countries that any of the above refer to (ISO 3166-1)."),
        Table("measurements", Measurement, "id", "OONI measurement counts per country, app, test and day."),
    ]


def _selection():
    """Which rows of each table to export: the models' `public()` (events/models/visibility.py),
    the same rule as every page and API answer; countries are narrowed to those referred to."""
    selection = {
        "events": Event.objects.public(),
        "statements": Statement.objects.public(),
        "sources": Source.objects.public(),
        "apps": App.objects.public(),
        "owners": Owner.objects.public(),
        "authorities": Authority.objects.public(),
        "measurements": Measurement.objects.public(),
    }
    referred = set(selection["events"].values_list("country_id", flat=True))
    referred |= set(selection["measurements"].values_list("country_id", flat=True).distinct())
    for table in ("owners", "authorities"):
        referred |= set(selection[table].exclude(country=None).values_list("country_id", flat=True))
    selection["countries"] = Country.objects.public().filter(code__in=referred)
    return selection


def _many_values(table, column, selected):
    """{row pk: [keys]} for one many-to-many column of the `selected` rows, in one query."""
    model_field = table.model._meta.get_field(column.name)
    through = model_field.remote_field.through
    source_name = model_field.m2m_field_name()
    target_name = model_field.m2m_reverse_field_name()
    key = NATURAL_KEYS[model_field.related_model]
    rows = through.objects.filter(**{f"{source_name}_id__in": selected.values("pk")})
    if column.name == "related":
        rows = rows.filter(**{f"{target_name}_id__in": selected.values("pk")})  # published events only
    values = {}
    for pk, value in rows.order_by(f"{target_name}__{key}").values_list(f"{source_name}_id", f"{target_name}__{key}"):
        values.setdefault(pk, []).append(value)
    return values


def _rows(table, selected):
    queryset = selected.order_by(table.key)
    many = {c.name: _many_values(table, c, selected) for c in table.columns if c.many and c.lookup is None}
    lookups = ["pk", *(c.lookup for c in table.columns if c.lookup)]
    for values in queryset.values(*lookups).iterator(chunk_size=CHUNK):
        row = {}
        for column in table.columns:
            if column.lookup is None:
                row[column.name] = many[column.name].get(values["pk"], [])
            else:
                row[column.name] = values[column.lookup]
        yield row


def _json_value(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, list):
        return spreadsheet_safe(SEPARATOR.join(str(item) for item in value))
    return spreadsheet_safe(_json_value(value))


def write_dataset(directory):
    """Write every table, the data package and the README into `directory`; returns the row counts."""
    directory.mkdir(parents=True, exist_ok=True)
    tables = build_tables()
    for table in tables:
        table.columns = _columns(table.model)
    selection = _selection()
    counts = {}
    for table in tables:
        names = [column.name for column in table.columns]
        count = 0
        with (
            (directory / f"{table.name}.json").open("w", encoding="utf-8") as json_file,
            (directory / f"{table.name}.csv").open("w", encoding="utf-8", newline="") as csv_file,
        ):
            writer = csv.writer(csv_file)
            writer.writerow(names)
            json_file.write("[")
            for row in _rows(table, selection[table.name]):
                json_file.write(",\n" if count else "\n")
                json_file.write(json.dumps({k: _json_value(v) for k, v in row.items()}, ensure_ascii=False))
                writer.writerow([_csv_value(row[name]) for name in names])
                count += 1
            json_file.write("\n]\n")
        counts[table.name] = count
    (directory / "datapackage.json").write_text(
        json.dumps(_datapackage(tables, counts), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (directory / "README.md").write_text(_readme(tables, counts), encoding="utf-8")
    return counts


def _datapackage(tables, counts):
    resources = []
    for table in tables:
        fields = []
        for column in table.columns:
            entry = {
                "name": column.name,
                "type": "string" if column.many else column.type,
                "description": column.description,
            }
            if column.many:
                entry["description"] += f' In CSV the values are joined by "{SEPARATOR}"; in JSON, an array.'
            if column.enum and not column.many:
                entry["constraints"] = {"enum": column.enum}
            fields.append(entry)
        foreign_keys = [
            {"fields": c.name, "reference": {"resource": c.references[0], "fields": c.references[1]}}
            for c in table.columns
            if c.references and not c.many
        ]
        schema = {"fields": fields, "primaryKey": table.key}
        if foreign_keys:
            schema["foreignKeys"] = foreign_keys
        resources.append(
            {
                "name": table.name,
                "path": f"{table.name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": table.description,
                "count": counts[table.name],
                "schema": schema,
            }
        )
    return {
        "name": "app-blocking-tracker",
        "title": "App Blocking Tracker: government measures that block, throttle or restrict apps",
        "created": timezone.now().replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "licenses": [LICENCE],
        "description": "Every published record of the tracker. Imported records keep their upstream credit "
        "(a `dataset` source on each event; the `dataset` column of measurements). Each table is also "
        "given as JSON (same name, .json) with lists as arrays.",
        "resources": resources,
    }


def _readme(tables, counts):
    lines = [
        "# App Blocking Tracker: the published dataset",
        "",
        f"Exported {timezone.now():%Y-%m-%d %H:%M} UTC. Records: {LICENCE['title']} ({LICENCE['path']}); "
        "imported records keep their upstream credit, named in their `dataset` sources.",
        "",
        "Each table comes as CSV and as JSON. In CSV, lists are joined by `;` and an empty cell is "
        "no value; in JSON, lists are arrays, an unknown date or number is null and blank text is "
        "the empty string. Dates are ISO 8601 (YYYY-MM-DD); "
        "a date known only to the month or year is its first day, with its precision alongside. "
        "In CSV, a text that starts with =, +, -, @, a tab or a carriage return is written with a ' in "
        "front, so that a spreadsheet shows it rather than running it as a formula; JSON has it as stored. "
        "`datapackage.json` says the same for software (Frictionless Data Package).",
        "",
    ]
    for table in tables:
        lines += [f"## {table.name} ({counts[table.name]} rows, key `{table.key}`)", "", table.description, ""]
        lines += ["| column | type | meaning |", "|---|---|---|"]
        for column in table.columns:
            kind = f"list of {column.type}" if column.many else column.type
            meaning = column.description.replace("|", "\\|")
            if column.enum and not column.many:
                meaning += " One of: " + ", ".join(f"`{value}`" for value in column.enum) + "."
            lines.append(f"| `{column.name}` | {kind} | {meaning} |")
        lines.append("")
    return "\n".join(lines)
