"""Keyset pagination: every page costs the same however deep a client walks.

OFFSET pagination makes the database read and throw away every row before the page, so page
1,000 of a large list is a thousand times dearer than page 1. Here the `cursor` names the last row
a client has seen by its sort key and id, and the next page starts right after it through the
index (WHERE key < last OR (key = last AND id < last_id) ... LIMIT n+1). The id breaks ties, so
pages never overlap or skip rows. `count` is kept because researchers ask for it.
"""

import base64
import binascii
import datetime
from dataclasses import dataclass
from typing import Any

import orjson
from django.db.models import F, Q
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.utils.urls import remove_query_param, replace_query_param

CURSOR = "cursor"
PAGE_SIZE = "page_size"


def csv_paging_errors(query_params, rows):
    """format=csv streams every match at once, so paging parameters there are a mistake: say so."""
    message = f"format=csv returns every matching {rows} at once: leave this parameter out."
    return {name: [message] for name in (CURSOR, PAGE_SIZE) if name in query_params}


DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


def _identity(value):
    return value


@dataclass(frozen=True)
class Keyset:
    """One sort order of a list: a column, its direction, and the tie-breaking primary key.

    A nullable column (an event's `ended_on`, empty while in force) treats NULL as later than any
    date: last going up, first going down, on SQLite and PostgreSQL alike.
    """

    field: str
    descending: bool = False
    nullable: bool = False
    parse: Any = _identity  # cursor text -> column value
    pk: str = "id"
    pk_type: type = int

    def order_by(self, reverse=False):
        descending = self.descending != reverse
        key = F(self.field)
        if self.nullable:
            key = key.desc(nulls_first=True) if descending else key.asc(nulls_last=True)
        else:
            key = key.desc() if descending else key.asc()
        return [key, F(self.pk).desc() if descending else F(self.pk).asc()]

    def after(self, value, pk, reverse=False):
        """Rows that come after (value, pk) in this order (before it when `reverse`)."""
        descending = self.descending != reverse
        field, op = self.field, "lt" if descending else "gt"
        if value is None:
            nulls_after = Q(**{f"{field}__isnull": True, f"{self.pk}__{op}": pk})
            # Going down, NULLs come first, so every dated row follows them.
            return nulls_after | Q(**{f"{field}__isnull": False}) if descending else nulls_after
        strictly = Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"{self.pk}__{op}": pk})
        if self.nullable and not descending:
            return strictly | Q(**{f"{field}__isnull": True})
        # The redundant bound (key <= value) is what lets the database start the index scan at the
        # cursor instead of filtering its way there.
        return Q(**{f"{field}__{op}e": value}) & strictly

    def encode(self, value):
        if isinstance(value, datetime.date | datetime.datetime):
            return value.isoformat()
        return value


def parse_date(text):
    return datetime.date.fromisoformat(text)


def parse_datetime(text):
    return datetime.datetime.fromisoformat(text)


@dataclass
class Page:
    """One page of rows (tuples from values_list) and the links around it."""

    rows: list
    count: int
    next: str | None
    previous: str | None


class KeysetPagination(BasePagination):
    """`cursor` + `page_size` (1 to 1,000) with `count`, `next`, `previous` and `results`."""

    page_size_query_param = PAGE_SIZE
    cursor_query_param = CURSOR

    def clean(self, request):
        """The page size and the decoded cursor, or the errors that name the bad parameter."""
        errors, size, cursor = {}, DEFAULT_PAGE_SIZE, None
        raw_size = request.query_params.get(PAGE_SIZE)
        if raw_size is not None:
            if raw_size.isascii() and raw_size.isdigit() and 1 <= int(raw_size) <= MAX_PAGE_SIZE:
                size = int(raw_size)
            else:
                errors[PAGE_SIZE] = [f"Give a whole number from 1 to {MAX_PAGE_SIZE}; got {raw_size!r}."]
        raw_cursor = request.query_params.get(CURSOR)
        if raw_cursor is not None:
            try:
                cursor = decode_cursor(raw_cursor)
            except ValueError:
                errors[CURSOR] = ["Invalid cursor: use the `next` or `previous` link of a page as it is."]
        return size, cursor, errors

    def paginate(self, request, queryset, keyset, columns, size, cursor, order_name="", count=None):
        """Fetch one page of `queryset.values_list(*columns)`; `columns` include the sort key and pk.

        `count` is the caller's count of the whole filtered list when it has one (remembered).
        """
        # The count is of the whole filtered list, so it is taken before the cursor narrows it.
        if count is None:
            count = queryset.count()
        reverse = False
        if cursor is not None:
            if cursor["o"] != order_name:
                raise ValidationError({CURSOR: ["This cursor belongs to another ordering: start again without it."]})
            reverse = cursor["r"]
            try:
                value = None if cursor["v"] is None else keyset.parse(cursor["v"])
                if not isinstance(cursor["k"], keyset.pk_type):
                    raise TypeError("pk")
            except (TypeError, ValueError):
                raise ValidationError({CURSOR: ["Invalid cursor: use the links of a page as they are."]}) from None
            queryset = queryset.filter(keyset.after(value, cursor["k"], reverse=reverse))
        rows = list(queryset.order_by(*keyset.order_by(reverse)).values_list(*columns)[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        if reverse:
            rows.reverse()
        has_next, has_previous = (True, more) if reverse else (more, cursor is not None)
        key_index, pk_index = columns.index(keyset.field), columns.index(keyset.pk)
        url = request.build_absolute_uri()

        def link(row, backwards):
            token = encode_cursor(order_name, backwards, keyset.encode(row[key_index]), row[pk_index])
            return replace_query_param(url, CURSOR, token)

        next_link = link(rows[-1], False) if rows and has_next else None
        previous_link = link(rows[0], True) if rows and has_previous else None
        if not rows and cursor is not None:
            # Past either end (the rows around the cursor are gone): point back at the first page.
            previous_link = remove_query_param(url, CURSOR)
        return Page(rows=rows, count=count, next=next_link, previous=previous_link)

    def response_data(self, page, results):
        return {"count": page.count, "next": page.next, "previous": page.previous, "results": results}

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123, "description": "How many rows match, on all pages."},
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The next page, or null on the last one.",
                },
                "previous": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The previous page, or null on the first one.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": CURSOR,
                "required": False,
                "in": "query",
                "description": "Where the page starts. Opaque: take it from a page's `next` or `previous` link.",
                "schema": {"type": "string", "minLength": 1, "pattern": "^[A-Za-z0-9_-]+$"},
            },
            {
                "name": PAGE_SIZE,
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]


def encode_cursor(order_name, reverse, value, pk):
    payload = orjson.dumps({"o": order_name, "r": reverse, "v": value, "k": pk})
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def decode_cursor(token):
    """The cursor's parts, or ValueError for anything a page link did not produce."""
    try:
        payload = orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, orjson.JSONDecodeError, UnicodeError):
        raise ValueError("bad cursor") from None
    if not isinstance(payload, dict) or set(payload) != {"o", "r", "v", "k"}:
        raise ValueError("bad cursor")
    if not isinstance(payload["r"], bool) or not isinstance(payload["o"], str):
        raise ValueError("bad cursor")
    if not isinstance(payload["k"], int | str) or isinstance(payload["k"], bool):
        raise ValueError("bad cursor")
    if payload["v"] is not None and not isinstance(payload["v"], str | int):
        raise ValueError("bad cursor")
    if any(isinstance(value, str) and "\x00" in value for value in payload.values()):
        raise ValueError("bad cursor")  # no page link carries a NUL, and PostgreSQL cannot compare one
    return payload
