"""What every API view shares: read-only GET, strict parameters, ETags, throttling, error format."""

from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.settings import api_settings

from events.filters import parameter_errors
from events.freshness import body_etag, data_version, etag_for, not_modified

from .renderers import ORJSONRenderer
from .throttling import AnonRateThrottle, Throttled

FORMAT = "format"


def raise_if(errors):
    if errors:
        raise ValidationError(errors)


class ApiView(GenericAPIView):
    """A read-only endpoint. Subclasses implement `respond(request, **kwargs)` and name the
    query parameters they accept in `accepted_params` (besides `format`).

    GET (and HEAD) only: any other method is answered 405 by DRF before anything runs.
    """

    renderer_classes = [ORJSONRenderer]
    throttle_classes = [AnonRateThrottle]
    accepted_params = frozenset()
    # Answer 304 to a client whose ETag matches the current data version (events/freshness.py).
    conditional = True
    # The data version read for the ETag, for what is remembered by version (events/freshness.py).
    version = None

    def get(self, request, *args, **kwargs):
        etag = None
        if self.conditional:
            self.version = data_version()
            etag = etag_for(request, self.version)
            # `If-None-Match: *` asks whether the resource exists at all: only the answer can tell.
            if request.headers.get("If-None-Match", "").strip() != "*":
                response = not_modified(request, etag)
                if response is not None:
                    return response
        response = self.respond(request, *args, **kwargs)
        if etag and response.status_code == 200:
            response["ETag"] = etag
            if request.headers.get("If-None-Match", "").strip() == "*":
                return not_modified(request, etag) or response
        return response

    def respond(self, request, *args, **kwargs):
        raise NotImplementedError

    def check_params(self, request, accepted=None):
        """400 for any parameter this endpoint does not accept, repeated, or empty."""
        accepted = set(self.accepted_params if accepted is None else accepted) | {FORMAT}
        raise_if(parameter_errors(request.query_params, accepted))

    def throttled(self, request, wait):
        raise Throttled(wait, api_settings.DEFAULT_THROTTLE_RATES.get("anon"))

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors are always JSON, even for a client that asked for CSV: an error body in a
        # spreadsheet helps nobody, and the schema documents errors as JSON.
        renderer = getattr(request, "accepted_renderer", None)
        if response.status_code >= 400 and renderer is not None and renderer.format != "json":
            request.accepted_renderer = ORJSONRenderer()
            request.accepted_media_type = ORJSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class BodyETag:
    """For an ApiView whose answer the data version does not cover (OONI measurements carry no
    history; what is in force changes with the date): the ETag is a hash of the rendered body."""

    conditional = False

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            response.render()
            etag = body_etag(response.content)
            response["ETag"] = etag
            unchanged = not_modified(request, etag)
            if unchanged is not None:
                return unchanged
        return response
