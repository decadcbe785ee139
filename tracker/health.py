"""Probes for load balancers and orchestrators: plain Django views, so no API throttle, no
session, no template; JSON answers that are never cached.

- /healthz: the process answers (liveness). Touches nothing else, so a database outage never
  gets app servers restarted for nothing.
- /readyz: this process can serve (readiness): the primary answers and has every migration this
  code expects. A load balancer stops sending traffic while it is 503, e.g. during a deployment
  whose migrations have not run yet. Each replica is checked and reported too, but a failed one
  only makes the answer "degraded" (still 200): reads then fall back to the primary
  (tracker/routers.py), and taking every app server out because a replica is down would turn a
  slower site into no site.
"""

import logging

from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .outage import describe, health

logger = logging.getLogger("tracker.health")

# Once the primary has every migration, this process's code never needs more: skip the check after.
_migrations_complete = False


@never_cache
@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


def _database_answers(alias):
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        health.failed(error)
        logger.debug("readiness: database %s: %s", alias, describe(error))
        return False
    return True


def _unapplied_migrations():
    global _migrations_complete  # a per-process memo, set once
    if _migrations_complete:
        return 0
    executor = MigrationExecutor(connections["default"])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    _migrations_complete = not plan
    return len(plan)


@never_cache
@require_safe
def readyz(request):
    # Details of a failure (host names, driver messages) go to the log, not to the public answer.
    checks = {f"database:{alias}": "ok" if _database_answers(alias) else "unavailable" for alias in connections}
    if checks["database:default"] == "ok":
        try:
            unapplied = _unapplied_migrations()
        except DatabaseError as error:
            health.failed(error)
            unapplied = None
        checks["migrations"] = "ok" if unapplied == 0 else "unavailable" if unapplied is None else "pending"
    ready = checks["database:default"] == checks.get("migrations") == "ok"
    status = "unavailable" if not ready else "ok" if all(v == "ok" for v in checks.values()) else "degraded"
    response = JsonResponse({"status": status, "checks": checks}, status=200 if ready else 503)
    # A database outage is logged once by DatabaseHealth; probes every few seconds must not add a line each.
    response._has_been_logged = True
    return response
