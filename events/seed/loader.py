"""Write the seed story into the database, touching only what differs from it."""

from collections import Counter

from django.db import transaction

from events.models import App, Authority, Country, Event, Owner, Source, Statement

from . import story


def upsert(model, lookup, values, tally):
    """Create the row, or update the fields that differ; a row already right is not saved again.

    Saving only on change keeps a second run from bumping revisions and writing history rows.
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        tally[f"{model._meta.verbose_name_plural} created"] += 1
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save()
        tally[f"{model._meta.verbose_name_plural} updated"] += 1
    return obj


def set_if_changed(manager, objects, tally, label):
    if {o.pk for o in manager.all()} != {o.pk for o in objects}:
        manager.set(objects)
        tally[label] += 1


def _country(code):
    return Country.objects.get(code=code) if code else None


@transaction.atomic
def load_seed():
    """Load the seed story; returns a Counter of what was created or updated (empty when nothing was)."""
    tally = Counter()
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
            "authority": authorities[row["authority"]],
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
        set_if_changed(event.apps, [apps[slug] for slug in row["apps"]], tally, "event apps set")
        set_if_changed(event.sources, [sources[url] for url in row["sources"]], tally, "event sources set")
        for statement in row.get("statements", []):
            values = {**statement, "source": sources[statement["source"]]}
            upsert(Statement, {"event": event, "text": values.pop("text")}, values, tally)
        events[row["key"]] = event
    for row in story.EVENTS:
        if "related" in row:
            wanted = [events[key] for key in row["related"]]
            current = set(events[row["key"]].related.values_list("pk", flat=True))
            if not {e.pk for e in wanted} <= current:
                events[row["key"]].related.add(*wanted)
                tally["event relations set"] += 1
    return tally
