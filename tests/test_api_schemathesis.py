"""The API against its own OpenAPI schema, in-process: generated requests from the schema (valid
and invalid parameters alike) must never cause a server error, and every response must match
what the schema documents (status code, content type, headers, body)."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from tracker.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Calls go through the real WSGI handler, which closes the database connection after each
    request; that would end the test's transaction on PostgreSQL. Django's test client unhooks
    the same signal handlers for the same reason."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def story(seed):
    """The seed story, so that valid codes and slugs find real rows."""


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure is reproducible, not a flake
    suppress_health_check=list(HealthCheck),
)
def test_api_matches_its_schema(case, story):
    case.call_and_validate(checks=CHECKS)
