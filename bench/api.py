"""API latency in-process: p50/p95 and SQL queries per request for each endpoint on a large dataset.

    .venv/bin/python bench/api.py --events 20000
    .venv/bin/python bench/api.py --events 100000 --requests 50 --server postgres://postgres@127.0.0.1:5432

Creates a throwaway PostgreSQL database of its own (`tracker_apibench_<pid>`), migrates it, fills
it with synthetic records through bulk_create (deterministic for a given --seed; about 5% of the
events are drafts, to keep the no-leak filter honest), then requests each endpoint with Django's
test Client (the whole handler: middleware, URL resolution, view, rendering, without network or
WSGI server) and prints the figures. The database is dropped at the end, whatever happens.

Production settings (DEBUG off); the rate limit stays on at a rate the run never reaches, so its
cost is counted. For the load test under gunicorn against the raw-SQL floor and Datasette, see
bench/speed.py (issue 7). A script, not a test: nothing here asserts a time.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=20000, help="published and draft events to create")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per endpoint")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server URL")
    parser.add_argument("--seed", type=int, default=4)
    return parser.parse_args()


def configure(args):
    """Production-like settings on a database of our own; must run before Django is set up."""
    database = f"tracker_apibench_{os.getpid()}"
    server = urlsplit(args.server)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "tracker.settings",
            "DATABASE_URL": urlunsplit(server._replace(path=f"/{database}")),
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-not-secret",
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "0",
            "API_ANON_RATE": "100000000/minute",
            "LOG_LEVEL": "WARNING",
        }
    )
    return database, urlunsplit(server._replace(path="/postgres"))


def admin_sql(url, sql):
    import psycopg2

    connection = psycopg2.connect(url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def generate(n_events, seed):
    """Reference data, events and their relations by bulk_create, in batches (bounded memory)."""
    from events.models import App, Authority, Country, Event, Owner, Source, Statement

    rng = random.Random(seed)
    codes = list(Country.objects.order_by("code").values_list("code", flat=True))
    # A few countries hold most events, as in reality.
    weights = [1 / (rank + 1) for rank in range(len(codes))]
    codes = ["RU", "IR", "CN", *[c for c in codes if c not in ("RU", "IR", "CN")]]
    owners = Owner.objects.bulk_create(Owner(slug=f"owner-{i}", name=f"Owner {i}") for i in range(60))
    apps = App.objects.bulk_create(
        App(slug="whatsapp" if i == 0 else f"app-{i}", name="WhatsApp" if i == 0 else f"App {i}", owner=owners[i % 60])
        for i in range(300)
    )
    app_weights = [1 / (rank + 1) for rank in range(len(apps))]
    authorities = Authority.objects.bulk_create(
        Authority(slug=f"authority-{i}", name=f"Authority {i}", country_id=codes[i % 40]) for i in range(120)
    )
    kinds, features = Event.Kind.values, Event.Feature.values
    batch, made = 5000, 0
    while made < n_events:
        size = min(batch, n_events - made)
        events = []
        for i in range(made, made + size):
            started = date(2010, 1, 1) + timedelta(days=int(rng.random() ** 0.5 * 6000))
            lifted = rng.random() < 0.3
            events.append(
                Event(
                    title=f"Measure {i} against apps",
                    country_id=rng.choices(codes, weights)[0],
                    owner=owners[i % 60] if rng.random() < 0.1 else None,
                    kind=rng.choice(kinds),
                    features=rng.sample(features, rng.randint(1, 2)),
                    status="lifted" if lifted else "in_force",
                    started_on=started,
                    ended_on=started + timedelta(days=rng.randint(1, 400)) if lifted else None,
                    ended_precision="day" if lifted else "",
                    authority=rng.choice(authorities),
                    summary=f"Summary of measure {i}.",
                    review_state="draft" if rng.random() < 0.05 else "published",
                )
            )
        events = Event.objects.bulk_create(events)
        sources = Source.objects.bulk_create(
            Source(url=f"https://news.example.org/{i}", title=f"Report {i}", publisher="Example News",
                   published_on=date(2020, 1, 1) + timedelta(days=i % 2000))
            for i in range(made, made + size)
        )  # fmt: skip
        app_links, source_links, statements, related = [], [], [], []
        for index, event in enumerate(events):
            for app in set(rng.choices(apps, app_weights, k=rng.randint(1, 3))):
                app_links.append(Event.apps.through(event_id=event.pk, app_id=app.pk))
            for source in {sources[index], sources[rng.randrange(len(sources))]}:
                source_links.append(Event.sources.through(event_id=event.pk, source_id=source.pk))
            if rng.random() < 0.3:
                statements.append(
                    Statement(event=event, speaker="A spokesperson", text="We did it.", source=sources[index])
                )
            if index and rng.random() < 0.03:
                other = events[rng.randrange(index)]
                related += [
                    Event.related.through(from_event_id=event.pk, to_event_id=other.pk),
                    Event.related.through(from_event_id=other.pk, to_event_id=event.pk),
                ]
        Event.apps.through.objects.bulk_create(app_links)
        Event.sources.through.objects.bulk_create(source_links)
        Statement.objects.bulk_create(statements)
        Event.related.through.objects.bulk_create(related, ignore_conflicts=True)
        made += size
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def deep_cursor_url(client):
    """A page halfway down the default list, reached by walking `next` links 1,000 rows at a time."""
    body = client.get("/api/v1/events/?page_size=1000").json()
    for _ in range(body["count"] // 2000):
        if not body["next"]:
            break
        body = client.get(body["next"]).json()
    url = body["next"] or "http://testserver/api/v1/events/"
    return url.replace("http://testserver", "").replace("page_size=1000", "page_size=100")


def consume(response):
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def measure(client, path, n, headers=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = headers or {}
    for _ in range(3):  # warm up
        response = client.get(path, **headers)
        consume(response)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **headers)
        size = consume(response)
    # Counted now: the capture reads the connection's log, which the next request empties.
    queries = len(captured.captured_queries)
    times = []
    for _ in range(n):
        started = time.perf_counter()
        consume(client.get(path, **headers))
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return response.status_code, statistics.median(times), p95, queries, size


def main():
    args = parse_args()
    database, admin_url = configure(args)
    import django

    admin_sql(admin_url, f'CREATE DATABASE "{database}"')
    try:
        django.setup()
        from django.core.management import call_command
        from django.db import connections
        from django.test import Client

        from events.models import Event

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        generate(args.events, args.seed)
        public = Event.objects.public().count()
        print(f"{args.events} events ({public} published) generated in {time.perf_counter() - started:.1f} s")

        client = Client()
        some_id = Event.objects.public().order_by("id").values_list("id", flat=True)[args.events // 3]
        list_etag = client.get("/api/v1/events/?country=RU&page_size=100")["ETag"]
        endpoints = [
            ("events, first page", "/api/v1/events/?page_size=100", {}),
            ("events ?country=RU", "/api/v1/events/?country=RU&page_size=100", {}),
            ("events ?app&active_on", "/api/v1/events/?app=whatsapp&active_on=2024-06-01&page_size=100", {}),
            ("events ?search", "/api/v1/events/?search=whatsapp&page_size=100", {}),
            ("events, deep page", deep_cursor_url(client), {}),
            ("events, page_size=1000", "/api/v1/events/?page_size=1000", {}),
            ("events 304 (If-None-Match)", "/api/v1/events/?country=RU&page_size=100",
             {"HTTP_IF_NONE_MATCH": list_etag}),
            ("event detail", f"/api/v1/events/{some_id}/", {}),
            ("stats ?by=country", "/api/v1/stats/?by=country", {}),
            ("stats ?by=owner", "/api/v1/stats/?by=owner", {}),
            ("countries (all 249)", "/api/v1/countries/?page_size=1000", {}),
            ("country detail", "/api/v1/countries/ru/", {}),
            ("apps", "/api/v1/apps/", {}),
            ("app detail", "/api/v1/apps/whatsapp/", {}),
            ("csv ?country=IR (all rows)", "/api/v1/events/?country=IR&format=csv", {}),
        ]  # fmt: skip
        print(f"{'endpoint':32} {'status':>6} {'p50 ms':>8} {'p95 ms':>8} {'queries':>7} {'bytes':>10}")
        for name, path, headers in endpoints:
            n = max(3, args.requests // 10) if "csv" in name else args.requests
            status, p50, p95, queries, size = measure(client, path, n, headers)
            print(f"{name:32} {status:>6} {p50:>8.1f} {p95:>8.1f} {queries:>7} {size:>10}")
        connections.close_all()
    finally:
        admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        print(f"dropped {database}", file=sys.stderr)


if __name__ == "__main__":
    main()
