"""The event form: features as checkboxes, the review states this editor may choose (the workflow's,
events/models/review.py), the revision it was loaded at (see locking.py), a duplicate check on
creation, and no publication without a source counting the sources submitted with it."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME

from events.dates import format_date
from events.models import Event, review

from .locking import conflict_message, locked_revision

State = Event.ReviewState


def editable_fields(model):
    """Every field an editor writes, in the model's order: a new field is on the form, in imports
    and exports from its migration on."""
    fields = (*model._meta.concrete_fields, *model._meta.many_to_many)
    return [f.name for f in fields if f.editable and not f.primary_key]


class EventAdminForm(forms.ModelForm):
    """The admin's event form. `user` is set on the class by EventAdmin.get_form for each request."""

    user = None

    features = forms.MultipleChoiceField(
        choices=Event.Feature.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="What of the apps is hit. Tick Everything for a full block.",
    )
    loaded_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    not_a_duplicate = forms.BooleanField(
        required=False,
        widget=forms.HiddenInput,
        label="Not a duplicate: save it",
    )

    class Meta:
        model = Event
        fields = editable_fields(Event)  # EventAdmin.fieldsets lays them out
        # Short enough for the date and its precision to sit side by side.
        help_texts = {"started_on": "When it took effect (a month or year: its first day)."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The stored state and revision, read now: the revert view hands the form a copy of an old
        # version, whose own state and revision are history, not what the editor is changing.
        stored = None
        if self.instance.pk:
            stored = Event.objects.filter(pk=self.instance.pk).values("review_state", "revision").first()
        self.stored_state = stored["review_state"] if stored else None
        if stored:
            # Also when bound, so that the field only counts as changed when the event did.
            self.initial["loaded_revision"] = stored["revision"]
        if getattr(self.instance, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None) is not None:
            self._start_from_history(getattr(self.instance, SIMPLE_HISTORY_REVERSE_ATTR_NAME))
        if "review_state" in self.fields:
            allowed = review.allowed_states(self.user, self.stored_state)
            field = self.fields["review_state"]
            field.choices = [(value, label) for value, label in State.choices if value in allowed]
            field.error_messages["invalid_choice"] = (
                "You cannot move this event to that state: editors submit for review; "
                "only publishers publish and retract."
            )
            field.help_text = self._review_help(allowed)

    def _start_from_history(self, record):
        """Reverting restores an old version's content and its apps and sources; the review state
        stays where it is now (moving it is a separate, deliberate step)."""
        self.initial["apps"] = [row.app_id for row in record.apps.all()]
        self.initial["sources"] = [row.source_id for row in record.sources.all()]
        if self.stored_state:
            self.initial["review_state"] = self.stored_state

    def _review_help(self, allowed):
        if review.can_publish(self.user):
            return "Only published events are public. Publishing needs at least one source."
        if State.PUBLISHED not in allowed:
            return (
                "Only published events are public. When the event is ready, choose In review: "
                "a publisher checks and publishes it."
            )
        return "Only published events are public."

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            self._check_revision(cleaned)
        self._check_review_state(cleaned)
        if not self.instance.pk:
            self._check_duplicate(cleaned)
        return cleaned

    def _check_revision(self, cleaned):
        """Refuse a save based on an older revision; the row stays locked until this save commits."""
        current = locked_revision(self.instance.pk)
        loaded = cleaned.get("loaded_revision")
        if current is None or loaded == current:
            return
        change_url = reverse("admin:events_event_change", args=[self.instance.pk])
        raise ValidationError(conflict_message(self.instance.pk, loaded, change_url), code="stale")

    def _check_review_state(self, cleaned):
        """The workflow's refusal, if any; the model's own check then counts the submitted sources."""
        self.instance.stored_review_state = self.stored_state
        if "sources" in cleaned:
            self.instance.pending_sources = cleaned["sources"]
        target = cleaned.get("review_state")
        reason = target and review.refusal(self.user, self.stored_state, target)
        if reason:
            self.add_error("review_state", reason)

    def _check_duplicate(self, cleaned):
        """Warn before creating what looks like an existing event; the editor confirms or opens it."""
        country, apps, started_on = cleaned.get("country"), cleaned.get("apps"), cleaned.get("started_on")
        if not (country and apps and started_on) or cleaned.get("not_a_duplicate"):
            return
        matches = list(Event.objects.possible_duplicates(country, started_on, apps)[:5])
        if not matches:
            return
        self.fields["not_a_duplicate"].widget = forms.CheckboxInput()
        links = format_html_join(
            ", ",
            '<a href="{}" target="_blank" rel="noopener">{}</a> ({})',
            (
                (
                    reverse("admin:events_event_change", args=[event.pk]),
                    event.title,
                    event.get_review_state_display().lower(),
                )
                for event in matches
            ),
        )
        message = format_html(
            "Possible duplicate of {}: same country, an app in common and the same start date ({}). "
            "Open it to check; if this is a different event, tick the box and save again.",
            links,
            format_date(started_on, cleaned.get("started_precision") or "day"),
        )
        self.add_error("not_a_duplicate", ValidationError(message, code="duplicate"))
