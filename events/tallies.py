"""The counts behind /api/v1/stats/ (models/tally.py), kept by database triggers.

Why triggers, as for the search documents (events/search_index.py): the events, their links to apps
and the apps' owners are written by the admin, the importers' bulk inserts, COPY and raw SQL alike;
a trigger sees every such write in the transaction that makes it, and nothing can forget to count.

Two steps, the same on both databases:

1. A write that can change what an event counts for (its country, kind, status, start, owner or
   publication; a link to an app; an app's owner) *refreshes* the event: its parts are deleted and
   written again from the event as it is now (PARTS).
2. Triggers on the parts add each inserted part to its eleven cells and take each deleted part
   from them (CELLS), so the counts are always the sum of the parts.

PostgreSQL: statement-level triggers with transition tables, so that an import of ten thousand
events counts them in one set-based statement per table. Concurrent writers: a refresh first locks
its events' rows (FOR UPDATE, in id order), so two refreshes of one event run one after the other
and the second reads what the first committed (each statement of a PL/pgSQL function reads the
latest committed rows); a link share-locks its apps, so an owner change of the app made meanwhile
is waited for, then read. The cells are updated by INSERT ... ON CONFLICT in key order: increments
commute, and two writers take the cells' locks in the same order. SQLite: row triggers (its writers
are serialised by the database lock).

The tables are made by migration 0014; the functions and triggers are (re)made after every
`migrate` by `install`, and `manage.py rebuild_tallies` counts everything again.
"""

from django.db import connections, transaction

from .models.review import ReviewState

# The columns of an event whose change can change what it counts for.
EVENT_COLUMNS = ["country_id", "kind", "status", "started_on", "owner_id", "review_state"]
PART_COLUMNS = "event_id, app_id, owner_id, country, kind, status, year"
CELL_COLUMNS = "app_id, owner_id, country, kind, status, year"

# What the chosen events count for: themselves, each app, each distinct owner (named, or owning
# one of the apps). `{chosen}` is a condition on `e.id` (a set to join, for the reason given in
# search_index.py); `{year}` the start's year in the dialect.
PARTS = f"""
SELECT e.id, 0, 0, e.country_id, e.kind, e.status, {{year}}
FROM events_event e WHERE e.review_state = '{ReviewState.PUBLISHED.value}' AND {{chosen}}
UNION ALL
SELECT e.id, ea.app_id, 0, e.country_id, e.kind, e.status, {{year}}
FROM events_event e JOIN events_event_apps ea ON ea.event_id = e.id
WHERE e.review_state = '{ReviewState.PUBLISHED.value}' AND {{chosen}}
UNION ALL
SELECT * FROM (
    SELECT e.id, 0, e.owner_id, e.country_id, e.kind, e.status, {{year}}
    FROM events_event e
    WHERE e.owner_id IS NOT NULL AND e.review_state = '{ReviewState.PUBLISHED.value}' AND {{chosen}}
    UNION
    SELECT e.id, 0, a.owner_id, e.country_id, e.kind, e.status, {{year}}
    FROM events_event e JOIN events_event_apps ea ON ea.event_id = e.id JOIN events_app a ON a.id = ea.app_id
    WHERE a.owner_id IS NOT NULL AND e.review_state = '{ReviewState.PUBLISHED.value}' AND {{chosen}}
) owners
"""

# The cells of each part `p`: bit 1 of a mask makes the country "any", 2 the kind, 4 the status,
# 8 the year. Only cells with at most two of the four given (eleven of the sixteen masks): at a
# million events the cells with three or four given were 3.9 of 5.1 million rows (about 420 MB)
# and serve only requests that filter on three of them, which events/stats.py counts from the
# events instead.
MASKS = "(VALUES " + ", ".join(f"({mask})" for mask in range(16) if mask.bit_count() >= 2) + ") m"
CELL = (
    "{p}app_id, {p}owner_id, "
    "CASE WHEN (m.column1 & 1) = 0 THEN {p}country ELSE '' END, "
    "CASE WHEN (m.column1 & 2) = 0 THEN {p}kind ELSE '' END, "
    "CASE WHEN (m.column1 & 4) = 0 THEN {p}status ELSE '' END, "
    "CASE WHEN (m.column1 & 8) = 0 THEN {p}year ELSE 0 END"
)
ADD_UP = f"ON CONFLICT ({CELL_COLUMNS}) DO UPDATE SET events = events_tally.events + EXCLUDED.events"


def postgres_cells(rows, sign):
    """The statement that adds the parts in transition table `rows` to their cells, in key order."""
    cell = CELL.format(p="p.")
    return (
        f"INSERT INTO events_tally ({CELL_COLUMNS}, events) SELECT {cell}, {sign} * count(*) "
        f"FROM {rows} p CROSS JOIN {MASKS} WHERE true GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6 {ADD_UP}"
    )


POSTGRES_YEAR = "extract(year FROM e.started_on)::smallint"
POSTGRES_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION events_tally_refresh(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF ids IS NULL THEN
        TRUNCATE events_tallypart, events_tally;
        INSERT INTO events_tallypart ({PART_COLUMNS}) {PARTS.format(year=POSTGRES_YEAR, chosen="true")};
        RETURN;
    END IF;
    PERFORM 1 FROM events_event WHERE id IN (SELECT unnest(ids)) ORDER BY id FOR UPDATE;
    DELETE FROM events_tallypart WHERE event_id IN (SELECT unnest(ids));
    INSERT INTO events_tallypart ({PART_COLUMNS})
        {PARTS.format(year=POSTGRES_YEAR, chosen="e.id IN (SELECT unnest(ids))")};
END $$;

CREATE OR REPLACE FUNCTION events_tally_event_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM events_tallypart WHERE event_id IN (SELECT id FROM old_rows);
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM events_tally_refresh(ARRAY(SELECT id FROM new_rows));
    ELSE
        PERFORM events_tally_refresh(ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE ({", ".join(f"n.{c}" for c in EVENT_COLUMNS)})
                IS DISTINCT FROM ({", ".join(f"o.{c}" for c in EVENT_COLUMNS)})
        ));
    END IF;
    RETURN NULL;
END $$;

-- DELETE, not TRUNCATE: `manage.py flush` truncates the tally tables in the same statement.
CREATE OR REPLACE FUNCTION events_tally_event_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM events_tallypart;
    DELETE FROM events_tally;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION events_tally_apps_linked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM 1 FROM events_app WHERE id IN (SELECT app_id FROM new_rows) ORDER BY id FOR SHARE;
        PERFORM events_tally_refresh(ARRAY(SELECT DISTINCT event_id FROM new_rows));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM 1 FROM events_app WHERE id IN (SELECT app_id FROM new_rows) ORDER BY id FOR SHARE;
        PERFORM events_tally_refresh(ARRAY(SELECT event_id FROM new_rows UNION SELECT event_id FROM old_rows));
    ELSE
        PERFORM events_tally_refresh(ARRAY(SELECT DISTINCT event_id FROM old_rows));
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION events_tally_app_owned() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM events_tally_refresh(ARRAY(
        SELECT DISTINCT ea.event_id FROM events_event_apps ea
        JOIN new_rows n ON n.id = ea.app_id JOIN old_rows o ON o.id = n.id
        WHERE n.owner_id IS DISTINCT FROM o.owner_id
    ));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION events_tally_part_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {postgres_cells("new_rows", 1)};
    ELSE
        {postgres_cells("old_rows", -1)};
    END IF;
    RETURN NULL;
END $$;
"""

# (name, table, when, transition tables, function)
POSTGRES_TRIGGERS = [
    ("events_tally_event_insert", "events_event", "AFTER INSERT", "NEW TABLE AS new_rows", "event_written"),
    (
        "events_tally_event_update",
        "events_event",
        "AFTER UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "event_written",
    ),
    ("events_tally_event_delete", "events_event", "AFTER DELETE", "OLD TABLE AS old_rows", "event_written"),
    ("events_tally_event_truncate", "events_event", "AFTER TRUNCATE", "", "event_truncated"),
    ("events_tally_apps_insert", "events_event_apps", "AFTER INSERT", "NEW TABLE AS new_rows", "apps_linked"),
    ("events_tally_apps_delete", "events_event_apps", "AFTER DELETE", "OLD TABLE AS old_rows", "apps_linked"),
    (
        "events_tally_apps_update",
        "events_event_apps",
        "AFTER UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "apps_linked",
    ),
    (
        "events_tally_app_update",
        "events_app",
        "AFTER UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "app_owned",
    ),
    ("events_tally_part_insert", "events_tallypart", "AFTER INSERT", "NEW TABLE AS new_rows", "part_written"),
    ("events_tally_part_delete", "events_tallypart", "AFTER DELETE", "OLD TABLE AS old_rows", "part_written"),
]

SQLITE_YEAR = "CAST(strftime('%Y', e.started_on) AS INTEGER)"


def _sqlite_refresh(events):
    """Trigger statements that count again the events whose ids `events` (SQL) selects."""
    parts = PARTS.format(year=SQLITE_YEAR, chosen=f"e.id IN ({events})")
    return (
        f"DELETE FROM events_tallypart WHERE event_id IN ({events}); "
        f"INSERT INTO events_tallypart ({PART_COLUMNS}) {parts};"
    )


def _sqlite_cells(row, sign):
    cell = CELL.format(p=f"{row}.")
    return f"INSERT INTO events_tally ({CELL_COLUMNS}, events) SELECT {cell}, {sign} FROM {MASKS} WHERE true {ADD_UP};"


SQLITE_TRIGGERS = [
    ("events_tally_event_insert", f"AFTER INSERT ON events_event BEGIN {_sqlite_refresh('NEW.id')} END"),
    (
        "events_tally_event_update",
        "AFTER UPDATE ON events_event WHEN "
        + " OR ".join(f"NEW.{column} IS NOT OLD.{column}" for column in EVENT_COLUMNS)
        + f" BEGIN DELETE FROM events_tallypart WHERE event_id = OLD.id; {_sqlite_refresh('NEW.id')} END",
    ),
    (
        "events_tally_event_delete",
        "AFTER DELETE ON events_event BEGIN DELETE FROM events_tallypart WHERE event_id = OLD.id; END",
    ),
    ("events_tally_apps_insert", f"AFTER INSERT ON events_event_apps BEGIN {_sqlite_refresh('NEW.event_id')} END"),
    ("events_tally_apps_delete", f"AFTER DELETE ON events_event_apps BEGIN {_sqlite_refresh('OLD.event_id')} END"),
    (
        "events_tally_apps_update",
        "AFTER UPDATE ON events_event_apps BEGIN "
        + _sqlite_refresh("OLD.event_id")
        + " "
        + _sqlite_refresh("NEW.event_id")
        + " END",
    ),
    (
        "events_tally_app_update",
        "AFTER UPDATE OF owner_id ON events_app WHEN NEW.owner_id IS NOT OLD.owner_id BEGIN "
        + _sqlite_refresh("SELECT event_id FROM events_event_apps WHERE app_id = NEW.id")
        + " END",
    ),
    ("events_tally_part_insert", f"AFTER INSERT ON events_tallypart BEGIN {_sqlite_cells('NEW', 1)} END"),
    ("events_tally_part_delete", f"AFTER DELETE ON events_tallypart BEGIN {_sqlite_cells('OLD', -1)} END"),
]


def install(using="default", rebuild_all=False, **kwargs):
    """After `migrate`: the functions and triggers as this code defines them, and everything
    counted again when asked or when the parts do not match the published events one for one (the
    first install, or a SQLite table rebuilt by a migration, which drops its triggers)."""
    connection = connections[using]
    if "events_tallypart" not in connection.introspection.table_names():
        return  # migrated back to before the tallies, or not yet there
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_FUNCTIONS)
            for name, table, when, referencing, function in POSTGRES_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                referencing = f"REFERENCING {referencing}" if referencing else ""
                cursor.execute(
                    f"CREATE TRIGGER {name} {when} ON {table} {referencing} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION events_tally_{function}()"
                )
        else:
            for name, body in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(f"CREATE TRIGGER {name} {body}")
        cursor.execute(
            "SELECT (SELECT count(*) FROM events_event WHERE review_state = %s)"
            " - (SELECT count(*) FROM events_tallypart WHERE app_id = 0 AND owner_id = 0)",
            [ReviewState.PUBLISHED],
        )
        if rebuild_all or cursor.fetchone()[0]:
            rebuild(using)


def rebuild(using="default"):
    """Every published event counted again, in one statement per table."""
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT events_tally_refresh(NULL)")
        else:
            cursor.execute("DELETE FROM events_tallypart")
            cursor.execute("DELETE FROM events_tally")
            parts = PARTS.format(year=SQLITE_YEAR, chosen="true")
            cursor.execute(f"INSERT INTO events_tallypart ({PART_COLUMNS}) {parts}")
