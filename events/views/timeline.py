"""The timeline: every published event in date order, filtered by the API's own strict filters."""

import re

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import ExtractYear
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from events.filters import EventFilterSet, parameter_errors
from events.models import App, Authority, Country, Event, Owner
from events.models.visibility import is_public

from .grouping import group_by_year_and_month
from .meta import PageMeta, render_context, research_links

PAGE_SIZE = 50
# The API's pass-through parameters that mean nothing on a page; naming them is an error, as
# any unknown parameter is, rather than silently ignored.
NOT_ON_PAGES = {"page_size", "format", "cursor"}
START_ORDERINGS = {"started_on", "-started_on"}
ORDERING_LABELS = [
    ("-started_on", "Newest first"),
    ("started_on", "Oldest first"),
    ("-updated_at", "Recently updated"),
    ("-ended_on", "Recently ended"),
]
FIELD_LABELS = {
    "search": "Text",
    "country": "Country",
    "app": "App",
    "owner": "Company",
    "authority": "Ordered by",
    "kind": "Kind of measure",
    "status": "Status",
    "year": "Year started",
    "active_on": "In force on",
    "started_after": "Started on or after",
    "started_before": "Started on or before",
    "ordering": "Order",
    "page": "Page",
}


def timeline(request):
    """The filtered, paginated timeline; invalid filters answer 400 with the reasons on the page."""
    params, changed = _page_params(request.GET)
    if changed:
        # A GET form sends its empty fields and `q` is the usual name for text: tidy the address once
        # so that the URL a reader bookmarks or shares is short and uses the API's names.
        return HttpResponseRedirect(reverse("timeline") + (f"?{urlencode(params)}" if params else ""))

    filters = {name: value for name, value in params.items() if name in EventFilterSet.base_filters}
    filterset = EventFilterSet(filters, queryset=Event.objects.public().for_listing())
    errors = parameter_errors(request.GET, {*EventFilterSet.base_filters, "page", *NOT_ON_PAGES})
    for name in NOT_ON_PAGES & set(params):
        errors[name] = ["Not accepted on this page (it is for the API at /api/v1/events/)."]
    for name, messages in filterset.errors.items():
        errors.setdefault(name, list(messages))
    options = filter_options(params.get("country", ""))
    context = {
        "fields": _form_fields(params, options, MAIN_FIELDS),
        "more_fields": _form_fields(params, options, MORE_FIELDS),
    }
    context["more_open"] = any(name in params for name in MORE_FIELDS)
    if errors:
        context["errors"] = [(FIELD_LABELS.get(name, name), name, messages) for name, messages in errors.items()]
        meta = PageMeta(title="Timeline: check the filters", path=reverse("timeline"), noindex=True)
        return render(request, "events/timeline.html", render_context(request, meta, **context), status=400)

    paginator = Paginator(filterset.qs, PAGE_SIZE)
    try:
        page = paginator.page(params.get("page", 1))
    except (EmptyPage, PageNotAnInteger):
        raise Http404("No such page of the timeline.") from None
    ordering = params.get("ordering", "-started_on")
    active = _active_filters(request, params, options)
    context.update(
        page=page,
        years=group_by_year_and_month(page.object_list) if ordering in START_ORDERINGS else None,
        active=active,
        ordering_label=dict(ORDERING_LABELS).get(ordering, ordering),
        research=research_links(filters),  # the page's filters have the API's names already
    )
    title = "Timeline" + (": " + ", ".join(label for _name, label, _url in active) if active else "")
    canonical = {k: v for k, v in params.items() if not (k == "page" and v == "1")}
    meta = PageMeta(
        title=title + (f" (page {page.number})" if page.number > 1 else ""),
        description=f"{paginator.count} published government measure{'s' if paginator.count != 1 else ''} "
        "against apps, in date order, each with its sources.",
        path=reverse("timeline"),
        query=canonical,
        feeds=[("Latest events", reverse("feed-events"))],
    )
    return render(request, "events/timeline.html", render_context(request, meta, **context))


AUTHORITY_CHOICES = 30  # on the form when no country is chosen; a country's page lists all of its own
MAIN_FIELDS = ["search", "country", "app", "owner", "authority", "kind", "status", "year"]
MORE_FIELDS = ["active_on", "started_after", "started_before", "ordering"]


def _form_fields(params, options, names):
    """The form's fields with their current values, so that the form shows the state in the URL.

    A value that no option matches (a comma list from a shared link, say) is kept as an extra
    option, so submitting the form again does not silently drop it.
    """
    fields = []
    for name in names:
        value = params.get(name, "")
        field = {"name": name, "label": FIELD_LABELS[name], "value": value, "id": f"filter-{name}"}
        if name == "search":
            field["type"] = "search"
        elif name in ("active_on", "started_after", "started_before"):
            field["type"] = "date"
        else:
            field["type"] = "select"
            choices = list(options[name])
            if value and value.lower() not in {v.lower() for v, _label in choices}:
                choices.append((value, value))
            field["choices"] = choices
            field["selected"] = value.lower() if name != "ordering" else value or "-started_on"
        fields.append(field)
    return fields


def _page_params(query):
    """The query as a plain dict without empty values, `q` renamed `search`; and whether that changed it."""
    params, changed = {}, False
    for name, value in query.items():
        if name == "q":
            name, changed = "search", True
        if not value.strip() or (name == "ordering" and value == "-started_on"):
            changed = True  # an empty field, or the default order the form always sends
            continue
        params[name] = value
    return params, changed


def filter_options(chosen_countries=""):
    """Choices for the form's selects: only values that occur in published events (five queries)."""
    published_here = Event.objects.public()
    countries = Country.objects.public().filter(Exists(published_here.filter(country_id=OuterRef("pk"))))
    combos = set(
        published_here.order_by().values_list("kind", "status", ExtractYear("started_on")).distinct()
    )  # one query answers kinds, statuses and years
    kinds = {kind for kind, _status, _year in combos}
    statuses = {status for _kind, status, _year in combos}
    return {
        "country": [(c.code.lower(), c.name) for c in countries.order_by("name")],
        "app": [(a.slug, a.name) for a in App.objects.named_by_public_events().order_by("name")],
        "owner": [(o.slug, o.name) for o in Owner.objects.with_public_events().order_by("name")],
        "authority": _authority_choices(published_here, chosen_countries),
        "kind": [(value, label) for value, label in Event.Kind.choices if value in kinds],
        "status": [(value, label) for value, label in Event.Status.choices if value in statuses],
        "year": [(str(y), str(y)) for y in sorted({year for _k, _s, year in combos}, reverse=True)],
        "ordering": ORDERING_LABELS,
    }


def _authority_choices(published, countries):
    """The authorities of the chosen countries; with none chosen, the AUTHORITY_CHOICES that ordered
    the most measures, named with their country (the records hold a hundred and fifty bodies, and
    several countries have a "Ministry of Education")."""
    # Only what can be a code reaches the query: the filter itself answers a bad value with a 400.
    codes = [code.strip().upper() for code in countries.split(",") if re.fullmatch(r"\s*[A-Za-z]{2}\s*", code)]
    authorities = Authority.objects.public().select_related("country")
    if codes:
        here = published.filter(authority_id=OuterRef("pk"), country_id__in=codes)
        return [(a.slug, a.name) for a in authorities.filter(Exists(here)).order_by("name")]
    counted = authorities.annotate(n=Count("events", filter=is_public("events__"))).order_by("-n", "name")
    top = [(a.slug, f"{a.name} ({a.country.name})" if a.country else a.name) for a in counted[:AUTHORITY_CHOICES]]
    return sorted(top, key=lambda choice: choice[1].casefold())


def _active_filters(request, params, options):
    """[(parameter, what it shows, URL without it)] for the filters in use, named as readers know them."""
    active = []
    for name, value in params.items():
        if name in ("page", "ordering"):
            continue
        labels = dict(options.get(name, []))
        shown = ", ".join(labels.get(item.strip().lower(), item.strip()) for item in value.split(","))
        if name == "search":
            shown = f"“{value}”"
        elif name in ("active_on", "started_after", "started_before", "year"):
            shown = f"{FIELD_LABELS[name].lower()} {value}"
        rest = {k: v for k, v in params.items() if k not in (name, "page")}
        active.append((name, shown, reverse("timeline") + (f"?{urlencode(rest)}" if rest else "")))
    return active
