"""The tracker's entities. One module per concern; import them from here."""

from .event import Event, EventQuerySet
from .evidence import Source, Statement
from .measurement import Measurement
from .reference import App, Authority, Country, Owner

__all__ = ["App", "Authority", "Country", "Event", "EventQuerySet", "Measurement", "Owner", "Source", "Statement"]
