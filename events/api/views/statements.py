"""/api/v1/statements/: who said what about published events, one statement a row, keyed by event id.

A statement's text holds commas, quotes, semicolons and line breaks, so it cannot share one cell
of the events CSV with the event's other statements: joined by `;` it could never be split again.
Here each statement is a row of its own, and `event_id` joins it to the events CSV's `id`
(pandas: `events.merge(statements, left_on="id", right_on="event_id")`). The event filters choose
the events whose statements are listed, exactly as they choose the rows of /api/v1/events/.
"""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from events.filters import EventFilterSet
from events.models import Statement

from ..base import ApiView, raise_if
from ..export import BATCH, LICENCE, keyset_batches, stream_csv
from ..pagination import CURSOR, PAGE_SIZE, Keyset, KeysetPagination, csv_paging_errors
from ..renderers import CSVRenderer, ORJSONRenderer
from ..schema import COMMON_ERRORS, CSV, common_parameters, event_filter_parameters, page_parameters
from ..serializers import StatementRowOut
from ..shape import iso
from .events import filter_events

# Every event filter but `ordering`, which orders events: statements come by event id, then as entered.
STATEMENT_FILTERS = frozenset(name for name in EventFilterSet.base_filters if name != "ordering")
KEYSET = Keyset("event_id", pk="id", parse=int)
ORDER_NAME = "event_id"
# The statement's row with its source's address (a LEFT JOIN); the id only orders and pages.
COLUMNS = ("id", "event_id", "speaker", "role", "organisation", "said_on", "text", "source__url")
CSV_HEADER = ["event_id", "speaker", "role", "organisation", "said_on", "text", "source_url"]


def statement_records(rows):
    return [
        {
            "event_id": event_id,
            "speaker": speaker,
            "role": role,
            "organisation": organisation,
            "said_on": said_on,
            "text": text,
            "source_url": source_url,
        }
        for _pk, event_id, speaker, role, organisation, said_on, text, source_url in rows
    ]


def statement_csv_rows(rows):
    return [
        [event_id, speaker, role, organisation, iso(said_on), text, source_url or ""]
        for _pk, event_id, speaker, role, organisation, said_on, text, source_url in rows
    ]


@extend_schema(
    tags=["statements"],
    summary="Statements about published events",
    description="Who said what about the published events that match the event filters (the same as on "
    "/api/v1/events/, but for `ordering`), one statement a row, by event id and then as entered. "
    "`event_id` is the event's `id`, so the CSV joins the events CSV: a statement's text, with its "
    "commas, quotes, semicolons and line breaks, is one cell of its own. `format=csv` streams every "
    "matching statement (not one page).",
    parameters=[
        *[p for p in event_filter_parameters() if p.name in STATEMENT_FILTERS],
        *page_parameters(),
        *common_parameters("json", "csv"),
    ],
    responses={(200, "application/json"): StatementRowOut(many=True), (200, "text/csv"): CSV, **COMMON_ERRORS},
)
class StatementList(ApiView):
    """Statements about the matching published events, paged by keyset, or all of them as CSV.

    Queries: the data version (ETag), the count and the page; the CSV reads BATCH statements a query.
    """

    renderer_classes = [ORJSONRenderer, CSVRenderer]
    pagination_class = KeysetPagination
    accepted_params = frozenset([*STATEMENT_FILTERS, CURSOR, PAGE_SIZE])

    def respond(self, request):
        self.check_params(request)
        csv = request.accepted_renderer.format == "csv"
        size, cursor, errors = self.paginator.clean(request)
        if csv:
            errors.update(csv_paging_errors(request.query_params, "statement"))
        events, _ordering, _filters, filter_errors = filter_events(request, exclude=(CURSOR, PAGE_SIZE, "format"))
        raise_if({**errors, **filter_errors})
        # Statement.public() is "about a published event" already; the subquery narrows to the matches.
        statements = Statement.objects.public().filter(event__in=events.values("id"))
        if csv:
            batches = (statement_csv_rows(rows) for rows in keyset_batches(statements, KEYSET, COLUMNS, BATCH))
            return stream_csv(f"tracker-statements-{LICENCE}.csv", CSV_HEADER, batches)
        page = self.paginator.paginate(request, statements, KEYSET, COLUMNS, size, cursor, order_name=ORDER_NAME)
        return Response(self.paginator.response_data(page, statement_records(page.rows)))
