"""Settings of the benchmarked tracker: exactly the production settings, with application caches off.

`tracker/settings.py` is read as it is (DEBUG, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL come from
the environment that bench/speed.py sets); only the cache changes. With BENCH_CACHE=off (the
default) every cache lookup misses (DummyCache), so each request does its full work; with
BENCH_CACHE=on the tracker's own cache setting applies (Redis through REDIS_URL).

The rate limit stays on, with a rate no benchmark reaches (API_ANON_RATE, set by bench/speed.py),
so that its cost is measured but it never answers 429.
"""

import os

from tracker import settings as _production

globals().update({name: getattr(_production, name) for name in dir(_production) if name.isupper()})

if os.environ.get("BENCH_CACHE", "off") != "on":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
