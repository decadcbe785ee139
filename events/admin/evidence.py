"""Evidence: the sources events cite (editable, importable) and the OONI measurements (read-only)."""

from django.contrib import admin

from events.models import Event, Measurement, Source

from .history import HistoryAdmin
from .published import PublishedRecordAdmin, published_events_left_without_source
from .reference import count_of
from .resources import BulkEntryMixin, SourceResource


@admin.register(Source)
class SourceAdmin(PublishedRecordAdmin, BulkEntryMixin, HistoryAdmin):
    """Documents events cite. One per URL; the event form finds them by title or URL."""

    list_display = ("title", "publisher", "kind", "published_on", "url", "event_count")
    list_filter = ("kind", "language")
    search_fields = ("title", "url", "publisher")
    date_hierarchy = "published_on"
    fields = ("url", "title", "publisher", "published_on", "kind", "language", "archived_url")
    resource_classes = [SourceResource]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(event_total=count_of(Event.sources.through.objects.all(), "source"))
        )

    @admin.display(description="events", ordering="event_total")
    def event_count(self, source):
        return source.event_total

    def left_without_source(self, objs):
        events = published_events_left_without_source([obj.pk for obj in objs])
        return [f"Published event “{event}” would be left without a source" for event in events]


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    """OONI measurement counts, loaded by the data import; editors look, never edit."""

    list_display = ("day", "country", "app", "test_name", "measurement_count", "anomaly_count", "confirmed_count")
    list_filter = ("test_name", ("country", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("country", "app")
    date_hierarchy = "day"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
