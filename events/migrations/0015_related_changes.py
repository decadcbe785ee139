"""The counter of writes to the links between related events (events/related_changes.py), which
the data version reads instead of counting the links; its triggers are made after migrate."""

from django.db import migrations


def drop(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute("DROP TRIGGER IF EXISTS events_related_changed ON events_event_related")
        schema_editor.execute("DROP FUNCTION IF EXISTS events_related_changed()")
    else:
        for operation in ["insert", "update", "delete"]:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS events_related_{operation}")
    schema_editor.execute("DROP TABLE events_related_changes")


def create(apps, schema_editor):
    schema_editor.execute("CREATE TABLE events_related_changes (changes bigint NOT NULL)")
    schema_editor.execute("INSERT INTO events_related_changes (changes) VALUES (0)")


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0014_tallies"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
