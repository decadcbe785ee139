"""A pytest plugin loaded first (see pyproject's addopts), before pytest-django reads the settings:
tests run with development settings unless the environment says otherwise."""

import os

os.environ.setdefault("DEBUG", "1")
# The anonymous API rate limit counts per address for the whole session; tests that check it set
# their own rate.
os.environ.setdefault("API_ANON_RATE", "100000/minute")
os.environ.setdefault("PAGES_ANON_RATE", "100000/minute")
