"""/status/: what was in force where on a day, as a world map and a table by country.

Both come from the one status rule (events/status.py). The map is inline SVG drawn from
events/fixtures/world-map.json (Natural Earth, derived by `manage.py generate_world_map`): no
tiles, no script, no outside request; each country is a link with a title, and the table below
says the same in words, small states included.
"""

import json
from functools import lru_cache
from pathlib import Path

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from events.charts.palette import colour, legend
from events.dates import format_date, shifted
from events.filters import parameter_errors
from events.models import App, Country, Event
from events.redirects import record_or_moved
from events.status import RANK, changes_between, pair_history
from events.status_query import REGIONS, ChangesQuery, StatusQuery

from .meta import PageMeta, render_context

MAP_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "world-map.json"
NO_MEASURE = "#e5e2dc"


@lru_cache(maxsize=1)
def world_map():
    return json.loads(MAP_FILE.read_text())


def _strongest(pairs):
    """A country's colour: its strongest app measure; a network shutdown when that is all it has."""
    app_kinds = [pair.kind for pair in pairs if pair.app]
    if app_kinds:
        return min(app_kinds, key=lambda kind: RANK.get(kind, len(RANK)))
    return Event.Kind.NETWORK_SHUTDOWN


FILTERS = ("on", "region", "category", "app", "kind")


def status_page(request):
    """The map and the table for a day, narrowed by region, app category, app and strongest kind."""
    errors = parameter_errors(request.GET, set(FILTERS))
    query = StatusQuery({name: request.GET[name].strip() for name in FILTERS if name in request.GET})
    if not errors and not query.is_valid():
        errors = {name: list(messages) for name, messages in query.errors.items()}
    if errors:
        meta = PageMeta(title="Status: check the filters", path=reverse("status"), noindex=True)
        context = {"errors": errors, "on": request.GET.get("on", ""), **_choices(request.GET)}
        return render(request, "events/status.html", render_context(request, meta, **context), status=400)
    day, pairs = query.status()

    by_country = {}
    for pair in pairs:
        by_country.setdefault(pair.country, {"code": pair.country, "name": pair.country_name, "pairs": []})
        by_country[pair.country]["pairs"].append(pair)
    for group in by_country.values():
        group["kind"] = _strongest(group["pairs"])
        group["colour"] = colour(group["kind"])
        group["url"] = reverse("country-detail", args=[group["code"].lower()])
        group["has_apps"] = any(pair.app for pair in group["pairs"])
        group["has_network"] = any(not pair.app for pair in group["pairs"])
    shapes = world_map()
    names = dict(Country.objects.values_list("code", "name"))  # one query, for the map's titles
    countries = [
        {
            "code": code,
            "path": path,
            "name": names.get(code, code),
            "status": by_country.get(code),
        }
        for code, path in shapes["shapes"].items()
    ]
    groups = sorted(by_country.values(), key=lambda group: group["name"])
    matrix_apps, matrix_rows = _matrix(groups)
    context = {
        "day": day,
        "day_display": format_date(day, "day"),
        "is_today": day == timezone.localdate(),
        "groups": groups,
        "map": shapes,
        "countries": countries,
        "no_measure": NO_MEASURE,
        "legend": legend(group["kind"] for group in groups),
        "not_on_map": [group for group in groups if group["code"] not in shapes["shapes"]],
        **_choices(request.GET),
        "matrix_apps": matrix_apps,
        "matrix_rows": matrix_rows,
        "matrix_left_out": len({p.app for g in groups for p in g["pairs"] if p.app}) - len(matrix_apps),
        "narrowed": any(request.GET.get(name) for name in FILTERS if name != "on"),
        "steps": [
            (label, other)
            for label, other in (
                ("A year earlier", shifted(day, years=-1)),
                ("A month earlier", shifted(day, days=-30)),
                ("A month later", shifted(day, days=30)),
                ("A year later", shifted(day, years=1)),
            )
            if other
        ],
    }
    meta = PageMeta(
        title=f"Status on {format_date(day, 'day')}",
        description="What was blocked or restricted where on one day: a world map and a table by country.",
        path=reverse("status"),
        query={name: request.GET[name] for name in FILTERS if request.GET.get(name)},
    )
    return render(request, "events/status.html", render_context(request, meta, **context))


CHANGE_WORDS = {"imposed": "Imposed", "lifted": "Lifted", "escalated": "Escalated", "eased": "Eased"}


def status_changes(request):
    """/status/changes/?from=&to=: what was imposed, lifted, escalated or eased between two days
    (the last twelve months by default), by country, each line with its events."""
    errors = parameter_errors(request.GET, {"from", "to"})
    query = ChangesQuery.of({name: request.GET[name].strip() for name in ("from", "to") if name in request.GET})
    if not errors and not query.is_valid():
        errors = query.parameter_errors()
    if errors:
        meta = PageMeta(title="Changes: check the dates", path=reverse("status-changes"), noindex=True)
        context = {"errors": errors, "start": request.GET.get("from", ""), "end": request.GET.get("to", "")}
        return render(request, "events/status_changes.html", render_context(request, meta, **context), status=400)
    days = {"from": query.cleaned_data["start"], "to": query.cleaned_data["end"]}
    groups = {}
    for change in changes_between(days["from"], days["to"]):
        group = groups.setdefault(change.country, {"name": change.country_name, "code": change.country, "changes": []})
        change.word = CHANGE_WORDS[change.change]
        group["changes"].append(change)
    context = {
        "start": days["from"],
        "end": days["to"],
        "start_display": format_date(days["from"], "day"),
        "end_display": format_date(days["to"], "day"),
        "groups": sorted(groups.values(), key=lambda group: group["name"]),
    }
    meta = PageMeta(
        title=f"Changes from {context['start_display']} to {context['end_display']}",
        description="What was imposed, lifted, escalated or eased between two days, by country.",
        path=reverse("status-changes"),
        query={"from": days["from"].isoformat(), "to": days["to"].isoformat()},
    )
    return render(request, "events/status_changes.html", render_context(request, meta, **context))


def pair_page(request, code, slug):
    """/countries/<code>/apps/<slug>/: one app's history in one country, as steps (events/status.py)."""
    country = Country.objects.filter(code=code.upper()).first()
    if country is None:
        raise Http404("No country has this ISO 3166-1 alpha-2 code.")
    app = record_or_moved(App.objects.public(), slug, request)
    steps = pair_history(country, app)
    promoted = {e.promoted_alternative_id for step in steps for e in step.events if e.promoted_alternative_id}
    context = {
        "country": country,
        "app": app,
        "steps": steps,
        "promoted": list(App.objects.public().filter(pk__in=promoted)),
    }
    meta = PageMeta(
        title=f"{app.name} in {country.name}",
        description=f"Every measure against {app.name} in {country.name}, as steps over time, with their sources.",
        path=reverse("pair-detail", args=[country.code.lower(), app.slug]),
    )
    return render(request, "events/pair_detail.html", render_context(request, meta, **context))


def _choices(params):
    """The filter form's choices, with what the address asks for selected (one query, the apps)."""
    apps = App.objects.named_by_public_events().order_by("name").values_list("slug", "name")
    return {
        "filters": [
            ("region", "Region", [(r.lower(), r) for r in REGIONS if r not in ("Antarctica", "Arctic")]),
            ("category", "App category", App.Category.choices),
            ("app", "App", list(apps)),
            ("kind", "Strongest measure", [(k, label.split(" (")[0]) for k, label in Event.Kind.choices]),
        ],
        "selected": {name: params.get(name, "") for name in FILTERS},
    }


MATRIX_APPS = 14  # columns: the apps restricted in the most countries; the list below names the rest


def _matrix(groups):
    """The country × app matrix: ([(slug, name)] columns, [(group, [pair or None per column])])."""
    countries_of = {}
    for group in groups:
        for pair in group["pairs"]:
            if pair.app:
                countries_of.setdefault((pair.app, pair.app_name), set()).add(group["code"])
    columns = sorted(countries_of, key=lambda app: (-len(countries_of[app]), app[1].casefold()))[:MATRIX_APPS]
    columns.sort(key=lambda app: app[1].casefold())
    rows = []
    for group in groups:
        cells = {pair.app: pair for pair in group["pairs"] if pair.app}
        if any(slug in cells for slug, _name in columns):
            rows.append((group, [cells.get(slug) for slug, _name in columns]))
    return columns, rows
