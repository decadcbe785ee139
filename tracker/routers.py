"""Reads from PostgreSQL replicas for the public, everything else from the primary.

DATABASE_REPLICA_URL adds the aliases `replica_1`, `replica_2`, ... (see settings). Within a
request, `ReadRoutingMiddleware` decides once where that request's reads go:

- public reads (an anonymous GET or HEAD of a page, the API or a feed) go to one replica, chosen
  at random per request so that a request sees one consistent snapshot;
- everything an editor does goes to the primary: the admin, any request with another method,
  any request from a signed-in user, and every read after a write in the same request, so that
  editors always see their own writes, which a lagging replica may not have yet.

Outside requests (management commands, the shell, migrations) every query goes to the primary.

A replica that fails does not take the public site down while the primary works: the request is
answered again from the primary, and that replica is left alone for REPLICA_RETRY_SECONDS.
"""

import contextlib
import logging
import random
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings

DEFAULT = "default"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
ADMIN_PREFIX = "/admin/"
REPLICA_RETRY_SECONDS = 30

logger = logging.getLogger("tracker.database")


def replica_aliases():
    return [alias for alias in settings.DATABASES if alias.startswith("replica_")]


@dataclass
class RequestReads:
    """Where the current request reads from: a replica alias, or None for the primary."""

    alias: str | None


_reads = ContextVar("tracker_request_reads", default=None)


class PrimaryReplicaRouter:
    """Django database router: see the module docstring."""

    def db_for_read(self, model, **hints):
        reads = _reads.get()
        return reads.alias if reads is not None and reads.alias else None

    def db_for_write(self, model, **hints):
        reads = _reads.get()
        if reads is not None:
            reads.alias = None  # read your own writes: the rest of this request reads the primary
        # An object read from a replica is saved on the primary; other aliases keep Django's default.
        return DEFAULT if replica_aliases() else None

    def allow_relation(self, obj1, obj2, **hints):
        # Rows from a replica and from the primary are the same rows.
        ours = {DEFAULT, *replica_aliases()}
        return True if {obj1._state.db, obj2._state.db} <= ours else None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # Replicas receive the schema by replication; migrating them directly would fail (read-only).
        return False if db in replica_aliases() else None


class ReadRoutingMiddleware:
    """Chooses the database for the reads of each request. Goes after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.replicas = replica_aliases()
        self.down_until = {}  # replica alias -> time.monotonic() before which it is not used

    def choose(self, request):
        if not self.replicas or request.method not in SAFE_METHODS or request.path_info.startswith(ADMIN_PREFIX):
            return None
        # Only a request that carries a session can come from an editor; checking the cookie first
        # spares anonymous readers the session lookup (which itself reads the primary).
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            return None
        now = time.monotonic()
        usable = [alias for alias in self.replicas if self.down_until.get(alias, 0) <= now]
        return random.choice(usable) if usable else None

    def _respond(self, request, alias):
        reads = RequestReads(alias)
        token = _reads.set(reads)
        try:
            return reads, self.get_response(request)
        finally:
            _reads.reset(token)

    def __call__(self, request):
        chosen = self.choose(request)
        reads, response = self._respond(request, chosen)
        if chosen and getattr(response, "database_outage", False):
            # Perhaps only the replica failed: a safe request can simply be answered again from the primary.
            reads, response = self._respond(request, None)
            if not getattr(response, "database_outage", False):
                self.down_until[chosen] = time.monotonic() + REPLICA_RETRY_SECONDS
                logger.warning(
                    "replica %s unavailable: reading from the primary for %s s",
                    chosen,
                    REPLICA_RETRY_SECONDS,
                    extra={"event": "replica_unavailable", "alias": chosen},
                )
        if self.replicas:
            request.reads_from = reads.alias or DEFAULT  # for the request's log line
        if response.streaming:
            # A streamed body (the API's CSV) runs its queries after this method has returned.
            response.streaming_content = _reading_from(reads, response.streaming_content)
        return response


def _reading_from(reads, content):
    token = _reads.set(reads)
    try:
        yield from content
    finally:
        with contextlib.suppress(ValueError):  # closed from another context, which never saw the value
            _reads.reset(token)
