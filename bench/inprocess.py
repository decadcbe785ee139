"""In-process figures for bench/speed.py: SQL queries per request, SQL time, handler time, profiles.

Run by speed.py in a child process with the benchmark's environment (DATABASE_URL,
DJANGO_SETTINGS_MODULE=bench.settings, DEBUG=0...), against the same database the servers use:

    python -m bench.inprocess queries '{"name": "/api/v1/events/?country=RU", ...}' [--profile DIR]
    python -m bench.inprocess repeat /api/v1/events/?country=RU --times 300

It prints one line of JSON. Django's test Client goes through the whole handler (middleware, URL
resolution, view, rendering) without the network and the WSGI server, which is what "server-side"
means in the figures.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import django


def consume(response):
    """Read the whole body, streaming or not, so that lazy work (CSV rows) is counted."""
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def measure_queries(paths, profile_dir=None, repeats=5, budget_seconds=10):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_ACCEPT="application/json")
    results = {}
    for name, path in paths.items():
        response = client.get(path)  # warm: URL resolver, prepared state, the database's cache
        consume(response)
        runs, deadline = [], time.monotonic() + budget_seconds
        for _ in range(repeats):
            if runs and time.monotonic() > deadline:
                break  # a slow endpoint (a scan of 1M rows) gets fewer repeats, not an unbounded wait
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path)
                size = consume(response)
                elapsed = time.perf_counter() - started
            sql_seconds = sum(float(query["time"]) for query in captured.captured_queries)
            runs.append((elapsed, sql_seconds, len(captured.captured_queries)))
        results[name] = {
            "status": response.status_code,
            "bytes": size,
            "queries": runs[-1][2],
            "handler_ms": statistics.median(run[0] for run in runs) * 1000,
            "sql_ms": statistics.median(run[1] for run in runs) * 1000,
            "sql": [
                f"{float(query['time']) * 1000:.1f} ms: {query['sql'][:300]}" for query in captured.captured_queries
            ],
        }
        if profile_dir and response.status_code == 200:
            results[name]["profile"] = str(profile(client, name, path, Path(profile_dir)))
    return results


def profile(client, name, path, directory, times=20, budget_seconds=15):
    """A pyinstrument profile of `times` requests (fewer past the time budget), as text; returns its path."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        return "not profiled: pyinstrument is not installed (.venv/bin/pip install pyinstrument)"

    directory.mkdir(parents=True, exist_ok=True)
    profiler = Profiler(interval=0.0002)
    deadline = time.monotonic() + budget_seconds
    profiler.start()
    for _ in range(times):
        consume(client.get(path))
        if time.monotonic() > deadline:
            break
    profiler.stop()
    output = directory / f"{name}.txt"
    output.write_text(profiler.output_text(unicode=False, color=False, show_all=False))
    return output


def repeat(path, times, budget_seconds=20):
    """Handler time of the same request repeated (a cache, when on, answers all but the first)."""
    from django.test import Client

    client = Client(HTTP_ACCEPT="application/json")
    consume(client.get(path))
    timings, status = [], None
    deadline = time.monotonic() + budget_seconds
    for _ in range(times):
        if timings and time.monotonic() > deadline:
            break
        started = time.perf_counter()
        response = client.get(path)
        consume(response)
        timings.append((time.perf_counter() - started) * 1000)
        status = response.status_code
    timings.sort()
    return {
        "status": status,
        "p50_ms": statistics.median(timings),
        "p95_ms": timings[max(0, int(len(timings) * 0.95) - 1)],
        "times": len(timings),
    }


def main():
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    queries = commands.add_parser("queries")
    queries.add_argument("paths", help="JSON object: endpoint name -> path")
    queries.add_argument("--profile", help="directory for pyinstrument profiles")
    again = commands.add_parser("repeat")
    again.add_argument("path")
    again.add_argument("--times", type=int, default=300)
    args = parser.parse_args()
    django.setup()
    if args.command == "queries":
        result = measure_queries(json.loads(args.paths), args.profile)
    else:
        result = repeat(args.path, args.times)
    sys.stdout.write("BENCH_JSON " + json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
