"""Request-level operations: one log line per request with its id, and database-outage handling."""

import logging
import re
import time
import uuid
from contextlib import ExitStack
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.conf import settings
from django.db import connections
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.views.defaults import page_not_found

from .logging import request_id_var
from .outage import OUTAGE_ERRORS, health, is_api, outage_response

logger = logging.getLogger("tracker.request")

# An incoming X-Request-ID (from a proxy or load balancer) is kept if it looks like an id; anything
# else (too long, odd characters that could forge log fields) is replaced by a fresh one.
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

# Load balancers poll these every few seconds: their lines go out at DEBUG, not INFO.
PROBES = ("/healthz", "/readyz")


class RequestLogMiddleware:
    """Gives every request an id (X-Request-ID, honoured if sent) and logs one line when it ends:
    method, path, status, duration_ms and request_id, plus which database served its reads.

    First in MIDDLEWARE, so that the time and the id cover everything else, and every log record
    written during the request (a traceback included) carries the same request_id.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request.request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id
            fields = {
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            }
            if request.META.get("QUERY_STRING"):
                fields["query"] = request.META["QUERY_STRING"]
            if response.has_header("X-Cache"):
                fields["cache"] = response["X-Cache"]  # hit: served from the shared cache (tracker/caching.py)
            reads_from = getattr(request, "reads_from", None)
            if reads_from:
                fields["db"] = reads_from
            level = logging.DEBUG if request.path in PROBES and response.status_code == 200 else logging.INFO
            logger.log(level, "%s %s %s", request.method, request.path, response.status_code, extra=fields)
            return response
        finally:
            request_id_var.reset(token)


class DatabaseOutageMiddleware:
    """Turns a database outage inside a view into a 503 (page or JSON) instead of a 500.

    While the database is failing it also watches queries, so that the first one that succeeds
    again logs the recovery. Outages raised outside views are caught by `tracker.outage.server_error`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not health.failing:
            return self.get_response(request)
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(self._watch))
            return self.get_response(request)

    @staticmethod
    def _watch(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        health.recovered()
        return result

    def process_exception(self, request, exception):
        if isinstance(exception, OUTAGE_ERRORS):
            health.failed(exception)
            return outage_response(request)
        return None


# Longest path and query the app answers; gunicorn's own limit is lifted (gunicorn.conf.py) so that
# a longer one gets this 414, in JSON under /api/, rather than gunicorn's bare page.
MAX_URL_LENGTH = 8000


class RequestGuardMiddleware:
    """Addresses no view can answer are refused before any view or query sees them: a NUL
    character in the path (which PostgreSQL cannot even compare) is a 404, an address longer than
    MAX_URL_LENGTH a 414; JSON under /api/, as every API answer is. With SITE_URL set, the Host a
    request names is replaced by the site's own, so that every absolute link is the site's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SITE_URL:
            # Links are built from the configured address, never from what the client sent.
            request.META["HTTP_HOST"] = urlsplit(settings.SITE_URL).netloc
        if "\x00" in request.path_info:
            return error_response(request, 404, "No such address: it contains a NUL character (%00).")
        if len(request.get_full_path()) > MAX_URL_LENGTH:
            return error_response(request, 414, f"The address is longer than {MAX_URL_LENGTH} characters.")
        if not is_api(request) and not request.path_info.startswith("/admin/"):
            drop_tracking_parameters(request)
        return self.get_response(request)


# What sites and newsletters append to every outbound link (utm_* for any campaign tag; the click
# ids of Facebook, Google, Microsoft, TikTok, X, Yandex, LinkedIn, Instagram, Mailchimp, HubSpot,
# Marketo and others). A shared link to a page must work: the pages ignore them, as if absent,
# while the API, whose callers write their own URLs, keeps refusing unknown parameters.
TRACKING_PREFIXES = ("utm_", "_hs", "mc_", "pk_", "mtm_")
TRACKING_PARAMETERS = {
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "ttclid", "twclid", "yclid",
    "li_fat_id", "igshid", "igsh", "ref_src", "ref_url", "_ga", "_gl", "_openstat", "mkt_tok",
    "hsctatracking", "oly_anon_id", "oly_enc_id", "vero_id", "wickedid", "rb_clickid", "s_cid",
    "srsltid", "si", "_branch_match_id", "epik", "sc_cid",
}  # fmt: skip


def is_tracking(name):
    name = name.casefold()
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


def drop_tracking_parameters(request):
    """Remove tracking parameters from the request's query, before any view, cache key or canonical
    link reads it: `/timeline/?country=ru&fbclid=x` is `/timeline/?country=ru`."""
    query = request.META.get("QUERY_STRING", "")
    if not query:
        return
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = [(name, value) for name, value in pairs if not is_tracking(name)]
    if len(kept) != len(pairs):
        request.META["QUERY_STRING"] = urlencode(kept)
        request.GET = QueryDict(request.META["QUERY_STRING"])


def error_response(request, status, detail):
    """An error for `request`: {"detail": ...} under /api/, the site's page for the status elsewhere."""
    if is_api(request):
        return JsonResponse({"detail": detail}, status=status)
    if status == 404:
        return page_not_found(request, Http404(detail))
    return HttpResponse(f"{detail}\n", status=status, content_type="text/plain; charset=utf-8")
