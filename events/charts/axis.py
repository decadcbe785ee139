"""A time axis in percentages of the plot's width.

The SVG has no viewBox: its user unit is the CSS pixel, so text keeps a readable size on a phone,
and horizontal positions are percentages that stretch with the page.
"""

import datetime
from dataclasses import dataclass

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass(frozen=True)
class Tick:
    """A gridline at `x` (percent) with an optional label at `label_x`, anchored as SVG says."""

    x: float
    label: str
    label_x: float
    anchor: str = "middle"


class TimeAxis:
    """Maps dates between `start` and `end` to 0..`extent` percent (less than 100 leaves a right gutter)."""

    def __init__(self, start, end, extent=100):
        if end <= start:
            end = start + datetime.timedelta(days=1)
        self.start, self.end, self.extent = start, end, extent
        self.span = (end - start).days

    @classmethod
    def whole_years(cls, first, last):
        """From 1 January of `first`'s year to 1 January after `last`'s year."""
        return cls(datetime.date(first.year, 1, 1), datetime.date(last.year + 1, 1, 1))

    def x(self, day):
        """Percent position of `day`, clamped to the axis."""
        day = min(max(day, self.start), self.end)
        return round(self.extent * (day - self.start).days / self.span, 3)

    def width(self, start, end, minimum=0.6):
        """Percent width from `start` to `end`, never thinner than `minimum` so a one-day event shows."""
        return max(round(self.x(end) - self.x(start), 3), minimum)

    def year_ticks(self, max_labels=8):
        """A gridline each 1 January; labels centred in their year, thinned to at most `max_labels`."""
        last = self.end.year if self.end > datetime.date(self.end.year, 1, 1) else self.end.year - 1
        years = list(range(self.start.year, last + 1))
        step = 1
        while len(years) / step > max_labels:
            step = {1: 2, 2: 5}.get(step, step * 2)
        ticks = []
        for year in years:
            begin = max(datetime.date(year, 1, 1), self.start)
            finish = min(datetime.date(year + 1, 1, 1), self.end)
            label = str(year) if year % step == 0 or step == 1 else ""
            ticks.append(Tick(self.x(begin), label, round((self.x(begin) + self.x(finish)) / 2, 3)))
        return ticks

    def month_ticks(self, every=3):
        """Gridlines each `every` months (for spans of a year or two), labelled 'Jan 2024'."""
        ticks = []
        day = datetime.date(self.start.year, self.start.month, 1)
        while day < self.end:
            if day >= self.start and (day.month - 1) % every == 0:
                label = f"{MONTHS[day.month - 1]} {day.year}" if day.month == 1 or not ticks else MONTHS[day.month - 1]
                ticks.append(Tick(self.x(day), label, self.x(day), anchor="start"))
            day = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return ticks
