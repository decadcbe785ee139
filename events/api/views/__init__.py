"""The API's views, one module per resource."""

from .events import EventDetail, EventList
from .measurements import MeasurementList
from .reference import (
    AppDetail,
    AppList,
    AuthorityDetail,
    AuthorityList,
    CountryDetail,
    CountryList,
    OwnerDetail,
    OwnerList,
)
from .root import NotFound, Root
from .statements import StatementList
from .stats import Stats
from .status import StatusChanges, StatusList

__all__ = [
    "AppDetail",
    "AppList",
    "AuthorityDetail",
    "AuthorityList",
    "CountryDetail",
    "CountryList",
    "EventDetail",
    "EventList",
    "MeasurementList",
    "NotFound",
    "OwnerDetail",
    "OwnerList",
    "Root",
    "StatementList",
    "Stats",
    "StatusChanges",
    "StatusList",
]
