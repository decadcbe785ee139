"""OONI's likely-blocked rate week by week, one small panel per app (or country), with the
tracker's events marked on the same time axis so that the evidence sits beside the record.

The rate is OONI's own definition, summed over the week: anomalies / (measurements - failures).
A week with no usable measurement has no bar, which is different from a bar at 0%.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from events.models import Measurement

from .axis import TimeAxis
from .palette import colour

PANEL_LABEL = 20
PLOT = 72
PANEL_GAP = 18
AXIS = 26
MAX_PANELS = 12
PLOT_WIDTH = 92  # percent; the gutter on the right holds the 50% and 100% labels


@dataclass
class Week:
    start: datetime.date
    measured: int
    usable: int
    anomalies: int
    x: float = 0
    width: float = 0
    y: float = 0
    height: float = 0

    @property
    def rate(self):
        return self.anomalies / self.usable if self.usable else None


@dataclass
class Mark:
    """An event that began within the period: a line and its number at its start, a band while in force."""

    number: int
    event: object
    x: float
    width: float
    colour: str


@dataclass
class Panel:
    """The weekly bars of one series (an app in a country) and the events marked on them."""

    key: str
    label: str
    weeks: list = field(default_factory=list)
    marks: list = field(default_factory=list)
    top: int = 0
    plot_top: int = 0
    plot_bottom: int = 0
    gridlines: list = field(default_factory=list)

    @property
    def measured(self):
        return sum(w.measured for w in self.weeks)

    @property
    def overall_rate(self):
        usable = sum(w.usable for w in self.weeks)
        return sum(w.anomalies for w in self.weeks) / usable if usable else None

    @property
    def peak(self):
        rated = [w for w in self.weeks if w.rate is not None]
        return max(rated, key=lambda w: (w.rate, -w.start.toordinal())) if rated else None  # earliest of equals


@dataclass
class MeasurementChart:
    """Panels on one axis, the events they mark (numbered) and the credit for the data."""

    id: str
    title: str
    description: str
    panels: list
    ticks: list
    height: int
    plot_bottom: int
    marked_events: list
    throughout: list
    credits: list
    left_out: int
    first_day: datetime.date
    last_day: datetime.date
    plot_width: int = PLOT_WIDTH


def weekly_counts(measurements, series):
    """One query: measurement counts summed per series ("app" or "country") and week."""
    key = {"app": ("app__slug", "app__name"), "country": ("country__code", "country__name")}[series]
    return (
        measurements.annotate(week=TruncWeek("day"))
        .values(*key, "week", "dataset")
        .annotate(
            measured=Sum("measurement_count"),
            failed=Sum("failure_count"),
            anomalies=Sum("anomaly_count"),
        )
        .order_by(key[1], key[0], "week")
    ), key


def measurement_chart(measurements, events, *, series, chart_id, title, marks_for, today=None):
    """Build the chart from a Measurement queryset (one query), or None when there is nothing.

    `series` is "app" (panels per app, for a country page) or "country" (for an app page);
    `marks_for(key, events)` picks the events to mark on a panel.
    """
    rows, (key_field, label_field) = weekly_counts(measurements, series)
    panels, credits = {}, set()
    for row in rows:
        panel = panels.setdefault(row[key_field], Panel(key=row[key_field], label=row[label_field]))
        week = _as_date(row["week"])
        if panel.weeks and panel.weeks[-1].start == week:
            target = panel.weeks[-1]  # same week from a second dataset: add it up
            target.measured += row["measured"]
            target.usable += row["measured"] - row["failed"]
            target.anomalies += row["anomalies"]
        else:
            panel.weeks.append(Week(week, row["measured"], row["measured"] - row["failed"], row["anomalies"]))
        credits.add(row["dataset"])
    if not panels:
        return None
    # The most-measured series when there are too many to draw, then in name order.
    everything = len(panels)
    panels = sorted(panels.values(), key=lambda p: -p.measured)[:MAX_PANELS]
    panels.sort(key=lambda p: p.label.lower())
    today = today or timezone.localdate()
    first = min(p.weeks[0].start for p in panels)
    last = max(p.weeks[-1].start for p in panels) + datetime.timedelta(days=7)
    axis = TimeAxis(first, last, extent=PLOT_WIDTH)
    ticks = axis.month_ticks(3) if axis.span <= 3 * 366 else axis.year_ticks()

    numbers, throughout = {}, {}
    y = 0
    for panel in panels:
        panel.top = y
        panel.plot_top = y + PANEL_LABEL
        panel.plot_bottom = panel.plot_top + PLOT
        panel.gridlines = [(panel.plot_bottom - PLOT * share, f"{int(share * 100)}%") for share in (0.5, 1)]
        for week in panel.weeks:
            week.x = axis.x(week.start)
            week.width = max(round(axis.x(week.start + datetime.timedelta(days=7)) - week.x - 0.15, 3), 0.2)
            rate = week.rate or 0
            week.height = round(PLOT * rate, 1)
            week.y = round(panel.plot_bottom - week.height, 1)
        for event in marks_for(panel.key, events):
            end = event.ended_on or today
            if end < axis.start or event.started_on > axis.end:
                continue
            if event.started_on < axis.start:
                # Already in force when the measurements begin: shading the whole panel for each
                # of these would bury the bars, so the caption lists them instead.
                throughout.setdefault(event.pk, event)
                continue
            number = numbers.setdefault(event.pk, len(numbers) + 1)
            panel.marks.append(
                Mark(
                    number=number,
                    event=event,
                    x=axis.x(event.started_on),
                    width=axis.width(event.started_on, end, minimum=0.3),
                    colour=colour(event.kind),
                )
            )
        y = panel.plot_bottom + PANEL_GAP
    by_pk = {e.pk: e for e in events}
    marked = [(number, by_pk[pk]) for pk, number in sorted(numbers.items(), key=lambda item: item[1])]
    last_day = last - datetime.timedelta(days=1)
    description = (
        f"Share of OONI measurements that showed signs of blocking, week by week from the week of "
        f"{first:%d %B %Y} to the week of {last - datetime.timedelta(days=7):%d %B %Y}, one panel per "
        f"{'app' if series == 'app' else 'country'}. "
        + (
            f"Numbered lines and shaded bands mark the {len(marked)} recorded measure"
            f"{'s' if len(marked) != 1 else ''} that began in that period, as in the list below."
            if marked
            else "No recorded measure began in that period."
        )
        + (
            f" {len(throughout)} measure{'s were' if len(throughout) != 1 else ' was'} already in force when it began."
            if throughout
            else ""
        )
    )
    return MeasurementChart(
        id=chart_id,
        title=title,
        description=description,
        panels=panels,
        ticks=ticks,
        height=y - PANEL_GAP + AXIS,
        plot_bottom=y - PANEL_GAP,
        marked_events=marked,
        throughout=sorted(throughout.values(), key=lambda e: (e.started_on, e.pk)),
        credits=sorted(credits),
        left_out=everything - len(panels),
        first_day=first,
        last_day=last_day,
    )


def _as_date(value):
    # TruncWeek gives a date on a DateField; be tolerant of backends that hand back a datetime.
    return value.date() if isinstance(value, datetime.datetime) else value


def country_measurements(country):
    return Measurement.objects.filter(country=country)


def app_measurements(app):
    return Measurement.objects.filter(app=app)
