"""What the public reads is changed by publishers only: a source, app, owner or authority that a
public page shows (the model's `public()`, events/models/visibility.py) is changed or deleted by
whoever may publish (events/models/review.py), as a published event is. Editors see it read-only.

And no deletion may leave a published event without a source, whoever asks: Django's deletion
page then lists the events that would lose their last source, as it lists protected records.
"""

from django.db.models import Exists, OuterRef

from events.models import Event, review


class PublishedRecordAdmin:
    """A ModelAdmin mixin for the records that events point at."""

    def _shown_publicly(self, objs):
        return self.model.objects.public().filter(pk__in=[obj.pk for obj in objs])

    def _may_change(self, request, obj):
        return obj is None or review.can_publish(request.user) or not self._shown_publicly([obj]).exists()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_change(request, obj)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if not review.can_publish(request.user) and self._shown_publicly(objs).exists():
            perms_needed.add(f"{self.model._meta.verbose_name_plural} that published records show (ask a publisher)")
        return deleted, counts, perms_needed, [*protected, *self.left_without_source(objs)]

    def left_without_source(self, objs):
        return []


def published_events_left_without_source(source_ids):
    """Published events all of whose sources are among `source_ids`."""
    through = Event.sources.through.objects
    kept = through.filter(event_id=OuterRef("pk")).exclude(source_id__in=source_ids)
    cited = through.filter(event_id=OuterRef("pk"), source_id__in=source_ids)
    return Event.objects.public().filter(Exists(cited)).exclude(Exists(kept)).order_by("pk")
