import importlib

import pytest
from django.apps import apps
from pytest_django.plugin import blocking_manager_key

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


def is_transactional(item):
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or "live_server" in getattr(item, "fixturenames", ())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Put back what migrations loaded once a transactional test (browser, live server) is over.

    Such a test ends by emptying every table. serialized_rollback should restore them, but once
    Playwright's event loop runs in the thread Django hands out a fresh connection object without
    the serialized copy; so the migrations' own loaders run again. A hook rather than a fixture:
    it runs after every fixture's teardown, the database flush included.
    """
    result = yield
    # After the last test the test database is already gone, and nothing needs the rows.
    if nextitem is not None and is_transactional(item):
        with item.config.stash[blocking_manager_key].unblock():
            if not Country.objects.exists():
                restore_migration_data()
    return result


@pytest.fixture
def seed(db):
    """The seed story, loaded as `make run` loads it."""
    load_seed()
