"""What the site does while its database is unreachable.

Readers get a friendly 503 page, API clients a JSON 503, both with Retry-After and never cached,
instead of a traceback or a 500. The operator gets one log line when the database starts failing
and one when it answers again, not one per request: a news spike during a database restart would
otherwise bury the cause under thousands of identical tracebacks.

Nothing needs restarting afterwards: Django discards a connection that raised (its
`errors_occurred` flag, checked when each request finishes) and, with CONN_HEALTH_CHECKS, checks a
reused one before the next request's first query, so the first request after recovery connects anew.
"""

import logging
import sys
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views import defaults

logger = logging.getLogger("tracker.database")

# OperationalError: cannot connect, connection lost, server shutting down. InterfaceError: a
# connection that was already closed under us. Both mean "the database", not "this request".
OUTAGE_ERRORS = (OperationalError, InterfaceError)


def describe(error):
    """The first line of a driver error (psycopg2 adds hints on further lines)."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


class DatabaseHealth:
    """This process's view of the database: healthy, or failing since a time.

    Each gunicorn worker keeps its own, so an outage is logged once per worker process.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self.failing_since = None
        self.failed_requests = 0

    @property
    def failing(self):
        return self.failing_since is not None

    def failed(self, error):
        """Record a failure; log it only on the change from healthy to failing."""
        with self._lock:
            first = self.failing_since is None
            if first:
                self.failing_since = time.monotonic()
            self.failed_requests += 1
        if first:
            logger.error(
                "database unavailable: %s",
                describe(error),
                extra={"event": "database_unavailable", "error_class": type(error).__name__},
            )

    def recovered(self):
        """Record a successful query; log once if the database had been failing."""
        if self.failing_since is None:
            return
        with self._lock:
            if self.failing_since is None:
                return
            seconds = time.monotonic() - self.failing_since
            failed = self.failed_requests
            self.failing_since, self.failed_requests = None, 0
        logger.warning(
            "database reachable again after %.1f s",
            seconds,
            extra={"event": "database_recovered", "outage_seconds": round(seconds, 1), "failed_requests": failed},
        )


health = DatabaseHealth()


def is_api(request):
    return request.path_info.startswith("/api/")


def outage_response(request):
    """503 for this request: JSON under /api/, the friendly page elsewhere."""
    retry_after = settings.OUTAGE_RETRY_AFTER
    if is_api(request):
        response = JsonResponse(
            {"detail": f"The tracker's database is unavailable for a moment. Retry after {retry_after} seconds."},
            status=503,
        )
    else:
        response = HttpResponse(render_to_string("503.html", {"retry_after": retry_after}), status=503)
    response["Retry-After"] = str(retry_after)
    add_never_cache_headers(response)  # a CDN must not keep serving the outage once it is over
    # Django's request logger would add an error line per request; DatabaseHealth logs the outage once.
    response._has_been_logged = True
    response.database_outage = True  # for ReadRoutingMiddleware, which may retry on the primary
    return response


def server_error(request, template_name="500.html"):
    """handler500: an outage surfacing outside a view (e.g. in a middleware) still gets the 503;
    any other error is the site's 500 page, or JSON under /api/.

    Django calls this inside its `except` block, so the exception is the current one.
    """
    error = sys.exc_info()[1]
    if isinstance(error, OUTAGE_ERRORS):
        health.failed(error)
        return outage_response(request)
    if is_api(request):
        return JsonResponse({"detail": "Something went wrong on our side; it has been logged."}, status=500)
    return defaults.server_error(request, template_name=template_name)


def not_found(request, exception, template_name="404.html"):
    """handler404: JSON under /api/ (an address outside /api/v1/ too), the site's page elsewhere."""
    if is_api(request):
        return JsonResponse({"detail": "No such address: the API is at /api/v1/."}, status=404)
    return defaults.page_not_found(request, exception, template_name=template_name)
