"""CSV downloads: every matching row, streamed in constant memory.

The rows are read in keyset batches (the same sort key and id as the list's pages) of BATCH
events, each batch with its own four relation queries, so memory holds one batch at a time
however many events match, and the first bytes leave before the last batch is read.
"""

import csv

from django.http import StreamingHttpResponse

from events.text import spreadsheet_safe

from .records import event_records
from .shape import CSV_COLUMNS, LIST_COLUMNS, LIST_FIELDS

BATCH = 1000
LICENCE = "CC-BY-4.0"


class _Echo:
    """A file-like object whose write() hands the line back, for csv.writer in a generator."""

    def write(self, value):
        return value


def event_csv_row(record):
    """One flat line of an event record, as shape.py writes each field: lists joined by `;`, ISO dates."""
    return [write(record[spec.name]) for spec in LIST_FIELDS for _column, write in spec.csv]


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

    One chunk per batch rather than per line keeps the server's write calls few. A text cell that a
    spreadsheet would run as a formula is written as text (events/text.py).
    """
    writer = csv.writer(_Echo())

    def content():
        yield writer.writerow(header)
        for lines in batches:
            yield "".join(writer.writerow([spreadsheet_safe(cell) for cell in line]) for line in lines)

    response = StreamingHttpResponse(content(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def events_csv(request, queryset, keyset):
    batches = (
        [event_csv_row(record) for record in event_records(rows, request)]
        for rows in keyset_batches(queryset, keyset, LIST_COLUMNS, BATCH)
    )
    return stream_csv(f"tracker-events-{LICENCE}.csv", CSV_COLUMNS, batches)
