"""ETags, so that a client polling an unchanged list gets 304 Not Modified for one cheap query.

An ETag is derived from a *data version* (what the public records were at the time) plus the
request itself (host, path, query string, media type). The data version is one SQL statement of
indexed MAX()es, so its cost does not grow with the number of events:

- the newest history row of every edited model (events, sources, statements, apps, owners,
  authorities): django-simple-history writes one on every save and delete, including publishing,
  retracting and changing an event's apps or sources;
- the newest `updated_at` of any event, for writers that bypass history (bulk inserts);
- the links between related events (not history-tracked): their count and newest id.

Countries never change outside migrations. Measurements have no history, so their list uses an
ETag of the body instead (see MeasurementList).
"""

import hashlib

from django.db import connections, router
from django.utils.cache import get_conditional_response

from events.models import App, Authority, Event, Owner, Source, Statement


def _version_sql(connection):
    # Only table and column names from the models go into the text, quoted: nothing from a request.
    quote = connection.ops.quote_name
    parts = [
        f"(SELECT MAX({quote('history_id')}) FROM {quote(model.history.model._meta.db_table)})"  # noqa: S608
        for model in (Event, Source, Statement, App, Owner, Authority)
    ]
    event_table, related_table = Event._meta.db_table, Event.related.through._meta.db_table
    parts.append(f"(SELECT MAX({quote('updated_at')}) FROM {quote(event_table)})")  # noqa: S608
    parts.append(f"(SELECT COUNT(*) FROM {quote(related_table)})")  # noqa: S608
    parts.append(f"(SELECT MAX({quote('id')}) FROM {quote(related_table)})")  # noqa: S608
    return "SELECT " + ", ".join(parts)


# The statement never changes, but building it goes through django-simple-history's descriptors
# (about 2 ms a request): built once per database.
_VERSION_SQL = {}


def data_version():
    """A value that changes whenever anything the API shows may have changed (one query).

    Read from the database that serves the response body (a replica for public reads), so that a
    lagging replica never pairs an old body with a new ETag.
    """
    connection = connections[router.db_for_read(Event)]
    sql = _VERSION_SQL.get(connection.alias)
    if sql is None:
        sql = _VERSION_SQL[connection.alias] = _version_sql(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


def etag_for(request, version):
    """A weak ETag: the same data asked for in the same way gives the same body."""
    media_type = getattr(request, "accepted_media_type", "")
    text = "|".join([repr(version), request.get_host(), request.get_full_path(), str(media_type)])
    return 'W/"' + hashlib.blake2b(text.encode(), digest_size=16).hexdigest() + '"'


def not_modified(request, etag):
    """The 304 for a client whose copy is current, or None."""
    response = get_conditional_response(request, etag=etag)
    if response is not None:
        response["ETag"] = etag
    return response
