"""History in the admin: simple-history's views, with one entry per save and readable diffs.

simple-history shows who changed what and when, with a field-level diff, and reverts to an old
version. Two things make it read better for editors here: a save that also changes many-to-many
fields (an event's apps and sources) is recorded once, not once for the fields and again for each
relation; and the diff shows choice labels rather than stored values, and whole values, wrapped.
"""

import json

from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.db import models, router, transaction
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper, ObjDiffDisplay, conditional_str


class WholeValues(ObjDiffDisplay):
    """Old and new values as they are: simple-history cuts both to 100 characters around the first
    difference ("Russia[40 chars]blocks"), which hides what an edit to a summary did."""

    def common_shorten_repr(self, *args):
        return tuple(map(conditional_str, args))


class ReadableChanges(HistoricalRecordContextHelper):
    """'Review state: Draft → In review' rather than 'draft → in_review', and whole values (the
    history page wraps long ones, templates/admin/history/)."""

    def get_obj_diff_display(self):
        return WholeValues()

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if field.choices and not field.many_to_many:
            return dict(field.flatchoices).get(value, value)
        choices = getattr(getattr(self.model, "Feature", None), "choices", None)
        if change.field == "features" and choices and isinstance(value, list):
            labels = dict(choices)
            return [str(labels.get(item, item)) for item in value]
        return super().prepare_delta_change_value(change, value)


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin that records one history entry per admin save and shows readable diffs."""

    object_history_template = "admin/history/object_history.html"
    object_history_list_template = "admin/history/object_history_list.html"
    # An address typed without a scheme is taken as https:// (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting is changing the record as it is now: refused to whoever may not change it
        # (simple-history itself asks only for the history permissions).
        if request.method == "POST" and not self.has_change_permission(request, self.get_object(request, object_id)):
            raise PermissionDenied
        # The revert view saves outside the transaction Django's change view opens; the event form
        # locks the row it checks (SELECT ... FOR UPDATE), which needs one.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        obj._history_mark = self._latest_history_id(obj) if change else 0
        super().save_model(request, obj, form, change)

    def log_addition(self, request, obj, message):
        # Called after the object and all its relations are saved, in both the change and the revert view.
        self._collapse_history(obj, self._reason(request, message))
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._collapse_history(obj, self._reason(request, message))
        return super().log_change(request, obj, message)

    @staticmethod
    def _reason(request, message):
        """The admin's own summary ("Changed Title and Review state.") as the entry's change reason."""
        if "/history/" in request.path:
            # The revert form starts from the old version, so the admin sees no "changed" fields in it.
            return "Reverted to an earlier version."
        text = (
            message if isinstance(message, str) else LogEntry(change_message=json.dumps(message)).get_change_message()
        )
        return Truncator(text or "Saved without changes.").chars(100)

    @staticmethod
    def _latest_history_id(obj):
        return obj.history.order_by("-history_id").values_list("history_id", flat=True).first() or 0

    @staticmethod
    def _collapse_history(obj, reason):
        """Keep only the last history entry written since save_model, with the save's summary: it
        holds the final state of the fields and of the many-to-many relations; the ones before it
        are steps of the same save."""
        mark = getattr(obj, "_history_mark", None)
        if mark is None:
            return
        del obj._history_mark
        rows = list(
            obj.history.filter(history_id__gt=mark).order_by("history_id").values_list("history_id", "history_type")
        )
        if not rows:
            return
        obj.history.filter(history_id__in=[row[0] for row in rows[:-1]]).delete()
        obj.history.filter(history_id=rows[-1][0]).update(history_type=rows[0][1], history_change_reason=reason)
