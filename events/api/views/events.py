"""/api/v1/events/ and /api/v1/events/{id}/: published events, filtered, paged, as JSON or CSV."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from events.filters import EventFilterSet
from events.freshness import filter_key, remembered
from events.models import Event

from ..base import ApiView, raise_if
from ..export import events_csv
from ..pagination import CURSOR, PAGE_SIZE, Keyset, KeysetPagination, csv_paging_errors, parse_date, parse_datetime
from ..records import event_records
from ..renderers import CSVRenderer, ORJSONRenderer
from ..schema import COMMON_ERRORS, CSV, NOT_FOUND, common_parameters, event_filter_parameters, page_parameters
from ..shape import DETAIL_COLUMNS, LIST_COLUMNS, EventDetailOut, EventOut

DEFAULT_ORDERING = "-started_on"

# Each `ordering` value of the filter set as a keyset: the sort column and its direction, with the
# id as tie-break in the same direction (as EventFilterSet.filter_ordering orders).
ORDERINGS = {
    "-started_on": Keyset("started_on", descending=True, parse=parse_date),
    "started_on": Keyset("started_on", parse=parse_date),
    "-ended_on": Keyset("ended_on", descending=True, nullable=True, parse=parse_date),
    "ended_on": Keyset("ended_on", nullable=True, parse=parse_date),
    "-updated_at": Keyset("updated_at", descending=True, parse=parse_datetime),
    "updated_at": Keyset("updated_at", parse=parse_datetime),
}
assert set(ORDERINGS) == set(EventFilterSet.ORDERINGS)


def filter_events(request, exclude=(), params=None):
    """Published events narrowed by the event filters in the query string, the ordering, the
    filters as a normalised key (for remembered counts, see events/freshness.py) and the errors (DRF's
    body shape) of any bad filter.

    Parameters other than the filters (pagination, format, `by`) are the caller's to check; only
    the filters reach the filter set, so its own unknown-parameter check sees filters only.
    `params` replaces the query string when a caller names a filter differently (the countries
    list's `event_search`).
    """
    params = (request.query_params if params is None else params).copy()
    for name in exclude:
        params.pop(name, None)
    filterset = EventFilterSet(params, queryset=Event.objects.public(), request=request)
    if not filterset.is_valid():
        return None, None, None, {name: list(messages) for name, messages in filterset.errors.items()}
    ordering = params.get("ordering") or DEFAULT_ORDERING
    return filterset.qs, ordering, filter_key(filterset.form.cleaned_data), {}


@extend_schema(
    tags=["events"],
    summary="Published events",
    description="Published events, newest start first unless `ordering` says otherwise. Filters combine; "
    "lists are comma-separated; codes and slugs are case-insensitive. `format=csv` streams every "
    "matching event (not one page) with list fields joined by `;`.",
    parameters=[*event_filter_parameters(), *page_parameters(), *common_parameters("json", "csv")],
    responses={(200, "application/json"): EventOut(many=True), (200, "text/csv"): CSV, **COMMON_ERRORS},
)
class EventList(ApiView):
    """Published events, filtered and paged by keyset, or all of them as CSV."""

    renderer_classes = [ORJSONRenderer, CSVRenderer]
    pagination_class = KeysetPagination
    accepted_params = frozenset([*EventFilterSet.base_filters, CURSOR, PAGE_SIZE])

    def respond(self, request):
        self.check_params(request)
        csv = request.accepted_renderer.format == "csv"
        size, cursor, errors = self.paginator.clean(request)
        if csv:
            errors.update(csv_paging_errors(request.query_params, "event"))
        queryset, ordering, filters, filter_errors = filter_events(request, exclude=(CURSOR, PAGE_SIZE, "format"))
        raise_if({**errors, **filter_errors})
        keyset = ORDERINGS[ordering]
        if csv:
            return events_csv(request, queryset, keyset)
        count = remembered("count", self.version, filters, queryset.count)
        page = self.paginator.paginate(
            request, queryset, keyset, LIST_COLUMNS, size, cursor, order_name=ordering, count=count
        )
        return Response(self.paginator.response_data(page, event_records(page.rows, request)))


@extend_schema(
    tags=["events"],
    summary="One published event",
    parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH), *common_parameters("json")],
    responses={200: EventDetailOut, **NOT_FOUND, **COMMON_ERRORS},
)
class EventDetail(ApiView):
    """One published event with its apps, owner, authority, sources, statements and related ids."""

    def respond(self, request, pk):
        self.check_params(request)
        if not (pk.isascii() and pk.isdigit()) or len(pk) > 18:
            raise Http404("An event id is a whole number.")
        rows = list(Event.objects.public().filter(pk=pk).values_list(*DETAIL_COLUMNS))
        if not rows:
            raise Http404("No published event has this id.")
        return Response(event_records(rows, request, detail=True)[0])
