"""The API against its own OpenAPI schema, in-process, with every check schemathesis has (`--checks
all`): generated requests from the schema (valid and invalid parameters alike) must never cause a
server error, every response must match what the schema documents (status code, content type,
headers, body), requests the schema calls invalid must be refused and valid ones accepted.

One allowance: a request the schema calls valid may still be answered 400, because a well-formed
slug or cursor can name nothing (`app=0`, a cursor no page gave) and a well-formed date range can be
empty (`started_after` later than `started_before`); the API says so, naming the parameter, as
documented. Country codes and the cursor's form are exact in the schema, so those never differ."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks
from schemathesis.config import SchemathesisConfig

from tracker.wsgi import application

CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "304", "400", "404", "429"]}}}
)
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application, config=CONFIG)

checks.load_all_checks()
CHECKS = checks.CHECKS.get_all()  # every check there is: schemathesis's --checks all


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
    max_examples=15,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure is reproducible, not a flake
    suppress_health_check=list(HealthCheck),
)
def test_api_matches_its_schema(case, story):
    case.call_and_validate(checks=CHECKS)
