"""/api/v1/stats/: counts of published events grouped for charts and tables (events/stats.py):
read from the kept counts where they can answer, else grouped from the events."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from events import stats
from events.filters import EventFilterSet
from events.freshness import remembered
from events.stats import GROUPINGS

from ..base import ApiView, raise_if
from ..schema import COMMON_ERRORS, common_parameters, event_filter_parameters
from ..serializers import StatsOut
from .events import filter_events


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
    """Grouped counts for charts: the kept counts' cells (three queries at most), or one total
    query and one grouped query (two for owners) when another filter is given."""

    accepted_params = frozenset(["by", *EventFilterSet.base_filters])

    def respond(self, request):
        self.check_params(request)
        errors = {}
        by = request.query_params.get("by")
        if by is None:
            errors["by"] = [f"Required: one of {', '.join(GROUPINGS)}."]
        elif by not in GROUPINGS:
            errors["by"] = [f"Unknown grouping {by!r}; use one of {', '.join(GROUPINGS)}."]
        events, _ordering, filters, filter_errors = filter_events(request, exclude=("by", "format"))
        raise_if({**errors, **filter_errors})
        events = events.order_by()  # an ordering would join the GROUP BY

        def compute():
            groups, total = stats.from_tallies(by, filters) or stats.from_events(by, events)
            return {
                "by": by,
                "total": total,
                "results": [
                    {"key": key, "label": label, "count": n}
                    for key, label, n in sorted(groups, key=lambda group: (-group[2], group[0]))
                ],
            }

        # Remembered until the data changes (events/freshness.py): the GROUP BY may read every matching event.
        return Response(remembered(f"stats-{by}", self.version, filters, compute))
