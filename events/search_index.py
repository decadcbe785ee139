"""The search documents of events (events/search.py reads them), kept by database triggers.

Why triggers: an event's document holds words from five tables (the event, its country, owner,
authority and apps), and those rows are written by the admin, the importers' bulk inserts, the
benchmark's COPY and raw SQL alike. A trigger sees every one of those writes in the transaction
that makes it, where Python signals would see only some; a rename of an app rewrites the documents
of its events in the same statement.

PostgreSQL: `events_event_search(event_id, document tsvector)` with a GIN index; statement-level
triggers with transition tables, so that an import of ten thousand rows rewrites their documents
in one set-based statement. A concurrent rename and link cannot leave an old name behind: the
triggers that read a name take a share lock on its row, so the rename waits for the link (and then
sees it) or the link waits for the rename (and then reads the new name); a link likewise locks its
event's row against an edit made at the same time. SQLite: an FTS5 table
whose rowid is the event's id, kept by row triggers.

The table and its indexes are made by migration 0012; the functions and triggers are (re)made
after every `migrate` by `install`, so that a change here reaches every database, and a table that
SQLite's migrations rebuild (dropping its triggers) gets them back. `manage.py rebuild_search`
writes every document again.
"""

from django.db import connections, transaction

# The columns of an event whose change rewrites its document.
EVENT_COLUMNS = [
    "title",
    "summary",
    "description",
    "stated_reason",
    "legal_basis",
    "scope",
    "country_id",
    "owner_id",
    "authority_id",
]

# A description's first 100,000 characters are searched: PostgreSQL refuses a tsvector over 1 MB,
# and an event's save must never fail on the length of its account.
# `{chosen}` is a condition on e.id, in two texts: all events, or those whose ids are given as a
# set to join (`IN (SELECT unnest(ids))`), which PostgreSQL looks up in the key's index whatever
# their number. `ids IS NULL OR e.id = ANY (ids)` read every event for each call (the function's
# one plan must serve both), and `= ANY` checks each row against the whole array: at a million
# events one event's save took 0.4 to 1.3 s, an update of 10,000 events 37 s.
POSTGRES_DOCUMENTS = """
    SELECT e.id,
        setweight(to_tsvector('english', concat_ws(' ', e.title, c.name, o.name, a.names)), 'A')
        || setweight(to_tsvector('english', concat_ws(' ', e.summary, e.scope, au.name)), 'B')
        || setweight(to_tsvector('english', concat_ws(' ', e.stated_reason, e.legal_basis)), 'C')
        || setweight(to_tsvector('english', left(e.description, 100000)), 'D')
    FROM events_event e
    JOIN events_country c ON c.code = e.country_id
    LEFT JOIN events_owner o ON o.id = e.owner_id
    LEFT JOIN events_authority au ON au.id = e.authority_id
    LEFT JOIN LATERAL (
        SELECT string_agg(p.name, ' ' ORDER BY p.name) AS names
        FROM events_event_apps ea JOIN events_app p ON p.id = ea.app_id
        WHERE ea.event_id = e.id
    ) a ON true
    WHERE {chosen}
"""
POSTGRES_WRITE = "INSERT INTO events_event_search (event_id, document) {documents}"
POSTGRES_FUNCTIONS = (
    """
DROP FUNCTION IF EXISTS events_search_documents(bigint[]);

CREATE OR REPLACE FUNCTION events_search_refresh(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF ids IS NULL THEN
        """
    + POSTGRES_WRITE.format(documents=POSTGRES_DOCUMENTS.format(chosen="true"))
    + """
        ON CONFLICT (event_id) DO UPDATE SET document = EXCLUDED.document;
    ELSE
        """
    + POSTGRES_WRITE.format(documents=POSTGRES_DOCUMENTS.format(chosen="e.id IN (SELECT unnest(ids))"))
    + """
        ON CONFLICT (event_id) DO UPDATE SET document = EXCLUDED.document;
    END IF;
END $$;

"""
    + """CREATE OR REPLACE FUNCTION events_search_event_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM events_event_search WHERE event_id IN (SELECT id FROM old_rows);
        RETURN NULL;
    END IF;
    PERFORM 1 FROM events_country WHERE code IN (SELECT country_id FROM new_rows) FOR SHARE;
    PERFORM 1 FROM events_owner WHERE id IN (SELECT owner_id FROM new_rows) FOR SHARE;
    PERFORM 1 FROM events_authority WHERE id IN (SELECT authority_id FROM new_rows) FOR SHARE;
    IF TG_OP = 'INSERT' THEN
        PERFORM events_search_refresh(ARRAY(SELECT id FROM new_rows));
    ELSE
        PERFORM events_search_refresh(ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE ({new}) IS DISTINCT FROM ({old})
        ));
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION events_search_event_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE events_event_search;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION events_search_apps_linked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The events' rows too: an edit of an event made meanwhile is waited for, then read.
    IF TG_OP = 'INSERT' THEN
        PERFORM 1 FROM events_app WHERE id IN (SELECT app_id FROM new_rows) FOR SHARE;
        PERFORM 1 FROM events_event WHERE id IN (SELECT event_id FROM new_rows) FOR SHARE;
        PERFORM events_search_refresh(ARRAY(SELECT DISTINCT event_id FROM new_rows));
    ELSE
        PERFORM 1 FROM events_event WHERE id IN (SELECT event_id FROM old_rows) FOR SHARE;
        PERFORM events_search_refresh(ARRAY(SELECT DISTINCT event_id FROM old_rows));
    END IF;
    RETURN NULL;
END $$;

""".format(
        new=", ".join(f"n.{column}" for column in EVENT_COLUMNS),
        old=", ".join(f"o.{column}" for column in EVENT_COLUMNS),
    )
)

# A rename rewrites the documents of the events that carry the name: (table, its key, the events'
# ids given the renamed rows `n`).
RENAMES = [
    ("app", "id", "SELECT DISTINCT ea.event_id FROM events_event_apps ea JOIN new_rows n ON n.id = ea.app_id"),
    ("country", "code", "SELECT e.id FROM events_event e JOIN new_rows n ON n.code = e.country_id"),
    ("owner", "id", "SELECT e.id FROM events_event e JOIN new_rows n ON n.id = e.owner_id"),
    ("authority", "id", "SELECT e.id FROM events_event e JOIN new_rows n ON n.id = e.authority_id"),
]
POSTGRES_FUNCTIONS += "".join(
    f"""
CREATE OR REPLACE FUNCTION events_search_{table}_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM events_search_refresh(ARRAY(
        {events} JOIN old_rows o ON o.{key} = n.{key} WHERE n.name IS DISTINCT FROM o.name
    ));
    RETURN NULL;
END $$;
"""
    for table, key, events in RENAMES
)
# A name added after the rows that name it (foreign keys are checked only at commit, and loaddata
# or an importer may write an event before its country, a link before its app) completes their
# documents, which the inner joins above had to leave without it.
POSTGRES_FUNCTIONS += "".join(
    f"""
CREATE OR REPLACE FUNCTION events_search_{table}_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM events_search_refresh(ARRAY({events}));
    RETURN NULL;
END $$;
"""
    for table, _key, events in RENAMES
)

# (name, table, when and what, function)
POSTGRES_TRIGGERS = [
    ("events_search_event_insert", "events_event", "AFTER INSERT", "NEW TABLE AS new_rows", "event_written"),
    (
        "events_search_event_update",
        "events_event",
        "AFTER UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "event_written",
    ),
    ("events_search_event_delete", "events_event", "AFTER DELETE", "OLD TABLE AS old_rows", "event_written"),
    ("events_search_event_truncate", "events_event", "AFTER TRUNCATE", "", "event_truncated"),
    ("events_search_apps_insert", "events_event_apps", "AFTER INSERT", "NEW TABLE AS new_rows", "apps_linked"),
    ("events_search_apps_delete", "events_event_apps", "AFTER DELETE", "OLD TABLE AS old_rows", "apps_linked"),
    *(
        (
            f"events_search_{table}_rename",
            f"events_{table}",
            "AFTER UPDATE",
            "OLD TABLE AS old_rows NEW TABLE AS new_rows",
            f"{table}_renamed",
        )
        for table, _key, _events in RENAMES
    ),
    *(
        (f"events_search_{table}_add", f"events_{table}", "AFTER INSERT", "NEW TABLE AS new_rows", f"{table}_added")
        for table, _key, _events in RENAMES
    ),
]

SQLITE_COLUMNS = ["heading", "summary", "reason", "description"]
SQLITE_DOCUMENTS = """
    SELECT e.id,
        e.title || ' ' || c.name || ' ' || coalesce(o.name, '') || ' ' || coalesce(
            (SELECT group_concat(p.name, ' ') FROM events_event_apps ea
             JOIN events_app p ON p.id = ea.app_id WHERE ea.event_id = e.id), ''),
        e.summary || ' ' || e.scope || ' ' || coalesce(au.name, ''),
        e.stated_reason || ' ' || e.legal_basis,
        substr(e.description, 1, 100000)
    FROM events_event e
    JOIN events_country c ON c.code = e.country_id
    LEFT JOIN events_owner o ON o.id = e.owner_id
    LEFT JOIN events_authority au ON au.id = e.authority_id
"""
SQLITE_WRITE = "INSERT INTO events_event_search (rowid, heading, summary, reason, description)" + SQLITE_DOCUMENTS


def _sqlite_rewrite(events):
    """Trigger statements that write again the documents of the events selected by `events`."""
    return f"DELETE FROM events_event_search WHERE rowid IN ({events}); {SQLITE_WRITE} WHERE e.id IN ({events});"


# The tables whose names an event carries directly: (table, the event's column, their key).
SQLITE_NAMED = [("country", "country_id", "code"), ("owner", "owner_id", "id"), ("authority", "authority_id", "id")]
SQLITE_TRIGGERS = [
    ("events_search_event_insert", f"AFTER INSERT ON events_event BEGIN {SQLITE_WRITE} WHERE e.id = NEW.id; END"),
    (
        "events_search_event_update",
        "AFTER UPDATE ON events_event WHEN "
        + " OR ".join(f"NEW.{column} IS NOT OLD.{column}" for column in EVENT_COLUMNS)
        + " BEGIN DELETE FROM events_event_search WHERE rowid = OLD.id; "
        + f"{SQLITE_WRITE} WHERE e.id = NEW.id; END",
    ),
    (
        "events_search_event_delete",
        "AFTER DELETE ON events_event BEGIN DELETE FROM events_event_search WHERE rowid = OLD.id; END",
    ),
    ("events_search_apps_insert", f"AFTER INSERT ON events_event_apps BEGIN {_sqlite_rewrite('NEW.event_id')} END"),
    ("events_search_apps_delete", f"AFTER DELETE ON events_event_apps BEGIN {_sqlite_rewrite('OLD.event_id')} END"),
    (
        "events_search_app_rename",
        "AFTER UPDATE OF name ON events_app WHEN NEW.name IS NOT OLD.name BEGIN "
        + _sqlite_rewrite("SELECT event_id FROM events_event_apps WHERE app_id = NEW.id")
        + " END",
    ),
    *(
        (
            f"events_search_{table}_rename",
            f"AFTER UPDATE OF name ON events_{table} WHEN NEW.name IS NOT OLD.name BEGIN "
            + _sqlite_rewrite(f"SELECT id FROM events_event WHERE {column} = NEW.{key}")
            + " END",
        )
        for table, column, key in SQLITE_NAMED
    ),
    (
        "events_search_app_add",
        "AFTER INSERT ON events_app BEGIN "
        + _sqlite_rewrite("SELECT event_id FROM events_event_apps WHERE app_id = NEW.id")
        + " END",
    ),
    *(
        (
            f"events_search_{table}_add",
            f"AFTER INSERT ON events_{table} BEGIN "
            + _sqlite_rewrite(f"SELECT id FROM events_event WHERE {column} = NEW.{key}")
            + " END",
        )
        for table, column, key in SQLITE_NAMED
    ),
]


def install(using="default", rebuild_all=False, **kwargs):
    """After `migrate`: the functions and triggers as this code defines them, and every document
    written again when asked or when the documents do not match the events one for one (the first
    install, or a SQLite table rebuilt by a migration, which drops its triggers)."""
    connection = connections[using]
    if "events_event_search" not in connection.introspection.table_names():
        return  # migrated back to before the search table, or not yet there
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_FUNCTIONS)
            for name, table, when, referencing, function in POSTGRES_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                referencing = f"REFERENCING {referencing}" if referencing else ""
                cursor.execute(
                    f"CREATE TRIGGER {name} {when} ON {table} {referencing} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION events_search_{function}()"
                )
        else:
            for name, body in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(f"CREATE TRIGGER {name} {body}")
        cursor.execute("SELECT (SELECT count(*) FROM events_event) - (SELECT count(*) FROM events_event_search)")
        if rebuild_all or cursor.fetchone()[0]:
            rebuild(using)


def rebuild(using="default"):
    """Every event's document written again, in one statement."""
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE events_event_search")
            cursor.execute("SELECT events_search_refresh(NULL)")
        else:
            cursor.execute("DELETE FROM events_event_search")
            cursor.execute(SQLITE_WRITE)
