"""/status/: what was in force where on a day, as a world map and a table by country.

Both come from the one status rule (events/status.py). The map is inline SVG drawn from
events/fixtures/world-map.json (Natural Earth, derived by `manage.py generate_world_map`): no
tiles, no script, no outside request; each country is a link with a title, and the table below
says the same in words, small states included.
"""

import json
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from events.charts.palette import legend
from events.dates import format_date, shifted
from events.models import App, Country, Event, Source
from events.redirects import record_or_moved
from events.status import pair_history
from events.status_picture import picture
from events.status_query import REGIONS, ChangesQuery, PairQuery, StatusQuery
from events.status_steps import changes_between

from .meta import PageMeta, plain_bad_request, render_context

MAP_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "world-map.json"
NO_MEASURE = "#e5e2dc"


@lru_cache(maxsize=1)
def world_map():
    return json.loads(MAP_FILE.read_text())


FILTERS = StatusQuery.parameters()  # country: from the address, not the form
SELECTS = ("region", "category", "app", "kind")  # the form's selects, whose "Any" is an empty value


def status_page(request):
    """The map and the table for a day, narrowed by region, app category, app and strongest kind."""
    sent = [(name, value) for name, values in request.GET.lists() for value in values]
    kept = [(name, value) for name, value in sent if name not in SELECTS or value.strip()]
    if kept != sent:
        # The form sends the selects left at "Any" as empty values, which the query refuses: drop
        # them from the address once, as the timeline does, rather than answer the form with a 400.
        return HttpResponseRedirect(reverse("status") + (f"?{urlencode(kept)}" if kept else ""))
    query = StatusQuery.of(request.GET)
    errors = query.address_errors(request.GET)
    if errors:
        meta = PageMeta(title="Status: check the filters", path=reverse("status"), noindex=True)
        context = {"errors": errors, "on": request.GET.get("on", ""), **_choices(request.GET)}
        return render(request, "events/status.html", render_context(request, meta, **context), status=400)
    day = query.day
    previous, following = query.neighbours()
    shapes = world_map()
    names = dict(Country.objects.values_list("code", "name"))  # one query, for the map's titles
    drawn = picture(query.steps(), names, every_app=bool(query.cleaned_data["country"]))
    by_code = {country.code: country for country in drawn.countries}
    for country in drawn.countries:
        if country.more:
            country.all_address = _address({**request.GET.dict(), "country": country.code.lower()}, day)
    countries = [
        {"code": code, "path": path, "name": names.get(code, code), "status": by_code.get(code)}
        for code, path in shapes["shapes"].items()
    ]
    groups = drawn.countries
    context = {
        "day": day,
        "day_display": format_date(day, "day"),
        "is_today": day == timezone.localdate(),
        "groups": groups,
        "map": shapes,
        "countries": countries,
        "no_measure": NO_MEASURE,
        "legend": legend(group.kind for group in groups),
        "not_on_map": [group for group in groups if group.code not in shapes["shapes"]],
        **_choices(request.GET),
        "matrix_apps": drawn.matrix_apps,
        "matrix_rows": drawn.matrix_rows,
        "matrix_left_out": drawn.matrix_left_out,
        "narrowed": any(request.GET.get(name) for name in FILTERS if name != "on"),
        "steps": [
            (label, _address(request.GET, other))
            for label, other in (
                (f"← Previous change ({format_date(previous, 'day')})" if previous else "", previous),
                ("A year earlier", shifted(day, years=-1)),
                ("A month earlier", shifted(day, days=-30)),
                ("A month later", shifted(day, days=30)),
                ("A year later", shifted(day, years=1)),
                (f"Next change ({format_date(following, 'day')}) →" if following else "", following),
            )
            if other
        ],
        "today_address": _address(request.GET, None),
    }
    meta = PageMeta(
        title=f"Status on {format_date(day, 'day')}",
        description="What was blocked or restricted where on one day: a world map and a table by country.",
        path=reverse("status"),
        query={name: request.GET[name] for name in FILTERS if request.GET.get(name)},
    )
    return render(request, "events/status.html", render_context(request, meta, **context))


CHANGE_WORDS = {"imposed": "Imposed", "lifted": "Lifted", "escalated": "Escalated", "eased": "Eased",
                "corrected": "Corrected"}  # fmt: skip
SOURCES_PER_CHANGE = 3  # the rest are on the events' pages


def status_changes(request):
    """/status/changes/?from=&to=: what was imposed, lifted, escalated or eased between two days
    (the last twelve months by default), by country, each line with its events."""
    wanted, errors = ChangesQuery.read(request.GET)
    if errors:
        meta = PageMeta(title="Changes: check the dates", path=reverse("status-changes"), noindex=True)
        context = {"errors": errors, "start": request.GET.get("from", ""), "end": request.GET.get("to", "")}
        return render(request, "events/status_changes.html", render_context(request, meta, **context), status=400)
    days = {"from": wanted["start"], "to": wanted["end"]}
    changes = changes_between(days["from"], days["to"], wanted["country"])
    sources = sources_of({pk for change in changes for pk in change.event_ids})
    groups = {}
    for change in changes:
        group = groups.setdefault(change.country, {"name": change.country_name, "code": change.country, "changes": []})
        change.word = CHANGE_WORDS[change.change]
        found = {source.pk: source for pk in change.event_ids for source in sources.get(pk, [])}
        change.sources = list(found.values())[:SOURCES_PER_CHANGE]
        group["changes"].append(change)
    country = {"country": ",".join(wanted["country"])} if wanted["country"] else {}
    feed_query = {"from": days["from"].isoformat(), "to": days["to"].isoformat(), **country}
    context = {
        "start": days["from"],
        "end": days["to"],
        "feed_address": f"{reverse('feed-status-changes')}?{urlencode(feed_query)}",
        "start_display": format_date(days["from"], "day"),
        "end_display": format_date(days["to"], "day"),
        "groups": sorted(groups.values(), key=lambda group: group["name"]),
    }
    meta = PageMeta(
        title=f"Changes from {context['start_display']} to {context['end_display']}",
        description="What was imposed, lifted, escalated or eased between two days, by country.",
        path=reverse("status-changes"),
        query={"from": days["from"].isoformat(), "to": days["to"].isoformat(), **country},
        feeds=[("What changed, as Atom", context["feed_address"])],
    )
    return render(request, "events/status_changes.html", render_context(request, meta, **context))


def sources_of(event_ids):
    """{event id: [public Source]} in one query, for the lines that cite them."""
    found = {}
    links = Event.sources.through.objects.filter(event_id__in=event_ids, source__in=Source.objects.public())
    for link in links.select_related("source").order_by("source__published_on", "source_id"):
        found.setdefault(link.event_id, []).append(link.source)
    return found


EVENTS_PER_STEP = 12  # a step's events on the pair's page; the timeline lists them all


def pair_page(request, code, slug):
    """/countries/<code>/apps/<slug>/: one app's history in one country, as steps (events/status.py)."""
    country = Country.objects.filter(code=code.upper()).first()
    if country is None:
        raise Http404("No country has this ISO 3166-1 alpha-2 code.")
    app = record_or_moved(App.objects.public(), slug, request)
    query = PairQuery.of(request.GET)
    errors = query.address_errors(request.GET)
    if errors:
        return plain_bad_request(errors)
    before = query.cleaned_data["before"]
    steps, earlier = pair_history(country, app, before)
    promoted = {e.promoted_alternative_id for step in steps for e in step.events if e.promoted_alternative_id}
    for step in steps:
        step.shown, step.more = step.events[:EVENTS_PER_STEP], max(len(step.events) - EVENTS_PER_STEP, 0)
    context = {
        "country": country,
        "app": app,
        "steps": steps,
        "earlier": earlier,
        "later": before,
        "promoted": list(App.objects.public().filter(pk__in=promoted)),
    }
    meta = PageMeta(
        title=f"{app.name} in {country.name}",
        description=f"Every measure against {app.name} in {country.name}, as steps over time, with their sources.",
        path=reverse("pair-detail", args=[country.code.lower(), app.slug]),
    )
    return render(request, "events/pair_detail.html", render_context(request, meta, **context))


def _address(params, day):
    """/status/ on `day` (today when None) with the same filters."""
    kept = {name: params[name] for name in FILTERS if name != "on" and params.get(name)}
    if day:
        kept["on"] = day.isoformat()
    return reverse("status") + (f"?{urlencode(kept)}" if kept else "")


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
