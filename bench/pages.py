"""Render time and queries of every public page at a given dataset size (a script, not a test).

    .venv/bin/python bench/pages.py                       # 100,000 events in tracker_bench_100000
    .venv/bin/python bench/pages.py --events 1000000 --repeats 10
    .venv/bin/python bench/pages.py --database postgres://postgres@127.0.0.1:5432/mine --profile var/bench/pages

The dataset comes from bench/datagen.py (generated once, then reused); `--database` points at one
already filled instead. The database is migrated first, so that indexes added since it was generated
exist. Pages render in this process through Django's test Client with the production settings and
the application cache off (bench/settings.py): the whole handler (middleware, view, template), no
network. Per page it prints the median (p50) and 95th percentile render time, the number of SQL
queries and the SQL time of the median render.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import datagen  # noqa: E402  (needs the path above when run as a script)

# name -> path; {owner}, {authority}, {event} are filled from the data (the largest of each).
PAGES = {
    "home": "/",
    "timeline": "/timeline/",
    "timeline ?country=ru": "/timeline/?country=ru",
    "timeline page 50": "/timeline/?page=50",
    "countries": "/countries/",
    "country ru": "/countries/ru/",
    "apps": "/apps/",
    "app whatsapp": "/apps/whatsapp/",
    "owner (largest)": "/owners/{owner}/",
    "authority (largest)": "/authorities/{authority}/",
    "event": "/events/{event}/",
    "search ?q=election": "/search/?q=election",
    "search ?q=nigeria": "/search/?q=nigeria",  # a word in under 1% of the events (0.7%)
    "feed events": "/feeds/events/",
    "feed country ru": "/feeds/countries/ru/",
    "feed app whatsapp": "/feeds/apps/whatsapp/",
    "status": "/status/",
    "status ?on=2020-01-01": "/status/?on=2020-01-01",
    "status ?on&kind=full_block": "/status/?on=2024-06-01&kind=full_block",
}


def environment(dsn):
    """Production settings with DEBUG off and the application cache off (as bench/speed.py runs them)."""
    return {
        "DATABASE_URL": dsn,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_CACHE": "off",
        "LOG_LEVEL": "ERROR",
        "SECURE_SSL_REDIRECT": "0",
        "REDIS_URL": "",
    }


def migrate(env):
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        timeout=3600,
    )


def fill_in(paths):
    """The largest owner and authority, and the event with the most evidence, from the data itself."""
    from django.db.models import Count

    from events.models import Authority, Event, Owner

    owner = Owner.objects.annotate(n=Count("targeted_events")).order_by("-n").first()
    authority = Authority.objects.annotate(n=Count("events")).order_by("-n").first()
    event = Event.objects.public().order_by("-started_on", "-id").first()
    values = {"owner": owner.slug, "authority": authority.slug, "event": event.pk}
    return {name: path.format(**values) for name, path in paths.items()}


def measure(paths, repeats, budget_seconds, profile_dir=None):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    results = {}
    for name, path in paths.items():
        response = client.get(path)  # warm: templates, URL resolver, the database's cache
        assert response.status_code == 200, (path, response.status_code)
        runs, deadline = [], time.monotonic() + budget_seconds
        while len(runs) < repeats and not (runs and time.monotonic() > deadline):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path)
                size = len(response.content)
                elapsed = time.perf_counter() - started
            sql = sum(float(q["time"]) for q in captured.captured_queries)
            runs.append((elapsed * 1000, sql * 1000, len(captured.captured_queries)))
        times = sorted(run[0] for run in runs)
        median = sorted(runs)[len(runs) // 2]
        results[name] = {
            "path": path,
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[max(0, -(-len(times) * 95 // 100) - 1)], 1),
            "queries": median[2],
            "sql_ms": round(median[1], 1),
            "runs": len(runs),
            "kb": round(size / 1024),
        }
        print(_line(name, results[name]), flush=True)
        if profile_dir:
            _profile(client, name, path, Path(profile_dir))
    return results


def _profile(client, name, path, directory):
    try:
        from pyinstrument import Profiler
    except ImportError:
        print("  (not profiled: .venv/bin/pip install pyinstrument)", file=sys.stderr)
        return
    directory.mkdir(parents=True, exist_ok=True)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    client.get(path)
    profiler.stop()
    target = directory / (name.replace(" ", "_").replace("?", "").replace("=", "-") + ".txt")
    target.write_text(profiler.output_text(unicode=False, color=False))


def _line(name, r):
    return (
        f"{name:<22} {r['p50_ms']:>9.1f} {r['p95_ms']:>9.1f} {r['queries']:>7} {r['sql_ms']:>8.1f} "
        f"{r['runs']:>5} {r['kb']:>6}  {r['path']}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000, help="dataset size (default 100,000)")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432/postgres", help="PostgreSQL server")
    parser.add_argument("--database", help="use this filled database URL instead of generating tracker_bench_<N>")
    parser.add_argument("--repeats", type=int, default=20, help="renders per page (default 20)")
    parser.add_argument("--budget", type=float, default=30, help="seconds per page at most, then fewer repeats")
    parser.add_argument("--only", help="comma-separated page names to measure (default all)")
    parser.add_argument("--profile", help="directory for one pyinstrument profile per page")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    dsn = args.database
    if not dsn:
        dsn, seconds, _counts = datagen.prepare_database(args.server, args.events)
        if seconds:
            print(f"generated {args.events:,} events in {seconds:.0f} s", file=sys.stderr)
    env = environment(dsn)
    migrate(env)
    os.environ.update(env)
    import django

    django.setup()
    from events.models import Event

    paths = PAGES
    if args.only:
        wanted = {name.strip() for name in args.only.split(",")}
        paths = {name: path for name, path in PAGES.items() if name in wanted}
    total = Event.objects.public().count()
    print(f"{total:,} published events in {dsn.rsplit('/', 1)[-1]}; up to {args.repeats} renders per page")
    print(f"{'page':<22} {'p50 ms':>9} {'p95 ms':>9} {'queries':>7} {'SQL ms':>8} {'runs':>5} {'KB':>6}  path")
    results = measure(fill_in(paths), args.repeats, args.budget, args.profile)
    if args.json:
        Path(args.json).write_text(json.dumps({"events": total, "pages": results}, indent=2))


if __name__ == "__main__":
    main()
