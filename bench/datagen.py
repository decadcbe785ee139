"""Deterministic bulk generator: N published events with their apps, owners, authorities and evidence.

    .venv/bin/python bench/datagen.py --events 100000
    .venv/bin/python bench/datagen.py --events 1000000 --server postgres://postgres@127.0.0.1:5432

creates (or replaces) the database `tracker_bench_<N>` on the server, migrates it with
`manage.py migrate`, fills it with PostgreSQL COPY and ANALYZEs it. The same --events and --seed
always give the same rows. `bench/speed.py` calls `prepare_database()` on a cluster of its own.

Distributions (see docs/performance.md): all 249 countries with a Zipf skew (Russia, Iran, China...
first); a few hundred apps, also skewed (WhatsApp, Telegram... first); start dates 2010 to 2026,
more of them recent; about 30% lifted with end dates; 1-3 apps, 1-3 sources (shared between nearby
events), 0-2 statements; 3% related to an earlier event in the same country; all published.
"""

import argparse
import datetime
import io
import itertools
import random
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import psycopg2.extras

ROOT = Path(__file__).resolve().parent.parent
GENERATOR_VERSION = 1  # bump when the rows change, so that kept databases are regenerated
CHUNK = 50_000  # events per COPY round: bounds the memory whatever N is

FIRST_COUNTRIES = [
    "RU",
    "IR",
    "CN",
    "IN",
    "TR",
    "PK",
    "ET",
    "MM",
    "BY",
    "EG",
    "IQ",
    "SY",
    "VN",
    "SA",
    "KZ",
    "UZ",
    "TM",
    "VE",
    "CU",
    "BD",
    "UA",
    "ID",
    "NG",
    "BR",
]
REAL_OWNERS = [
    ("meta", "Meta Platforms"),
    ("google", "Google"),
    ("telegram-fz", "Telegram FZ-LLC"),
    ("apple", "Apple"),
    ("microsoft", "Microsoft"),
    ("bytedance", "ByteDance"),
    ("x-corp", "X Corp."),
    ("signal-foundation", "Signal Technology Foundation"),
    ("rakuten", "Rakuten"),
    ("tencent", "Tencent"),
    ("vk", "VK"),
]
REAL_APPS = [
    ("whatsapp", "WhatsApp", "meta", "messaging"),
    ("telegram", "Telegram", "telegram-fz", "messaging"),
    ("facebook", "Facebook", "meta", "social"),
    ("instagram", "Instagram", "meta", "social"),
    ("youtube", "YouTube", "google", "video"),
    ("x", "X (Twitter)", "x-corp", "social"),
    ("tiktok", "TikTok", "bytedance", "video"),
    ("signal", "Signal", "signal-foundation", "messaging"),
    ("viber", "Viber", "rakuten", "messaging"),
    ("skype", "Skype", "microsoft", "video_calling"),
    ("facetime", "FaceTime", "apple", "video_calling"),
    ("wechat", "WeChat", "tencent", "messaging"),
    ("google-play", "Google Play", "google", "app_store"),
    ("app-store", "App Store", "apple", "app_store"),
    ("max", "MAX", "vk", "messaging"),
]
APP_COUNT, OWNER_COUNT = 300, 120
KINDS = [
    ("full_block", 40, "blocks"),
    ("partial_block", 22, "throttles"),
    ("feature_restriction", 12, "restricts calls on"),
    ("app_store_removal", 6, "has app stores remove"),
    ("legal_designation", 5, "designates the owner of"),
    ("network_shutdown", 10, "shuts down the internet, cutting off"),
    ("other", 5, "acts against"),
]
FEATURES = ["messages", "voice_calls", "video_calls", "media", "app_store", "website", "all"]
REASONS = [
    "to protect national security",
    "to stop the spread of extremist material",
    "during the presidential election",
    "to prevent cheating in national exams",
    "after protests in the capital",
    "for failing to store users' data inside the country",
    "for refusing to remove content the regulator listed",
    "to fight fraud and telephone scams",
    "citing the law on information, information technologies and the protection of information",
    "after a court found the service hosted prohibited content",
    "to stop coordination of unauthorised rallies",
    "without giving a reason",
]
SENTENCES = [
    "Network measurements showed the service unreachable on the main mobile operators within hours.",
    "The regulator said the measure would stay in place until the company complied with local law.",
    "Users reported that messages still went through over circumvention tools and some fixed lines.",
    "The company said it was working to restore access and urged users to update the app.",
    "Rights groups called the decision disproportionate and asked for it to be reversed.",
    "Traffic data from independent observatories confirmed a sharp drop in connections.",
    "The order was published in the official gazette two days after it took effect.",
    "Local media reported long queues at shops selling prepaid VPN subscriptions.",
    "Officials promoted a domestic alternative and said it met every security requirement.",
    "The restriction applied to voice and video calls while text messages kept working.",
    "A court upheld the decision on appeal, citing the risk to public order.",
    "Operators were told to throttle the service to a fraction of its usual speed.",
    "The measure was lifted after the company opened a local office and appointed a representative.",
    "Researchers found the blocking relied on deep packet inspection at the border gateways.",
    "Schools and hospitals reported disruptions to services that depended on the app.",
    "The ministry said it received thousands of complaints about fraud carried out over the service.",
]
SPEAKERS = [
    ("Head of the regulator", "Regulator"),
    ("Presidential spokesperson", "Presidential administration"),
    ("Company spokesperson", "The company"),
    ("Digital rights researcher", "Access Now"),
    ("Member of parliament", "Parliament"),
    ("Minister of digital development", "Ministry of Digital Development"),
]
PUBLISHERS = [
    "Reuters",
    "AP",
    "AFP",
    "BBC",
    "Meduza",
    "Kommersant",
    "Al Jazeera",
    "OONI",
    "NetBlocks",
    "Official gazette",
]
SOURCE_KINDS = ["news"] * 6 + ["official", "court", "company", "measurement"]
LEGAL_BASES = ["", "", "272-FZ", "Law 5651", "Cybercrime Act, section 12", "Decree 1024", "Court order"]
PRECISIONS = [("day", 80), ("estimated", 5), ("month", 10), ("year", 5)]
FIRST_DAY, LAST_DAY = datetime.date(2010, 1, 1), datetime.date(2026, 11, 30)


def zipf_cum_weights(count, exponent=1.0):
    return list(itertools.accumulate(1 / (rank + 1) ** exponent for rank in range(count)))


def copy_rows(cursor, table, columns, rows):
    """COPY rows (tuples of str, int, date or None) in PostgreSQL's text format.

    Generated text never holds tabs, newlines or backslashes, so no escaping is needed.
    """
    buffer = io.StringIO()
    write = buffer.write
    for row in rows:
        write("\t".join(r"\N" if value is None else str(value) for value in row))
        write("\n")
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer, size=1 << 20)


class Generator:
    """Draws every row from one seeded random stream, so a given (N, seed) always gives the same data."""

    def __init__(self, events, seed, countries):
        self.events, self.rnd = events, random.Random(seed)
        rnd = self.rnd
        first = [code for code in FIRST_COUNTRIES if code in countries]
        rest = sorted(set(countries) - set(first))
        rnd.shuffle(rest)
        self.countries = [(code, countries[code]) for code in first + rest]
        self.country_weights = zipf_cum_weights(len(self.countries))
        self.owners = list(REAL_OWNERS) + [
            (f"owner-{i:03d}", f"Owner {i:03d} Holdings") for i in range(len(REAL_OWNERS) + 1, OWNER_COUNT + 1)
        ]
        owner_ids = {slug: i for i, (slug, _name) in enumerate(self.owners, start=1)}
        self.apps = [(slug, name, owner_ids[owner], category) for slug, name, owner, category in REAL_APPS]
        categories = ["messaging", "social", "video_calling", "video", "vpn", "search", "other"]
        for i in range(len(self.apps) + 1, APP_COUNT + 1):
            self.apps.append((f"app-{i:03d}", f"App {i:03d}", rnd.randint(1, OWNER_COUNT), rnd.choice(categories)))
        self.app_weights = zipf_cum_weights(len(self.apps), 1.1)
        self.authorities = []  # (slug, name, kind, country code)
        self.authorities_of = {}
        for rank, (code, _name) in enumerate(self.countries):
            kinds = ["regulator", "court", "executive", "prosecutor", "operator"][: 5 if rank < 25 else 2]
            for kind in kinds:
                self.authorities.append((f"{code.lower()}-{kind}", f"{kind.title()} of {countries[code]}", kind, code))
                self.authorities_of.setdefault(code, []).append(len(self.authorities))
        self.source_count = max(100, int(events * 0.6))
        span = (LAST_DAY - FIRST_DAY).days
        # More events in recent years: the day offset is drawn from a rising triangular density.
        self.day_offsets = [int(rnd.triangular(0, span, span * 0.9)) for _ in range(2048)]

    def reference_rows(self):
        owners = [(i, slug, name, "company", "", "", None, None) for i, (slug, name) in enumerate(self.owners, 1)]
        apps = [
            (i, slug, name, category, "", "", owner) for i, (slug, name, owner, category) in enumerate(self.apps, 1)
        ]
        authorities = [(i, *row[:3], "", "", row[3]) for i, row in enumerate(self.authorities, 1)]
        return owners, apps, authorities

    def source_rows(self):
        rnd = self.rnd
        for i in range(1, self.source_count + 1):
            day = FIRST_DAY + datetime.timedelta(days=rnd.choice(self.day_offsets))
            publisher = rnd.choice(PUBLISHERS)
            archived = f"https://web.archive.org/web/2026/https://news.example.org/{i}" if i % 3 == 0 else ""
            title = f"{publisher}: {rnd.choice(SENTENCES)[:-1]}"
            yield (i, f"https://news.example.org/{i}", title, publisher, day, archived, rnd.choice(SOURCE_KINDS), "en")

    def event_chunks(self):
        """Yield, CHUNK events at a time, the rows of events and of each table that hangs off them."""
        rnd, n = self.rnd, self.events
        kinds, kind_weights = [k for k, _w, _v in KINDS], list(itertools.accumulate(w for _k, w, _v in KINDS))
        verbs = {k: v for k, _w, v in KINDS}
        precisions = [p for p, _w in PRECISIONS]
        precision_weights = list(itertools.accumulate(w for _p, w in PRECISIONS))
        country_range, app_range = range(len(self.countries)), range(1, len(self.apps) + 1)
        last_in_country = {}
        promoted = next(i for i, app in enumerate(self.apps, 1) if app[0] == "max")
        statement_id = link_id = source_link_id = related_id = 0
        for start in range(1, n + 1, CHUNK):
            events, apps, sources, statements, related = [], [], [], [], []
            for event_id in range(start, min(start + CHUNK, n + 1)):
                index = rnd.choices(country_range, cum_weights=self.country_weights)[0]
                code, country_name = self.countries[index]
                kind = rnd.choices(kinds, cum_weights=kind_weights)[0]
                app_ids = sorted(
                    set(rnd.choices(app_range, cum_weights=self.app_weights, k=rnd.choice((1, 1, 1, 2, 2, 3))))
                )
                started = FIRST_DAY + datetime.timedelta(days=rnd.choice(self.day_offsets) + rnd.randrange(60))
                started = min(started, LAST_DAY)
                precision = rnd.choices(precisions, cum_weights=precision_weights)[0]
                if precision == "month":
                    started = started.replace(day=1)
                elif precision == "year":
                    started = started.replace(month=1, day=1)
                roll = rnd.random()
                ended, ended_precision = None, ""
                if roll < 0.30:
                    status = "lifted"
                    ended = min(started + datetime.timedelta(days=1 + int(rnd.expovariate(1 / 120))), LAST_DAY)
                    ended_precision = "day"
                else:
                    status = "announced" if roll < 0.35 else "unknown" if roll < 0.38 else "in_force"
                authority = rnd.choice(self.authorities_of[code]) if rnd.random() < 0.8 else None
                app_names = " and ".join(self.apps[a - 1][1] for a in app_ids)
                reason = rnd.choice(REASONS)
                title = f"{country_name} {verbs[kind]} {app_names}"
                summary = f"{title} {reason}. {rnd.choice(SENTENCES)}"
                description = " ".join(rnd.choice(SENTENCES) for _ in range(rnd.randint(2, 5)))
                features = '["all"]' if kind == "full_block" else f'["{rnd.choice(FEATURES)}"]'
                stamp = datetime.datetime.combine(started, datetime.time(12), tzinfo=datetime.UTC)
                events.append(
                    (event_id, title, kind, features, status, started, precision, ended, ended_precision,
                     None, rnd.choice(LEGAL_BASES), reason, summary, description,
                     rnd.choice((None, None, 10**5, 10**6, 2 * 10**7)), "", "published", None, 1,
                     stamp.isoformat(), stamp.isoformat(), authority, code,
                     promoted if rnd.random() < 0.02 else None,
                     self.apps[app_ids[0] - 1][2] if kind == "legal_designation" else None)
                )  # fmt: skip
                for app_id in app_ids:
                    link_id += 1
                    apps.append((link_id, event_id, app_id))
                # Sources are shared: nearby events (in generation order) cite overlapping documents.
                base = int(event_id * 0.6)
                chosen = sorted(
                    {
                        min(self.source_count, max(1, base + rnd.randrange(-20, 20)))
                        for _ in range(rnd.choice((1, 1, 2, 2, 3)))
                    }
                )
                for source_id in chosen:
                    source_link_id += 1
                    sources.append((source_link_id, event_id, source_id))
                for _ in range(rnd.choice((0, 0, 1, 1, 2))):
                    statement_id += 1
                    speaker, organisation = rnd.choice(SPEAKERS)
                    said = started + datetime.timedelta(days=rnd.randrange(-5, 10))
                    text, source = rnd.choice(SENTENCES), rnd.choice(chosen)
                    statements.append((statement_id, speaker, speaker, organisation, text, said, event_id, source))
                previous = last_in_country.get(code)
                if previous and rnd.random() < 0.03:
                    # Django stores a symmetrical many-to-many in both directions.
                    related.append((related_id + 1, event_id, previous))
                    related.append((related_id + 2, previous, event_id))
                    related_id += 2
                last_in_country[code] = event_id
            yield events, apps, sources, statements, related


EVENT_COLUMNS = [
    "id",
    "title",
    "kind",
    "features",
    "status",
    "started_on",
    "started_precision",
    "ended_on",
    "ended_precision",
    "announced_on",
    "legal_basis",
    "stated_reason",
    "summary",
    "description",
    "users_affected",
    "users_affected_note",
    "review_state",
    "import_key",
    "revision",
    "created_at",
    "updated_at",
    "authority_id",
    "country_id",
    "promoted_alternative_id",
    "owner_id",
]
BULK_TABLES = ["events_event", "events_event_apps", "events_event_sources", "events_statement", "events_event_related"]


def secondary_indexes(cursor, tables):
    """Indexes that back no constraint: dropped before the load and rebuilt after, which is faster."""
    cursor.execute(
        """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
           FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
           WHERE t.relname = ANY(%s) AND NOT i.indisprimary
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
        [tables],
    )
    return cursor.fetchall()


# What a column the generator does not write holds, by type, while the load runs.
EMPTY_BY_TYPE = {
    "character varying": "''",
    "text": "''",
    "jsonb": "'[]'",
    "integer": "0",
    "bigint": "0",
    "boolean": "false",
}


def default_unwritten_columns(cursor, table, written):
    """Give the table's NOT NULL columns that the generator does not write an empty default for the
    load (returned, to drop afterwards): a field added to the model after this generator still loads."""
    cursor.execute(
        """SELECT column_name, data_type FROM information_schema.columns
           WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL""",
        [table],
    )
    missing = [(name, kind) for name, kind in cursor.fetchall() if name not in written]
    for name, kind in missing:
        cursor.execute(f'ALTER TABLE {table} ALTER COLUMN "{name}" SET DEFAULT {EMPTY_BY_TYPE[kind]}')
    return [name for name, _kind in missing]


def fill(dsn, events, seed):
    """Fill a freshly migrated database; returns the row counts."""
    connection = psycopg2.connect(dsn)
    cursor = connection.cursor()
    cursor.execute("SELECT code, name FROM events_country")
    generator = Generator(events, seed, dict(cursor.fetchall()))
    # We write consistent rows ourselves: skipping the foreign-key triggers makes COPY several times faster.
    cursor.execute("SET session_replication_role = replica")
    indexes = secondary_indexes(cursor, [*BULK_TABLES, "events_source"])
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    owners, apps, authorities = generator.reference_rows()
    copy_rows(
        cursor,
        "events_owner",
        ["id", "slug", "name", "kind", "website", "description", "country_id", "parent_id"],
        owners,
    )
    copy_rows(cursor, "events_app", ["id", "slug", "name", "category", "website", "description", "owner_id"], apps)
    copy_rows(
        cursor, "events_authority", ["id", "slug", "name", "kind", "website", "description", "country_id"], authorities
    )
    copy_rows(
        cursor,
        "events_source",
        ["id", "url", "title", "publisher", "published_on", "archived_url", "kind", "language"],
        generator.source_rows(),
    )
    counts = dict.fromkeys(BULK_TABLES, 0)
    defaulted = default_unwritten_columns(cursor, "events_event", EVENT_COLUMNS)
    for tables in generator.event_chunks():
        columns = [
            EVENT_COLUMNS,
            ["id", "event_id", "app_id"],
            ["id", "event_id", "source_id"],
            ["id", "speaker", "role", "organisation", "text", "said_on", "event_id", "source_id"],
            ["id", "from_event_id", "to_event_id"],
        ]
        for table, cols, rows in zip(BULK_TABLES, columns, tables, strict=True):
            copy_rows(cursor, table, cols, rows)
            counts[table] += len(rows)
        connection.commit()
        print(f"  {counts['events_event']:,} events", file=sys.stderr, flush=True)
    for name in defaulted:
        cursor.execute(f'ALTER TABLE events_event ALTER COLUMN "{name}" DROP DEFAULT')
    for _name, definition in indexes:
        cursor.execute(definition)
    for table in [*BULK_TABLES, "events_source", "events_app", "events_owner", "events_authority"]:
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    counts["events_source"] = generator.source_count
    cursor.execute("SET session_replication_role = DEFAULT")
    connection.commit()
    connection.autocommit = True
    # Leave the tables as autovacuum would: statistics for the planner, visibility map for index-only scans.
    cursor.execute("VACUUM ANALYZE")
    connection.close()
    return counts


def with_database(url, name):
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def migrate(dsn, check_only=False):
    """`manage.py migrate` on the database; with `check_only`, whether any migration is unapplied."""
    env = {"DATABASE_URL": dsn, "DEBUG": "1", "PATH": "/usr/bin:/bin"}
    argv = [sys.executable, "manage.py", "migrate", "--no-input", "--skip-checks", "-v0"]
    if check_only:
        argv.append("--check")  # exits non-zero when migrations are unapplied
    completed = subprocess.run(argv, cwd=ROOT, env=env, timeout=1800, capture_output=check_only)
    if not check_only:
        completed.check_returncode()
    return completed.returncode != 0


def rebuild_derived(dsn):
    """What the tracker keeps beside the events and COPY bypassed (its triggers off in replica
    mode): the pairs' status steps (events/status_steps.py), the search documents
    (events/search_index.py) and the stats' counts (events/tallies.py); then ANALYZE them."""
    env = {"DATABASE_URL": dsn, "DEBUG": "1", "PATH": "/usr/bin:/bin"}
    for command in ["rebuild_status", "rebuild_search", "rebuild_tallies"]:
        subprocess.run(
            [sys.executable, "manage.py", command, "--skip-checks"], cwd=ROOT, env=env, timeout=3600, check=True
        )
    with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
        cursor.execute("ANALYZE events_pairstep, events_event_search, events_tallypart, events_tally")


def prepare_database(server_url, events, seed=1, reuse=True):
    """The database `tracker_bench_<events>` on the server, migrated and filled; reused when already done.

    Returns (database URL, seconds spent generating or None when reused, row counts).
    """
    name = f"tracker_bench_{events}"
    dsn = with_database(server_url, name)
    admin = psycopg2.connect(with_database(server_url, "postgres"))
    admin.autocommit = True
    cursor = admin.cursor()
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    if cursor.fetchone() and reuse:
        with psycopg2.connect(dsn) as existing, existing.cursor() as check:
            check.execute("SELECT to_regclass('bench_meta') IS NOT NULL")
            if check.fetchone()[0]:
                check.execute("SELECT events, seed, version, counts FROM bench_meta")
                row = check.fetchone()
                if row and row[:3] == (events, seed, GENERATOR_VERSION):
                    admin.close()
                    # Migrations added since (an index, say) apply to the kept data, so the figures
                    # always measure the schema of the code being benchmarked.
                    if migrate(dsn, check_only=True):
                        migrate(dsn)
                        with psycopg2.connect(dsn) as analysed, analysed.cursor() as analyse:
                            analyse.execute("ANALYZE")
                    return dsn, None, row[3]
    started = time.monotonic()
    cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    migrate(dsn)
    migrated = time.monotonic()
    print(f"migrated {name} in {migrated - started:.1f} s; generating {events:,} events", file=sys.stderr)
    counts = fill(dsn, events, seed)
    rebuild_derived(dsn)
    seconds = time.monotonic() - started
    with psycopg2.connect(dsn) as done, done.cursor() as mark:
        mark.execute("CREATE TABLE bench_meta (events int, seed int, version int, counts jsonb, seconds float)")
        mark.execute(
            "INSERT INTO bench_meta VALUES (%s, %s, %s, %s, %s)",
            [events, seed, GENERATOR_VERSION, psycopg2.extras.Json(counts), seconds],
        )
    return dsn, seconds, counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000, help="how many published events (default 100,000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--server",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="PostgreSQL server to create tracker_bench_<N> on (default the local one on 5432)",
    )
    parser.add_argument("--force", action="store_true", help="regenerate even if an identical database exists")
    args = parser.parse_args()
    dsn, seconds, counts = prepare_database(args.server, args.events, args.seed, reuse=not args.force)
    if seconds is None:
        print(f"{dsn} already holds these {args.events:,} events (use --force to regenerate)")
    else:
        print(f"{dsn}: generated in {seconds:.1f} s (migrate, COPY, indexes, VACUUM ANALYZE)")
    print(", ".join(f"{table.removeprefix('events_')} {count:,}" for table, count in counts.items()))


if __name__ == "__main__":
    main()
