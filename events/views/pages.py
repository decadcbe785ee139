"""The home page, the about page (methodology, licence, citation) and search."""

from django.conf import settings
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse

from events.dates import Precision
from events.models import Country, Event, Source

from .meta import SITE_DESCRIPTION, SITE_NAME, PageMeta, render_context
from .public import PUBLISHED, listed_events, public_apps, public_authorities, public_events, public_owners

LATEST = 8
SEARCH_LIMIT = 50


def home(request):
    """What is in force now, by country; the latest events; headline numbers."""
    totals = public_events().aggregate(
        events=Count("id", distinct=True),
        countries=Count("country", distinct=True),
        apps=Count("apps", distinct=True),
    )
    in_force = list(listed_events().in_force_now().order_by("country__name", "-started_on", "-id"))
    by_country = _in_force_by_country(in_force)
    context = {
        "totals": {
            **totals,
            "in_force": len(in_force),
            "countries_now": len(by_country),
            "apps_now": len({app.pk for event in in_force for app in event.apps.all()}),
        },
        "by_country": by_country,
        "latest": listed_events()[:LATEST],
    }
    meta = PageMeta(
        title=SITE_NAME,
        description=SITE_DESCRIPTION,
        path=reverse("home"),
        feeds=[("Latest events", reverse("feed-events"))],
    )
    return render(request, "events/home.html", render_context(request, meta, **context))


def _in_force_by_country(events):
    """[{country, apps: [(app, [events])], other: [events]}] from events sorted by country."""
    groups = {}
    for event in events:
        group = groups.setdefault(event.country_id, {"country": event.country, "apps": {}, "other": []})
        if not event.apps.all():
            group["other"].append(event)
        for app in event.apps.all():
            group["apps"].setdefault(app.pk, (app, []))[1].append(event)
    result = []
    for group in groups.values():
        apps = sorted(group["apps"].values(), key=lambda pair: pair[0].name.lower())
        other = {}
        for event in group["other"]:
            other.setdefault(event.kind, []).append(event)
        result.append(
            {
                "country": group["country"],
                "apps": apps,
                "other": group["other"],
                # Many shutdowns in one country read better as "6 network shutdowns" than as six lines.
                "other_by_kind": list(other.values()),
            }
        )
    return result


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
    Event.Status.UNKNOWN: "The sources do not say whether it is still in effect.",
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
    context = {"query": query}
    if query:
        events = listed_events().search(query)
        context.update(
            event_count=events.count(),
            events=events[:SEARCH_LIMIT],
            apps=public_apps().filter(Q(name__icontains=query) | Q(slug__iexact=query)).select_related("owner")[:20],
            owners=public_owners().filter(name__icontains=query)[:20],
            authorities=public_authorities().filter(name__icontains=query).select_related("country")[:20],
            countries=Country.objects.filter(
                Q(name__icontains=query) | Q(official_name__icontains=query) | Q(code__iexact=query)
            ).annotate(event_count=Count("events", filter=Q(events__review_state=PUBLISHED)))[:20],
        )
        context["limit"] = SEARCH_LIMIT
    meta = PageMeta(
        title=f"Search: {query}" if query else "Search",
        description="Search the tracker's records, apps, companies and countries.",
        path=reverse("search"),
        query={"q": query} if query else {},
        noindex=bool(query),
    )
    return render(request, "events/search.html", render_context(request, meta, **context))
