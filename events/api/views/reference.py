"""Reference data: countries, apps, owners and authorities, each a list and a detail.

Lists are keyset-paged by name (then key) and accept `search`; counts of published events are one
grouped query for the page. Details add what is restricted now, from published events in force
today. Every list and detail reads the model's `public()` (events/models/visibility.py): an app,
owner or authority that only a draft names is a 404 here, as on the pages.
"""

from django.db.models import Count, Q
from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.response import Response

from events.models import App, Authority, Country, Event, Owner
from events.models.visibility import is_public

from ..base import ApiView, raise_if
from ..pagination import CURSOR, PAGE_SIZE, Keyset, KeysetPagination
from ..records import url_maker
from ..schema import COMMON_ERRORS, NOT_FOUND, common_parameters, page_parameters, search_parameter
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
        raise_if(errors)
        queryset = self.model.objects.public()
        if text:
            queryset = queryset.filter(self.search_q(text))
        page = self.paginator.paginate(request, queryset, self.keyset, self.columns, size, cursor, order_name="name")
        return Response(self.paginator.response_data(page, self.records(page.rows, request)))

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


def _list_schema(tag, what, serializer):
    return extend_schema_view(
        get=extend_schema(
            tags=[tag],
            operation_id=f"{tag}_list",
            parameters=[search_parameter(what), *page_parameters(), *common_parameters("json")],
            responses={200: serializer(many=True), **COMMON_ERRORS},
        )
    )


def _country_counts(codes):
    rows = Event.objects.public().filter(country_id__in=codes).values("country_id").annotate(n=Count("id")).order_by()
    return {row["country_id"]: row["n"] for row in rows}


@_list_schema("countries", "country name or code", CountryOut)
class CountryList(ReferenceList):
    """All ISO 3166-1 countries with their numbers of published events (queries: count, page, counts)."""

    model = Country
    columns = ("code", "name", "region")
    keyset = Keyset("name", pk="code", pk_type=str)
    search_fields = ("name__icontains", "code__iexact")

    def records(self, rows, request):
        counts = _country_counts([row[0] for row in rows]) if rows else {}
        page_url = url_maker(request, "country-detail")
        return [
            {
                "code": code,
                "name": name,
                "region": region,
                "event_count": counts.get(code, 0),
                "page_url": page_url(code.lower()),
            }
            for code, name, region in rows
        ]


@_detail_schema("countries", "code", CountryDetailOut)
class CountryDetail(ApiView):
    """A country (code in any case), its event count and the apps restricted there now."""

    def respond(self, request, code):
        self.check_params(request)
        row = Country.objects.public().filter(code=code.upper()).values_list("code", "name", "region").first()
        if row is None:
            raise Http404("No country has this ISO 3166-1 alpha-2 code.")
        code, name, region = row
        in_force = Event.objects.public().in_force_now().filter(country_id=code)
        apps = (
            App.objects.public()
            .filter(pk__in=Event.apps.through.objects.filter(event__in=in_force).values("app_id"))
            .order_by("name", "id")
            .values_list("slug", "name", "owner__slug", "owner__name")
        )
        return Response(
            {
                "code": code,
                "name": name,
                "region": region,
                "event_count": _country_counts([code]).get(code, 0),
                "page_url": url_maker(request, "country-detail")(code.lower()),
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
            raise Http404("No authority has this slug.")
        record = _authority_record(row, url_maker(request, "authority-detail"))
        record["description"] = row[-1]
        record["event_count"] = Event.objects.public().filter(authority_id=row[0]).count()
        record["events_url"] = events_url(request, authority=record["slug"])
        return Response(record)
