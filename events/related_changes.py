"""A counter of writes to the links between related events, for the data version (freshness.py).

The links (`events_event_related`) have no history rows, so the data version counted them and took
their newest id: a count that read all 60,000 links of a million events, 7 ms of every request. A
trigger now adds one to `events_related_changes` (one row, made by migration 0015) in the
transaction of any insert, update, delete or truncate of the links, so the version reads one row,
and a reader sees the new value exactly when it sees the links it counts. Its lock makes writers of
links wait for each other's commit; they are editors linking events by hand, and rare.

The triggers are (re)made after every `migrate` by `install` (a SQLite table rebuild drops them).
"""

from django.db import connections

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION events_related_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE events_related_changes SET changes = changes + 1;
    RETURN NULL;
END $$;
"""
SQLITE_OPERATIONS = ["INSERT", "UPDATE", "DELETE"]


def install(using="default", **kwargs):
    connection = connections[using]
    if "events_related_changes" not in connection.introspection.table_names():
        return  # migrated back to before the counter, or not yet there
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_FUNCTION)
            cursor.execute("DROP TRIGGER IF EXISTS events_related_changed ON events_event_related")
            cursor.execute(
                "CREATE TRIGGER events_related_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                "ON events_event_related FOR EACH STATEMENT EXECUTE FUNCTION events_related_changed()"
            )
        else:
            for operation in SQLITE_OPERATIONS:
                name = f"events_related_{operation.lower()}"
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                body = "BEGIN UPDATE events_related_changes SET changes = changes + 1; END"
                cursor.execute(f"CREATE TRIGGER {name} AFTER {operation} ON events_event_related {body}")
