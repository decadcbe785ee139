"""Counts and grouped sums remembered in the shared cache until the data they count changes.

The exact `count` of a list and the GROUP BY of /stats/ read every matching row, so they grow with
the data (165,000 rows for ?country=RU at 1M events) while the page itself does not. Their answers
are kept in Django's cache (Redis with REDIS_URL, shared by every worker; per process otherwise)
under a key made of:

- the data version the ETag already reads (conditional.py): any save, delete, publication or
  change of apps or sources changes it, in every process, so no stale count is ever served;
- the public cache's generation (tracker/caching.py), which the same edits bump: it tells apart
  two databases whose versions happen to coincide (SQLite reuses the ids of rolled-back rows);
- what is counted, normalised: the filters as the filter set cleaned them (codes upper-cased,
  slugs resolved, lists de-duplicated and sorted), so `country=ru,ua` and `country=UA,RU` share
  one entry. The ordering and the page do not change a count and are left out.

`count` stays exact: an entry is only ever read for the very data it was computed from.
"""

import datetime
import hashlib

from django.core.cache import cache

from tracker.caching import generation

# Entries are never stale (the key changes with the data); this only bounds how long unused ones stay.
REMEMBER_SECONDS = 24 * 3600


def filter_key(cleaned_data, ignore=("ordering",)):
    """The filters that narrow the list, as a stable tuple: absent ones left out, lists sorted."""
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
    """compute(), or its answer remembered for this data `version` and `what` (see the module).

    Without a version (an endpoint that reads none) nothing is remembered.
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
