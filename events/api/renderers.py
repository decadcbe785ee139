"""How API responses are written: JSON by orjson, CSV streamed by the views, strict `format`."""

import decimal

import orjson
from django.utils.functional import Promise
from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.utils.mediatypes import media_type_matches


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


def _quality(media_range):
    """('text/csv', 1.0) for 'text/csv;q=1': the range without its parameters, and its q-value."""
    kind, _, parameters = media_range.partition(";")
    quality = 1.0
    for parameter in parameters.split(";"):
        name, _, value = parameter.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
    return kind.strip().lower(), quality


class StrictContentNegotiation(DefaultContentNegotiation):
    """An unknown `format` is a 400 naming what is accepted, like every other bad parameter (DRF
    answers 404 there, which reads as if the resource were missing); and `Accept` is read with its
    q-values (RFC 9110), which DRF leaves out: `text/csv, application/json;q=0.1` is CSV.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        if request.query_params.get(self.settings.URL_FORMAT_OVERRIDE) or format_suffix:
            return super().select_renderer(request, renderers, format_suffix)
        ranges = [_quality(item) for item in request.META.get("HTTP_ACCEPT", "*/*").split(",") if item.strip()]
        # Highest q first; among equals, the more specific range (text/csv before text/*), then the header's order.
        ranges = sorted(ranges, key=lambda item: (-item[1], item[0].count("*")))
        for media_range, quality in ranges:
            if quality <= 0:
                continue
            for renderer in renderers:
                if media_type_matches(renderer.media_type, media_range):
                    return renderer, renderer.media_type
        return super().select_renderer(request, renderers, format_suffix)

    def filter_renderers(self, renderers, format):
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            accepted = ", ".join(renderer.format for renderer in renderers)
            raise exceptions.ValidationError({"format": [f"Unknown format {format!r}; use {accepted}."]})
        return matching
