"""Event records for the API (JSON and CSV alike), built as shape.py declares them.

The lean path: instead of model instances and nested serializers, each query fetches exactly the
columns shown (values_list), and the shape's plain functions assemble dicts that orjson writes. A
page of events costs the same five queries whatever its size:

1. the page: the event's own columns with its country, owner, authority and promoted
   alternative joined in (LEFT JOINs on to-one relations);
2. the apps of those events with their owners (through table, app, owner);
3. their sources (through table, source);
4. their statements with their source's address;
5. their related events, published ones only, so that a draft never leaks through a link.

Queries 2 to 5 are skipped for an empty page.
"""

from collections import defaultdict

from django.db.models import F
from django.urls import reverse

from events.models import Event, Statement
from events.models.visibility import is_public

from .shape import FIELDS, LIST_FIELDS


def _ref(slug, name):
    return None if slug is None else {"slug": slug, "name": name}


def url_maker(request, viewname, marker="987654321"):
    """key -> absolute address of the view, reversing the URL once per request rather than per row."""
    template = request.build_absolute_uri(reverse(viewname, args=[marker]))
    prefix, suffix = template.split(marker)
    return lambda key: f"{prefix}{key}{suffix}"


class Related:
    """The to-many relations of a batch of events: queries 2 to 5, grouped by event id."""

    def __init__(self, event_ids):
        self.apps, self.sources = defaultdict(list), defaultdict(list)
        self.statements, self.related = defaultdict(list), defaultdict(list)
        if not event_ids:
            return
        apps = (
            Event.apps.through.objects.filter(event_id__in=event_ids)
            .order_by("app__name", "app_id")
            .values_list("event_id", "app__slug", "app__name", "app__owner__slug", "app__owner__name")
        )
        for event_id, slug, name, owner_slug, owner_name in apps:
            self.apps[event_id].append({"slug": slug, "name": name, "owner": _ref(owner_slug, owner_name)})
        sources = (
            Event.sources.through.objects.filter(event_id__in=event_ids)
            .order_by(F("source__published_on").asc(nulls_last=True), "source_id")
            .values_list(
                "event_id",
                "source__url",
                "source__title",
                "source__publisher",
                "source__published_on",
                "source__kind",
                "source__archived_url",
            )
        )
        for event_id, url, title, publisher, published_on, kind, archived_url in sources:
            self.sources[event_id].append(
                {
                    "url": url,
                    "title": title,
                    "publisher": publisher,
                    "published_on": published_on,
                    "kind": kind,
                    "archived_url": archived_url,
                }
            )
        statements = (
            Statement.objects.filter(event_id__in=event_ids)
            .order_by(F("said_on").asc(nulls_last=True), "id")
            .values_list("event_id", "speaker", "role", "organisation", "text", "said_on", "source__url")
        )
        for event_id, speaker, role, organisation, text, said_on, source_url in statements:
            self.statements[event_id].append(
                {
                    "speaker": speaker,
                    "role": role,
                    "organisation": organisation,
                    "text": text,
                    "said_on": said_on,
                    "source_url": source_url,
                }
            )
        related = (
            Event.related.through.objects.filter(is_public("to_event__"), from_event_id__in=event_ids)
            .order_by("to_event__started_on", "to_event_id")
            .values_list("from_event_id", "to_event_id")
        )
        for event_id, other_id in related:
            self.related[event_id].append(other_id)


def _plan(fields):
    """(name, the slice of the row it reads, build) for each field, the slices counted once."""
    plan, start = [], 0
    for spec in fields:
        plan.append((spec.name, slice(start, start + len(spec.columns)), spec.build))
        start += len(spec.columns)
    return plan


LIST_PLAN, DETAIL_PLAN = _plan(LIST_FIELDS), _plan(FIELDS)


def event_records(rows, request, detail=False):
    """Dicts for rows of LIST_COLUMNS (DETAIL_COLUMNS when `detail`), in the rows' order (shape.py)."""
    related = Related([row[0] for row in rows])
    page_url = url_maker(request, "event-detail")
    plan = DETAIL_PLAN if detail else LIST_PLAN
    return [{name: build(row[part], related, row[0], page_url) for name, part, build in plan} for row in rows]
