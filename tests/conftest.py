import pytest
from pytest_django.plugin import blocking_manager_key

from events.seed.loader import load_seed
from tests.migration_data import restore_migration_data


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
            restore_migration_data()
    return result


@pytest.fixture
def seed(db):
    """The seed story, loaded as `make run` loads it."""
    load_seed()
