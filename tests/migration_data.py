"""Rows that migrations load rather than tests (every country, the editorial groups and their
permissions), and how to put them back after a transactional test has emptied the tables."""

import importlib

from django.apps import apps

LOADERS = [
    ("events.migrations.0002_countries", "load_countries"),
    ("events.migrations.0003_review_groups", "create_groups"),
]


def restore_migration_data():
    """Run the migrations' own loaders again; both leave existing rows as they are."""
    for module, function in LOADERS:
        getattr(importlib.import_module(module), function)(apps, None)
