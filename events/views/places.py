"""Country, app, owner and authority pages, and the lists of countries and apps.

Each detail page shows what is in force there now, a chart of its history, the OONI evidence when
measurements exist, and the full history as a timeline, in a fixed number of queries.
"""

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from events.charts import measurement_chart, restriction_chart
from events.charts.restrictions import CHART_LIMIT, rows_by_app, rows_by_app_in_country, rows_by_country, rows_by_pair
from events.models import App, Authority, Country, Event, Measurement, Owner
from events.models.event import active_on_condition, unknown_on_condition
from events.models.visibility import is_public
from events.redirects import record_or_moved

from .grouping import group_by_year_and_month
from .meta import PageMeta, render_context, research_links

UNKNOWN_LIMIT = 10  # the latest measures of unknown status listed; the timeline has them all
HISTORY_LIMIT = 100  # beyond this the page links to the paginated timeline and sums its chart per row
PROMOTED_LIMIT = 20  # events promoting an app, newest first
NOW_LIMIT = 50  # measures in force listed; beyond this the page links to the timeline of all of them


def country_list(request):
    """Countries with published events: how many, how many in force now, the latest start; and those
    that OONI measured where no measure is recorded, marked as such (two queries)."""
    measured = Exists(Measurement.objects.public().filter(country_id=OuterRef("pk")))
    countries = list(
        Country.objects.public()
        .annotate(
            event_count=Count("events", filter=_published()),
            latest=Max("events__started_on", filter=_published()),
            measured=measured,
        )
        .filter(Q(event_count__gt=0) | Q(measured=True))
        .order_by("name")
    )
    now = dict(Event.objects.public().in_force_now().order_by().values_list("country").annotate(n=Count("id")))
    for country in countries:
        country.in_force = now.get(country.code, 0)
    recorded = sum(1 for country in countries if country.event_count)
    meta = PageMeta(
        title="Countries",
        description=f"The {recorded} countries with published records of measures against apps.",
        path=reverse("country-list"),
    )
    context = {"countries": countries, "recorded": recorded, "measured_only": len(countries) - recorded}
    return render(request, "events/country_list.html", render_context(request, meta, **context))


def app_list(request):
    """Apps with published records: events, countries, in force now (two queries)."""
    apps = list(
        App.objects.public()
        .select_related("owner")
        .annotate(
            event_count=Count("events", filter=_published(), distinct=True),
            country_count=Count("events__country", filter=_published(), distinct=True),
        )
        .order_by("name")
    )
    now = dict(
        Event.objects.public().in_force_now().order_by().values_list("apps").annotate(n=Count("id", distinct=True))
    )
    for app in apps:
        app.in_force = now.get(app.pk, 0)
    meta = PageMeta(
        title="Apps",
        description=f"The {len(apps)} apps and services in the tracker's records, with where they are restricted.",
        path=reverse("app-list"),
    )
    return render(request, "events/app_list.html", render_context(request, meta, apps=apps))


def _published():
    return is_public("events__")


def country_detail(request, code):
    if code != code.lower():
        return HttpResponsePermanentRedirect(reverse("country-detail", args=[code.lower()]))
    country = get_object_or_404(Country.objects.public(), code=code.upper())
    events_qs = Event.objects.public().for_listing().filter(country=country)

    def marks_for(app_slug, events):
        # On an app's panel: events that name the app, and shutdowns, which take every app with them.
        return [
            e
            for e in events
            if any(a.slug == app_slug for a in e.apps.all())
            or (e.kind == Event.Kind.NETWORK_SHUTDOWN and not e.apps.all())
        ]

    context = _entity_context(
        events_qs,
        name=country.name,
        chart_title=f"Measures against apps in {country.name} over time",
        rows_of=rows_by_app,
        now_rows_of=rows_by_pair,
        measurements=Measurement.objects.public().filter(country=country),
        series="app",
        marks_for=marks_for,
        timeline_query={"country": country.code.lower()},
    )
    count = context["count"]
    meta = PageMeta(
        title=f"{country.name}: apps blocked and restricted",
        description=f"{count} published record{'s' if count != 1 else ''} of measures against apps in "
        f"{country.name}: what is in force now, the full history and the sources.",
        path=country.get_absolute_url(),
        feeds=[
            (f"Events in {country.name}", reverse("feed-country", args=[country.code.lower()])),
            ("All events", reverse("feed-events")),
        ],
    )
    context.update(entity=country, entity_kind="country", now_heading="Apps restricted now", show_country=False)
    return render(request, "events/country_detail.html", render_context(request, meta, **context))


def app_detail(request, slug):
    if slug != slug.lower():
        return HttpResponsePermanentRedirect(reverse("app-detail", args=[slug.lower()]))
    app = record_or_moved(App.objects.public().select_related("owner"), slug, request)
    events_qs = Event.objects.public().for_listing().for_app_ids([app.pk])
    context = _entity_context(
        events_qs,
        name=app.name,
        chart_title=f"Where {app.name} has been restricted over time",
        rows_of=rows_by_country,
        # Each country links the app's history there (the pair's page).
        now_rows_of=lambda event: [
            (event.country.name, reverse("pair-detail", args=[event.country_id.lower(), app.slug]))
        ],
        measurements=Measurement.objects.public().filter(app=app),
        series="country",
        marks_for=lambda code, events: [e for e in events if e.country_id == code],
        timeline_query={"app": app.slug},
    )
    context["promoted_by"] = list(
        Event.objects.public().for_listing().filter(promoted_alternative=app)[:PROMOTED_LIMIT]
    )
    count = context["count"]
    meta = PageMeta(
        title=f"{app.name}: where it is blocked or restricted",
        description=f"{count} published record{'s' if count != 1 else ''} of government measures against "
        f"{app.name}: where it is restricted now, the history and the sources.",
        path=app.get_absolute_url(),
        feeds=[
            (f"Events about {app.name}", reverse("feed-app", args=[app.slug])),
            ("All events", reverse("feed-events")),
        ],
    )
    context.update(entity=app, entity_kind="app", show_country=True, now_heading="Restricted now in")
    return render(request, "events/app_detail.html", render_context(request, meta, **context))


def owner_detail(request, slug):
    if slug != slug.lower():
        return HttpResponsePermanentRedirect(reverse("owner-detail", args=[slug.lower()]))
    owner = record_or_moved(Owner.objects.public().select_related("country", "parent"), slug, request)
    # All its apps' ids, not only the public ones: they only narrow published events, and an app a
    # published event names is public anyway, so public() would add three subqueries for nothing.
    app_ids = list(App.objects.filter(owner=owner).values_list("pk", flat=True))
    context = _entity_context(
        Event.objects.public().for_listing().for_owner_ids([owner.pk], app_ids),
        name=owner.name,
        chart_title=f"Measures against {owner.name} and its apps over time",
        rows_of=rows_by_app_in_country,
        now_rows_of=rows_by_app_in_country,
        series="app_in_country",
        timeline_query={"owner": owner.slug},
    )
    context["apps"] = list(App.objects.public().filter(owner=owner).order_by("name"))
    count = context["count"]
    meta = PageMeta(
        title=f"{owner.name}: measures against the company and its apps",
        description=f"{count} published record{'s' if count != 1 else ''} of government measures against "
        f"{owner.name} and its apps.",
        path=owner.get_absolute_url(),
        feeds=[("All events", reverse("feed-events"))],
    )
    context.update(entity=owner, entity_kind="owner", show_country=True, now_heading="In force now")
    return render(request, "events/owner_detail.html", render_context(request, meta, **context))


def authority_detail(request, slug):
    if slug != slug.lower():
        return HttpResponsePermanentRedirect(reverse("authority-detail", args=[slug.lower()]))
    authority = record_or_moved(Authority.objects.public().select_related("country"), slug, request)
    context = _entity_context(
        Event.objects.public().for_listing().filter(authority=authority),
        name=authority.name,
        chart_title=f"Measures ordered by {authority.name} over time",
        rows_of=rows_by_app_in_country,
        now_rows_of=rows_by_app_in_country,
        series="app_in_country",
        timeline_query={"authority": authority.slug},
    )
    count = context["count"]
    meta = PageMeta(
        title=f"{authority.name}: measures it ordered",
        description=f"{count} published record{'s' if count != 1 else ''} of measures against apps ordered or "
        f"carried out by {authority.name}.",
        path=authority.get_absolute_url(),
        feeds=[("All events", reverse("feed-events"))],
    )
    context.update(entity=authority, entity_kind="authority", show_country=True, now_heading="In force now")
    return render(request, "events/authority_detail.html", render_context(request, meta, **context))


def _entity_context(
    events_qs,
    *,
    name,
    chart_title,
    rows_of,
    now_rows_of,
    series,
    timeline_query,
    measurements=None,
    marks_for=None,
):
    """What every detail page shares: in force now, the charts, the history, in a bounded amount of work.

    Queries: the counts (1); the latest HISTORY_LIMIT events (1) with their apps (1); the latest
    NOW_LIMIT events in force (1) with their apps (1), and of unknown status (2, when there are);
    and the weekly OONI counts (1) when the page has measurements. The chart draws one bar per
    event: from the history when it holds them all, else from the latest CHART_LIMIT (2 more).
    """
    today = timezone.localdate()
    totals = events_qs.aggregate(
        count=Count("id"),
        countries=Count("country", distinct=True),
        in_force=Count("id", filter=active_on_condition(today)),
        unknown=Count("id", filter=unknown_on_condition(today)),
    )
    events = list(events_qs.order_by("-started_on", "-id")[:HISTORY_LIMIT])
    in_force = list(events_qs.active_on(today).order_by("-started_on", "-id")[:NOW_LIMIT])
    # Measures of unknown status have a place of their own, never among those in force.
    unknown = (
        list(events_qs.unknown_on(today).order_by("-started_on", "-id")[:UNKNOWN_LIMIT]) if totals["unknown"] else []
    )
    timeline_url = reverse("timeline") + "?" + urlencode(timeline_query)
    chronological = list(reversed(events))
    drawn = chronological
    if totals["count"] > len(events):  # the chart draws more of them than the history lists
        drawn = list(reversed(events_qs.order_by("-started_on", "-id")[:CHART_LIMIT]))
    chart = restriction_chart(
        drawn,
        chart_id="history-chart",
        title=chart_title,
        rows_of=rows_of,
        today=today,
        total=totals["count"],
        more_url=timeline_url,
    )
    ooni = None
    if measurements is not None:
        # The marks come from the latest events: the measurements cover recent years.
        ooni = measurement_chart(
            measurements,
            chronological,
            series=series,
            chart_id="ooni-chart",
            title=f"OONI measurements: {name}",
            marks_for=marks_for,
        )
    return {
        "count": totals["count"],
        "in_force": in_force,
        "in_force_count": totals["in_force"],
        "unknown": unknown,
        "unknown_count": totals["unknown"],
        "unknown_url": reverse("timeline") + "?" + urlencode({**timeline_query, "status": "unknown"}),
        "in_force_url": reverse("timeline") + "?" + urlencode({**timeline_query, "active_on": today.isoformat()}),
        "now_rows": _group_rows(in_force, now_rows_of),
        "chart": chart,
        "ooni": ooni,
        "history": group_by_year_and_month(events),
        "history_truncated": totals["count"] > len(events),
        "timeline_url": timeline_url,
        "research": research_links(timeline_query),  # the timeline's query is the API's too
        "row_count": totals["countries"] if series == "country" else None,
    }


def _group_rows(events, rows_of):
    """[(label, url, [events])] in the order rows first appear: what is in force, by app or country."""
    rows = {}
    for event in events:
        for label, url in rows_of(event):
            rows.setdefault((label, url), []).append(event)
    return sorted(((label, url, evs) for (label, url), evs in rows.items()), key=lambda r: r[0].lower())
