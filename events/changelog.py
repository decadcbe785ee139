"""An event's public change log: what each published revision changed, from its history.

django-simple-history keeps every save, drafts and reviews included. The public sees only the
published versions: each is compared with the published version before it, so a value an editor
tried in a draft and changed again before publishing never appears, nor does who made the change.
The fields compared are the public ones (those the API gives, events/api/shape.py) plus the apps
and sources; a value is shown whole, as the reader would have seen it.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from events.api.shape import FIELDS
from events.dates import format_date
from events.models import App, Authority, Country, Event, Owner, Source
from events.models.review import ReviewState

# Saves this close together are one edit: the admin saves the record, then its apps and sources.
SAME_EDIT = timedelta(minutes=5)
NOT_SHOWN = {"updated_at", "id", "review_state", "started_precision", "ended_precision"}  # dates show theirs
RELATED = {"country": Country, "owner": Owner, "authority": Authority, "promoted_alternative": App}
LINKS = {"apps": App, "sources": Source}
NOT_LISTED = "(a record no longer listed)"


@dataclass
class Revision:
    date: str
    published: bool  # the first publication, rather than a change to a published record
    changes: list = field(default_factory=list)  # [(label, old, new)]
    at: object = None  # when it was saved (the last save of the edit)
    fields: list = field(default_factory=list)  # the names of the fields changed, as the model has them


def public_fields():
    names = {f.name for f in Event._meta.concrete_fields}
    return [spec.name for spec in FIELDS if spec.name in names and spec.name not in NOT_SHOWN | set(LINKS)]


def history_of(event):
    """Every historical record of the event, oldest first (one query), for published_revisions()
    and the page's "updated" line alike."""
    return list(event.history.order_by("history_date", "history_id"))


def published_revisions(event, records=None):
    """[Revision], oldest first: the first publication, then every published change.

    Queries: the history (unless given), the apps and sources of its published records, and the
    names of the records they point at (one per kind of record).
    """
    records = history_of(event) if records is None else records
    return _revisions({event.pk: records}).get(event.pk, [])


def revisions_of(event_ids):
    """{event id: [Revision]} for many events in the same few queries as one (published_revisions)."""
    records = {}
    for record in Event.history.filter(id__in=event_ids).order_by("id", "history_date", "history_id"):
        records.setdefault(record.id, []).append(record)
    return _revisions(records)


def _revisions(records_by_event):
    published = {
        pk: kept
        for pk, records in records_by_event.items()
        if (kept := _last_of_each_edit([r for r in records if r.review_state == ReviewState.PUBLISHED]))
    }
    every = [record for records in published.values() for record in records]
    links = _links([record.history_id for record in every])
    names = _names(every, links)
    labels = {**{name: _label(name) for name in public_fields()}, **{name: name.capitalize() for name in LINKS}}
    found = {}
    for pk, records in published.items():
        snapshots = [_snapshot(record, links, names) for record in records]
        revisions = [Revision(_day(records[0]), published=True, at=records[0].history_date)]
        for record, before, after in zip(records[1:], snapshots[:-1], snapshots[1:], strict=True):
            changed = [name for name in after if before[name] != after[name]]
            if changed:
                changes = [(labels[name], before[name], after[name]) for name in changed]
                revisions.append(Revision(_day(record), False, changes, record.history_date, changed))
        found[pk] = revisions
    return found


def _label(name):
    return str(Event._meta.get_field(name).verbose_name).capitalize()


def _last_of_each_edit(records):
    """One record per edit: the last of a run of saves within SAME_EDIT of each other."""
    kept = []
    for record in records:
        if kept and record.history_date - kept[-1].history_date < SAME_EDIT:
            kept[-1] = record
        else:
            kept.append(record)
    return kept


def _links(history_ids):
    """{name: {history_id: [ids]}} for the apps and sources each historical record had (two queries)."""
    found = {}
    for name, model in LINKS.items():
        through = getattr(Event.history.model, name).model
        column = f"{model._meta.model_name}_id"
        rows = {}
        for history_id, linked in through.objects.filter(history_id__in=history_ids).values_list("history", column):
            rows.setdefault(history_id, []).append(linked)
        found[name] = rows
    return found


def _names(records, links):
    """The names of every related record the revisions mention, one query per model."""
    wanted = {model: set() for model in {*RELATED.values(), *LINKS.values()}}
    for record in records:
        for name, model in RELATED.items():
            value = getattr(record, f"{name}_id")
            if value is not None:
                wanted[model].add(value)
    for name, model in LINKS.items():
        for ids in links[name].values():
            wanted[model].update(ids)
    # Only records the public may see are named: one since made draft-only, or merged away, is not.
    return {
        model: {obj.pk: getattr(obj, "name", None) or obj.title for obj in model.objects.public().filter(pk__in=ids)}
        for model, ids in wanted.items()
        if ids
    }


def _snapshot(record, links, names):
    """{field name: the value as the page shows it} for one historical record."""
    shown = {}
    for name in public_fields():
        model_field = Event._meta.get_field(name)
        if name in RELATED:
            value = getattr(record, f"{name}_id")
            shown[name] = names.get(RELATED[name], {}).get(value, NOT_LISTED) if value is not None else ""
        elif model_field.choices:
            value = getattr(record, name)
            shown[name] = str(dict(model_field.choices).get(value, value or ""))
        elif name == "features":
            features = dict(Event.Feature.choices)
            shown[name] = ", ".join(str(features.get(code, code)) for code in getattr(record, name) or [])
        elif name.endswith("_on"):
            value = getattr(record, name)
            precision = getattr(record, name.replace("_on", "_precision"), "day") if value else ""
            shown[name] = format_date(value, precision or "day") if value else ""
        else:
            value = getattr(record, name)
            shown[name] = "" if value is None else str(value)
    for name, model in LINKS.items():
        ids = links[name].get(record.history_id, [])
        shown[name] = ", ".join(sorted(names.get(model, {}).get(pk, NOT_LISTED) for pk in ids))
    return shown


def _day(record):
    return format_date(timezone.localdate(record.history_date))
