"""The restore drill of docs/operations.md, run for real: dump a database with records and their
history using pg_dump's custom format, restore it into a fresh database with pg_restore, and find
every table (history included) and every sequence identical, and the schema current.
"""

import subprocess
import tempfile
from pathlib import Path

import psycopg2
import pytest

from tests.pgcluster import manage, shared_primary, skip_without_postgres

EDIT = """
from events.models import Event
event = Event.objects.order_by("pk").first()
event.summary += " Corrected after review."
event.save()
print(Event.history.filter(history_type="~").count())
"""


def table_fingerprints(url):
    """{table: (row count, md5 of its rows in a fixed order)} and {sequence: last value}."""
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [name for (name,) in cursor.fetchall()]
        fingerprints = {}
        for table in tables:
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM \"{table}\" t"  # noqa: S608 - names from the catalogue
            )
            fingerprints[table] = cursor.fetchone()
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
        sequences = dict(cursor.fetchall())
    connection.close()
    return fingerprints, sequences


def test_a_dump_restores_into_a_fresh_database_with_the_same_records_and_history():
    skip_without_postgres()
    cluster, env = shared_primary()
    assert int(manage(env, "shell", "--no-imports", "-c", EDIT)) >= 1  # an edit, not only creations

    with tempfile.TemporaryDirectory() as directory:
        dump = Path(directory) / "tracker.dump"
        # The commands of docs/operations.md, "Back up" and "Restore".
        cluster.run("pg_dump", "--format=custom", f"--file={dump}", "tracker")
        cluster.run("createdb", "tracker_restored")
        cluster.run("pg_restore", "--no-owner", "--exit-on-error", "--dbname=tracker_restored", str(dump))

    original, original_sequences = table_fingerprints(cluster.url())
    restored, restored_sequences = table_fingerprints(cluster.url("tracker_restored"))
    assert restored == original
    assert restored_sequences == original_sequences
    for table in ("events_event", "events_historicalevent", "events_historicalsource", "events_historicalapp"):
        assert original[table][0] > 0, f"{table} should have rows for the drill to mean anything"

    # The application accepts the restored database as it is: nothing to migrate.
    manage({**env, "DATABASE_URL": cluster.url("tracker_restored")}, "migrate", "--check")


def test_pg_restore_refuses_a_damaged_dump():
    """The drill's tools fail loudly rather than restore half a database."""
    skip_without_postgres()
    cluster, _ = shared_primary()
    with tempfile.TemporaryDirectory() as directory:
        dump = Path(directory) / "damaged.dump"
        cluster.run("pg_dump", "--format=custom", f"--file={dump}", "tracker")
        dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])
        cluster.run("createdb", "tracker_damaged")
        with pytest.raises(subprocess.CalledProcessError):
            cluster.run("pg_restore", "--no-owner", "--exit-on-error", "--dbname=tracker_damaged", str(dump))
