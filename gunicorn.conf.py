"""gunicorn settings, from the environment: `gunicorn -c gunicorn.conf.py tracker.wsgi`.

GUNICORN_BIND         address to listen on (127.0.0.1:8000; behind a proxy on another host,
                      0.0.0.0:8000 or a unix:/run/tracker.sock socket)
WEB_CONCURRENCY       worker processes (2 x CPUs + 1)
GUNICORN_THREADS      threads per worker (4): requests wait mostly on PostgreSQL, so threads
                      add concurrency for little memory
GUNICORN_TIMEOUT      seconds before a silent worker is killed and replaced (30)
GUNICORN_KEEPALIVE    seconds to hold an idle keep-alive connection from the proxy (5)
GUNICORN_MAX_REQUESTS restart a worker after this many requests (1000, with jitter; 0 = never),
                      which bounds slow memory growth
FORWARDED_ALLOW_IPS   proxies whose X-Forwarded-* headers gunicorn trusts (127.0.0.1)

Each request is logged by the application (tracker/middleware.py, JSON on stdout), so gunicorn's
own access log stays off; its error log (start-up, worker restarts, timeouts) goes to stderr.
"""

import multiprocessing
import os


def _int(name, default):
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError:
        raise SystemExit(f"{name}={value!r} is not a whole number.") from None


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 4)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max_requests // 10
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Worker heartbeats in memory rather than on a disk that may be slow or read-only.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - the documented choice
proc_name = "tracker"
# gunicorn 27's control socket sits at one path per user, which several servers on one host (tests,
# benchmarks, blue-green deploys) would fight over; nothing here uses it.
control_socket_disable = True
# No limit of gunicorn's own on the request line: the app answers an overlong address with a 414 it
# can explain (JSON under /api/; tracker/middleware.py). Headers keep gunicorn's limits.
limit_request_line = 0
