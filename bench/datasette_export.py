"""The same published events, denormalised into one SQLite table for Datasette, and Datasette itself.

    .venv/bin/python bench/datasette_export.py postgres://postgres@127.0.0.1:5432/tracker_bench_10000 out.db

One row an event: its country code and name, its apps' slugs and names as text, its authority, its
dates and words, with indexes on the columns the benchmark filters and sorts on. This is how
Datasette is meant to publish a dataset (one wide table), so it is the fair peer to compare with.
Datasette runs from its own virtualenv (var/bench/datasette-venv), made on first use.
"""

import argparse
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
DATASETTE_VERSION = "0.65.5"
DATASETTE_VENV = ROOT / "var" / "bench" / "datasette-venv"

COLUMNS = [
    ("id", "INTEGER PRIMARY KEY"),
    ("title", "TEXT"),
    ("country_code", "TEXT"),
    ("country_name", "TEXT"),
    ("app_slugs", "TEXT"),
    ("app_names", "TEXT"),
    ("owner_slug", "TEXT"),
    ("authority_slug", "TEXT"),
    ("authority_name", "TEXT"),
    ("kind", "TEXT"),
    ("status", "TEXT"),
    ("started_on", "TEXT"),
    ("started_precision", "TEXT"),
    ("ended_on", "TEXT"),
    ("ended_precision", "TEXT"),
    ("stated_reason", "TEXT"),
    ("summary", "TEXT"),
    ("description", "TEXT"),
    ("source_urls", "TEXT"),
    ("updated_at", "TEXT"),
]
SELECT = """
SELECT e.id, e.title, e.country_id, c.name,
       (SELECT string_agg(a.slug, ' ' ORDER BY a.name) FROM events_event_apps ea
          JOIN events_app a ON a.id = ea.app_id WHERE ea.event_id = e.id),
       (SELECT string_agg(a.name, '; ' ORDER BY a.name) FROM events_event_apps ea
          JOIN events_app a ON a.id = ea.app_id WHERE ea.event_id = e.id),
       o.slug, au.slug, au.name, e.kind, e.status, e.started_on::text, e.started_precision, e.ended_on::text,
       e.ended_precision, e.stated_reason, e.summary, e.description,
       (SELECT string_agg(s.url, ' ' ORDER BY s.id) FROM events_event_sources es
          JOIN events_source s ON s.id = es.source_id WHERE es.event_id = e.id),
       e.updated_at::text
  FROM events_event e
  JOIN events_country c ON c.code = e.country_id
  LEFT JOIN events_owner o ON o.id = e.owner_id
  LEFT JOIN events_authority au ON au.id = e.authority_id
 WHERE e.review_state = 'published'
"""
# Each index names the benchmark query it serves, as the tracker's own do.
INDEXES = [
    "CREATE INDEX events_started ON events (started_on DESC)",  # the list, newest first; deep pages
    "CREATE INDEX events_country_started ON events (country_code, started_on DESC)",  # ?country_code=RU
    "CREATE INDEX events_ended_started ON events (ended_on, started_on)",  # "active on D"
    "CREATE INDEX events_country_code ON events (country_code)",  # counts by country
]
# Datasette's own full-text search (?_search=), configured as its documentation says (what
# sqlite-utils enable-fts makes): an FTS5 table over the searched columns with the events as its
# content, Porter stemming as the tracker's English stemming.
SEARCHED = ["title", "summary", "description", "stated_reason", "country_name", "app_names", "authority_name"]
FULL_TEXT = [
    f"CREATE VIRTUAL TABLE events_fts USING fts5({', '.join(SEARCHED)}, content='events', content_rowid='id', "
    "tokenize='porter unicode61')",
    "INSERT INTO events_fts (events_fts) VALUES ('rebuild')",
]
VERSION = 2  # of the file's shape: 2 added the full-text search


def export(dsn, path):
    """Write the SQLite file at `path` (atomically: a half-written file is never left behind)."""
    started = time.monotonic()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    target = sqlite3.connect(partial)
    target.execute("PRAGMA journal_mode = OFF")
    target.execute("PRAGMA synchronous = OFF")
    target.execute(f"CREATE TABLE events ({', '.join(f'{name} {kind}' for name, kind in COLUMNS)})")
    insert = f"INSERT INTO events VALUES ({', '.join('?' * len(COLUMNS))})"
    with psycopg2.connect(dsn) as source:
        cursor = source.cursor(name="export")  # server-side: rows arrive in batches, memory stays flat
        cursor.itersize = 20_000
        cursor.execute(SELECT)
        rows = 0
        while batch := cursor.fetchmany(20_000):
            target.executemany(insert, batch)
            rows += len(batch)
        cursor.close()
    for statement in INDEXES + FULL_TEXT:
        target.execute(statement)
    target.commit()
    target.execute("ANALYZE")
    target.close()
    os.replace(partial, path)
    return rows, time.monotonic() - started


def datasette_binary():
    """Datasette from its own virtualenv, installed on first use (pip, bounded in time)."""
    binary = DATASETTE_VENV / "bin" / "datasette"
    marker = DATASETTE_VENV / f".installed-{DATASETTE_VERSION}"
    if not marker.exists():
        print(f"installing datasette=={DATASETTE_VERSION} into {DATASETTE_VENV}", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "-m", "venv", "--clear", DATASETTE_VENV], check=True, timeout=120)
        subprocess.run(
            [DATASETTE_VENV / "bin" / "pip", "install", "--quiet", f"datasette=={DATASETTE_VERSION}"],
            check=True,
            timeout=600,
        )
        marker.touch()
    return binary


def datasette_argv(db_path, port):
    """Datasette as it is run in production: immutable file, facets and suggestions off, count on.

    The SQL time limit is raised so that the count of a large filtered table is always given, as
    the tracker always gives it (Datasette's default of 1 s would drop it at 1M events).
    """
    return [
        str(datasette_binary()),
        "serve",
        "--immutable",
        str(db_path),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--setting",
        "default_page_size",
        "100",
        "--setting",
        "suggest_facets",
        "off",
        "--setting",
        "allow_facet",
        "off",
        "--setting",
        "sql_time_limit_ms",
        "30000",
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url", help="the PostgreSQL database made by bench/datagen.py")
    parser.add_argument("sqlite_path", help="where to write the SQLite file")
    args = parser.parse_args()
    dsn = args.database_url.replace("postgres://", "postgresql://", 1)
    rows, seconds = export(dsn, args.sqlite_path)
    print(f"{rows:,} events written to {args.sqlite_path} in {seconds:.1f} s")


if __name__ == "__main__":
    main()
