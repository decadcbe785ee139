"""What every page's <head> says: title, description, canonical URL, feeds (for sharing and search)."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils.text import Truncator

SITE_NAME = "App Blocking Tracker"
SITE_DESCRIPTION = (
    "An open, sourced database of government actions that block, throttle or restrict apps: "
    "who ordered what, against which apps, where and when."
)


@dataclass
class PageMeta:
    """The head of one page. `path` and `query` make the canonical URL; feeds become <link rel=alternate>."""

    title: str
    description: str = SITE_DESCRIPTION
    path: str = "/"
    query: dict = field(default_factory=dict)
    og_type: str = "website"
    feeds: list = field(default_factory=list)  # [(title, url)]
    noindex: bool = False

    def for_request(self, request):
        """The values a template needs, with absolute URLs built from the request."""
        query = urlencode(sorted(self.query.items()))
        canonical = request.build_absolute_uri(self.path + (f"?{query}" if query else ""))
        return {
            "title": self.title,
            "full_title": self.title if self.title == SITE_NAME else f"{self.title} · {SITE_NAME}",
            "description": Truncator(" ".join(self.description.split())).chars(200),
            "canonical": canonical,
            "og_type": self.og_type,
            "feeds": [(title, request.build_absolute_uri(url)) for title, url in self.feeds],
            "noindex": self.noindex,
            "site_name": SITE_NAME,
        }


def render_context(request, meta, **context):
    return {"meta": meta.for_request(request), **context}


def research_links(query):
    """The events a page lists, in the API as JSON and as CSV, and their statements as CSV.

    `query` is the page's filters under the API's names (events/filters.py EventFilterSet), e.g.
    {"country": "ru"} for a country's page or {"search": text} for search: following a link gives the
    very events the page counts. Country codes are written in upper case, as the API gives them; the
    statements take every event filter but `ordering`.
    """
    params = sorted((name, value.upper() if name == "country" else value) for name, value in query.items())
    events = reverse("api-event-list")
    statements = reverse("api-statement-list")

    def address(base, items):
        return base + "?" + urlencode(items) if items else base

    return {
        "api": address(events, params),
        "csv": address(events, [*params, ("format", "csv")]),
        "statements_csv": address(statements, [*(p for p in params if p[0] != "ordering"), ("format", "csv")]),
        "docs": reverse("api-docs"),
    }


def plain_bad_request(errors):
    """A 400 in plain text, a line a parameter, for addresses read by programs (feeds, paging links)."""
    lines = [f"{name}: {' '.join(messages)}" for name, messages in sorted(errors.items())]
    return HttpResponseBadRequest("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
