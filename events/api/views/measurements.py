"""/api/v1/measurements/: OONI measurement counts per country, app and day, as JSON or CSV."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from events.filters import MeasurementFilterSet
from events.models import Measurement

from ..base import ApiView, BodyETag, raise_if
from ..export import BATCH, keyset_batches, stream_csv
from ..pagination import CURSOR, PAGE_SIZE, Keyset, KeysetPagination, csv_paging_errors, parse_date
from ..renderers import CSVRenderer, ORJSONRenderer
from ..schema import COMMON_ERRORS, CSV, common_parameters, measurement_filter_parameters, page_parameters
from ..serializers import MeasurementOut

COLUMNS = (
    "id",
    "country_id",
    "app__slug",
    "test_name",
    "day",
    "measurement_count",
    "anomaly_count",
    "confirmed_count",
    "failure_count",
    "ok_count",
    "dataset",
)
FIELDS = [column.replace("app__slug", "app").replace("country_id", "country") for column in COLUMNS[1:]]
# Oldest day first, as a chart reads them; the id breaks ties between countries and tests.
KEYSET = Keyset("day", parse=parse_date)


def _rate(measurements, anomalies, failures):
    usable = measurements - failures
    return anomalies / usable if usable > 0 else None


def measurement_records(rows):
    records = []
    for row in rows:
        record = dict(zip(FIELDS, row[1:], strict=True))
        record["likely_blocked_rate"] = _rate(
            record["measurement_count"], record["anomaly_count"], record["failure_count"]
        )
        records.append(record)
    return records


def measurement_csv_rows(rows):
    return [
        [*row[1:5], *row[5:10], "" if (rate := _rate(row[5], row[6], row[8])) is None else f"{rate:.4f}", row[10]]
        for row in rows
    ]


@extend_schema(
    tags=["measurements"],
    summary="OONI measurement counts",
    description="Counts of OONI tests per country, app and day (oldest first): how many measurements, how "
    "many showed an anomaly, how many confirmed blocking, how many failed. `format=csv` streams every "
    "matching row. Each row credits its dataset.",
    parameters=[*measurement_filter_parameters(), *page_parameters(), *common_parameters("json", "csv")],
    responses={
        (200, "application/json"): MeasurementOut(many=True),
        (200, "text/csv"): CSV,
        **COMMON_ERRORS,
    },
)
class MeasurementList(BodyETag, ApiView):
    """Measurements filtered by country, app, test and days; paged by keyset, or all as CSV.

    Measurements carry no history, so the ETag is a hash of the body rather than a data version.
    """

    renderer_classes = [ORJSONRenderer, CSVRenderer]
    pagination_class = KeysetPagination
    filterset_class = MeasurementFilterSet
    accepted_params = frozenset([*MeasurementFilterSet.base_filters, CURSOR, PAGE_SIZE])

    def respond(self, request):
        self.check_params(request)
        csv = request.accepted_renderer.format == "csv"
        size, cursor, errors = self.paginator.clean(request)
        if csv:
            errors.update(csv_paging_errors(request.query_params, "row"))
        params = request.query_params.copy()
        for name in (CURSOR, PAGE_SIZE, "format"):
            params.pop(name, None)
        filterset = MeasurementFilterSet(params, queryset=Measurement.objects.public(), request=request)
        if not filterset.is_valid():
            errors.update({name: list(messages) for name, messages in filterset.errors.items()})
        raise_if(errors)
        queryset = filterset.qs
        if csv:
            header = [*FIELDS[:9], "likely_blocked_rate", "dataset"]
            batches = (measurement_csv_rows(rows) for rows in keyset_batches(queryset, KEYSET, COLUMNS, BATCH))
            return stream_csv("tracker-measurements.csv", header, batches)
        page = self.paginator.paginate(request, queryset, KEYSET, COLUMNS, size, cursor, order_name="day")
        response = Response(self.paginator.response_data(page, measurement_records(page.rows)))
        return response
