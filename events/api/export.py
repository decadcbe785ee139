"""CSV downloads: every matching row, streamed in constant memory.

The rows are read in keyset batches (the same sort key and id as the list's pages) of BATCH
events, each batch with its own four relation queries, so memory holds one batch at a time
however many events match, and the first bytes leave before the last batch is read.
"""

import csv

from django.http import StreamingHttpResponse

from .records import EVENT_COLUMNS, event_records

BATCH = 1000
LICENCE = "CC-BY-4.0"


class _Echo:
    """A file-like object whose write() hands the line back, for csv.writer in a generator."""

    def write(self, value):
        return value


def _joined(values):
    return ";".join("" if value is None else str(value) for value in values)


def _iso(value):
    return "" if value is None else value.isoformat()


EVENT_CSV_COLUMNS = [
    "id",
    "title",
    "page_url",
    "country",
    "country_name",
    "apps",
    "app_names",
    "app_owners",
    "owner",
    "owner_name",
    "authority",
    "authority_name",
    "promoted_alternative",
    "kind",
    "status",
    "features",
    "started_on",
    "started_precision",
    "ended_on",
    "ended_precision",
    "announced_on",
    "legal_basis",
    "stated_reason",
    "summary",
    "users_affected",
    "users_affected_note",
    "source_urls",
    "source_publishers",
    "dataset",
    "statement_speakers",
    "related",
    "updated_at",
]


def event_csv_row(record):
    """One flat line of an event record: lists joined by `;`, dates in ISO 8601."""
    owner, authority, alternative = record["owner"], record["authority"], record["promoted_alternative"]
    datasets = [
        f"{source['publisher']}: {source['title']}" if source["publisher"] else source["title"]
        for source in record["sources"]
        if source["kind"] == "dataset"
    ]
    return [
        record["id"],
        record["title"],
        record["page_url"],
        record["country"]["code"],
        record["country"]["name"],
        _joined(app["slug"] for app in record["apps"]),
        _joined(app["name"] for app in record["apps"]),
        _joined(app["owner"]["slug"] if app["owner"] else "" for app in record["apps"]),
        owner["slug"] if owner else "",
        owner["name"] if owner else "",
        authority["slug"] if authority else "",
        authority["name"] if authority else "",
        alternative["slug"] if alternative else "",
        record["kind"],
        record["status"],
        _joined(record["features"] or []),
        _iso(record["started_on"]),
        record["started_precision"],
        _iso(record["ended_on"]),
        record["ended_precision"] or "",
        _iso(record["announced_on"]),
        record["legal_basis"],
        record["stated_reason"],
        record["summary"],
        "" if record["users_affected"] is None else record["users_affected"],
        record["users_affected_note"],
        _joined(source["url"] for source in record["sources"]),
        _joined(source["publisher"] for source in record["sources"]),
        _joined(datasets),
        _joined(statement["speaker"] for statement in record["statements"]),
        _joined(record["related"]),
        _iso(record["updated_at"]),
    ]


def keyset_batches(queryset, keyset, columns, batch=BATCH):
    """Rows of `queryset.values_list(*columns)` in keyset order, `batch` at a time."""
    ordered = queryset.order_by(*keyset.order_by())
    key_index, pk_index = columns.index(keyset.field), columns.index(keyset.pk)
    rows = list(ordered.values_list(*columns)[:batch])
    while rows:
        yield rows
        if len(rows) < batch:
            return
        last = rows[-1]
        rows = list(ordered.filter(keyset.after(last[key_index], last[pk_index])).values_list(*columns)[:batch])


def stream_csv(filename, header, batches):
    """A streaming download of `header` then the lines of each batch of the iterator `batches`.

    One chunk per batch rather than per line keeps the server's write calls few.
    """
    writer = csv.writer(_Echo())

    def content():
        yield writer.writerow(header)
        for lines in batches:
            yield "".join(writer.writerow(line) for line in lines)

    response = StreamingHttpResponse(content(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def events_csv(request, queryset, keyset):
    batches = (
        [event_csv_row(record) for record in event_records(rows, request)]
        for rows in keyset_batches(queryset, keyset, EVENT_COLUMNS, BATCH)
    )
    return stream_csv(f"tracker-events-{LICENCE}.csv", EVENT_CSV_COLUMNS, batches)
