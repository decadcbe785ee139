"""How API responses are written: JSON by orjson, CSV streamed by the views, strict `format`."""

import decimal

import orjson
from django.utils.functional import Promise
from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer


def _default(value):
    """What orjson does not know natively: lazy translations (DRF messages) and decimals."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return float(value)
    raise TypeError(f"Cannot write {type(value).__name__} as JSON")


class ORJSONRenderer(BaseRenderer):
    """JSON through orjson: several times faster than the standard library on lists of dicts.

    orjson writes dates and datetimes as ISO 8601 itself, so the views hand it plain dicts of
    Python values and nothing is converted twice.
    """

    media_type = "application/json"
    format = "json"
    charset = None  # JSON is UTF-8 by definition (RFC 8259); no charset parameter

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return orjson.dumps(data, default=_default)


class CSVRenderer(BaseRenderer):
    """Declares `format=csv` for negotiation and the schema; the views stream the rows themselves.

    Only error responses ever reach `render`, and those are switched back to JSON by the views
    (see ApiView.finalize_response), so this writes nothing of its own.
    """

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return b"" if data is None else orjson.dumps(data, default=_default)


class StrictContentNegotiation(DefaultContentNegotiation):
    """An unknown `format` is a 400 naming what is accepted, like every other bad parameter.

    DRF answers 404 there, which reads as if the resource were missing.
    """

    def filter_renderers(self, renderers, format):
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            accepted = ", ".join(renderer.format for renderer in renderers)
            raise exceptions.ValidationError({"format": [f"Unknown format {format!r}; use {accepted}."]})
        return matching
