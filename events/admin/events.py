"""The event admin: one page per event, a change list that answers questions, the review workflow."""

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME

from events import status_steps
from events.models import App, Event, Statement, review

from .actions import REVIEW_ACTIONS
from .forms import EventAdminForm, editable_fields
from .history import HistoryAdmin
from .resources import BulkEntryMixin, EventResource


class StatementInline(admin.StackedInline):
    """Who said what about the event, entered on the event's page."""

    model = Statement
    extra = 0
    autocomplete_fields = ("source",)
    fields = (("speaker", "said_on"), ("role", "organisation"), "text", "source")

    # A published event's statements are part of what the public reads: its publishers' to change.
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)

    @staticmethod
    def _may_edit(request, event):
        return event is None or review.can_edit(request.user, stored_state(event))


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

    def delete_queryset(self, request, queryset):
        with transaction.atomic(), status_steps.deferred():  # the steps written once, not per event
            super().delete_queryset(request, queryset)

    change_form_template = "admin/events/event/change_form.html"
    inlines = [StatementInline]
    autocomplete_fields = ("country", "apps", "owner", "authority", "promoted_alternative", "related", "sources")
    readonly_fields = ("created_at", "updated_at", "revision")
    save_on_top = True

    class Media:
        css = {"all": ["events/admin/event_form.css"]}

    list_display = ("title", "country", "app_names", "kind_short", "status", "started", "review_state", "updated")
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
                    "scope",
                    "apps",
                    "status",
                    ("started_on", "started_precision"),
                    ("ended_on", "ended_precision"),
                    "announced_on",
                    "last_confirmed_on",
                )
            },
        ),
        (
            "Who and why",
            {
                "fields": (
                    "authority",
                    "authority_note",
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
        fieldsets = self._laid_out(obj)
        if obj is not None and not self.has_change_permission(request, obj):
            # Read only: the features by their names, and no revision to carry back.
            return [
                (name, {**options, "fields": tuple(self._read_only_fields(options["fields"]))})
                for name, options in fieldsets
            ]
        if obj is not None:
            return fieldsets
        # A new event: the duplicate check's confirmation box comes first (hidden until a match is
        # found), and there are no timestamps yet.
        (name, options), *middle, (last_name, last) = fieldsets
        first = (name, {**options, "fields": ("not_a_duplicate", *options["fields"])})
        return [first, *middle, (last_name, {**last, "fields": ("review_state",)})]

    def _laid_out(self, obj):
        """The fieldsets, with any field of the model that they do not place yet before Publication,
        so that a new field is on the form from its migration on."""
        placed = set(flatten_fieldsets(self.fieldsets))
        rest = tuple(name for name in editable_fields(Event) if name not in placed)
        if not rest:
            return self.fieldsets
        *content, publication = self.fieldsets
        return [*content, ("More", {"fields": rest}), publication]

    def get_readonly_fields(self, request, obj=None):
        # Everything, for whoever may not change the event: the change view does this itself, the
        # revert view (a version from history) asks here.
        if obj is not None and not self.has_change_permission(request, obj):
            return flatten_fieldsets(self.get_fieldsets(request, obj))
        return super().get_readonly_fields(request, obj)

    @staticmethod
    def _read_only_fields(fields):
        for field in fields:
            if field != "loaded_revision":
                yield "feature_labels" if field == "features" else field

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and request.method == "GET" and not review.can_edit(request.user, stored_state(obj)):
            self.message_user(
                request,
                "This event is published, so only a publisher can change or retract it: ask one for a correction.",
                messages.INFO,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The revert view asks for the form of a saved event without saying it is a change; it is,
        # and a read-only one then has no editable fields.
        form = super().get_form(request, obj, change or obj is not None, **kwargs)
        form.user = request.user  # modelform_factory made this class for this request alone
        return form

    # Called once an event and its apps and sources are saved, by the add, change and revert views
    # and the bulk actions alike: what is allowed but probably not meant is said then.
    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._warn(request, obj)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._warn(request, obj)
        return entry

    def _warn(self, request, event):
        for warning in save_warnings(event):
            self.message_user(request, warning, messages.WARNING)

    def get_queryset(self, request):
        # Apps for the list's column in one query, whatever the number of rows.
        return super().get_queryset(request).prefetch_related(Prefetch("apps", queryset=App.objects.order_by("name")))

    @admin.display(description="apps")
    def app_names(self, event):
        return ", ".join(app.name for app in event.apps.all())

    @admin.display(description="kind", ordering="kind")
    def kind_short(self, event):
        # "Partial block", not "Partial block (throttling, some networks or regions)": a column, not a definition.
        return event.get_kind_display().split(" (")[0]

    @admin.display(description="started", ordering="started_on")
    def started(self, event):
        return event.started_display

    @admin.display(description="updated", ordering="updated_at")
    def updated(self, event):
        return date_format(event.updated_at, "j M Y")

    @admin.display(description="features")
    def feature_labels(self, event):
        labels = dict(Event.Feature.choices)
        return ", ".join(str(labels.get(value, value)) for value in event.features or []) or "-"

    def has_change_permission(self, request, obj=None):
        stored = None if obj is None else stored_state(obj)
        return super().has_change_permission(request, obj) and review.can_edit(request.user, stored)

    def has_publish_permission(self, request):
        return review.can_publish(request.user)

    def view_on_site(self, obj):
        """Only a published event has a public page."""
        return obj.get_absolute_url() if obj.is_public else None


NO_SOURCE_YET = "“{event}” is in review without a source: publishing it will need at least one, so add one."


def save_warnings(event, today=None):
    """What an editor probably did not mean in a saved event, said after the save, which goes
    ahead: the workflow refuses only what must not happen (events/models/review.py)."""
    today = today or timezone.localdate()
    warnings = []
    if event.review_state == Event.ReviewState.IN_REVIEW and not event.sources.exists():
        warnings.append(NO_SOURCE_YET.format(event=event))
    in_force = event.status == Event.Status.IN_FORCE
    if in_force and event.ended_on and event.ended_on < today:
        warnings.append(
            f"“{event}” is marked in force, but its end date ({event.ended_display}) is past: "
            "if the measure is over, set the status to Lifted; if it goes on, clear the end date."
        )
    if in_force and event.started_on and event.started_on > today:
        warnings.append(
            f"“{event}” is marked in force, but it starts on {event.started_display}, in the future: "
            "should the status be Announced?"
        )
    return warnings


def stored_state(event):
    """The review state the event has in the database: a version from history carries its own."""
    if getattr(event, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None) is not None:
        return Event.objects.filter(pk=event.pk).values_list("review_state", flat=True).first()
    return event.review_state
