"""The floor: the least a server can do to answer the events list, to measure the tracker against.

A bare WSGI app, served by the same gunicorn with the same workers as the tracker, that answers
`/?country=RU&page_size=100` (also `app`, `active_on`, `search` and a keyset `before=<date>,<id>`)
with ONE SQL statement (the page of events with their country and apps aggregated as JSON by
PostgreSQL, plus the count) rendered with orjson. No framework, no validation beyond parsing,
no serializer: whatever the tracker spends above this is the price of Django and DRF.

    DATABASE_URL=postgres://... gunicorn bench.floor:application -w 2 -b 127.0.0.1:8001
"""

import datetime
import os
from urllib.parse import parse_qs, urlencode

import orjson
import psycopg2

# The same rules as EventQuerySet: published only; "active on D" is started by D, not ended before
# D and more than announced; text search matches the event's search document.
FILTERS = {
    "country": "e.country_id = %(country)s",
    "app": "EXISTS (SELECT 1 FROM events_event_apps fa JOIN events_app fp ON fp.id = fa.app_id "
    "WHERE fa.event_id = e.id AND fp.slug = %(app)s)",
    "active_on": "e.started_on <= %(active_on)s AND (e.ended_on IS NULL OR e.ended_on >= %(active_on)s) "
    "AND e.status <> 'announced'",
    # The tracker's own search documents and GIN index (events/search_index.py), queried directly.
    "search": "e.id IN (SELECT event_id FROM events_event_search "
    "WHERE document @@ websearch_to_tsquery('english', %(search)s))",
}
# The redundant first bound lets PostgreSQL start the index scan at the cursor (a row comparison
# alone does not match the descending index), as the tracker's own keyset pagination does.
KEYSET = "e.started_on <= %(before_date)s AND (e.started_on, e.id) < (%(before_date)s, %(before_id)s)"

QUERY = """
SELECT e.id, e.title, e.kind, e.status, e.started_on, e.started_precision, e.ended_on, e.ended_precision,
       e.updated_at, e.country_id, c.name,
       (SELECT json_agg(json_build_object('slug', a.slug, 'name', a.name,
                                          'owner', json_build_object('slug', o.slug, 'name', o.name)) ORDER BY a.name)
          FROM events_event_apps ea JOIN events_app a ON a.id = ea.app_id LEFT JOIN events_owner o ON o.id = a.owner_id
         WHERE ea.event_id = e.id) AS apps,
       (SELECT count(*) FROM events_event e WHERE {where}) AS total
  FROM events_event e JOIN events_country c ON c.code = e.country_id
 WHERE {where} {keyset}
 ORDER BY e.started_on DESC, e.id DESC
 LIMIT %(limit)s
"""

_connection = None


def connection():
    """One connection per worker process, opened on first use and reopened after a failure."""
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg2.connect(os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1))
        _connection.autocommit = True
    return _connection


def respond(start_response, status, body):
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def events_page(params):
    args = {"limit": min(int(params.get("page_size", 100)), 1000)}
    clauses = ["e.review_state = 'published'"]
    for name, clause in FILTERS.items():
        if name in params:
            value = params[name]
            if name == "country":
                value = value.upper()
            elif name == "active_on":
                value = datetime.date.fromisoformat(value)
            args[name] = value
            clauses.append(clause)
    where = " AND ".join(clauses)
    keyset = ""
    if "before" in params:
        day, _comma, event_id = params["before"].partition(",")
        args["before_date"], args["before_id"] = datetime.date.fromisoformat(day), int(event_id)
        keyset = "AND " + KEYSET
    with connection().cursor() as cursor:
        cursor.execute(QUERY.format(where=where, keyset=keyset), args)
        rows = cursor.fetchall()
    results = [
        {
            "id": row[0],
            "title": row[1],
            "kind": row[2],
            "status": row[3],
            "started_on": row[4],
            "started_precision": row[5],
            "ended_on": row[6],
            "ended_precision": row[7],
            "updated_at": row[8],
            "country": {"code": row[9], "name": row[10]},
            "apps": row[11] or [],
        }
        for row in rows
    ]
    next_link = None
    if len(rows) == args["limit"]:
        query = {k: v for k, v in params.items() if k != "before"}
        query["before"] = f"{rows[-1][4].isoformat()},{rows[-1][0]}"
        next_link = "/?" + urlencode(query)
    total = rows[0][12] if rows else 0
    return {"count": total, "next": next_link, "previous": None, "results": results}


def application(environ, start_response):
    params = {key: values[0] for key, values in parse_qs(environ.get("QUERY_STRING", "")).items()}
    try:
        page = events_page(params)
    except (ValueError, KeyError) as error:
        return respond(start_response, "400 Bad Request", orjson.dumps({"detail": str(error)}))
    return respond(start_response, "200 OK", orjson.dumps(page))
