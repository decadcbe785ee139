"""The admin site itself: its sign-in form and the review queue on its home page."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from events.models import Event

State = Event.ReviewState
NOT_AN_EDITOR = "This account is not an editor's account: ask an administrator for access."


class EditorAuthenticationForm(AdminAuthenticationForm):
    """Django's admin sign-in, saying why a non-staff account is refused.

    confirm_login_allowed runs only once authenticate() has accepted the password, so the message
    tells nothing to someone guessing: a wrong password still gets Django's usual answer and
    counts towards django-axes' lockout (tracker/lockout.py), which is checked before any of this.
    """

    error_messages = {**AdminAuthenticationForm.error_messages, "not_an_editor": NOT_AN_EDITOR}

    def confirm_login_allowed(self, user):
        if user.is_active and not user.is_staff:
            raise ValidationError(self.error_messages["not_an_editor"], code="not_an_editor")
        super().confirm_login_allowed(user)


def review_queue(today=None):
    """What waits for editors and publishers, in one query, with a link to each list.

    [(label, count, change list URL)]: events in review (and those of them without a source,
    which cannot be published yet), drafts, published and retracted events, and two checks on the
    dates (said to be in force though ended, or though not started yet).
    """
    today = today or timezone.localdate()
    in_force = Q(status=Event.Status.IN_FORCE)
    has_source = Exists(Event.sources.through.objects.filter(event=OuterRef("pk")))
    counts = Event.objects.aggregate(
        in_review=Count("pk", filter=Q(review_state=State.IN_REVIEW)),
        in_review_unsourced=Count("pk", filter=Q(review_state=State.IN_REVIEW) & ~has_source),
        draft=Count("pk", filter=Q(review_state=State.DRAFT)),
        published=Count("pk", filter=Q(review_state=State.PUBLISHED)),
        retracted=Count("pk", filter=Q(review_state=State.RETRACTED)),
        ended=Count("pk", filter=in_force & Q(ended_on__lt=today)),
        not_started=Count("pk", filter=in_force & Q(started_on__gt=today)),
    )
    changelist = reverse("admin:events_event_changelist")
    state, day = "review_state__exact", today.isoformat()
    rows = [
        ("in review", "in_review", f"{state}={State.IN_REVIEW}"),
        ("in review without a source", "in_review_unsourced", f"{state}={State.IN_REVIEW}&sources__isnull=True"),
        ("drafts", "draft", f"{state}={State.DRAFT}"),
        ("published", "published", f"{state}={State.PUBLISHED}"),
        ("retracted", "retracted", f"{state}={State.RETRACTED}"),
        ("in force with an end date in the past", "ended", f"status__exact=in_force&ended_on__lt={day}"),
        ("in force with a start date in the future", "not_started", f"status__exact=in_force&started_on__gt={day}"),
    ]
    return [(label, counts[key], f"{changelist}?{query}") for label, key, query in rows]
