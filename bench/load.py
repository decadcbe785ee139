"""Load test of the production set-up: `make serve` (gunicorn, DEBUG off) on PostgreSQL with Redis,
under a mix of public pages and API calls, while an editor publishes an event.

    .venv/bin/python bench/load.py                       # 60 s, 32 connections, 10,000 events
    .venv/bin/python bench/load.py --duration 20 --connections 64 --events 100000

1. starts a throwaway PostgreSQL cluster (bench/cluster.py) and fills `tracker_bench_<N>` with
   bench/datagen.py (N published events with apps, sources, statements), or uses --server;
2. starts `make serve` on a free loopback port with REDIS_URL (127.0.0.1:6379, database 14: the
   API's rate-limit counters) and the API's anonymous rate set out of reach, since every request
   comes from one address; the limit is still checked in Redis on each API call;
3. checks every URL of the mix once (any non-200 stops the run), then runs wrk for --duration
   seconds with --connections connections, each request the next URL of the weighted mix;
4. after a third of the run, an editor publishes an event through the ORM (as the admin does:
   a draft with a source, moved to published), and a reader polls the event's API answer, the
   API's event list and its page until all show it, which must happen within the freshness the
   answers state (their Cache-Control max-age, PUBLIC_CACHE_SECONDS);
5. prints throughput, p50/p95/p99 latency and errors (which must be 0) as a table and as JSON,
   and exits non-zero on any error or a late publication.

Loopback only, bounded in time (wrk's duration and timeouts; every wait has a limit).
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cluster import ROOT, Cluster, Server, free_port
from bench.datagen import prepare_database
from bench.wrk import probe, wrk_binary

# (weight, path): what readers ask for, most often the home page, lists and single events.
MIX = [
    (4, "/"),
    (2, "/timeline/"),
    (2, "/timeline/?country=RU"),
    (1, "/countries/"),
    (2, "/countries/ru/"),
    (1, "/apps/"),
    (2, "/apps/whatsapp/"),
    (4, "/events/{id}/"),
    (1, "/about/"),
    (1, "/feeds/events/"),
    (1, "/search/?q=telegram"),
    (4, "/api/v1/events/"),
    (2, "/api/v1/events/?country=RU&page_size=50"),
    (4, "/api/v1/events/{id}/"),
    (1, "/api/v1/countries/"),
    (1, "/api/v1/countries/RU/"),
    (1, "/api/v1/apps/whatsapp/"),
    (1, "/api/v1/stats/?by=country"),
]

LUA = """
-- bench/load.py: every request is the next path of the weighted mix (each wrk thread keeps its own
-- counter, starting at a different place); one JSON line of figures at the end.
local paths = {%(paths)s}
local i = 0
setup = function(thread) thread:set("offset", math.random(#paths)) end
init = function() i = tonumber(offset) or 0 end
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1], {["Accept-Encoding"] = "gzip"})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('LOAD_JSON {"requests": %%d, "duration_us": %%d, "bytes": %%d, "connect": %%d, ' ..
    '"read": %%d, "write": %%d, "status": %%d, "timeout": %%d, "p50_us": %%d, "p95_us": %%d, ' ..
    '"p99_us": %%d, "max_us": %%d, "mean_us": %%.1f}\\n', summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean))
end
"""

PUBLISH = """
import time
from datetime import date
from events.models import Event, Source
event = Event.objects.create(
    title="Load test: a measure published during the run", country_id="RU", kind="full_block",
    started_on=date.today(), summary="Published by bench/load.py while readers load the site.",
)
event.sources.add(Source.objects.create(url=f"https://example.org/load-test/{time.time_ns()}", title="Load test"))
for state in (Event.ReviewState.IN_REVIEW, Event.ReviewState.PUBLISHED):  # the review workflow
    event.move_to(state)
event.save()
print(event.pk, time.time())
"""


def expand(mix, event_ids):
    """The weighted list of concrete paths, single events spread over the given ids."""
    paths, ids = [], iter(event_ids * 100)
    for weight, path in mix:
        for _ in range(weight):
            paths.append(path.replace("{id}", str(next(ids))) if "{id}" in path else path)
    return paths


def publish_and_watch(base, env, report, limit):
    """The editor's publication, then a reader polling until every view shows it (at most `limit` s)."""
    try:
        _publish_and_watch(base, env, report, limit)
    except (subprocess.SubprocessError, OSError, ValueError) as error:
        report["error"] = f"{error}: {getattr(error, 'stderr', '')}"


def _publish_and_watch(base, env, report, limit):
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", PUBLISH],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.split()
    event_id, committed = int(out[0]), float(out[1])
    checks = {
        "api_event": lambda: probe(f"{base}/api/v1/events/{event_id}/")[0] == 200,
        "api_list": lambda: f'"id":{event_id},'.encode() in probe(f"{base}/api/v1/events/")[1].replace(b" ", b""),
        "page": lambda: probe(f"{base}/events/{event_id}/")[0] == 200,
    }
    seen = {}
    while len(seen) < len(checks) and time.time() - committed < limit:
        for name, check in checks.items():
            if name not in seen and check():
                seen[name] = round(time.time() - committed, 2)
        time.sleep(0.1)
    report.update(event_id=event_id, visible_after_s=seen, all_visible=len(seen) == len(checks))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections (default 32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--events", type=int, default=10_000, help="published events in the database")
    parser.add_argument("--server", help="a PostgreSQL server URL to use instead of a throwaway cluster")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--workers", type=int, default=os.cpu_count() * 2 + 1, help="gunicorn workers")
    parser.add_argument("--gunicorn-threads", type=int, default=4)
    parser.add_argument(
        "--cache-seconds", type=int, default=60, help="PUBLIC_CACHE_SECONDS (default 60, as in production; 0 = off)"
    )
    args = parser.parse_args()
    wrk = wrk_binary()

    cluster = None if args.server else Cluster()
    server_url = args.server or cluster.url("postgres")
    database_url, _, counts = prepare_database(server_url, args.events, seed=1)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": args.redis_url,
        "API_ANON_RATE": "100000000/minute",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(args.workers),
        "GUNICORN_THREADS": str(args.gunicorn_threads),
        "PUBLIC_CACHE_SECONDS": str(args.cache_seconds),
    }
    env.pop("DEBUG", None)  # make serve turns it off
    server = Server("load-serve", ["make", "serve"], port, env=env, startup_timeout=180)
    base = server.url

    status, body = probe(f"{base}/api/v1/events/?page_size=20")
    event_ids = [row["id"] for row in json.loads(body)["results"]] if status == 200 else [1]
    paths = expand(MIX, event_ids)
    for path in sorted(set(paths)):
        status, body = probe(base + path)
        if status != 200:
            sys.exit(f"{path} answered {status}; fix it before loading:\n{body[:500]!r}")
    found = re.search(r"max-age=(\d+)", _cache_control(base))
    freshness = int(found.group(1)) if found else 0

    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(LUA % {"paths": ", ".join(json.dumps(path) for path in paths)})
    publication = {}
    editor = threading.Timer(
        args.duration / 3,
        publish_and_watch,
        args=(base, {**env, "DEBUG": "1"}, publication, min(freshness or 10, args.duration * 2 / 3 - 1)),
    )
    editor.start()
    completed = subprocess.run(
        [wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--timeout=10s", "-s", script, base],
        capture_output=True,
        text=True,
        timeout=args.duration + 60,
        check=True,
    )
    editor.join(timeout=args.duration)
    script.unlink()
    raw = json.loads(next(line for line in completed.stdout.splitlines() if line.startswith("LOAD_JSON "))[10:])
    log_lines = server.log_path.read_text().splitlines()
    server_errors = sum('"status": 5' in line for line in log_lines)
    rendered = _rendering_times(log_lines)
    server.stop()
    if cluster:
        cluster.stop()

    seconds = raw["duration_us"] / 1e6
    errors = {key: raw[key] for key in ("connect", "read", "write", "status", "timeout")}
    result = {
        "events": args.events,
        "rows": counts,
        "duration_s": round(seconds, 1),
        "connections": args.connections,
        "gunicorn": f"{args.workers} workers x {args.gunicorn_threads} threads",
        "urls_in_mix": len(set(paths)),
        "requests": raw["requests"],
        "throughput_rps": round(raw["requests"] / seconds, 1),
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "errors": errors,
        "server_5xx_logged": server_errors,
        "stated_freshness_s": freshness,
        "publication": publication,
        "rendered_median_ms": rendered,
    }
    print(
        f"\n{raw['requests']:,} requests in {seconds:.1f} s at {args.connections} connections "
        f"({result['gunicorn']}, {args.events:,} events, {len(set(paths))} URLs)\n"
        f"throughput {result['throughput_rps']} req/s; latency p50 {result['p50_ms']:.1f} ms, "
        f"p95 {result['p95_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms; errors {sum(errors.values())} {errors}\n"
        f"published event {publication.get('event_id')} visible after {publication.get('visible_after_s')} s "
        f"(stated freshness {freshness} s)"
    )
    print("median time of answers rendered (not from the cache), by URL:")
    for path, (count, median) in sorted(rendered.items(), key=lambda item: -item[1][1]):
        print(f"  {path:45} {median:9.1f} ms  ({count} rendered)")
    print("LOAD_RESULT " + json.dumps(result))
    if sum(errors.values()) or server_errors or not publication.get("all_visible"):
        sys.exit(1)


def _rendering_times(log_lines):
    """{path: (how many, median duration_ms)} of the requests the server rendered, from its JSON log."""
    durations = {}
    for line in log_lines:
        if line.startswith("{") and '"tracker.request"' in line:
            entry = json.loads(line)
            if entry.get("cache") in (None, "miss"):
                path = entry["path"] + ("?" + entry["query"] if "query" in entry else "")
                durations.setdefault(path, []).append(entry["duration_ms"])
    return {path: (len(times), sorted(times)[len(times) // 2]) for path, times in durations.items()}


def _cache_control(base):
    import urllib.request

    with urllib.request.urlopen(f"{base}/api/v1/events/", timeout=30) as response:
        return response.headers.get("Cache-Control", "max-age=0")


if __name__ == "__main__":
    main()
