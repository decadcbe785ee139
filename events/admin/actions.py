"""Bulk review actions on the event change list: one per transition, each refusing per event with a reason.

Publishing and retracting are offered only to publishers (Django hides an action whose permission
the user lacks, via EventAdmin.has_publish_permission); the rules themselves are the workflow's
(events/models/review.py), asked through Event.move_to as every other change is.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count

from events import status_steps
from events.models import Event

State = Event.ReviewState


@transaction.atomic
@status_steps.deferred()  # the pairs' steps written once, after the last event
def transition(modeladmin, request, queryset, target, done):
    """Move every selected event to `target`; report how many moved and, one by one, why others did not."""
    moved = 0
    events = queryset.order_by("pk").annotate(source_total=Count("sources", distinct=True))
    for event in events:
        try:
            event.move_to(target, request.user, source_count=event.source_total)
        except ValidationError as error:
            modeladmin.message_user(request, f"“{event}” was not {done}: {' '.join(error.messages)}", messages.ERROR)
            continue
        event._history_user = request.user
        event._change_reason = f"{done.capitalize()} (bulk action)."
        event.save()
        modeladmin.log_change(request, event, f"{done.capitalize()} (bulk action).")
        moved += 1
    if moved:
        noun = "event" if moved == 1 else "events"
        modeladmin.message_user(request, f"{moved} {noun} {done}.", messages.SUCCESS)


@admin.action(description="Submit selected events for review", permissions=["change"])
def submit_for_review(modeladmin, request, queryset):
    transition(modeladmin, request, queryset, State.IN_REVIEW, "submitted for review")


@admin.action(description="Send selected events back to draft", permissions=["change"])
def back_to_draft(modeladmin, request, queryset):
    transition(modeladmin, request, queryset, State.DRAFT, "sent back to draft")


@admin.action(description="Publish selected events", permissions=["publish"])
def publish(modeladmin, request, queryset):
    transition(modeladmin, request, queryset, State.PUBLISHED, "published")


@admin.action(description="Retract selected events", permissions=["publish"])
def retract(modeladmin, request, queryset):
    transition(modeladmin, request, queryset, State.RETRACTED, "retracted")


REVIEW_ACTIONS = [submit_for_review, back_to_draft, publish, retract]
