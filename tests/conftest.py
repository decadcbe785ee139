import pytest

from events.seed.loader import load_seed


@pytest.fixture
def seed(db):
    """The seed story, loaded as `make run` loads it."""
    load_seed()
