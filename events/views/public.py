"""What the public may see, decided once for every page, feed and chart.

Only published events are public. Reference records (apps, owners, authorities) are public only
through a published event (or, for apps, through published measurements): an app that only a
draft names would otherwise tell the world that a record about it is being prepared.
"""

from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Count, Exists, OuterRef, Q

from events.dates import Precision
from events.models import App, Authority, Country, Event, Measurement, Owner

PUBLISHED = Event.ReviewState.PUBLISHED


def public_events():
    return Event.objects.public()


def listed_events():
    """Published events as lists show them: two queries whatever the count (see for_listing)."""
    return Event.objects.public().for_listing()


def public_apps():
    """Apps that a published event names or promotes, or that published measurements cover."""
    named = Event.apps.through.objects.filter(app_id=OuterRef("pk"), event__review_state=PUBLISHED)
    promoted = Event.objects.public().filter(promoted_alternative_id=OuterRef("pk"))
    measured = Measurement.objects.filter(app_id=OuterRef("pk"))
    return App.objects.filter(Exists(named) | Exists(promoted) | Exists(measured))


def public_owners():
    """Owners targeted by a published event, or owning a public app (so that every app page's owner link works)."""
    targeted = Event.objects.public().filter(owner_id=OuterRef("pk"))
    owns_public_app = public_apps().filter(owner_id=OuterRef("pk"))
    return Owner.objects.filter(Exists(targeted) | Exists(owns_public_app))


def public_authorities():
    return Authority.objects.filter(Exists(Event.objects.public().filter(authority_id=OuterRef("pk"))))


def countries_with_events():
    """Countries with published events, each with `event_count`, in one query."""
    return (
        Country.objects.annotate(event_count=Count("events", filter=Q(events__review_state=PUBLISHED)))
        .filter(event_count__gt=0)
        .order_by("name")
    )


@dataclass
class MonthGroup:
    label: str
    events: list


@dataclass
class YearGroup:
    year: int
    months: list = field(default_factory=list)

    @property
    def count(self):
        return sum(len(m.events) for m in self.months)


def group_by_year_and_month(events):
    """Events (already in start order) as years holding months; a date known only to the year
    goes under "Date in the year not known" rather than a made-up January."""
    years = []
    for year, in_year in groupby(events, key=lambda e: e.started_on.year):
        group = YearGroup(year)
        for label, in_month in groupby(in_year, key=_month_label):
            group.months.append(MonthGroup(label, list(in_month)))
        years.append(group)
    return years


def _month_label(event):
    if event.started_precision == Precision.YEAR:
        return f"{event.started_on.year}, month not known"
    return f"{event.started_on:%B} {event.started_on.year}"
