"""Events grouped as the timeline and the detail pages list them: by year, then month."""

from dataclasses import dataclass, field
from itertools import groupby

from events.dates import Precision


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
