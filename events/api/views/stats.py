"""/api/v1/stats/: counts of published events grouped for charts and tables.

Each grouping is one GROUP BY query over the filtered events (plus one for the total; owners take
two, see below), so the cost does not depend on how many groups there are.
"""

from django.db.models import Count, F, Q
from django.db.models.functions import ExtractYear
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from events.filters import EventFilterSet
from events.freshness import remembered
from events.models import Event

from ..base import ApiView, raise_if
from ..schema import COMMON_ERRORS, common_parameters, event_filter_parameters
from ..serializers import StatsOut
from .events import filter_events

GROUPINGS = ["country", "year", "kind", "app", "owner"]
KIND_LABELS = dict(Event.Kind.choices)


def by_country(events):
    rows = events.values_list("country_id", "country__name").annotate(n=Count("id"))
    return [(code, name, n) for code, name, n in rows]


def by_year(events):
    rows = events.annotate(year=ExtractYear("started_on")).values_list("year").annotate(n=Count("id"))
    return [(str(year), str(year), n) for year, n in rows]


def by_kind(events):
    return [(kind, KIND_LABELS.get(kind, kind), n) for kind, n in events.values_list("kind").annotate(n=Count("id"))]


def by_app(events):
    # The through table has one row per (event, app), so a plain count is a count of events.
    rows = (
        Event.apps.through.objects.filter(event__in=events.values("id"))
        .values_list("app__slug", "app__name")
        .annotate(n=Count("event_id"))
    )
    return list(rows)


def by_owner(events):
    """Events that target an owner, or any app it owns (as the `owner` filter matches).

    Two disjoint counts added up: events that name the owner as their target, and events that
    hit one of its apps without naming it, so that no event counts twice for one owner.
    """
    totals = {}
    targeted = events.filter(owner__isnull=False).values_list("owner__slug", "owner__name").annotate(n=Count("id"))
    through_apps = (
        Event.apps.through.objects.filter(event__in=events.values("id"), app__owner__isnull=False)
        .filter(Q(event__owner__isnull=True) | ~Q(event__owner_id=F("app__owner_id")))
        .values_list("app__owner__slug", "app__owner__name")
        .annotate(n=Count("event_id", distinct=True))
    )
    for slug, name, n in [*targeted.order_by(), *through_apps.order_by()]:
        totals[slug] = (slug, name, totals.get(slug, (slug, name, 0))[2] + n)
    return list(totals.values())


GROUP = {"country": by_country, "year": by_year, "kind": by_kind, "app": by_app, "owner": by_owner}


@extend_schema(
    tags=["stats"],
    summary="Counts of published events by group",
    description="Counts of the published events that match the event filters, grouped `by` country, year "
    "(of the start), kind, app or owner (events that target the owner or any app it owns). Groups with "
    "no events are left out; the largest come first.",
    parameters=[
        OpenApiParameter("by", {"type": "string", "enum": GROUPINGS}, required=True, description="How to group."),
        *event_filter_parameters(),
        *common_parameters("json"),
    ],
    responses={200: StatsOut, **COMMON_ERRORS},
)
class Stats(ApiView):
    """Grouped counts for charts: one total query and one grouped query (two for owners)."""

    accepted_params = frozenset(["by", *EventFilterSet.base_filters])

    def respond(self, request):
        self.check_params(request)
        errors = {}
        by = request.query_params.get("by")
        if by is None:
            errors["by"] = [f"Required: one of {', '.join(GROUPINGS)}."]
        elif by not in GROUP:
            errors["by"] = [f"Unknown grouping {by!r}; use one of {', '.join(GROUPINGS)}."]
        events, _ordering, filters, filter_errors = filter_events(request, exclude=("by", "format"))
        raise_if({**errors, **filter_errors})
        events = events.order_by()  # an ordering would join the GROUP BY

        def compute():
            groups = sorted(GROUP[by](events), key=lambda group: (-group[2], group[0]))
            return {
                "by": by,
                "total": events.count(),
                "results": [{"key": key, "label": label, "count": n} for key, label, n in groups],
            }

        # Remembered until the data changes (events/freshness.py): a GROUP BY over every matching event.
        return Response(remembered(f"stats-{by}", self.version, filters, compute))
