"""What every page's <head> says: title, description, canonical URL, feeds (for sharing and search)."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

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
