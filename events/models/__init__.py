"""The tracker's entities. One module per concern; import them from here.

Read in this order: reference.py (countries, owners, apps, authorities), event.py (the measure and
its QuerySet), evidence.py (sources and statements), measurement.py (OONI counts), status.py (the
status rule's answer, kept as steps), tally.py (counts kept for the stats); then the two rules
every surface shares: visibility.py (who is public) and review.py (the review workflow).
"""

from .event import Event, EventQuerySet
from .evidence import Source, Statement
from .measurement import Measurement
from .reference import App, Authority, Country, FormerSlug, Owner
from .status import PairStep
from .tally import Tally, TallyPart

__all__ = [
    "App",
    "Authority",
    "Country",
    "Event",
    "EventQuerySet",
    "FormerSlug",
    "Measurement",
    "Owner",
    "PairStep",
    "Source",
    "Statement",
    "Tally",
    "TallyPart",
]
