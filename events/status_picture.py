"""What /status/ draws for a day, read from the pairs' steps.

At a million events a day has some fifty thousand pairs in force: the page cannot load them all
and stay fast, and no reader could take in a list of them. So the database sums them up and the
page reads only what it shows, in six queries whatever the number of pairs (seven on PostgreSQL):

- per country: its strongest app measure (the map's shade) and how many apps;
- per app: in how many countries (the matrix's columns are the MATRIX_APPS restricted in the most),
  then those apps' names;
- the matrix's cells: those apps' states, one row per country;
- per country, its network state, and its PAIRS_SHOWN strongest app measures, longest in force
  first (the table; all of them when the address names countries): which ones, then them whole.

The matrix and the table are a few thousand cells at that size; they are written here, each text
escaped where it is made, at a small part of what a template's tags per cell would cost.
"""

from dataclasses import dataclass, field
from functools import lru_cache
from html import escape  # the standard library's: Django's escape() costs more per cell, same output

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections
from django.db.models import Count, F, Min, OuterRef, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.safestring import mark_safe

from events.charts.palette import colour
from events.dates import format_date
from events.models import App, Country, Event
from events.status import STRENGTH
from events.templatetags.tracker import FEATURE_LABELS, short_kind

# A state whose measures no source has confirmed for too long is in force by the records, not
# confirmed: said so wherever it is shown (about.html#in-force).
UNCONFIRMED = f", not confirmed by a source for over {settings.CONFIRMATION_MAX_AGE_DAYS} days"
UNCONFIRMED_CELL = '<span class="unconfirmed">unconfirmed</span>'
MATRIX_APPS = 14  # columns: the apps restricted in the most countries; the table below names the rest
PAIRS_SHOWN = 10  # apps per country in the table, unless the address names countries


@dataclass
class CountryState:
    code: str
    name: str
    url: str
    kind: str = Event.Kind.NETWORK_SHUTDOWN  # the strongest app measure; a shutdown when that is all
    apps: int = 0
    network: tuple | None = None  # (since, precision, scope, UNCONFIRMED or "") of a shutdown in force
    shown: list = field(default_factory=list)  # [(slug, name, kind, features, since, precision, scope)]
    matrix: str = ""  # the row's cells, as HTML

    @property
    def colour(self):
        return colour(self.kind)

    @property
    def more(self):
        return self.apps - len(self.shown)

    @property
    def apps_html(self):
        return mark_safe(" ".join(_pair_html(self, *pair) for pair in self.shown))


@dataclass
class Picture:
    countries: list  # [CountryState] by name
    matrix_apps: list  # [(slug, name)] by name
    matrix_left_out: int

    @property
    def matrix_rows(self):
        return [country for country in self.countries if country.matrix]


def picture(steps, names, every_app=False):
    """The Picture of `steps` (the steps in force on a day, narrowed as asked); `names` maps
    country codes to names (the map has them already)."""
    steps = steps.order_by()
    countries = {}
    # A network state ranks below every app measure (len(STRENGTH)), so the lowest rank is the
    # strongest app measure, and a country with only a shutdown is shaded as one.
    summary = steps.values("country_id").annotate(rank=Min("rank"), apps=Count("app"))
    for code, rank, apps in summary.values_list("country_id", "rank", "apps"):
        kind = STRENGTH[rank] if apps else Event.Kind.NETWORK_SHUTDOWN
        countries[code] = CountryState(code, names.get(code, code), _country_url(code), kind, apps)

    countries_of = dict(
        steps.filter(app__isnull=False).values("app_id").annotate(n=Count("pk")).values_list("app_id", "n")
    )
    found = App.objects.filter(pk__in=countries_of).values_list("pk", "slug", "name")
    apps = {pk: (slug, name) for pk, slug, name in found}
    ranked = sorted(countries_of, key=lambda app: (-countries_of[app], apps[app][1].casefold()))
    columns = sorted(ranked[:MATRIX_APPS], key=lambda app: apps[app][1].casefold())

    heads = [(app, apps[app][0], escape(apps[app][1])) for app in columns]
    cells = {}
    for code, app, kind, since, precision, overdue in steps.filter(app_id__in=columns).values_list(
        "country_id", "app_id", "kind", "since", "since_precision", "overdue"
    ):
        cells[(code, app)] = (kind, since, precision, overdue)

    # The table: each country's network state, then its strongest app measures, longest in force
    # first (all of them when the address names countries).
    for code, since, precision, scope, overdue in steps.filter(app__isnull=True).values_list(
        "country_id", "since", "since_precision", "scope", "overdue"
    ):
        countries[code].network = (since, precision, scope, UNCONFIRMED if overdue else "")
    shown = steps.filter(app__isnull=False)
    if not every_app:
        shown = shown.filter(pk__in=_first_of_each_country(shown, list(countries)))
    line = ("country_id", "app__slug", "app__name", "kind", "features", "since", "since_precision", "scope", "overdue")
    for code, *pair in shown.order_by("country_id", "rank", "since", "pk").values_list(*line):
        countries[code].shown.append(tuple(pair))

    for code, country in countries.items():
        row = [(head, cells.get((code, head[0]))) for head in heads]
        if any(state for _head, state in row):
            country.matrix = mark_safe("".join(_cell(country, *head, state) for head, state in row))
    return Picture(
        sorted(countries.values(), key=lambda country: country.name),
        [apps[app] for app in columns],
        len(ranked) - len(columns),
    )


def _first_of_each_country(steps, countries):
    """The ids of each country's PAIRS_SHOWN strongest app steps, longest in force first. On
    PostgreSQL an array of the first few per country, each read in order from the index on
    (country, rank, since) until enough are in force: a few thousand index rows, where ranking all
    fifty thousand steps of a day (a window function) sorted them all. Elsewhere that window."""
    order = [F("rank").asc(), F("since").asc(), F("pk").asc()]
    if connections[steps.db].vendor == "postgresql":
        firsts = steps.filter(country_id=OuterRef("code")).order_by(*order).values("pk")[:PAIRS_SHOWN]
        per_country = Country.objects.filter(code__in=countries).annotate(ids=ArraySubquery(firsts))
        return [pk for ids in per_country.values_list("ids", flat=True) for pk in ids]
    position = Window(RowNumber(), partition_by=[F("country_id")], order_by=order)
    return steps.annotate(position=position).filter(position__lte=PAIRS_SHOWN).values("pk")


def _country_url(code):
    return _country_pattern().replace("COUNTRY", code.lower())


@lru_cache(maxsize=1)
def _country_pattern():
    return reverse("country-detail", args=["COUNTRY"])


def _pair_url(code, slug):
    """The pair's page: reverse() once, then the two parts put in (a call per cell costs more)."""
    return escape(_pair_pattern().replace("COUNTRY", code.lower()).replace("APP", slug))


@lru_cache(maxsize=1)
def _pair_pattern():
    return reverse("pair-detail", args=["COUNTRY", "APP"])


def _cell(country, _app, slug, app_name, state):
    """One matrix cell. Every text in it is escaped where it is made: the app's name in picture()
    (heads), the country's here, the kind's label in _label; dates come from format_date."""
    if state is None:
        return "<td></td>"
    kind, since, precision, overdue = state
    label = _label(kind)
    title = f"{app_name} in {escape(country.name)}: {label.lower()}{UNCONFIRMED if overdue else ''}"
    return (
        f'<td class="kind-{escape(kind)}"><a href="{_pair_url(country.code, slug)}" title="{title}">{label}</a>'
        f'<span class="since">{format_date(since, precision)}</span>'
        f"{UNCONFIRMED_CELL if overdue else ''}</td>"
    )


@lru_cache(maxsize=32)
def _label(kind):
    return escape(short_kind(kind))


def _pair_html(country, slug, name, kind, features, since, precision, scope, overdue):
    """One app's line in the table, escaped as _cell is."""
    hit = "" if not features or features[0] == "all" else ", ".join(FEATURE_LABELS.get(f, f) for f in features)
    hit = f" ({escape(hit.lower())})" if hit else ""
    where = f" ({escape(scope)})" if scope else ""
    return (
        f'<span class="status-pair"><a href="{_pair_url(country.code, slug)}">{escape(name)}</a>: '
        f"{_label(kind).lower()}{hit} since {format_date(since, precision)}{where}{UNCONFIRMED if overdue else ''}"
        "</span>"
    )
