"""The home page, the about page (methodology, licence, citation) and search."""

from django.conf import settings
from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from events import search as full_text
from events.dates import Precision
from events.models import App, Authority, Country, Event, Owner, Source
from events.models.event import active_on_condition, overdue_condition, unknown_on_condition
from events.models.visibility import is_public

from .meta import SITE_DESCRIPTION, SITE_NAME, PageMeta, render_context, research_links

LATEST = 8
APPS_PER_COUNTRY = 12  # on the home page's table; the country's page lists them all
SEARCH_LIMIT = 50


def home(request):
    """What is in force now, by country; the latest events; headline numbers.

    Everything but the latest events is counted in SQL (GROUP BY), so the page costs the same
    whether a thousand or a million events are in force: six queries (see the functions below).
    """
    today = timezone.localdate()
    context = {
        "totals": _home_totals(today),
        "by_country": _in_force_by_country(today),
        "latest": Event.objects.public().for_listing()[:LATEST],  # events + their apps
        "apps_per_country": APPS_PER_COUNTRY,
        "confirmation_period": confirmation_period(),
    }
    meta = PageMeta(
        title=SITE_NAME,
        description=SITE_DESCRIPTION,
        path=reverse("home"),
        feeds=[("Latest events", reverse("feed-events"))],
    )
    return render(request, "events/home.html", render_context(request, meta, **context))


def confirmation_period():
    """'a year', '18 months' or '90 days': CONFIRMATION_MAX_AGE_DAYS as a reader says it."""
    days = settings.CONFIRMATION_MAX_AGE_DAYS
    if days in (365, 366):
        return "a year"
    if days % 30 == 0 or days > 90:
        return f"{round(days / 30.4)} months"
    return f"{days} days"


def _home_totals(today):
    """The headline numbers in two queries: one over the events, one over the events' apps."""
    now = active_on_condition(today)
    totals = Event.objects.public().aggregate(
        events=Count("id"),
        countries=Count("country", distinct=True),
        in_force=Count("id", filter=now),
        unconfirmed=Count("id", filter=now & overdue_condition(today)),
        unknown=Count("id", filter=unknown_on_condition(today)),
        countries_now=Count("country", distinct=True, filter=now),
    )
    totals.update(
        Event.apps.through.objects.filter(is_public("event__")).aggregate(
            apps=Count("app", distinct=True),
            apps_now=Count("app", distinct=True, filter=active_on_condition(today, "event__")),
        )
    )
    return totals


def _in_force_by_country(today):
    """[{country, apps: [app], more_apps, other_by_kind: [{kind, count, event}]}] by country name (two queries).

    Apps: one row per (country, app) in force, counted in SQL; a country shows its APPS_PER_COUNTRY
    apps with the most measures in force and says how many more there are. Measures that name no
    app (shutdowns, designations of a company) are counted per kind; a kind with one measure links
    to it, so its dates are aggregated too (MIN of a single row is that row).
    """
    pairs = (
        Event.apps.through.objects.filter(is_public("event__"))
        .filter(active_on_condition(today, "event__"))
        .values("event__country_id", "event__country__name", "app__slug", "app__name")
        .annotate(
            n=Count("event_id"),
            confirmed=Count("event_id", filter=~overdue_condition(today, "event__")),
            last_confirmed=Max(Coalesce("event__last_confirmed_on", "event__started_on")),
        )
        .order_by("event__country_id", "-n", "app__name")
    )
    groups = {}
    for row in pairs:
        group = _country_group(groups, row["event__country_id"], row["event__country__name"])
        if len(group["apps"]) < APPS_PER_COUNTRY:
            app = App(slug=row["app__slug"], name=row["app__name"])
            app.unconfirmed = not row["confirmed"]  # every measure on it unconfirmed for over the period
            group["apps"].append(app)
        else:
            group["more_apps"] += 1
        _confirmation(group, row["confirmed"], row["last_confirmed"])
    has_app = Event.apps.through.objects.filter(event_id=OuterRef("pk"))
    others = (
        Event.objects.public()
        .active_on(today)
        .filter(~Exists(has_app))
        .values("country_id", "country__name", "kind")
        .annotate(
            n=Count("id"),
            one_id=Min("id"),
            one_started_on=Min("started_on"),
            one_started_precision=Min("started_precision"),
            one_ended_on=Min("ended_on"),
            one_ended_precision=Min("ended_precision"),
            one_status=Min("status"),
            one_last_confirmed_on=Min("last_confirmed_on"),
            confirmed=Count("id", filter=~overdue_condition(today)),
            last_confirmed=Max(Coalesce("last_confirmed_on", "started_on")),
        )
        .order_by("country_id", "kind")
    )
    for row in others:
        group = _country_group(groups, row["country_id"], row["country__name"])
        event = None
        if row["n"] == 1:
            fields = {name.removeprefix("one_"): value for name, value in row.items() if name.startswith("one_")}
            event = Event(kind=row["kind"], **fields)
        group["other_by_kind"].append({"kind": row["kind"], "count": row["n"], "event": event})
        _confirmation(group, row["confirmed"], row["last_confirmed"])
    for group in groups.values():
        group["apps"].sort(key=lambda app: app.name.lower())
        # Where nothing is confirmed lately the row says so once, instead of on every app.
        group["unconfirmed_since"] = None if group["confirmed"] else group["last_confirmed"]
    return sorted(groups.values(), key=lambda group: group["country"].name)


def _country_group(groups, code, name):
    if code not in groups:  # a model instance per row, not per pair: the pairs run to thousands
        groups[code] = {
            "country": Country(code=code, name=name),
            "apps": [],
            "more_apps": 0,
            "other_by_kind": [],
            "confirmed": False,
            "last_confirmed": None,
        }
    return groups[code]


def _confirmation(group, confirmed, last_confirmed):
    group["confirmed"] |= bool(confirmed)
    group["last_confirmed"] = max(filter(None, (group["last_confirmed"], last_confirmed)), default=None)


# What each choice means, for the methodology. Keyed by the model's values so that a new choice
# without an explanation still appears (with its label) and a test flags the missing text.
KIND_NOTES = {
    Event.Kind.FULL_BLOCK: "The app or service is made unreachable for everyone in the country, "
    "for example by blocking its addresses or removing its domains from the national DNS.",
    Event.Kind.PARTIAL_BLOCK: "Access is degraded rather than cut: throttling, blocking on some networks "
    "or in some regions only.",
    Event.Kind.FEATURE_RESTRICTION: "Part of the app stops working while the rest still does, "
    "for example voice and video calls.",
    Event.Kind.APP_STORE_REMOVAL: "The app is removed from app stores in the country, on order or under pressure.",
    Event.Kind.LEGAL_DESIGNATION: "A court or authority designates the app or its company, for example as "
    "'extremist', with legal consequences for it and sometimes its users.",
    Event.Kind.NETWORK_SHUTDOWN: "Mobile or fixed internet access is cut for a whole area, taking every app with it.",
    Event.Kind.OTHER: "A measure that none of the kinds above describes; the record says what it was.",
}
STATUS_NOTES = {
    Event.Status.ANNOUNCED: "Announced or ordered, but not (yet) known to be in effect.",
    Event.Status.IN_FORCE: "In effect as far as the latest sources say.",
    Event.Status.LIFTED: "Ended; the record gives the date it was lifted.",
    Event.Status.UNKNOWN: "The sources do not say whether it is still in effect: in force only up to the last "
    "day a source confirms it, then shown as 'status unknown since'.",
}
PRECISION_NOTES = {
    Precision.DAY: "The exact day is known: '12 February 2026'.",
    Precision.ESTIMATED: "The day is an estimate from the sources: 'about 4 June 2021'.",
    Precision.MONTH: "Only the month is known: 'February 2026'. It is stored as the first of the month "
    "but never shown as that day.",
    Precision.YEAR: "Only the year is known: '2022'.",
}


def _explained(choices, notes):
    return [(value, label, notes.get(value, "")) for value, label in choices]


def about(request):
    """Methodology, sources, licence, citation and corrections; the definitions come from the model."""
    context = {
        "kinds": _explained(Event.Kind.choices, KIND_NOTES),
        "statuses": _explained(Event.Status.choices, STATUS_NOTES),
        "precisions": _explained(Precision.choices, PRECISION_NOTES),
        "features": Event.Feature.choices,
        "source_kinds": Source.Kind.choices,
        "corrections_email": getattr(settings, "CORRECTIONS_EMAIL", ""),
        "confirmation_period": confirmation_period(),
    }
    meta = PageMeta(
        title="About the data",
        description="How the tracker records government measures against apps: what each kind, status and date "
        "precision means, where records come from, the licence, how to cite and how to correct.",
        path=reverse("about"),
    )
    return render(request, "events/about.html", render_context(request, meta, **context))


def search(request):
    """Events, apps, owners, authorities and countries matching ?q=; an empty query shows the form."""
    # NUL is no character anyone searches for, and PostgreSQL refuses it in a query: drop it.
    query = " ".join(request.GET.get("q", "").replace("\x00", " ").split())[:200]
    context, status = {"query": query}, 200
    try:
        understood = full_text.understand(query) if query else None
    except full_text.SearchError as error:
        understood, status = None, 400
        context["error"] = str(error)
    if understood:
        events = full_text.by_relevance(Event.objects.public().for_listing().search(understood), understood)
        # The names sections forgive the same typos as the events: 'whatsap' lists WhatsApp.
        named = Q()
        for word in [query, *understood.corrections.values()]:
            named |= Q(name__icontains=word)
        context.update(
            corrections=understood.corrections,
            event_count=events.count(),
            events=events[:SEARCH_LIMIT],
            apps=App.objects.public().filter(named | Q(slug__iexact=query)).select_related("owner")[:20],
            owners=Owner.objects.public().filter(named)[:20],
            authorities=Authority.objects.public().filter(named).select_related("country")[:20],
            countries=Country.objects.public()
            .filter(named | Q(official_name__icontains=query) | Q(code__iexact=query))
            .annotate(event_count=Count("events", filter=is_public("events__")))[:20],
        )
        context["limit"] = SEARCH_LIMIT
        context["research"] = research_links({"search": query})
    meta = PageMeta(
        title=f"Search: {query}" if query else "Search",
        description="Search the tracker's records, apps, companies and countries.",
        path=reverse("search"),
        query={"q": query} if query else {},
        noindex=bool(query),
    )
    return render(request, "events/search.html", render_context(request, meta, **context), status=status)
