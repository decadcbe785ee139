"""Drop the public's kept answers whenever something they show changes (tracker/caching.py).

A signal receiver rather than explicit calls: events are saved by the admin (forms, inlines,
review actions), django-simple-history's revert, the importers and `load_seed`, and an explicit
call in each would be one more place to forget. `post_save`, `post_delete` and `m2m_changed` see
every one of them except bulk writes (`QuerySet.update()`, `bulk_create()`), which no editor path
uses for public records.

The generation is bumped at once and again when the transaction commits: a page rendered between
the two may have read the data as it was before the commit, and the second bump makes its copy
obsolete too.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from tracker.caching import bump_generation

from .models import App, Authority, Event, Measurement, Owner, Source, Statement

WATCHED = (Event, Source, Statement, App, Owner, Authority, Measurement)
WATCHED_LINKS = (Event.apps.through, Event.sources.through, Event.related.through)


def public_data_changed(sender, **kwargs):
    bump_generation()
    transaction.on_commit(bump_generation, using=kwargs.get("using"))


def links_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        public_data_changed(sender, **kwargs)


def connect():
    for model in WATCHED:
        post_save.connect(public_data_changed, sender=model, dispatch_uid=f"public-cache-save-{model.__name__}")
        post_delete.connect(public_data_changed, sender=model, dispatch_uid=f"public-cache-delete-{model.__name__}")
    for through in WATCHED_LINKS:
        m2m_changed.connect(links_changed, sender=through, dispatch_uid=f"public-cache-links-{through.__name__}")
