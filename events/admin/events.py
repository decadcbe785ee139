"""The event admin: one page per event, a change list that answers questions, the review workflow."""

from django.contrib import admin
from django.db.models import Prefetch

from events.models import App, Event, Statement

from . import workflow
from .actions import REVIEW_ACTIONS
from .forms import EventAdminForm
from .history import HistoryAdmin
from .resources import BulkEntryMixin, EventResource


class StatementInline(admin.StackedInline):
    """Who said what about the event, entered on the event's page."""

    model = Statement
    extra = 0
    autocomplete_fields = ("source",)
    fields = (("speaker", "said_on"), ("role", "organisation"), "text", "source")


class StartYearFilter(admin.SimpleListFilter):
    """The years events started in, newest first; one query for the whole list."""

    title = "year started"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Event.objects.dates("started_on", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(started_on__year=self.value())
        return queryset


@admin.register(Event)
class EventAdmin(BulkEntryMixin, HistoryAdmin):
    """Events: edited on one page, reviewed before publication, imported and exported in bulk."""

    form = EventAdminForm
    change_form_template = "admin/events/event/change_form.html"
    inlines = [StatementInline]
    autocomplete_fields = ("country", "apps", "owner", "authority", "promoted_alternative", "related", "sources")
    readonly_fields = ("created_at", "updated_at", "revision")
    save_on_top = True

    class Media:
        css = {"all": ["events/admin/event_form.css"]}

    list_display = ("title", "country", "app_names", "kind", "status", "started", "review_state", "updated_at")
    list_filter = (
        ("country", admin.RelatedOnlyFieldListFilter),
        ("apps", admin.RelatedOnlyFieldListFilter),
        ("owner", admin.RelatedOnlyFieldListFilter),
        "kind",
        "status",
        "review_state",
        StartYearFilter,
    )
    # The country is joined into the list's one query; apps come in one prefetch (get_queryset).
    list_select_related = ("country",)
    search_fields = ("title", "summary", "apps__name", "sources__title", "sources__url")
    search_help_text = "Searches titles, summaries, app names, and the titles and URLs of sources."
    date_hierarchy = "started_on"
    list_per_page = 50
    actions = REVIEW_ACTIONS

    resource_classes = [EventResource]
    import_template_name = "admin/events/event/import.html"

    fieldsets = (
        ("What", {"fields": ("title", "kind", "features", "summary", "description")}),
        (
            "Where and when",
            {
                "fields": (
                    "country",
                    "apps",
                    "status",
                    ("started_on", "started_precision"),
                    ("ended_on", "ended_precision"),
                    "announced_on",
                )
            },
        ),
        (
            "Who and why",
            {
                "fields": (
                    "authority",
                    "owner",
                    "legal_basis",
                    "stated_reason",
                    ("users_affected", "users_affected_note"),
                    "promoted_alternative",
                )
            },
        ),
        (
            "Evidence",
            {
                "fields": ("sources", "related"),
                "description": "Find a source by its title or URL; the + button adds a new one. "
                "Statements follow below.",
            },
        ),
        ("Publication", {"fields": ("review_state", "loaded_revision", ("created_at", "updated_at", "revision"))}),
    )

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            return self.fieldsets
        # A new event: the duplicate check's confirmation box comes first (hidden until a match is
        # found), and there are no timestamps yet.
        (name, options), *middle, (last_name, last) = self.fieldsets
        first = (name, {**options, "fields": ("not_a_duplicate", *options["fields"])})
        return [first, *middle, (last_name, {**last, "fields": ("review_state",)})]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user  # modelform_factory made this class for this request alone
        return form

    def get_queryset(self, request):
        # Apps for the list's column in one query, whatever the number of rows.
        return super().get_queryset(request).prefetch_related(Prefetch("apps", queryset=App.objects.order_by("name")))

    @admin.display(description="apps")
    def app_names(self, event):
        return ", ".join(app.name for app in event.apps.all())

    @admin.display(description="started", ordering="started_on")
    def started(self, event):
        return event.started_display

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and workflow.can_edit(request.user, obj)

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user)

    def view_on_site(self, obj):
        """Only a published event has a public page."""
        return obj.get_absolute_url() if obj.is_public else None
