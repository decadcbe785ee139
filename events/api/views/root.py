"""/api/v1/: what the API offers, under which licence, with whose credit."""

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from events.models import Source

from ..base import ApiView
from ..schema import COMMON_ERRORS, common_parameters
from ..serializers import RootOut

LICENCE = {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
CREDIT = (
    "Records written by the tracker's editors are published under CC BY 4.0: credit the tracker and link "
    "to the record's page_url."
)

ENDPOINTS = [
    ("events", "api-event-list", "Published events, filtered and paged; format=csv for all of them."),
    (
        "statements",
        "api-statement-list",
        "Who said what about events, one row a statement keyed by event id; format=csv for all of them.",
    ),
    (
        "countries",
        "api-country-list",
        "Countries with event counts, narrowed by the event filters; detail adds the apps restricted there now.",
    ),
    ("apps", "api-app-list", "Apps with owners; detail adds the countries where each is restricted now."),
    ("owners", "api-owner-list", "Companies, state bodies and people behind apps."),
    ("authorities", "api-authority-list", "Bodies that ordered or carried out measures."),
    ("measurements", "api-measurement-list", "OONI measurement counts per country, app and day."),
    ("stats", "api-stats", "Counts of events grouped by country, year, kind, app or owner."),
    ("status", "api-status", "What was in force against which app in which country on a day (?on=YYYY-MM-DD)."),
    ("status-changes", "api-status-changes", "What was imposed, lifted, escalated or eased between two days."),
]


@extend_schema(tags=["root"], parameters=[*common_parameters("json")], responses={200: RootOut, **COMMON_ERRORS})
class Root(ApiView):
    """The endpoints, the licence and the credits (one query for the datasets that events cite)."""

    def respond(self, request):
        self.check_params(request)
        datasets = (
            Source.objects.public()
            .filter(kind=Source.Kind.DATASET)
            .values_list("publisher", "title", "url")
            .distinct()
            .order_by("publisher", "title", "url")
        )
        credits = [CREDIT]
        credits += [
            f"Records imported from {publisher or title} ({url}) keep its credit: {title}."
            for publisher, title, url in datasets
        ]
        credits.append("Each measurement names the dataset it comes from in its `dataset` field, with its credit.")
        absolute = request.build_absolute_uri
        return Response(
            {
                "name": "App blocking tracker API",
                "version": "1",
                "licence": LICENCE,
                "credits": credits,
                "endpoints": [
                    {"name": name, "url": absolute(reverse(view)), "description": text}
                    for name, view, text in ENDPOINTS
                ],
                "docs": absolute(reverse("api-docs")),
                "schema": absolute(reverse("api-schema")),
            }
        )


@extend_schema(exclude=True)
class NotFound(ApiView):
    """Any other address under /api/v1/: a JSON 404 pointing at the root."""

    conditional = False

    def respond(self, request, *args, **kwargs):
        raise Http404("No such endpoint: the list is at /api/v1/.")
