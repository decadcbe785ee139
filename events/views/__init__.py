"""Public pages (server-rendered HTML). The URLs are part of the public contract (DESIGN.md).

One module per concern: `pages` (home, about, search), `timeline`, `places` (country, app, owner
and authority pages and their lists) and `event` (one record). `public` holds what every page
may show, so that "published only" is decided in one place.
"""

from .event import event_detail
from .pages import about, home, search
from .places import app_detail, app_list, authority_detail, country_detail, country_list, owner_detail
from .timeline import timeline

__all__ = [
    "about",
    "app_detail",
    "app_list",
    "authority_detail",
    "country_detail",
    "country_list",
    "event_detail",
    "home",
    "owner_detail",
    "search",
    "timeline",
]
