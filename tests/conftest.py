import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from pytest_django.plugin import blocking_manager_key

from events.seed.loader import load_seed
from tests.migration_data import restore_migration_data


def is_transactional(item):
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or "live_server" in getattr(item, "fixturenames", ())


def is_serialized(item):
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("serialized_rollback"))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Make room for the copy a serialized_rollback test is about to get back.

    After an earlier transactional test the teardown hook below has put the migrations' rows back
    (groups, and the content types and permissions they need) under new keys; Django's copy then
    inserts the same rows under their first keys, and their names collide. So the tables are
    emptied here and everything comes back from the copy. Where the copy is gone (see below),
    nothing is emptied.
    """
    if is_serialized(item) and getattr(connection, "_test_serialized_contents", None):
        with item.config.stash[blocking_manager_key].unblock():
            call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)


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


@pytest.fixture(scope="module")
def seed_story(django_db_setup, django_db_blocker):
    """The seed story, loaded once for a test module inside a transaction that is rolled back after
    its last test; each test's own changes are rolled back to a savepoint within it, as with
    Django's setUpTestData. (Loading it for each of some sixty tests cost about 0.2 s a time.)"""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        load_seed()
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def seed(seed_story, db):
    """The seed story, loaded as `make run` loads it (once per module: see seed_story)."""


@pytest.fixture
def seed_each(db):
    """The seed story loaded for this test alone, for tests that count what loading it does."""
    load_seed()


@pytest.fixture(autouse=True)
def fresh_cache():
    """Every test starts from an empty cache: no kept answer, remembered count or throttle counter of
    an earlier test. (The API rate limit is high for the whole run: see development_env.py.)"""
    yield
    cache.clear()
