"""The shape of an event: one declarative list from which its JSON, its CSV and its schema come.

Each entry of FIELDS names one key of an event record, in the order records and CSV lines show
them, and says

- which columns of the event's row it reads (`values_list` lookups; none for the to-many
  relations, which records.Related loads in one query each for a whole page),
- how those columns become the JSON value,
- which CSV columns it gives, and how each is written from the JSON value,
- how the OpenAPI schema describes it: for the event's own fields, from the model field itself
  (type, choices, null or blank, help_text), so that a description is written once, on the model,
  and reaches the admin, the schema and the data dictionary (events/export.py) alike.

Adding a field to the API, its CSV and its schema is therefore one line here, beside the model
field and its migration; tests/test_api_shape.py proves that records, CSV and schema agree.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from rest_framework import serializers

from events.models import Event, Source
from events.models.event import confirmation_overdue

from . import serializers as nested

LIST_SEPARATOR = ";"


def iso(value):
    return "" if value is None else value.isoformat()


def joined(values):
    return LIST_SEPARATOR.join("" if value is None else str(value) for value in values)


def plain(value):
    if value is None:
        return ""
    if isinstance(value, list):
        return joined(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Field:
    """One key of an event record; see the module docstring."""

    name: str
    columns: tuple = ()
    # (values of `columns`, the page's records.Related, the record's id, the page-URL maker) -> JSON value
    build: Any = None
    # [(CSV column, JSON value -> cell)]
    csv: list = field(default_factory=list)
    schema: Any = None  # a DRF serializer field, for the OpenAPI schema
    detail_only: bool = False


def _schema_of(model_field):
    """The DRF field that describes a model field's JSON value, with the model's help_text."""
    options = {"help_text": str(model_field.help_text)} if model_field.help_text else {}
    if model_field.null:
        options["allow_null"] = True
    if model_field.name == "features":
        return serializers.ListField(child=serializers.ChoiceField(choices=Event.Feature.choices), **options)
    if model_field.choices:
        if model_field.blank:  # a choice left blank is null in the API
            options["allow_null"] = True
        return serializers.ChoiceField(choices=model_field.choices, **options)
    if isinstance(model_field, models.DateTimeField):
        return serializers.DateTimeField(**options)
    if isinstance(model_field, models.DateField):
        return serializers.DateField(**options)
    if isinstance(model_field, models.IntegerField):
        return serializers.IntegerField(**options)
    return serializers.CharField(allow_blank=model_field.blank, **options)


def own(name, detail_only=False):
    """A field of the event's own row, shown as stored (a blank choice as null)."""
    model_field = Event._meta.get_field(name)
    blank_choice = bool(model_field.choices) and model_field.blank

    def build(values, *_):
        value = values[0]
        return (value or None) if blank_choice else value

    return Field(
        name,
        (name,),
        build,
        [] if detail_only else [(name, plain)],
        _schema_of(model_field),
        detail_only,
    )


def ref(name, key="slug", csv_name=True, help_text=None):
    """A to-one relation shown as {slug, name} (or {code, name}), null when blank."""
    model_field = Event._meta.get_field(name)
    lookup = "country_id" if key == "code" else f"{name}__{key}"

    def build(values, *_):
        value, label = values
        return None if value is None else {key: value, "name": label}

    columns = [(name, lambda value: value[key] if value else "")]
    if csv_name:
        columns.append((f"{name}_name", lambda value: value["name"] if value else ""))
    shape = nested.CountryRef if key == "code" else nested.Ref
    text = help_text or str(model_field.help_text)
    schema = shape(help_text=text) if key == "code" else shape(allow_null=True, help_text=text)
    return Field(name, (lookup, f"{name}__name"), build, columns, schema)


def _datasets(sources):
    return [
        f"{source['publisher']}: {source['title']}" if source["publisher"] else source["title"]
        for source in sources
        if source["kind"] == Source.Kind.DATASET
    ]


FIELDS = [
    Field(
        "id",
        ("id",),
        lambda values, *_: values[0],
        [("id", plain)],
        serializers.IntegerField(help_text="The record's stable number."),
    ),
    own("title"),
    Field(
        "page_url",
        (),
        lambda values, related, pk, page_url: page_url(pk),
        [("page_url", plain)],
        serializers.URLField(help_text="The event's public page."),
    ),
    ref("country", key="code"),
    own("scope"),
    Field(
        "apps",
        build=lambda values, related, pk, page_url: related.apps[pk],
        csv=[
            ("apps", lambda apps: joined(app["slug"] for app in apps)),
            ("app_names", lambda apps: joined(app["name"] for app in apps)),
            ("app_owners", lambda apps: joined(app["owner"]["slug"] if app["owner"] else "" for app in apps)),
        ],
        schema=nested.AppRef(many=True, help_text=str(Event._meta.get_field("apps").help_text)),
    ),
    ref("owner"),
    ref("authority"),
    own("authority_note"),
    ref("promoted_alternative", csv_name=False),
    own("kind"),
    own("status"),
    own("features"),
    own("started_on"),
    own("started_precision"),
    own("ended_on"),
    own("ended_precision"),
    own("last_confirmed_on"),
    Field(
        "confirmation_overdue",
        ("status", "ended_on", "last_confirmed_on", "started_on"),
        lambda values, *_: confirmation_overdue(*values),
        [("confirmation_overdue", lambda value: "true" if value else "false")],
        serializers.BooleanField(
            help_text="True when the measure is said to be in force but no source has confirmed it for longer "
            "than the tracker's confirmation period (12 months by default)."
        ),
    ),
    own("announced_on"),
    own("legal_basis"),
    own("stated_reason"),
    own("summary"),
    own("users_affected"),
    own("users_affected_note"),
    Field(
        "sources",
        build=lambda values, related, pk, page_url: related.sources[pk],
        csv=[
            ("source_urls", lambda sources: joined(source["url"] for source in sources)),
            ("source_publishers", lambda sources: joined(source["publisher"] for source in sources)),
            ("dataset", lambda sources: joined(_datasets(sources))),
        ],
        schema=nested.SourceOut(many=True, help_text=str(Event._meta.get_field("sources").help_text)),
    ),
    Field(
        "statements",
        build=lambda values, related, pk, page_url: related.statements[pk],
        csv=[("statement_speakers", lambda statements: joined(s["speaker"] for s in statements))],
        schema=nested.StatementOut(many=True, help_text="Who said what about the event."),
    ),
    Field(
        "related",
        build=lambda values, related, pk, page_url: related.related[pk],
        csv=[("related", joined)],
        schema=serializers.ListField(child=serializers.IntegerField(), help_text="Ids of related published events."),
    ),
    own("updated_at"),
    own("description", detail_only=True),
]


def _columns(fields):
    return tuple(column for f in fields for column in f.columns)


LIST_FIELDS = [f for f in FIELDS if not f.detail_only]
LIST_COLUMNS = _columns(LIST_FIELDS)  # what a list or CSV reads of each event's row
DETAIL_COLUMNS = _columns(FIELDS)
CSV_COLUMNS = [column for f in LIST_FIELDS for column, _write in f.csv]


def _serializer(name, fields, doc):
    return type(name, (serializers.Serializer,), {"__doc__": doc, **{f.name: f.schema for f in fields}})


EventOut = _serializer("EventOut", LIST_FIELDS, "A published event with everything a reader needs, as lists give it.")
EventDetailOut = _serializer(
    "EventDetailOut", FIELDS, "A published event as its detail gives it, with its full account."
)
