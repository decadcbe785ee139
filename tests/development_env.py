"""A pytest plugin loaded first (see pyproject's addopts), before pytest-django reads the settings:
tests run with development settings unless the environment says otherwise."""

import os

os.environ.setdefault("DEBUG", "1")
