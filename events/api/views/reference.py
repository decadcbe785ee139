"""Reference data: countries, apps, owners and authorities, each a list and a detail.

Lists are keyset-paged by name (then key) and accept `search`; counts of published events are one
grouped query for the page. The countries list also takes the event filters ("which countries
restricted Telegram": `?app=telegram`) and then counts the matching events only. Details add what
is restricted now, from published events in force today. Every list and detail reads the model's
`public()` (events/models/visibility.py): an app, owner or authority that only a draft names is a
404 here, as on the pages.
"""

from django.db.models import Count, Q, Sum
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.response import Response

from events.filters import EventFilterSet
from events.models import App, Authority, Country, Event, Measurement, Owner
from events.models.event import active_on_condition
from events.models.visibility import is_public
from events.redirects import raise_if_moved

from ..base import ApiView, BodyETag, raise_if
from ..pagination import CURSOR, PAGE_SIZE, Keyset, KeysetPagination
from ..records import url_maker
from ..schema import (
    COMMON_ERRORS,
    NOT_FOUND,
    common_parameters,
    event_filter_parameters,
    page_parameters,
    search_parameter,
)
from ..serializers import (
    AppDetailOut,
    AppOut,
    AuthorityDetailOut,
    AuthorityOut,
    CountryDetailOut,
    CountryOut,
    OwnerDetailOut,
    OwnerOut,
)
from .events import filter_events

SEARCH = "search"
MAX_SEARCH = 200


def _ref(slug, name):
    return None if slug is None else {"slug": slug, "name": name}


def events_url(request, **params):
    return request.build_absolute_uri(reverse("api-event-list")) + "?" + urlencode(params)


class ReferenceList(ApiView):
    """A keyset-paged list ordered by name; subclasses give the columns and build the records."""

    pagination_class = KeysetPagination
    accepted_params = frozenset([SEARCH, CURSOR, PAGE_SIZE])
    model = None
    columns = ()
    keyset = Keyset("name")
    search_fields = ("name__icontains", "slug__icontains")

    def respond(self, request):
        self.check_params(request)
        size, cursor, errors = self.paginator.clean(request)
        text = request.query_params.get(SEARCH, "").strip()
        if len(text) > MAX_SEARCH:
            errors[SEARCH] = [f"Search text is limited to {MAX_SEARCH} characters."]
        queryset = self.narrow(request, self.model.objects.public(), errors)
        raise_if(errors)
        if text:
            queryset = queryset.filter(self.search_q(text))
        page = self.paginator.paginate(request, queryset, self.keyset, self.columns, size, cursor, order_name="name")
        return Response(self.paginator.response_data(page, self.records(page.rows, request)))

    def narrow(self, request, queryset, errors):
        """The list narrowed by parameters of a subclass's own, their errors added to `errors`."""
        return queryset

    def search_q(self, text):
        query = Q()
        for lookup in self.search_fields:
            query |= Q(**{lookup: text})
        return query

    def records(self, rows, request):
        raise NotImplementedError


def _detail_schema(tag, key, serializer):
    return extend_schema_view(
        get=extend_schema(
            tags=[tag],
            operation_id=f"{tag}_retrieve",
            parameters=[OpenApiParameter(key, str, OpenApiParameter.PATH), *common_parameters("json")],
            responses={200: serializer, **NOT_FOUND, **COMMON_ERRORS},
        )
    )


def _list_schema(tag, what, serializer, extra=(), description=None):
    return extend_schema_view(
        get=extend_schema(
            tags=[tag],
            operation_id=f"{tag}_list",
            description=description,
            parameters=[search_parameter(what), *extra, *page_parameters(), *common_parameters("json")],
            responses={200: serializer(many=True), **COMMON_ERRORS},
        )
    )


def _country_counts(events, codes):
    """{code: (events, of them in force today)} over `events` in the countries `codes` (one grouped query)."""
    rows = (
        events.filter(country_id__in=codes)
        .order_by()
        .values_list("country_id")
        .annotate(n=Count("id"), now=Count("id", filter=active_on_condition(timezone.localdate())))
    )
    return {code: (n, now) for code, n, now in rows}


def _measurement_counts(codes):
    """{code: OONI measurements of any app there} (one grouped query, by the country index)."""
    rows = (
        Measurement.objects.public()
        .filter(country_id__in=codes)
        .order_by()
        .values_list("country_id")
        .annotate(n=Sum("measurement_count"))
    )
    return {code: n or 0 for code, n in rows}


def _country_record(row, counts, measured, page_url):
    code, name, region = row[:3]
    events, in_force = counts.get(code, (0, 0))
    return {
        "code": code,
        "name": name,
        "region": region,
        "event_count": events,
        "in_force_count": in_force,
        "measurement_count": measured.get(code, 0),
        "page_url": page_url(code.lower()),
    }


# The event filters the countries list takes, by the names /api/v1/events/ gives them, but for two:
# `search` keeps the meaning it has on every reference list (the country's name or code), so text
# in the events is `event_search` here; and `ordering` orders events, never countries.
EVENT_SEARCH = "event_search"
COUNTRY_EVENT_FILTERS = frozenset(name for name in EventFilterSet.base_filters if name not in (SEARCH, "ordering"))


def _country_filter_parameters():
    parameters = [p for p in event_filter_parameters() if p.name in COUNTRY_EVENT_FILTERS]
    [search] = [p for p in event_filter_parameters() if p.name == SEARCH]
    parameters.append(
        OpenApiParameter(EVENT_SEARCH, type=search.type, description=f"The events' `search`: {search.description}")
    )
    return parameters


@_list_schema(
    "countries",
    "country name or code",
    CountryOut,
    extra=_country_filter_parameters(),
    description="Every ISO 3166-1 country with its published events counted, those with OONI measurements "
    "but no event included (`measurement_count` above 0, `event_count` 0). Given any event filter (the "
    "names of /api/v1/events/, `event_search` for its `search`), only the countries with a matching "
    "event are listed and their counts are of the matching events: `?app=telegram` lists the countries "
    "that restricted Telegram.",
)
class CountryList(BodyETag, ReferenceList):
    """ISO 3166-1 countries with their counts of published events, all of them or those with events
    that match the event filters (queries: count, page, event counts, measurement counts).

    The ETag is the body's: measurement counts and what is in force today are not in the data version.
    """

    model = Country
    columns = ("code", "name", "region")
    keyset = Keyset("name", pk="code", pk_type=str)
    search_fields = ("name__icontains", "code__iexact")
    accepted_params = ReferenceList.accepted_params | COUNTRY_EVENT_FILTERS | {EVENT_SEARCH}

    def narrow(self, request, queryset, errors):
        self.events = Event.objects.public()  # what the counts count: narrowed below by any event filter
        query = request.query_params
        params = QueryDict(mutable=True)
        for name in COUNTRY_EVENT_FILTERS & set(query):
            params[name] = query[name]
        if EVENT_SEARCH in query:
            params[SEARCH] = query[EVENT_SEARCH]
        if not params:
            return queryset
        events, _ordering, _key, filter_errors = filter_events(request, params=params)
        if filter_errors:
            errors.update({EVENT_SEARCH if name == SEARCH else name: found for name, found in filter_errors.items()})
            return queryset
        self.events = events
        return queryset.filter(code__in=events.values("country_id"))

    def records(self, rows, request):
        codes = [row[0] for row in rows]
        counts = _country_counts(self.events, codes) if rows else {}
        measured = _measurement_counts(codes) if rows else {}
        page_url = url_maker(request, "country-detail")
        return [_country_record(row, counts, measured, page_url) for row in rows]


@_detail_schema("countries", "code", CountryDetailOut)
class CountryDetail(BodyETag, ApiView):
    """A country (code in any case), its counts and the apps restricted there now (the body's ETag, as
    for the list)."""

    def respond(self, request, code):
        self.check_params(request)
        row = Country.objects.public().filter(code=code.upper()).values_list("code", "name", "region").first()
        if row is None:
            raise Http404("No country has this ISO 3166-1 alpha-2 code.")
        code = row[0]
        in_force = Event.objects.public().in_force_now().filter(country_id=code)
        apps = (
            App.objects.public()
            .filter(pk__in=Event.apps.through.objects.filter(event__in=in_force).values("app_id"))
            .order_by("name", "id")
            .values_list("slug", "name", "owner__slug", "owner__name")
        )
        record = _country_record(
            row,
            _country_counts(Event.objects.public(), [code]),
            _measurement_counts([code]),
            url_maker(request, "country-detail"),
        )
        return Response(
            {
                **record,
                "apps_restricted_now": [
                    {"slug": slug, "name": app_name, "owner": _ref(owner_slug, owner_name)}
                    for slug, app_name, owner_slug, owner_name in apps
                ],
                "events_url": events_url(request, country=code),
            }
        )


def _app_counts(app_ids):
    rows = (
        Event.apps.through.objects.filter(is_public("event__"), app_id__in=app_ids)
        .values("app_id")
        .annotate(n=Count("event_id"))
        .order_by()
    )
    return {row["app_id"]: row["n"] for row in rows}


APP_COLUMNS = ("id", "slug", "name", "category", "website", "owner__slug", "owner__name")


def _app_record(row, counts, page_url):
    pk, slug, name, category, website, owner_slug, owner_name = row[: len(APP_COLUMNS)]
    return {
        "slug": slug,
        "name": name,
        "category": category,
        "website": website,
        "owner": _ref(owner_slug, owner_name),
        "event_count": counts.get(pk, 0),
        "page_url": page_url(slug),
    }


@_list_schema("apps", "app name or slug", AppOut)
class AppList(ReferenceList):
    """Apps with their owners and numbers of published events (queries: count, page, counts)."""

    model = App
    columns = APP_COLUMNS

    def records(self, rows, request):
        counts = _app_counts([row[0] for row in rows]) if rows else {}
        page_url = url_maker(request, "app-detail")
        return [_app_record(row, counts, page_url) for row in rows]


@_detail_schema("apps", "slug", AppDetailOut)
class AppDetail(ApiView):
    """An app (slug in any case), its owner, and the countries where it is restricted now."""

    def respond(self, request, slug):
        self.check_params(request)
        row = App.objects.public().filter(slug=slug.lower()).values_list(*APP_COLUMNS, "description").first()
        if row is None:
            raise_if_moved(App, slug.lower(), request)
            raise Http404("No app has this slug.")
        record = _app_record(row, _app_counts([row[0]]), url_maker(request, "app-detail"))
        in_force = Event.objects.public().in_force_now().for_apps([record["slug"]])
        countries = Country.objects.public().filter(code__in=in_force.values("country_id")).order_by("name")
        record["description"] = row[-1]
        record["countries_restricted_now"] = [
            {"code": code, "name": name} for code, name in countries.values_list("code", "name")
        ]
        record["events_url"] = events_url(request, app=record["slug"])
        return Response(record)


OWNER_COLUMNS = ("id", "slug", "name", "kind", "country_id", "parent__slug", "parent__name", "website")


def _owner_record(row, page_url):
    _pk, slug, name, kind, country, parent_slug, parent_name, website = row[: len(OWNER_COLUMNS)]
    return {
        "slug": slug,
        "name": name,
        "kind": kind,
        "country": country,
        "parent": _ref(parent_slug, parent_name),
        "website": website,
        "page_url": page_url(slug),
    }


@_list_schema("owners", "owner name or slug", OwnerOut)
class OwnerList(ReferenceList):
    """Companies, state bodies and people behind apps (queries: count, page)."""

    model = Owner
    columns = OWNER_COLUMNS

    def records(self, rows, request):
        page_url = url_maker(request, "owner-detail")
        return [_owner_record(row, page_url) for row in rows]


@_detail_schema("owners", "slug", OwnerDetailOut)
class OwnerDetail(ApiView):
    """An owner (slug in any case) and the apps it runs."""

    def respond(self, request, slug):
        self.check_params(request)
        row = Owner.objects.public().filter(slug=slug.lower()).values_list(*OWNER_COLUMNS, "description").first()
        if row is None:
            raise_if_moved(Owner, slug.lower(), request)
            raise Http404("No owner has this slug.")
        record = _owner_record(row, url_maker(request, "owner-detail"))
        apps = App.objects.public().filter(owner_id=row[0]).order_by("name", "id").values_list("slug", "name")
        record["description"] = row[-1]
        record["apps"] = [{"slug": app_slug, "name": name} for app_slug, name in apps]
        record["events_url"] = events_url(request, owner=record["slug"])
        return Response(record)


AUTHORITY_COLUMNS = ("id", "slug", "name", "kind", "country_id", "country__name", "website")


def _authority_record(row, page_url):
    _pk, slug, name, kind, country_code, country_name, website = row[: len(AUTHORITY_COLUMNS)]
    return {
        "slug": slug,
        "name": name,
        "kind": kind,
        "country": None if country_code is None else {"code": country_code, "name": country_name},
        "website": website,
        "page_url": page_url(slug),
    }


@_list_schema("authorities", "authority name or slug", AuthorityOut)
class AuthorityList(ReferenceList):
    """Regulators, courts, ministries and operators that ordered or carried out measures."""

    model = Authority
    columns = AUTHORITY_COLUMNS

    def records(self, rows, request):
        page_url = url_maker(request, "authority-detail")
        return [_authority_record(row, page_url) for row in rows]


@_detail_schema("authorities", "slug", AuthorityDetailOut)
class AuthorityDetail(ApiView):
    """An authority (slug in any case) and its number of published events."""

    def respond(self, request, slug):
        self.check_params(request)
        row = (
            Authority.objects.public().filter(slug=slug.lower()).values_list(*AUTHORITY_COLUMNS, "description").first()
        )
        if row is None:
            raise_if_moved(Authority, slug.lower(), request)
            raise Http404("No authority has this slug.")
        record = _authority_record(row, url_maker(request, "authority-detail"))
        record["description"] = row[-1]
        record["event_count"] = Event.objects.public().filter(authority_id=row[0]).count()
        record["events_url"] = events_url(request, authority=record["slug"])
        return Response(record)
