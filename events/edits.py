"""Which records a person has edited, so that no program of ours ever undoes their work.

The seed loader and the importers write records that editors may later correct. django-simple-history
stores who made each change: a record whose latest change carries a user was last touched by a
person (in the admin), and a program must leave it alone and report it instead. One whose latest
change has no user was last written by a program (a command) and may be brought up to date.
"""

from django.db.models import OuterRef, Subquery

from events.models import FormerSlug


def edited_by_people(model, pks):
    """The subset of `pks` whose latest history record was made by a signed-in user; one query."""
    history = model.history.model
    latest_user = history.objects.filter(id=OuterRef("pk")).order_by("-history_date", "-history_id")
    return set(
        model.objects.filter(pk__in=list(pks))
        .annotate(latest_user=Subquery(latest_user.values("history_user_id")[:1]))
        .filter(latest_user__isnull=False)
        .values_list("pk", flat=True)
    )


def deleted_by_people(model, **lookup):
    """True when a record matching `lookup` was deleted by a person: a program must not bring it back."""
    history = model.history.model
    return history.objects.filter(history_type="-", history_user__isnull=False, **lookup).exists()


def find(model, lookup):
    """The record `lookup` names, following a former slug when an editor renamed or merged it:
    a program that keeps the old slug must find the record, not create a second one."""
    found = model.objects.filter(**lookup).first()
    if found is None and set(lookup) == {"slug"}:
        former = FormerSlug.objects.filter(kind=model._meta.model_name, slug=lookup["slug"]).first()
        if former is not None:
            found = model.objects.filter(pk=former.target_id).first()
    return found


def by_slug(model):
    """{slug: record} of every `model` record, its former slugs included (one query each), for an
    importer that looks up many: a record an editor renamed or merged is found, not made again."""
    found = {record.slug: record for record in model.objects.all()}
    by_id = {record.pk: record for record in found.values()}
    for former in FormerSlug.objects.filter(kind=model._meta.model_name).exclude(slug__in=list(found)):
        if former.target_id in by_id:
            found[former.slug] = by_id[former.target_id]
    return found
