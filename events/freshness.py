"""Has anything public changed? The one module that answers, for every cache and ETag.

Two clocks tell, each where it can be read cheaply:

- The **data version**, in the database: one SQL statement of indexed MAX()es (its cost does not
  grow with the data) over what the public records are made of —
  the newest history row of every edited model (events, sources, statements, apps, owners,
  authorities), which django-simple-history writes on every save and delete, including
  publishing, retracting and changing an event's apps or sources; the newest `updated_at` of any
  event, for writers that bypass history (bulk inserts); and the links between related events
  (not history-tracked): a counter of their writes, kept by a trigger (related_changes.py).
  Countries never change outside migrations.
  Being in the database, it is the same for every worker and is read from the database that serves
  the response (a replica for public reads), so a lagging replica never pairs an old body with a
  new ETag. It makes the API's **ETags** (a 304 for a client whose copy is current) and keys the
  **remembered counts** (an exact count or GROUP BY is computed once per data version and filters).
- The **generation**, in the shared cache (Redis with REDIS_URL): a number that every save or
  delete of a public model, and every change of an event's apps, sources or related events, bumps
  (the signal receivers below), at once and again when the transaction commits, since a page
  rendered between the two may have read the data as it was. It prefixes every **kept public
  answer** (tracker/caching.py), which can then be served without a single query. With the
  per-process fallback cache only the process that saved sees the bump; the others keep their
  copy for at most PUBLIC_CACHE_SECONDS.

Measurements have no history; their list's ETag is a hash of the body instead (body_etag).

Signal receivers rather than explicit calls: events are saved by the admin (forms, inlines, review
actions), django-simple-history's revert, the importers and `load_seed`, and an explicit call in each
would be one more place to forget. `post_save`, `post_delete` and `m2m_changed` see every one of them
except bulk writes (`QuerySet.update()`, `bulk_create()`), which no editor path uses.
"""

import datetime
import hashlib
import time

from django.core.cache import cache
from django.db import connections, router, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.cache import get_conditional_response

from .models import App, Authority, Event, Measurement, Owner, Source, Statement

# ---- the data version (database) ----------------------------------------------------------------

HISTORY_TRACKED = (Event, Source, Statement, App, Owner, Authority)


def _version_sql(connection):
    # Only table and column names from the models go into the text, quoted: nothing from a request.
    quote = connection.ops.quote_name
    parts = [
        f"(SELECT MAX({quote('history_id')}) FROM {quote(model.history.model._meta.db_table)})"  # noqa: S608
        for model in HISTORY_TRACKED
    ]
    parts.append(f"(SELECT MAX({quote('updated_at')}) FROM {quote(Event._meta.db_table)})")  # noqa: S608
    parts.append("(SELECT changes FROM events_related_changes)")  # kept by events/related_changes.py
    return "SELECT " + ", ".join(parts)


# The statement never changes, but building it goes through django-simple-history's descriptors
# (about 2 ms a request): built once per database.
_VERSION_SQL = {}


def data_version():
    """A value that changes whenever anything the public may see has changed (one query)."""
    connection = connections[router.db_for_read(Event)]
    sql = _VERSION_SQL.get(connection.alias)
    if sql is None:
        sql = _VERSION_SQL[connection.alias] = _version_sql(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


def etag_for(request, version):
    """A weak ETag: the same data asked for in the same way, on the same day, gives the same body
    (the day too: what is in force, and which measures are overdue for confirmation, change with it)."""
    media_type = getattr(request, "accepted_media_type", "")
    day = timezone.localdate().isoformat()
    text = "|".join([repr(version), day, request.get_host(), request.get_full_path(), str(media_type)])
    return 'W/"' + hashlib.blake2b(text.encode(), digest_size=16).hexdigest() + '"'


def body_etag(content):
    """A weak ETag of a rendered body, for what the data version does not cover (measurements)."""
    return 'W/"' + hashlib.blake2b(content, digest_size=16).hexdigest() + '"'


def not_modified(request, etag):
    """The 304 for a client whose copy is current, or None."""
    response = get_conditional_response(request, etag=etag)
    if response is not None:
        response["ETag"] = etag
    return response


# ---- remembered counts (keyed by the data version) ---------------------------------------------

# Entries are never stale (the key changes with the data); this only bounds how long unused ones stay.
REMEMBER_SECONDS = 24 * 3600


def filter_key(cleaned_data, ignore=("ordering",)):
    """The filters that narrow a list, normalised (absent ones left out, lists sorted), so that
    `country=ru,ua` and `country=UA,RU` share one remembered count. Ordering changes no count."""
    items = []
    for name, value in sorted(cleaned_data.items()):
        if name in ignore or value is None or value in ("", []):
            continue
        if isinstance(value, list | tuple):
            value = tuple(sorted(value))
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        items.append((name, value))
    return tuple(items)


def remembered(kind, version, what, compute):
    """compute(), or its answer remembered for this data `version` and `what`.

    The generation is in the key too: it tells apart two databases whose versions happen to
    coincide (SQLite reuses the ids of rolled-back rows). Without a version nothing is remembered.
    """
    if version is None:
        return compute()
    text = repr((kind, version, generation(), what))
    key = f"api:{kind}:" + hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, REMEMBER_SECONDS)
    return value


# ---- the generation (shared cache) --------------------------------------------------------------

GENERATION_KEY = "public:generation"


def generation():
    """The current generation of the public data; started from the clock, not 0: if the number is
    ever evicted, its next value cannot coincide with one that older kept answers were stored under."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, time.time_ns(), None)
        value = cache.get(GENERATION_KEY, 0)
    return value


def bump_generation():
    """Drop every kept public answer and remembered count by moving to the next generation."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there yet, evicted, or the dummy cache
        cache.add(GENERATION_KEY, time.time_ns(), None)


WATCHED = (*HISTORY_TRACKED, Measurement)
WATCHED_LINKS = (Event.apps.through, Event.sources.through, Event.related.through)


def public_data_changed(sender, **kwargs):
    bump_generation()
    transaction.on_commit(bump_generation, using=kwargs.get("using"))


def links_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        public_data_changed(sender, **kwargs)


def connect_signals():
    for model in WATCHED:
        post_save.connect(public_data_changed, sender=model, dispatch_uid=f"public-cache-save-{model.__name__}")
        post_delete.connect(public_data_changed, sender=model, dispatch_uid=f"public-cache-delete-{model.__name__}")
    for through in WATCHED_LINKS:
        m2m_changed.connect(links_changed, sender=through, dispatch_uid=f"public-cache-links-{through.__name__}")
