"""Merging duplicates: one app, owner or authority left, and every old address leading to it.

Imports and editors sometimes create a record twice ("Twitter" and "Twitter (X)"). Merging moves
everything that points at the duplicates to the record that stays, through saves, so that each
change has its history row with the editor's name (measurements, which keep no history, in one
UPDATE); records the duplicates' slugs, and their own former slugs, as FormerSlugs of the survivor
(events/redirects.py); then deletes the duplicates. All of it in one transaction: a merge that
fails leaves nothing half done. The saves and the deletion bump the public cache's generation
(events/freshness.py), so no kept page goes on showing a duplicate.
"""

from django.db import transaction

from events import status_steps
from events.models import App, FormerSlug


def _pointing_at(model):
    """The relations of other records to `model` that a merge must move (not history, not link tables)."""
    for relation in model._meta.related_objects:
        if not relation.related_model._meta.auto_created and not _is_history(relation.related_model):
            yield relation


def _is_history(model):
    return any(f.name == "history_id" for f in model._meta.fields)


def _has_history(model):
    return hasattr(model, "history")


@transaction.atomic
@status_steps.deferred()  # the pairs' steps written once, at the end
def merge(survivor, duplicates):
    """Merge `duplicates` into `survivor`; returns {what was moved: how many}."""
    model = type(survivor)
    kind = model._meta.model_name
    moved = {}
    for duplicate in duplicates:
        assert duplicate.pk != survivor.pk and type(duplicate) is model
        # Only an address the public could have known redirects (a draft-only record's stays a 404).
        was_public = model.objects.public().filter(pk=duplicate.pk).exists()
        for relation in _pointing_at(model):
            related, field = relation.related_model, relation.field.name
            label = related._meta.verbose_name_plural
            if relation.many_to_many:  # an event's apps: m2m_changed gives the event its history row
                for obj in getattr(duplicate, relation.get_accessor_name()).all():
                    manager = getattr(obj, field)
                    manager.add(survivor)
                    manager.remove(duplicate)
                    moved[label] = moved.get(label, 0) + 1
            elif _has_history(related):
                # Saved one by one, so that each change has its history row with the editor's name.
                for obj in related._default_manager.filter(**{field: duplicate}):
                    # The survivor cannot be its own parent (an owner merged into its subsidiary).
                    setattr(obj, field, survivor if obj.pk != survivor.pk else None)
                    obj.save()
                    moved[label] = moved.get(label, 0) + 1
            else:
                # No history to write (OONI measurements, thousands of rows a year): one UPDATE.
                count = related._default_manager.filter(**{field: duplicate}).update(**{field: survivor})
                if count:
                    moved[label] = moved.get(label, 0) + count
        FormerSlug.objects.filter(kind=kind, target_id=duplicate.pk).update(target_id=survivor.pk)
        slug = duplicate.slug
        duplicate.delete()
        if was_public:
            FormerSlug.objects.update_or_create(kind=kind, slug=slug, defaults={"target_id": survivor.pk})
    if model is App:  # its measurements moved by one UPDATE, which sends no signal
        status_steps.refresh_apps({survivor.pk})
    return moved
