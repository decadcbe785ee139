"""Template helpers for the public pages: dates with their precision, labels and query strings."""

from urllib.parse import urlencode

from django import template

from events.dates import format_date
from events.models import Event

register = template.Library()

FEATURE_LABELS = dict(Event.Feature.choices)


@register.filter
def period(event):
    """'since 12 February 2026', '4 March 2022 to May 2022', 'announced for 1 March 2026', and
    what the records do not confirm: 'from 18 December 2020, status unknown since 19 December 2020'."""
    start = event.started_display
    if event.ended_on:
        end = event.ended_display
        return start if end == start else f"{start} to {end}"
    if event.status == Event.Status.ANNOUNCED:
        return f"announced for {start}"
    if event.unknown_since:
        return f"from {start}, status unknown since {format_date(event.unknown_since, 'day')}"
    if event.confirmation_overdue:
        return f"since {start} (not confirmed since {format_date(event.last_confirmed_on or event.started_on, 'day')})"
    return f"since {start}"


@register.filter
def date_as(value, precision="day"):
    """A date through events.dates.format_date, so a month-precision date reads 'December 2025'."""
    return format_date(value, precision or "day")


@register.filter
def features(event):
    """The features an event hits, as words: 'Voice calls, Video calls'."""
    return ", ".join(FEATURE_LABELS.get(code, code) for code in event.features or [])


@register.filter
def percent(value, digits=0):
    if value is None:
        return "no data"
    return f"{value * 100:.{int(digits)}f}%"


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (None drops one): keeps filters in links."""
    params = context["request"].GET.copy()
    for name, value in changes.items():
        params.pop(name, None)
        if value not in (None, ""):
            params[name] = value
    encoded = urlencode(sorted(params.items()))
    return f"?{encoded}" if encoded else "?"


@register.filter
def short_kind(event_or_kind):
    """'Partial block' for lists and tags; the full label with its example is on the event page."""
    kind = getattr(event_or_kind, "kind", event_or_kind)
    try:
        label = Event.Kind(kind).label
    except ValueError:
        return kind
    return label.split(" (")[0]


@register.filter
def get(mapping, key):
    """mapping[key], or "" (templates cannot index a dict by a variable)."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""
