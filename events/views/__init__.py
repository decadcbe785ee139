"""Public pages (server-rendered HTML). The URLs are part of the public contract
(the shared DESIGN.md beside the project, ../shared/DESIGN.md).

One module per concern: `pages` (home, about, search), `timeline`, `status` (the world map on a
day), `places` (country, app, owner and authority pages and their lists), `event` (one record)
and `grouping` (by year and month).
What a page may show is the models' `public()` (events/models/visibility.py), as for the API.
"""

from .event import event_detail
from .pages import about, home, search
from .places import app_detail, app_list, authority_detail, country_detail, country_list, owner_detail
from .status import pair_page, status_changes, status_page
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
    "pair_page",
    "search",
    "status_changes",
    "status_page",
    "timeline",
]
