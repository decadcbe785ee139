"""Merging duplicates: one app, owner or authority left, and every old address leading to it.

Imports and editors sometimes create a record twice ("Twitter" and "Twitter (X)"). Merging moves
everything that points at the duplicates to the record that stays, through saves (so that each
change has its history row with the editor's name), records the duplicates' slugs, and their own
former slugs, as FormerSlugs of the survivor (events/redirects.py), then deletes the duplicates.
All of it in one transaction: a merge that fails leaves nothing half done.
"""

from django.db import transaction

from events.models import FormerSlug


def _pointing_at(model):
    """The relations of other records to `model` that a merge must move (not history, not link tables)."""
    for relation in model._meta.related_objects:
        related = relation.related_model
        if related._meta.auto_created or any(f.name == "history_id" for f in related._meta.fields):
            continue
        yield relation


@transaction.atomic
def merge(survivor, duplicates):
    """Merge `duplicates` into `survivor`; returns {what was moved: how many}."""
    model = type(survivor)
    kind = model._meta.model_name
    moved = {}
    for duplicate in duplicates:
        assert duplicate.pk != survivor.pk and type(duplicate) is model
        for relation in _pointing_at(model):
            name = relation.get_accessor_name()
            label = relation.related_model._meta.verbose_name_plural
            if relation.many_to_many:
                field = relation.field.name
                for obj in getattr(duplicate, name).all():
                    manager = getattr(obj, field)
                    manager.add(survivor)
                    manager.remove(duplicate)
                    moved[label] = moved.get(label, 0) + 1
            else:
                field = relation.field.name
                for obj in relation.related_model._default_manager.filter(**{field: duplicate}):
                    setattr(obj, field, survivor if obj.pk != survivor.pk else None)
                    obj.save()
                    moved[label] = moved.get(label, 0) + 1
        FormerSlug.objects.filter(kind=kind, target_id=duplicate.pk).update(target_id=survivor.pk)
        slug = duplicate.slug
        duplicate.delete()
        FormerSlug.objects.update_or_create(kind=kind, slug=slug, defaults={"target_id": survivor.pk})
    return moved
