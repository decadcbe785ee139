"""An event's JSON, its CSV and its schema come from one declaration (events/api/shape.py) and agree."""

import csv
import io

import pytest
import yaml

from events.api import shape
from events.models import Event
from tests.factories import EventFactory, StatementFactory

pytestmark = pytest.mark.django_db

# Model fields that are bookkeeping of the workflow, not part of what an event says.
NOT_PUBLIC = {"review_state", "import_key", "revision", "created_at"}


@pytest.fixture
def event():
    event = EventFactory(description="The full account.")
    StatementFactory(event=event)
    return event


def schema_properties(client, name):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    return list(schema["components"]["schemas"][name]["properties"])


def test_every_public_field_of_the_model_is_in_the_shape():
    names = {spec.name for spec in shape.FIELDS}
    model_fields = {f.name for f in Event._meta.get_fields() if not f.auto_created or f.name == "id"}
    model_fields -= {f.name for f in Event._meta.related_objects}
    missing = model_fields - NOT_PUBLIC - names - {"history"}
    assert not missing, f"add these to events/api/shape.py: {sorted(missing)}"


def test_list_records_the_csv_and_the_schema_name_the_same_fields_in_the_same_order(client, event):
    names = [spec.name for spec in shape.LIST_FIELDS]
    (record,) = client.get("/api/v1/events/").json()["results"]
    assert list(record) == names
    assert schema_properties(client, "EventOut") == names
    text = b"".join(client.get("/api/v1/events/?format=csv").streaming_content).decode()
    reader = csv.reader(io.StringIO(text))
    assert next(reader) == shape.CSV_COLUMNS
    assert [len(row) for row in reader] == [len(shape.CSV_COLUMNS)]


def test_the_detail_adds_exactly_the_detail_fields(client, event):
    record = client.get(f"/api/v1/events/{event.pk}/").json()
    assert list(record) == [spec.name for spec in shape.FIELDS]
    assert schema_properties(client, "EventDetailOut") == list(record)
    assert record["description"] == "The full account."
    assert record["statements"][0]["speaker"] == "Dmitry Peskov"
