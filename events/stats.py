"""Counts of published events grouped by country, year, kind, app or owner (/api/v1/stats/).

Two ways to the same numbers:

- `from_tallies` reads the kept counts (models/tally.py, events/tallies.py): a few hundred cells
  whatever the number of events. It serves what the cells hold: filters on country, kind, status
  and year (at most two of those four, counting the grouping) and one app or one owner when the
  grouping is not by app or owner.
- `from_events` groups the filtered events (a GROUP BY each, so a request with any other filter
  still works): the reference the tallies are tested against.

Each grouping gives (key, label, count) triples; `total` is the number of matching events.
"""

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import ExtractYear

from .models import App, Country, Event, Owner, Tally
from .models.tally import ANY, ANY_YEAR

GROUPINGS = ["country", "year", "kind", "app", "owner"]
KIND_LABELS = dict(Event.Kind.choices)


def by_country(events):
    rows = events.values_list("country_id", "country__name").annotate(n=Count("id"))
    return [(code, name, n) for code, name, n in rows]


def by_year(events):
    rows = events.annotate(year=ExtractYear("started_on")).values_list("year").annotate(n=Count("id"))
    return [(str(year), str(year), n) for year, n in rows]


def by_kind(events):
    return [(kind, KIND_LABELS.get(kind, kind), n) for kind, n in events.values_list("kind").annotate(n=Count("id"))]


def by_app(events):
    # The through table has one row per (event, app), so a plain count is a count of events.
    rows = (
        Event.apps.through.objects.filter(event__in=events.values("id"))
        .values_list("app__slug", "app__name")
        .annotate(n=Count("event_id"))
    )
    return list(rows)


def by_owner(events):
    """Events that target an owner, or any app it owns (as the `owner` filter matches).

    Two disjoint counts added up: events that name the owner as their target, and events that
    hit one of its apps without naming it, so that no event counts twice for one owner.
    """
    totals = {}
    targeted = events.filter(owner__isnull=False).values_list("owner__slug", "owner__name").annotate(n=Count("id"))
    through_apps = (
        Event.apps.through.objects.filter(event__in=events.values("id"), app__owner__isnull=False)
        .filter(Q(event__owner__isnull=True) | ~Q(event__owner_id=F("app__owner_id")))
        .values_list("app__owner__slug", "app__owner__name")
        .annotate(n=Count("event_id", distinct=True))
    )
    for slug, name, n in [*targeted.order_by(), *through_apps.order_by()]:
        totals[slug] = (slug, name, totals.get(slug, (slug, name, 0))[2] + n)
    return list(totals.values())


GROUP = {"country": by_country, "year": by_year, "kind": by_kind, "app": by_app, "owner": by_owner}


def from_events(by, events):
    """(groups, total) by grouping the events, an unordered queryset of the matching published ones."""
    return GROUP[by](events), events.count()


# The cells' columns that filters and groupings share, with the value that means "any".
DIMENSIONS = {"country": ANY, "kind": ANY, "status": ANY, "year": ANY_YEAR}
MAX_GIVEN = 2  # cells hold at most two given dimensions (events/tallies.py)


def from_tallies(by, filters):
    """(groups, total) from the kept counts, or None when the cells cannot answer `filters` (the
    normalised filters, events/freshness.filter_key: lists as tuples, apps as ids)."""
    filters = dict(filters)
    filters.pop("ordering", None)
    apps, owners = filters.pop("app", ()), filters.pop("owner", ())
    given = {name: filters.pop(name) for name in DIMENSIONS if name in filters}
    if filters or len(apps) + len(owners) > 1 or ((apps or owners) and by in ("app", "owner")):
        return None  # another filter, several apps or owners (an event counts once), or a co-occurrence
    if len(given.keys() | ({by} & DIMENSIONS.keys())) > MAX_GIVEN:
        return None

    subject = {"app_id": apps[0] if apps else 0, "owner_id": 0}
    if owners:
        subject["owner_id"] = Owner.objects.filter(slug=owners[0]).values_list("id", flat=True).first()
    total = _cells(subject, given).aggregate(n=Sum("events"))["n"] or 0
    if by in DIMENSIONS:
        cells, column = _cells(subject, given, grouping=by), by
    else:
        column = f"{by}_id"
        cells = _cells({f"{column}__gt": 0, "owner_id" if by == "app" else "app_id": 0}, given)
    counts = dict(cells.values_list(column).annotate(n=Sum("events")).filter(n__gt=0).order_by())
    return _labelled(by, counts), total


def _cells(subject, given, grouping=None):
    """The cells of `subject` for the given dimensions' values, one per value of `grouping`."""
    cells = Tally.objects.filter(**subject)
    for name, any_value in DIMENSIONS.items():
        if name in given:
            values = given[name]
            cells = cells.filter(**{f"{name}__in": values if isinstance(values, tuple | list) else [values]})
        elif name == grouping:
            cells = cells.filter(**{f"{name}__gt": any_value})  # "any" sorts first: a range of the key
        else:
            cells = cells.filter(**{name: any_value})
    return cells


def _labelled(by, counts):
    """(key, label, count) for counts keyed by a cell's column: codes, years, kinds, app or owner ids."""
    if by == "year":
        return [(str(year), str(year), n) for year, n in counts.items()]
    if by == "kind":
        return [(kind, KIND_LABELS.get(kind, kind), n) for kind, n in counts.items()]
    model, key = {"country": (Country, "code"), "app": (App, "slug"), "owner": (Owner, "slug")}[by]
    names = model.objects.filter(pk__in=counts).values_list("pk", key, "name")
    return [(slug, name, counts[pk]) for pk, slug, name in names]
