"""The API speed benchmark (issue 7): the tracker against the raw-SQL floor and Datasette.

    .venv/bin/python bench/speed.py                          # 100,000 events
    .venv/bin/python bench/speed.py --sizes 10000,100000,1000000

For each size: generates the events in a PostgreSQL cluster of its own (bench/datagen.py), copies
them into SQLite for Datasette (bench/datasette_export.py), serves the tracker and the floor
(bench/floor.py) under gunicorn with 2 workers and Datasette, loads each endpoint with wrk on
loopback for a bounded time, counts SQL queries in-process, measures the CSV export's memory and,
with Redis, a repeated request. Prints the figures and the issue's targets (bench/report.py) and
saves them as JSON under var/bench/. Everything it starts is stopped on exit; see bench/README.md.
"""

import argparse
import contextlib
import json
import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson
import psycopg2

from bench import report
from bench.cluster import CACHE_DIR, ROOT, Cluster, Server, free_port, log
from bench.datagen import GENERATOR_VERSION, prepare_database
from bench.datasette_export import VERSION as DATASETTE_FILE_VERSION
from bench.datasette_export import datasette_argv, datasette_binary, export
from bench.wrk import load, probe, wrk_binary

GUNICORN = str(Path(sys.executable).parent / "gunicorn")
WORKERS = 2
# Datasette's SQL that the stats endpoint corresponds to.
DATASETTE_STATS_SQL = (
    "select country_code, country_name, count(*) as events from events group by country_code order by events desc"
)


def gunicorn(name, app, env, workers=WORKERS, timeout=120):
    port = free_port()
    argv = [GUNICORN, app, "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--timeout", str(timeout)]
    return Server(name, argv, port, env=env)


def tracker_env(dsn, cache=False, redis_url=""):
    """Production settings (DEBUG off) with the application cache off unless `cache`."""
    env = {
        "DATABASE_URL": dsn,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_CACHE": "on" if cache else "off",
        "API_ANON_RATE": "100000000/second",  # on, but out of reach: its cost is measured, never a 429
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
        "REDIS_URL": redis_url if cache else "",
        # TLS ends at the reverse proxy in production; on plain loopback HTTP, redirecting to https would
        # measure nothing but the redirect.
        "SECURE_SSL_REDIRECT": "0",
    }
    return env


def inprocess(env, *args, timeout=900):
    completed = subprocess.run(
        [sys.executable, "-m", "bench.inprocess", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    line = next((line for line in completed.stdout.splitlines() if line.startswith("BENCH_JSON ")), None)
    if completed.returncode or line is None:
        raise RuntimeError(f"bench.inprocess {args[0]} failed:\n{completed.stderr[-3000:]}")
    return json.loads(line.removeprefix("BENCH_JSON "))


def with_params(url, **changes):
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update({k: str(v) for k, v in changes.items()})
    return urlunsplit(parts._replace(query=urlencode(query)))


def fixtures(dsn, args):
    """The event shown by the detail endpoint: a recent one with the most embedded records."""
    with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
        cursor.execute(
            """SELECT e.id FROM (SELECT id, started_on FROM events_event WHERE review_state = 'published'
                                 ORDER BY started_on DESC, id DESC LIMIT 2000) e
               ORDER BY (SELECT count(*) FROM events_event_apps WHERE event_id = e.id)
                      + (SELECT count(*) FROM events_event_sources WHERE event_id = e.id)
                      + (SELECT count(*) FROM events_statement WHERE event_id = e.id)
                      + (SELECT count(*) FROM events_event_related WHERE from_event_id = e.id) DESC, e.id
               LIMIT 1"""
        )
        return {"detail_id": cursor.fetchone()[0]}


def row_at_depth(dsn, depth):
    """(started_on, id) of the last event before `depth` in the default order, for keyset links."""
    with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT started_on, id FROM events_event WHERE review_state = 'published' "
            "ORDER BY started_on DESC, id DESC OFFSET %s LIMIT 1",
            [max(depth - 1, 0)],
        )
        return cursor.fetchone()


def walk(base_url, events, budget_seconds):
    """Follow `next` links of the whole list, 1,000 events a page, towards the middle of the list.

    Returns the deep page's URL (page_size 100), how deep it is, and the time of each page walked:
    a pagination whose cost grows with depth shows here as rising page times.
    """
    url = f"{base_url}/api/v1/events/?page_size=1000"
    status, body = probe(url)
    if status != 200:
        return {"status": status}
    first = orjson.loads(body)
    pages_wanted = max(1, min(math.ceil(events / 2 / 1000), 10_000))
    timings, depth, next_url = [], 0, first.get("next")
    if next_url and "cursor=" not in next_url and "page=" in next_url:
        # Page numbers: the deepest page is reachable directly.
        page = max(1, math.ceil(first["count"] / 100) // 2)
        return {"status": 200, "url": with_params(next_url, page=page, page_size=100), "depth": (page - 1) * 100}
    started = time.monotonic()
    depth = len(first["results"])
    while next_url and len(timings) < pages_wanted and time.monotonic() - started < budget_seconds:
        before = time.perf_counter()
        status, body = probe(next_url)
        timings.append((time.perf_counter() - before) * 1000)
        if status != 200:
            return {"status": status, "walked": len(timings)}
        page = orjson.loads(body)
        depth += len(page["results"])
        if not page.get("next"):
            break
        next_url = page["next"]
    deep = with_params(next_url, page_size=100) if next_url else None
    return {"status": 200, "url": deep, "depth": depth, "page_ms": timings}


def endpoints(args, fixture, deep, floor_before):
    """(name, tracker path, floor path, Datasette path) for every benchmarked request."""
    active = (
        f"started_on <= '{args.active_on}' and (ended_on is null or ended_on >= '{args.active_on}') "
        "and status != 'announced'"
    )
    listing = "/events/events.json?_size=100&_sort_desc=started_on&_shape=objects"
    rows = [
        (
            "list ?country",
            f"/api/v1/events/?country={args.country}&page_size=100",
            f"/?country={args.country}&page_size=100",
            f"{listing}&country_code={args.country}",
        ),
        (
            "list ?app&active_on",
            f"/api/v1/events/?app={args.app}&active_on={args.active_on}&page_size=100",
            f"/?app={args.app}&active_on={args.active_on}&page_size=100",
            f"{listing}&app_slugs__contains={args.app}&_where={quote(active)}",
        ),
        (
            "list ?search",
            f"/api/v1/events/?search={args.search}&page_size=100",
            f"/?search={args.search}&page_size=100",
            f"{listing}&_search={quote(args.search)}",  # its FTS5 table (datasette_export.FULL_TEXT)
        ),
        ("detail", f"/api/v1/events/{fixture['detail_id']}/", None, f"/events/events/{fixture['detail_id']}.json"),
        ("stats ?by=country", "/api/v1/stats/?by=country", None, f"/events.json?sql={quote(DATASETTE_STATS_SQL)}"),
        ("stats ?by=app&country", f"/api/v1/stats/?by=app&country={args.country}", None, None),
        ("stats ?by=owner", "/api/v1/stats/?by=owner", None, None),
        ("stats ?by=year&kind", "/api/v1/stats/?by=year&kind=full_block", None, None),
        ("stats ?by=country&app", f"/api/v1/stats/?by=country&app={args.app}", None, None),
        # Three dimensions at once: not in the cells, grouped from the events (events/stats.py).
        ("stats ?by=app, 3 filters", f"/api/v1/stats/?by=app&country={args.country}&kind=full_block&year=2024",
         None, None),
        # What was in force on a day (issue 12): the tracker's own question, which the others cannot answer.
        ("status ?on", f"/api/v1/status/?on={args.active_on}", None, None),
        ("status today", "/api/v1/status/", None, None),
    ]  # fmt: skip
    if floor_before:
        day, event_id = floor_before
        rows.append(
            (
                f"deep page ({deep.get('depth', 0):,} deep)",
                deep.get("path"),
                f"/?page_size=100&before={day.isoformat()},{event_id}",
                f"{listing}&_next={quote(f'{day.isoformat()},{event_id}')}",
            )
        )
    return rows


def measure_endpoint(targets, args, database_cpu):
    """wrk figures for each server of one endpoint, {target: figures}.

    `targets` maps a server name to (Server, path). Each server is loaded `args.rounds` times, the
    order reversed every round so that no server always goes first on a shared machine; the round
    with the most requests per second is kept (the least disturbed by other work on the machine),
    and the CPU time the server and the database spent over all rounds gives CPU ms per request,
    which other load on the machine barely changes.
    """
    results, live = {}, {}
    for target, (server, path) in targets.items():
        if server is None or path is None:
            results[target] = None
            continue
        started = time.monotonic()
        status, body = probe(server.url + path)
        seconds = time.monotonic() - started
        if status != 200:
            results[target] = {"status": status, "missing": status == 404}
            continue
        # A request that takes seconds (a scan of 1M rows) gets rounds long enough to finish about ten
        # of them, and a wrk timeout it cannot hit; never more than a minute a round.
        duration = min(60, max(args.duration, math.ceil(seconds * 5)))
        timeout = max(10, math.ceil(seconds * 4) + 5)
        load(server.url + path, min(2, args.duration), args.connections, timeout=timeout)  # warm-up
        live[target] = {"rounds": [], "cpu": 0.0, "requests": 0, "bytes": len(body), "duration": duration}
        live[target]["timeout"] = timeout
    order = list(live)
    for round_number in range(args.rounds):
        for target in order if round_number % 2 == 0 else reversed(order):
            server, path = targets[target]
            before = server.cpu_seconds() + database_cpu()
            state = live[target]
            figures = load(server.url + path, state["duration"], args.connections, timeout=state["timeout"])
            live[target]["cpu"] += server.cpu_seconds() + database_cpu() - before
            live[target]["requests"] += figures["requests"]
            live[target]["rounds"].append(figures)
    for target, state in live.items():
        best = max(state["rounds"], key=lambda figures: figures["rps"])
        results[target] = {
            **best,
            "status": 200,
            "bytes": state["bytes"],
            "cpu_ms_per_request": state["cpu"] * 1000 / state["requests"] if state["requests"] else None,
            "rps_rounds": [round(figures["rps"], 1) for figures in state["rounds"]],
            "round_seconds": state["duration"],
        }
    return results


def csv_memory(env, base_path, timeout):
    """Peak RSS of a fresh one-worker gunicorn while curl downloads the whole CSV export."""
    server = gunicorn("tracker-csv", "tracker.wsgi:application", env, workers=1, timeout=timeout)
    try:
        url = f"{server.url}{base_path}"
        workers = server.worker_pids()
        baseline = {pid: vm(pid, "VmRSS") for pid in workers}
        peak, stop = [0], threading.Event()

        def sample():
            while not stop.is_set():
                for pid in workers:
                    peak[0] = max(peak[0], vm(pid, "VmRSS"))
                time.sleep(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        completed = subprocess.run(
            ["curl", "-s", "-o", "/dev/null", "--max-time", str(timeout), "-w",
             "%{http_code} %{time_starttransfer} %{time_total} %{size_download}", url],
            capture_output=True, text=True, timeout=timeout + 30,
        )  # fmt: skip
        stop.set()
        sampler.join(timeout=5)
        code, first_byte, total, size = completed.stdout.split()
        return {
            "status": int(code),
            "baseline_rss_mb": max(baseline.values(), default=0) / 1024,
            "peak_rss_mb": peak[0] / 1024,
            "hwm_mb": max((vm(pid, "VmHWM") for pid in workers), default=0) / 1024,
            "first_byte_s": float(first_byte),
            "total_s": float(total),
            "mb": int(float(size)) / 1e6,
            "curl_exit": completed.returncode,
        }
    finally:
        server.stop()


def vm(pid, field):
    """A /proc/<pid>/status memory field in kB (0 when the process is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def redis_url_if_up(url):
    parts = urlsplit(url)
    with contextlib.suppress(OSError), socket.create_connection((parts.hostname, parts.port or 6379), timeout=1):
        return url
    return None


def cached(dsn, path, args):
    """A repeated request with the shared cache on: wrk at one connection, and in-process."""
    redis_url = redis_url_if_up(args.redis_url)
    if not redis_url:
        return {"skipped": f"no Redis at {args.redis_url}"}
    env = tracker_env(dsn, cache=True, redis_url=redis_url)
    server = gunicorn("tracker-cached", "tracker.wsgi:application", env)
    try:
        status, _body = probe(server.url + path)
        if status != 200:
            return {"status": status}
        load(server.url + path, 1, 1)
        figures = load(server.url + path, min(args.duration, 5), 1)
    finally:
        server.stop()
    figures["inprocess"] = inprocess(env, "repeat", path, "--times", "300")
    figures["status"] = 200
    return figures


def run_size(events, server_url, args, database_cpu):
    log(f"\n=== {events:,} events ===")
    dsn, generated, counts = prepare_database(server_url, events, args.seed, reuse=not args.regenerate)
    log(f"database ready ({'reused' if generated is None else f'generated in {generated:.1f} s'})")
    result = {
        "events": events,
        "generated_s": generated,
        "rows": counts,
        "endpoints": {},
        "loadavg": machine()["loadavg"],
    }
    shape = f"{events}-s{args.seed}-v{GENERATOR_VERSION}-d{DATASETTE_FILE_VERSION}"
    sqlite_path = CACHE_DIR / "sqlite" / shape / "events.db"
    if not args.no_datasette and (args.regenerate or not sqlite_path.exists()):
        rows, seconds = export(dsn, sqlite_path)
        result["sqlite_export_s"] = seconds
        log(f"SQLite copy for Datasette: {rows:,} rows in {seconds:.1f} s")
    env = tracker_env(dsn)
    fixture = fixtures(dsn, args)
    servers = {}
    try:
        servers["tracker"] = gunicorn("tracker", "tracker.wsgi:application", env)
        servers["floor"] = gunicorn("floor", "bench.floor:application", env)
        if not args.no_datasette:
            port = free_port()
            servers["datasette"] = Server("datasette", datasette_argv(sqlite_path, port), port)
        deep = walk(servers["tracker"].url, events, args.walk_seconds)
        if deep.get("url"):
            deep["path"] = deep["url"].removeprefix(servers["tracker"].url)
        depth = deep.get("depth") or events // 2
        deep.setdefault("depth", depth)
        result["walk"] = {k: v for k, v in deep.items() if k != "url"}
        for name, *paths in endpoints(args, fixture, deep, row_at_depth(dsn, depth)):
            if args.only and not name.startswith(tuple(args.only.split(","))):
                continue
            log(f"loading {name}")
            targets = {
                target: (servers.get(target), path)
                for target, path in zip(("tracker", "floor", "datasette"), paths, strict=True)
            }
            result["endpoints"][name] = measure_endpoint(targets, args, database_cpu)
            result["endpoints"][name]["tracker_path"] = paths[0]
    finally:
        for server in servers.values():
            server.stop()
    paths = {name: row["tracker_path"] for name, row in result["endpoints"].items() if row["tracker_path"]}
    profile_dir = CACHE_DIR / "profiles" / str(events) if args.profile else None
    log("counting SQL queries in-process" + (" and profiling" if profile_dir else ""))
    profiling = ["--profile", str(profile_dir)] if profile_dir else []
    counted = phase(result, "inprocess", inprocess, env, "queries", json.dumps(paths), *profiling) or {}
    for name, figures in counted.items():
        result["endpoints"][name]["inprocess"] = figures
    if not args.no_csv:
        log("streaming the whole CSV export")
        result["csv"] = phase(result, "csv", csv_memory, env, "/api/v1/events/?format=csv", args.csv_timeout)
    log("repeated request with the Redis cache on")
    result["cached"] = phase(result, "cached", cached, dsn, paths.get("list ?country", "/api/v1/events/"), args)
    return result


def phase(result, name, function, *args):
    """Run one measurement; a failure is recorded and reported, and the other figures still come."""
    try:
        return function(*args)
    except (RuntimeError, OSError, subprocess.SubprocessError, ValueError) as error:
        log(f"{name} failed: {error}")
        result.setdefault("errors", {})[name] = str(error)[-2000:]
        return None


def machine():
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        "unknown CPU",
    )
    return {"cpus": os.cpu_count(), "cpu": cpu, "loadavg": Path("/proc/loadavg").read_text().split()[:3]}


def _interrupted(number, _frame):
    raise SystemExit(128 + number)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000, help="events to generate (default 100,000)")
    parser.add_argument("--sizes", help="several sizes in one run, e.g. 10000,100000,1000000 (overrides --events)")
    parser.add_argument("--duration", type=int, default=5, help="seconds of each round of load (5)")
    parser.add_argument("--connections", type=int, default=4, help="concurrent wrk connections (4: 2 per worker)")
    parser.add_argument("--rounds", type=int, default=2, help="load rounds per server, order alternating (2)")
    parser.add_argument("--server", help="use this PostgreSQL server (URL) instead of a throwaway cluster")
    parser.add_argument("--data-dir", help="keep the cluster in this directory and reuse its databases")
    parser.add_argument("--regenerate", action="store_true", help="regenerate data even if a kept copy matches")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--country", default="RU", help="country of the list benchmark (the largest: RU)")
    parser.add_argument("--app", default="whatsapp")
    parser.add_argument("--active-on", default="2024-06-01")
    parser.add_argument("--search", default="election")
    parser.add_argument("--walk-seconds", type=int, default=60, help="time budget to walk towards the deep page")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13", help="cache for the repeated request")
    parser.add_argument("--csv-timeout", type=int, default=900)
    parser.add_argument("--only", help="measure only the endpoints whose names start so, e.g. 'stats,list'")
    parser.add_argument("--no-datasette", action="store_true")
    parser.add_argument("--no-csv", action="store_true")
    parser.add_argument("--profile", action="store_true", help="write pyinstrument profiles to var/bench/profiles/")
    parser.add_argument("--markdown", action="store_true", help="also print the tables as Markdown")
    parser.add_argument("--report", metavar="JSON", help="print the figures saved by an earlier run, run nothing")
    args = parser.parse_args()
    if args.report:
        saved = json.loads(Path(args.report).read_text())
        for size in saved["sizes"]:
            report.print_size(size, markdown=args.markdown)
        report.print_summary(saved, markdown=args.markdown)
        return
    sizes = [int(size) for size in args.sizes.split(",")] if args.sizes else [args.events]
    # SIGTERM (and SIGINT, which a shell's background job ignores) end the run through the finally
    # blocks and atexit handlers, so that the servers and the cluster stop with it.
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(number, _interrupted)
    wrk_binary()
    if not args.no_datasette:
        datasette_binary()
    results = {"machine": machine(), "started": time.strftime("%Y-%m-%d %H:%M:%S"), "sizes": [], "args": vars(args)}
    cluster = None
    try:
        if not args.server:
            cluster = Cluster(args.data_dir)
        server_url = args.server or cluster.url("postgres")
        output = CACHE_DIR / f"results-{'-'.join(map(str, sizes))}.json"
        for size in sizes:
            # Our own cluster's CPU time counts in CPU per request; a shared server's cannot be told apart.
            database_cpu = cluster.cpu_seconds if cluster else lambda: 0.0
            results["sizes"].append(run_size(size, server_url, args, database_cpu))
            output.write_text(json.dumps(results, indent=1, default=str))  # kept even if a later size fails
            report.print_size(results["sizes"][-1], markdown=args.markdown)
    finally:
        if cluster is not None:
            cluster.stop()
    report.print_summary(results, markdown=args.markdown)
    log(f"figures saved to {output}")


if __name__ == "__main__":
    main()
