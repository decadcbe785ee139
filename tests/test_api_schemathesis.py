"""The API against its own OpenAPI schema, in-process: generated requests from the schema (valid
and invalid parameters alike) must never cause a server error, and every response must match
what the schema documents (status code, content type, headers, body)."""

import pytest
import schemathesis
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
def unthrottled(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "1000000/minute"}}


@pytest.fixture
def story(seed):
    """The seed story, so that valid codes and slugs find real rows."""


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure is reproducible, not a flake
    suppress_health_check=list(HealthCheck),
)
def test_api_matches_its_schema(case, story):
    case.call_and_validate(checks=CHECKS)
