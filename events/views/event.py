"""One event's page: what was done, where, when, by whom, why, and the evidence."""

import datetime

from django.core.exceptions import FieldDoesNotExist
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from events.changelog import history_of, published_revisions
from events.dates import format_date
from events.models import Event, Source

from .meta import PageMeta, render_context

# Bookkeeping fields that change on every save and say nothing to a reader.
NOT_CHANGES = {"revision", "updated_at", "created_at", "import_key"}
SAME_EDIT = datetime.timedelta(minutes=5)


def event_detail(request, pk):
    """Only a published event has a page; any other state is a 404, as if it did not exist."""
    event = get_object_or_404(Event.objects.public().with_related(), pk=pk)
    sources = list(event.sources.all())
    history = history_of(event)
    context = {
        "event": event,
        "sources": sources,
        "datasets": [s for s in sources if s.kind == Source.Kind.DATASET],
        "statements": list(event.statements.all()),
        "related": list(event.related.all()),
        "change": change_summary(event, history),
        "revisions": published_revisions(event, history),
    }
    place = event.country.name
    meta = PageMeta(
        title=event.title,
        description=event.summary or f"{event.get_kind_display()} in {place}, {event.started_display}.",
        path=event.get_absolute_url(),
        og_type="article",
        feeds=[(f"Events in {place}", reverse("feed-country", args=[event.country_id.lower()]))],
    )
    return render(request, "events/event_detail.html", render_context(request, meta, **context))


def change_summary(event, history):
    """'Updated 12 February 2026: status, summary changed', from the record's history (oldest first).

    The latest history row is the published record itself; the row before it says what that save changed.
    """
    latest = history[-1] if history else None
    if latest is None:
        return {"date": format_date(timezone.localdate(event.updated_at)), "text": "Last updated"}
    day = format_date(timezone.localdate(latest.history_date))
    if latest.history_type == "+" or latest.history_date - event.created_at < SAME_EDIT:
        # Apps and sources are saved just after the record itself, each leaving a history row:
        # all of that is still the record being added, not a later change.
        return {"date": day, "text": "Added"}
    previous = history[-2] if len(history) > 1 else None
    if previous is None:
        return {"date": day, "text": "Updated"}
    delta = latest.diff_against(previous, excluded_fields=NOT_CHANGES)
    names = [_verbose(change.field) for change in delta.changes]
    if not names:
        return {"date": day, "text": "Updated"}
    if names == ["review state"] and latest.review_state == Event.ReviewState.PUBLISHED:
        return {"date": day, "text": "Published"}
    return {"date": day, "text": "Updated", "fields": ", ".join(names)}


def _verbose(name):
    try:
        return str(Event._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field that has since been removed from the model
        return name.replace("_", " ")
