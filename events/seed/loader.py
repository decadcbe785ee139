"""Write the seed story into the database, touching only what differs from it and nobody edited.

`make run` loads the seed every time, so this must never undo an editor's work: a record whose
latest change was made by a person (events/edits.py) is left as it is and reported as a conflict,
and a record a person deleted is not brought back.
"""

from collections import Counter

from django.db import transaction

from events import status_steps
from events.edits import deleted_by_people, edited_by_people, find
from events.models import App, Authority, Country, Event, Owner, Source, Statement

from . import story


class Tally(Counter):
    """What loading changed, by label, and the conflicts: records left as an editor made them."""

    def __init__(self):
        super().__init__()
        self.conflicts = []

    def conflict(self, obj, what):
        self[f"{type(obj)._meta.verbose_name_plural} left as editors made them"] += 1
        self.conflicts.append(f"{type(obj)._meta.verbose_name} {obj.pk} ({obj}): {what}")


def upsert(model, lookup, values, tally):
    """Create the row, or update the fields that differ; a row already right is not saved again.

    Saving only on change keeps a second run from bumping revisions and writing history rows. A
    row a person deleted stays deleted (None is returned); one a person changed stays changed.
    """
    obj = find(model, lookup)
    if obj is None:
        if deleted_by_people(model, **lookup):
            tally[f"{model._meta.verbose_name_plural} deleted by editors, not recreated"] += 1
            return None
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        tally[f"{model._meta.verbose_name_plural} created"] += 1
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if any(getattr(obj, name) != value for name, value in lookup.items()):
        # Found under a former slug: an editor renamed it or merged it into another. Theirs.
        tally.conflict(obj, f"renamed or merged by an editor; the seed's {lookup} not applied")
    elif changed and edited_by_people(model, [obj.pk]):
        tally.conflict(obj, f"an editor changed it; the seed's {', '.join(changed)} not applied")
    elif changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save()
        tally[f"{model._meta.verbose_name_plural} updated"] += 1
    return obj


def set_if_changed(event, manager, objects, tally, label):
    if {o.pk for o in manager.all()} == {o.pk for o in objects}:
        return
    if edited_by_people(Event, [event.pk]):
        tally.conflict(event, f"an editor changed it; the seed's {label} not applied")
    else:
        manager.set(objects)
        tally[f"event {label} set"] += 1


def _country(code):
    return Country.objects.get(code=code) if code else None


@transaction.atomic
@status_steps.deferred()  # the pairs' steps written once, at the end
def load_seed():
    """Load the seed story; returns a Tally of what was created or updated (empty when nothing was)."""
    tally = Tally()
    owners = {}
    for row in story.OWNERS:
        values = {**row, "country": _country(row["country"])}
        owners[row["slug"]] = upsert(Owner, {"slug": values.pop("slug")}, values, tally)
    apps = {}
    for row in story.APPS:
        values = {"description": "", **row, "owner": owners[row["owner"]]}
        apps[row["slug"]] = upsert(App, {"slug": values.pop("slug")}, values, tally)
    authorities = {}
    for row in story.AUTHORITIES:
        values = {"website": "", "description": "", **row, "country": _country(row["country"])}
        authorities[row["slug"]] = upsert(Authority, {"slug": values.pop("slug")}, values, tally)
    sources = {}
    for row in story.SOURCES:
        values = {"archived_url": "", **row}
        sources[row["url"]] = upsert(Source, {"url": values.pop("url")}, values, tally)
    # What a person deleted stays deleted: the seed's links to it are left out.
    apps, sources = ({key: obj for key, obj in found.items() if obj} for found in (apps, sources))

    events = {}
    for row in story.EVENTS:
        values = {
            "title": row["title"],
            "country": _country("RU"),
            "owner": owners.get(row["owner"]),
            "kind": row["kind"],
            "features": row["features"],
            "status": row["status"],
            "started_on": row["started_on"],
            "started_precision": row["started_precision"],
            "ended_on": None,
            "ended_precision": "",
            "announced_on": row.get("announced_on"),
            "last_confirmed_on": row.get("last_confirmed_on", story.CONFIRMED_ON),
            "authority": authorities.get(row["authority"]),
            "legal_basis": row.get("legal_basis", ""),
            "stated_reason": row.get("stated_reason", ""),
            "summary": row.get("summary", ""),
            "description": row.get("description", ""),
            "users_affected": row.get("users_affected"),
            "users_affected_note": row.get("users_affected_note", ""),
            "promoted_alternative": apps.get(row.get("promoted_alternative")),
            "review_state": Event.ReviewState.PUBLISHED,
        }
        event = upsert(Event, {"import_key": f"seed:{row['key']}"}, values, tally)
        if event is None:
            continue
        events[row["key"]] = event
        set_if_changed(event, event.apps, [apps[slug] for slug in row["apps"] if slug in apps], tally, "apps")
        set_if_changed(
            event, event.sources, [sources[url] for url in row["sources"] if url in sources], tally, "sources"
        )
        # Statements are found by their text, so one an editor reworded or deleted would come
        # back as new: once a person has touched any of an event's statements, they are theirs.
        if Statement.history.filter(event_id=event.pk, history_user__isnull=False).exists():
            continue
        for statement in row.get("statements", []):
            values = {**statement, "source": sources.get(statement["source"])}
            upsert(Statement, {"event": event, "text": values.pop("text")}, values, tally)
    for row in story.EVENTS:
        if "related" in row and row["key"] in events:
            wanted = [events[key] for key in row["related"] if key in events]
            current = set(events[row["key"]].related.values_list("pk", flat=True))
            if not {e.pk for e in wanted} <= current:
                events[row["key"]].related.add(*wanted)
                tally["event relations set"] += 1
    return tally
