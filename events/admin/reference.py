"""Reference data: countries (read-only, loaded by a migration), owners, apps and authorities.

Each list shows what an editor looks for, searches what they type (these searches also feed the
event form's autocompletes), and costs a fixed number of queries: the to-one columns are joined,
and counts come as subqueries of the same query.
"""

from django.contrib import admin
from django.db.models import Case, Count, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce

from events.countries import search_countries
from events.models import App, Authority, Country, Event, Owner

from .history import HistoryAdmin
from .merging import MergeAction
from .published import PublishedRecordAdmin


def count_of(rows, pointing_at):
    """How many of `rows` point at each listed record, as a correlated subquery.

    Unlike Count() over a join, it adds no GROUP BY to the list's query, so the list's COUNT(*) and
    its filters' lookups leave it out, and the default order stays as it is.
    """
    counted = rows.filter(**{pointing_at: OuterRef("pk")}).order_by().values(pointing_at)
    return Coalesce(Subquery(counted.annotate(total=Count("*")).values("total")), 0)


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    """The ISO list: searchable, never edited (a migration loads all 249)."""

    list_display = ("name", "code", "alpha3", "region", "event_count")
    list_filter = ("region",)
    # What get_search_results matches, with the aliases; the autocomplete needs the attribute set.
    search_fields = ("name", "code", "alpha3", "official_name")
    search_help_text = "Finds codes, names, official names and common names: Turkey, Burma, UK, USA, DRC..."
    fields = ("code", "alpha3", "name", "official_name", "region")

    def get_search_results(self, request, queryset, search_term):
        """Codes, names, official names and aliases, case and accents aside (events/countries.py),
        best match first: this search is also the country autocomplete of every form."""
        codes = search_countries(search_term)
        if codes is None:
            return queryset, False
        best_first = Case(
            *(When(pk=code, then=Value(rank)) for rank, code in enumerate(codes)), default=Value(len(codes))
        )
        return queryset.filter(pk__in=codes).order_by(best_first, "name"), False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(event_total=count_of(Event.objects.all(), "country"))

    @admin.display(description="events", ordering="event_total")
    def event_count(self, country):
        return country.event_total

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Owner)
class OwnerAdmin(MergeAction, PublishedRecordAdmin, HistoryAdmin):
    """Companies and state bodies behind apps."""

    list_display = ("name", "slug", "kind", "country", "parent", "app_count")
    list_filter = ("kind", ("country", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("country", "parent")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("country", "parent")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(app_total=count_of(App.objects.all(), "owner"))

    @admin.display(description="apps", ordering="app_total")
    def app_count(self, owner):
        return owner.app_total


@admin.register(App)
class AppAdmin(MergeAction, PublishedRecordAdmin, HistoryAdmin):
    """Apps and services that measures target."""

    list_display = ("name", "slug", "owner", "category", "event_count")
    list_filter = ("category", ("owner", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("owner",)
    search_fields = ("name", "slug", "owner__name")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("owner",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(event_total=count_of(Event.apps.through.objects.all(), "app"))

    @admin.display(description="events", ordering="event_total")
    def event_count(self, app):
        return app.event_total


@admin.register(Authority)
class AuthorityAdmin(MergeAction, PublishedRecordAdmin, HistoryAdmin):
    """Regulators, courts, ministries and operators that order or carry out measures."""

    list_display = ("name", "slug", "kind", "country", "event_count")
    list_filter = ("kind", ("country", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("country",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("country",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(event_total=count_of(Event.objects.all(), "authority"))

    @admin.display(description="events", ordering="event_total")
    def event_count(self, authority):
        return authority.event_total
