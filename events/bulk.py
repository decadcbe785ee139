"""Many new events written at once, with the history that saving them one by one would leave.

An admin import of 100,000 rows cannot afford a save per row: each one is an INSERT, a history row,
and for its apps and sources a DELETE, INSERTs and a history row of its own per relation (about
twenty statements). Here a batch of events costs a fixed number of statements: the events, the rows
linking them to apps, sources and related events, one "created" history record per event listing
its apps and sources (what the admin's history page shows), and one bump of the public cache's
generation (events/freshness.py), which the bulk writes' missing signals would otherwise skip.
"""

from django.db import transaction

from events import status_steps
from events.freshness import bump_generation
from events.models import Event

BATCH = 1000
LINKS = ("apps", "sources", "related")


def create_events(events, links, user=None, reason=""):
    """Insert the unsaved `events`, each with its `links` ({"apps": [...], "sources": [...],
    "related": [...]}, in the same order), and their history; returns the events, now with ids."""
    for event in events:
        event.clean_text_fields()  # what Event.save() would do
        event.revision += 1
    Event.objects.bulk_create(events, batch_size=BATCH)
    for event in events:
        event.stored_review_state = event.review_state
    rows = {name: [] for name in LINKS}
    related_pairs = set()
    for event, link in zip(events, links, strict=True):
        rows["apps"] += [Event.apps.through(event_id=event.pk, app_id=app.pk) for app in link.get("apps", ())]
        rows["sources"] += [
            Event.sources.through(event_id=event.pk, source_id=source.pk) for source in link.get("sources", ())
        ]
        for other in link.get("related", ()):  # symmetrical: both directions, as .add() writes them
            related_pairs |= {(event.pk, other.pk), (other.pk, event.pk)}
    rows["related"] = [Event.related.through(from_event_id=a, to_event_id=b) for a, b in sorted(related_pairs)]
    for name in LINKS:
        getattr(Event, name).through.objects.bulk_create(
            rows[name], batch_size=BATCH, ignore_conflicts=name == "related"
        )
    write_creation_history(events, user, reason)
    status_steps.refresh_events(Event.objects.filter(pk__in=[event.pk for event in events]))  # no signals here
    bump_generation()
    transaction.on_commit(bump_generation)
    return events


def write_creation_history(events, user=None, reason=""):
    """One "created" history record per event, with its apps and sources, in bulk: the record
    django-simple-history writes on save, plus the rows it copies from the event's link tables."""
    records = {
        record.id: record
        for record in Event.history.bulk_history_create(
            events, batch_size=BATCH, default_user=user, default_change_reason=reason
        )
    }
    for name in ("apps", "sources"):  # the links history tracks (Event.history's m2m_fields)
        through = getattr(Event, name).through
        history_model = getattr(Event.history.model, name).model
        columns = [field.attname for field in through._meta.fields]
        linked = through.objects.filter(event_id__in=list(records))
        # By ids: assigning the records themselves costs a model lookup per row.
        history_ids = {event_id: record.history_id for event_id, record in records.items()}
        copies = []
        for values in linked.values(*columns):
            copies.append(history_model(history_id=history_ids[values["event_id"]], **values))
        history_model.objects.bulk_create(copies, batch_size=BATCH)
