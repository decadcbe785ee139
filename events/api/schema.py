"""OpenAPI pieces shared by the views: query parameters, error bodies, media types.

The parameters are written out from the filter sets (names and help texts), with patterns and
enums precise enough that a generated client, or schemathesis, knows what a valid value is.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse

from events.countries import country_codes
from events.filters import EventFilterSet, MeasurementFilterSet
from events.models import Event

from .pagination import KeysetPagination

SLUG_LIST = r"^[A-Za-z0-9]+([-_][A-Za-z0-9]+)*(,[A-Za-z0-9]+([-_][A-Za-z0-9]+)*)*$"


def _any_case(code):
    return "".join(f"[{letter.upper()}{letter.lower()}]" for letter in code)


# Exactly the ISO codes of the committed fixture (events/countries.py), in any case, comma-separated:
# a code the schema allows is a code the API accepts.
_CODE = "(" + "|".join(_any_case(code) for code in sorted(country_codes())) + ")"
CODE_LIST = f"^{_CODE}(,{_CODE})*$"
DATE = {"type": "string", "format": "date"}


def choice_list(values):
    one = "(" + "|".join(values) + ")"
    return {"type": "string", "pattern": f"^{one}(,{one})*$"}


_EVENT_FILTER_TYPES = {
    "country": {"type": "string", "pattern": CODE_LIST},
    "app": {"type": "string", "pattern": SLUG_LIST},
    "owner": {"type": "string", "pattern": SLUG_LIST},
    "authority": {"type": "string", "pattern": SLUG_LIST},
    "kind": choice_list(Event.Kind.values),
    "status": choice_list(Event.Status.values),
    "started_after": DATE,
    "started_before": DATE,
    "active_on": DATE,
    "year": {"type": "integer", "minimum": 1990, "maximum": 2100},
    "search": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"\S"},
    "scope": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"\S"},
    "ordering": {"type": "string", "enum": EventFilterSet.ORDERINGS},
}


def event_filter_parameters():
    """One documented parameter per EventFilterSet filter, with the filter's own help text."""
    filters = EventFilterSet.base_filters
    assert set(filters) == set(_EVENT_FILTER_TYPES), "document every event filter"
    return [
        OpenApiParameter(name, type=_EVENT_FILTER_TYPES[name], description=str(filters[name].extra["help_text"]))
        for name in filters
    ]


_MEASUREMENT_FILTER_TYPES = {
    "country": {"type": "string", "pattern": CODE_LIST},
    "app": {"type": "string", "pattern": SLUG_LIST},
    "test_name": {"type": "string", "pattern": SLUG_LIST},
    "since": DATE,
    "until": DATE,
}


def measurement_filter_parameters():
    filters = MeasurementFilterSet.base_filters
    assert set(filters) == set(_MEASUREMENT_FILTER_TYPES), "document every measurement filter"
    return [
        OpenApiParameter(name, type=_MEASUREMENT_FILTER_TYPES[name], description=str(filters[name].extra["help_text"]))
        for name in filters
    ]


def page_parameters():
    """`cursor` and `page_size`, as the keyset paginator documents them."""
    return [
        OpenApiParameter(p["name"], type=p["schema"], description=p["description"])
        for p in KeysetPagination().get_schema_operation_parameters(None)
    ]


def format_parameter(*formats):
    return OpenApiParameter(
        "format",
        type={"type": "string", "enum": list(formats)},
        description="Response format: "
        + ", ".join(formats)
        + (". CSV returns every matching row at once, not one page." if "csv" in formats else "."),
    )


def search_parameter(what):
    return OpenApiParameter(
        "search",
        type={"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"\S"},
        description=f"Text to find in the {what}.",
    )


_ERROR_SCHEMA = {
    "type": "object",
    "description": "Each bad parameter with what is wrong and what is accepted.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}

BAD_REQUEST = OpenApiResponse(
    response=_ERROR_SCHEMA,
    description="A parameter is unknown, empty, malformed or names an unknown code or slug; "
    "the body names it (DRF's usual error body).",
    examples=[
        OpenApiExample(
            "Unknown country",
            value={"country": ["Unknown country code XX; use values such as RU (the list is at /api/v1/countries/)."]},
        )
    ],
)

_DETAIL_SCHEMA = {
    "type": "object",
    "required": ["detail"],
    "properties": {"detail": {"type": "string"}},
}

NOT_FOUND = {
    (404, "application/json"): OpenApiResponse(response=_DETAIL_SCHEMA, description="No published record has this key.")
}
THROTTLED = OpenApiResponse(
    response=_DETAIL_SCHEMA,
    description="Too many requests from this address; the Retry-After header says how many seconds to wait.",
)
NOT_MODIFIED = OpenApiResponse(description="Unchanged since the ETag sent in If-None-Match.")
CSV = OpenApiResponse(response=OpenApiTypes.STR, description="Every matching row as CSV (format=csv).")

# Errors are JSON whatever `format` asked for (see ApiView.finalize_response).
COMMON_ERRORS = {
    (400, "application/json"): BAD_REQUEST,
    304: NOT_MODIFIED,
    (429, "application/json"): THROTTLED,
}

# Response headers worth a client's attention.
RESPONSE_HEADERS = [
    OpenApiParameter(
        "ETag",
        str,
        OpenApiParameter.HEADER,
        response=[200],
        description="Send it back in If-None-Match: an unchanged response is then a bodiless 304.",
    ),
    OpenApiParameter(
        "Retry-After", int, OpenApiParameter.HEADER, response=[429], description="Seconds to wait before retrying."
    ),
]


def common_parameters(*formats):
    """The `format` parameter and the response headers every endpoint documents."""
    return [format_parameter(*formats), *RESPONSE_HEADERS]
