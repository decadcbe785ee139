"""The restriction chart of a page with too many events for one bar each: one bar per row.

A row (an app on a country's page, a country on an app's page, "WhatsApp in Russia" on a company's
or an authority's) is summed up in SQL: how many measures, the first start, the last end, how many
are in force today. Its bar runs from the first start to the last end, or to today while any is in
force. Only the MAX_ROWS rows with the most measures are drawn; the caption says how many more
there are and the timeline lists every event. The work is bounded by the number of apps and
countries, not by the number of events.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.urls import reverse

from events.models import Event
from events.models.event import active_on_condition

from .axis import TimeAxis
from .restrictions import AXIS, LABEL, LANE, ROW_GAP, TOP, RestrictionChart, Row, Segment

MAX_ROWS = 20
SPAN_COLOUR = "#4b5563"
SERIES = ("app", "country", "app_in_country")


@dataclass
class Span:
    """A row's measures summed up: the numbers behind one bar."""

    label: str
    link: tuple  # (URL name, argument), or () for a row without a page; reversed only for the rows drawn
    count: int
    in_force: int
    first: object
    last_end: object
    open_count: int


def spans(events_qs, series, today):
    """Rows of `events_qs` summed per app, country or app in a country (two queries for app rows, else one).

    Events that name no app sit on their company's row, on "Whole network (shutdown)" or on
    "Other measures", as on the per-event chart (rows_by_app).
    """
    assert series in SERIES, series
    now = active_on_condition(today)
    # Open-ended: no end date and not lifted, drawn to today (restrictions._end).
    open_ended = Q(ended_on__isnull=True) & ~Q(status=Event.Status.LIFTED)
    if series == "country":
        rows = events_qs.order_by().values("country_id", "country__name").annotate(**_sums("", now, open_ended))
        return [_span(r["country__name"], ("country-detail", r["country_id"].lower()), r) for r in rows]
    # Grouped through the events' own query (joined to their apps), so that its filters apply to
    # the events directly and the narrow public index serves them.
    keys = ["apps__slug", "apps__name"] + (["country__name"] if series == "app_in_country" else [])
    named = events_qs.order_by().filter(apps__isnull=False).values(*keys).annotate(**_sums("", now, open_ended))
    result = [_span(_in(r["apps__name"], r, series), ("app-detail", r["apps__slug"]), r) for r in named]
    has_app = Event.apps.through.objects.filter(event_id=OuterRef("pk"))
    other_keys = ["owner__slug", "owner__name", "kind"] + (["country__name"] if series == "app_in_country" else [])
    merged = {}
    for r in events_qs.order_by().filter(~Exists(has_app)).values(*other_keys).annotate(**_sums("", now, open_ended)):
        if r["owner__slug"]:
            label, url = f"{r['owner__name']} (the company)", ("owner-detail", r["owner__slug"])
        elif r["kind"] == Event.Kind.NETWORK_SHUTDOWN:
            label, url = "Whole network (shutdown)", ()
        else:
            label, url = "Other measures", ()
        span = _span(_in(label, r, series), url, r)
        key = (span.label, span.link)
        merged[key] = _merge(merged[key], span) if key in merged else span
    return result + list(merged.values())


def _sums(prefix, now, open_ended):
    return {
        "n": Count(f"{prefix}id"),
        "in_force_n": Count(f"{prefix}id", filter=now),
        "open_n": Count(f"{prefix}id", filter=open_ended),
        "first": Min(f"{prefix}started_on"),
        "last_end": Max(f"{prefix}ended_on"),
    }


def _in(label, row, series):
    if series != "app_in_country":
        return label
    return f"{label} in {row['country__name']}"


def _span(label, url, row):
    return Span(label, url, row["n"], row["in_force_n"], row["first"], row["last_end"], row["open_n"])


def _merge(a, b):
    ends = [day for day in (a.last_end, b.last_end) if day]
    return Span(
        a.label,
        a.link,
        a.count + b.count,
        a.in_force + b.in_force,
        min(a.first, b.first),
        max(ends) if ends else None,
        a.open_count + b.open_count,
    )


def span_chart(all_spans, *, chart_id, title, today, more_url):
    """The chart of the MAX_ROWS rows with the most measures; None without rows."""
    if not all_spans:
        return None
    kept = sorted(all_spans, key=lambda s: (-s.count, s.label.lower()))[:MAX_ROWS]
    rows = []
    for span in kept:
        open_ended = span.open_count > 0
        end = max(today, span.first) if open_ended else (span.last_end or span.first)
        row = Row(label=span.label, url=reverse(span.link[0], args=[span.link[1]]) if span.link else "")
        row.segments.append(Segment(event=None, start=span.first, end=end, open_ended=open_ended))
        row.span = span
        rows.append(row)
    rows.sort(key=lambda r: (r.first_start, r.label.lower()))
    axis = TimeAxis.whole_years(min(s.first for s in kept), max([today] + [r.segments[0].end for r in rows]))
    y = TOP
    for row in rows:
        row.top, row.label_y, row.lanes = y, y + LABEL - 5, 1
        segment = row.segments[0]
        segment.x = axis.x(segment.start)
        segment.width = axis.width(segment.start, segment.end)
        segment.y = y + LABEL
        segment.colour = SPAN_COLOUR
        y += LABEL + LANE + ROW_GAP
    total = sum(s.count for s in all_spans)
    left_out = len(all_spans) - len(kept)
    first_year, last_year = axis.start.year, axis.end.year - 1
    description = (
        f"{len(rows)} row{'s' if len(rows) != 1 else ''}"
        + (f" (the {len(rows)} with the most measures; {left_out} more are not drawn)" if left_out else "")
        + f", {first_year}–{last_year}. Each bar runs from the first start of a row's measures to the last end, "
        f"or to today ({today:%d %B %Y}) while any of them is in force. The table below gives the numbers."
    )
    return RestrictionChart(
        id=chart_id,
        title=title,
        description=description,
        rows=rows,
        ticks=axis.year_ticks(),
        today_x=axis.x(today),
        today=today,
        height=y + AXIS,
        plot_bottom=y,
        legend=[],
        summed=True,
        left_out=left_out,
        total=total,
        more_url=more_url,
    )
