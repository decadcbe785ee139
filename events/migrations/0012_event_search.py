"""Full-text search (events/search.py): the table of search documents and the indexes that serve
the query; the triggers that keep the documents are made after migrate (events/search_index.py).

PostgreSQL: a tsvector per event behind a GIN index, and pg_trgm's GIN indexes on the names that
typos are matched against. SQLite: an FTS5 table whose rowid is the event's id."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

POSTGRES = [
    "CREATE TABLE events_event_search (event_id bigint PRIMARY KEY, document tsvector NOT NULL)",
    "CREATE INDEX event_search_document_gin ON events_event_search USING gin (document)",
    "CREATE INDEX app_name_trgm ON events_app USING gin (name gin_trgm_ops)",
    "CREATE INDEX owner_name_trgm ON events_owner USING gin (name gin_trgm_ops)",
    "CREATE INDEX country_name_trgm ON events_country USING gin (name gin_trgm_ops)",
]
SQLITE = [
    "CREATE VIRTUAL TABLE events_event_search USING fts5("
    "heading, summary, reason, description, tokenize = 'porter unicode61 remove_diacritics 2')",
]
# What events/search_index.py installs, by name, so that migrating back removes it with the table.
TRIGGERS = {
    "events_event": ["event_insert", "event_update", "event_delete", "event_truncate"],
    "events_event_apps": ["apps_insert", "apps_delete"],
    "events_app": ["app_rename", "app_add"],
    "events_country": ["country_rename", "country_add"],
    "events_owner": ["owner_rename", "owner_add"],
    "events_authority": ["authority_rename", "authority_add"],
}
FUNCTIONS = [
    "events_search_documents(bigint[])",
    "events_search_refresh(bigint[])",
    "events_search_event_written()",
    "events_search_event_truncated()",
    "events_search_apps_linked()",
    "events_search_app_renamed()",
    "events_search_country_renamed()",
    "events_search_owner_renamed()",
    "events_search_authority_renamed()",
    "events_search_app_added()",
    "events_search_country_added()",
    "events_search_owner_added()",
    "events_search_authority_added()",
]


def create(apps, schema_editor):
    for statement in POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for table, names in TRIGGERS.items():
        for name in names:
            on = f" ON {table}" if postgres else ""
            schema_editor.execute(f"DROP TRIGGER IF EXISTS events_search_{name}{on}")
    if postgres:
        for function in FUNCTIONS:
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}")
        for index in ["app_name_trgm", "owner_name_trgm", "country_name_trgm"]:
            schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
    schema_editor.execute("DROP TABLE IF EXISTS events_event_search")


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0011_pair_step_overdue"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create, drop),
    ]
