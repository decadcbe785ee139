import importlib

import pytest
from django.apps import apps

from events.models import Country
from events.seed.loader import load_seed

# Rows that migrations load rather than tests: every country, and the editorial groups.
MIGRATION_DATA = [
    ("events.migrations.0002_countries", "load_countries"),
    ("events.migrations.0003_review_groups", "create_groups"),
]


def restore_migration_data():
    for module, function in MIGRATION_DATA:
        getattr(importlib.import_module(module), function)(apps, None)


def is_transactional(request):
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or "live_server" in request.fixturenames


@pytest.fixture(autouse=True)
def migration_data_survives_transactional_tests(request, django_db_blocker):
    """Put back what migrations loaded after a transactional test (browser and live-server tests).

    Such a test ends by emptying every table. serialized_rollback should restore them, but once
    Playwright's event loop runs in the thread Django hands out a fresh connection object without
    the serialized copy; so the migrations' own loaders run again here. Being autouse, this
    fixture's teardown runs after the database flush.
    """
    yield
    if is_transactional(request):
        with django_db_blocker.unblock():
            if not Country.objects.exists():
                restore_migration_data()


@pytest.fixture
def seed(db):
    """The seed story, loaded as `make run` loads it."""
    load_seed()
