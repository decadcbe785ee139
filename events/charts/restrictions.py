"""Where and when measures were in force: one row per app (or per country), one bar per event.

A bar runs from the event's start to its end, or to today while it is in force; a measure is never
merged with another into one bar. Events of one row that overlap go in separate lanes so that
neither hides the other (WhatsApp in Russia: calls restricted from August 2025, then everything
blocked from February 2026); a one-day shutdown is still a visible mark. What the records do not
confirm is drawn apart: a measure of unknown status is solid up to its last confirmation and a
dashed outline after it, and so is one said to be in force but not confirmed for over a year.
A page with more measures than CHART_LIMIT draws the latest of them and says so.
"""

import datetime
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from events.models import Event

from .axis import TimeAxis
from .palette import colour, legend

TOP = 26  # room for the "today" label
LABEL = 18  # a row's name sits above its bars
LANE = 14
BAR = 10
ROW_GAP = 10
AXIS = 26  # year labels under the plot
MAX_LANES = 6  # beyond this, later bars share the last lane (the table lists them all)
MAX_ROWS = 20  # the rows with the most measures; the caption says how many more there are
CHART_LIMIT = 300  # measures drawn on one chart: the latest; the caption links to the timeline


@dataclass
class Segment:
    """One event's bar in a row."""

    event: Event
    start: datetime.date
    end: datetime.date
    open_ended: bool
    x: float = 0
    width: float = 0
    y: int = 0
    lane: int = 0
    colour: str = ""
    dashed: bool = False
    # The part after the last confirmation of a measure the records no longer confirm.
    tail_start: datetime.date | None = None
    tail_x: float = 0
    tail_width: float = 0


@dataclass
class Row:
    """A labelled row of the chart: an app, a country or a company."""

    label: str
    url: str
    segments: list = field(default_factory=list)
    top: int = 0
    label_y: int = 0
    lanes: int = 1
    span: object = None  # on a summed chart (spans.py): the row's numbers

    @property
    def first_start(self):
        return min(s.start for s in self.segments)


@dataclass
class RestrictionChart:
    """Everything the template needs to draw the chart and its text alternative."""

    id: str
    title: str
    description: str
    rows: list
    ticks: list
    today_x: float
    today: datetime.date
    height: int
    plot_bottom: int
    legend: list
    # Rows past MAX_ROWS, and measures past CHART_LIMIT, are not drawn; the caption says so.
    left_out: int = 0
    total: int = 0
    more_url: str = ""
    unconfirmed: bool = False  # some bar has a dashed tail: the legend explains it

    @property
    def drawn(self):
        return len({id(segment.event) for row in self.rows for segment in row.segments})

    @property
    def table(self):
        """(row, segment) pairs in reading order for the table alternative."""
        return [(row, segment) for row in self.rows for segment in sorted(row.segments, key=lambda s: s.start)]


def rows_by_app(event):
    """An event's rows on a country, owner or authority page: its apps, else the company, else the network."""
    if event.apps.all():
        return [(app.name, app.get_absolute_url()) for app in event.apps.all()]
    if event.owner:
        return [(f"{event.owner.name} (the company)", event.owner.get_absolute_url())]
    if event.kind == Event.Kind.NETWORK_SHUTDOWN:
        return [("Whole network (shutdown)", "")]
    return [("Other measures", "")]


def rows_by_pair(event):
    """On a country's "in force now": each app links its history in the country (the pair's page)."""
    apps = event.apps.all()
    if not apps:
        return rows_by_app(event)
    return [(app.name, reverse("pair-detail", args=[event.country_id.lower(), app.slug])) for app in apps]


def rows_by_country(event):
    """An event's row on an app page: its country."""
    return [(event.country.name, event.country.get_absolute_url())]


def restriction_chart(events, *, chart_id, title, rows_of=rows_by_app, today=None, total=None, more_url=""):
    """Build the chart for `events` (already loaded, apps prefetched); None when there are none.

    `total` is how many measures the page has when `events` are only the latest of them.
    """
    events = list(events)
    if not events:
        return None
    today = today or timezone.localdate()
    rows = {}
    for event in events:
        end, open_ended = _end(event, today)
        for label, url in rows_of(event):
            row = rows.setdefault((label, url), Row(label=label, url=url))
            segment = Segment(event=event, start=event.started_on, end=end, open_ended=open_ended)
            segment.tail_start = _tail_start(event, today)
            row.segments.append(segment)
    kept = sorted(rows.values(), key=lambda r: (-len(r.segments), r.label.lower()))[:MAX_ROWS]
    ordered = sorted(kept, key=lambda r: (r.first_start, r.label.lower()))

    first = min(s.start for r in ordered for s in r.segments)
    last = max([today] + [s.end for r in ordered for s in r.segments])
    axis = TimeAxis.whole_years(first, last)
    y = TOP
    for row in ordered:
        row.top = y
        row.label_y = y + LABEL - 5
        row.lanes = _assign_lanes(row.segments)
        for segment in row.segments:
            solid_end = segment.tail_start or segment.end
            segment.x = axis.x(segment.start)
            segment.width = axis.width(segment.start, solid_end)
            if segment.tail_start:
                segment.tail_x = axis.x(segment.tail_start)
                segment.tail_width = max(0.0, axis.x(segment.end) - segment.tail_x)
            segment.y = y + LABEL + segment.lane * LANE
            segment.colour = colour(segment.event.kind)
            segment.dashed = segment.event.status == Event.Status.ANNOUNCED
        y += LABEL + row.lanes * LANE + ROW_GAP
    plot_bottom = y
    first_year, last_year = axis.start.year, axis.end.year - 1
    years = str(first_year) if first_year == last_year else f"{first_year}–{last_year}"
    drawn = len({id(s.event) for r in ordered for s in r.segments})
    total = max(total or 0, len(events))
    description = (
        f"{drawn} measure{'s' if drawn != 1 else ''}"
        + (f" (the latest of {total})" if total > drawn else "")
        + f" in {len(ordered)} row{'s' if len(ordered) != 1 else ''}, {years}, one bar each. A bar runs from the "
        f"start of a measure to its end, or to today ({today:%d %B %Y}) while it is in force; after the last "
        "confirmation of a measure the records no longer confirm, it is a dashed outline. The table below "
        "lists the same bars."
    )
    return RestrictionChart(
        id=chart_id,
        title=title,
        description=description,
        rows=ordered,
        ticks=axis.year_ticks(),
        today_x=axis.x(today),
        today=today,
        height=plot_bottom + AXIS,
        plot_bottom=plot_bottom,
        legend=legend(e.kind for e in events),
        left_out=len(rows) - len(ordered),
        total=total,
        more_url=more_url,
        unconfirmed=any(s.tail_start for r in ordered for s in r.segments),
    )


def _tail_start(event, today):
    """Where a bar stops being confirmed: the day after the last confirmation of a measure of
    unknown status, or of one in force that no source has confirmed for over the period."""
    if event.unknown_since and event.unknown_since <= today:
        return event.unknown_since
    if event.confirmation_overdue:
        return (event.last_confirmed_on or event.started_on) + datetime.timedelta(days=1)
    return None


def _end(event, today):
    """Where the bar stops, and whether it is still open (drawn to today)."""
    if event.ended_on:
        return event.ended_on, False
    if event.status == Event.Status.LIFTED:
        # Cannot happen for a validated record (lifted needs an end date); draw the start only.
        return event.started_on, False
    return max(today, event.started_on), True


def _assign_lanes(segments):
    """Greedy interval colouring: each bar takes the first lane free at its start."""
    lane_ends = []
    for segment in sorted(segments, key=lambda s: (s.start, s.end)):
        for lane, end in enumerate(lane_ends):
            if end < segment.start:
                segment.lane = lane
                lane_ends[lane] = segment.end
                break
        else:
            if len(lane_ends) < MAX_LANES:
                segment.lane = len(lane_ends)
                lane_ends.append(segment.end)
            else:
                segment.lane = MAX_LANES - 1
                lane_ends[-1] = max(lane_ends[-1], segment.end)
    return max(1, len(lane_ends))


def rows_by_app_in_country(event):
    """Rows for pages that span countries (a company's, an authority's): 'WhatsApp in Russia'."""
    return [(f"{label} in {event.country.name}", url) for label, url in rows_by_app(event)]
