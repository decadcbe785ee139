#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    # A checkout with nothing configured is a developer's: the README's commands (import_stop,
    # createsuperuser...) then run with development settings, as `make run` does. A deployment
    # always sets SECRET_KEY, and then DEBUG stays off unless it says otherwise.
    if "DEBUG" not in os.environ and "SECRET_KEY" not in os.environ:
        os.environ["DEBUG"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
