"""Who may move an event along the review workflow, decided once for the form, the actions and imports.

The states and which may follow which are the model's (`Event.TRANSITIONS`); this module adds the
people: publishing and retracting need the `events.publish_event` permission (the Publishers group),
and a published event is changed only by a publisher, since changing what the public reads is
publishing it again. Everything else is open to anyone who may change events (the Editors group).
"""

from django.core.exceptions import ValidationError

from events.models import Event

State = Event.ReviewState

# Moving an event into one of these needs the publish permission.
PUBLISHER_ONLY = frozenset({State.PUBLISHED, State.RETRACTED})

# A new event starts as a draft or goes straight to review; it is published from there.
INITIAL_STATES = (State.DRAFT, State.IN_REVIEW)

PUBLISH_PERMISSION = "events.publish_event"


def can_publish(user):
    return user.has_perm(PUBLISH_PERMISSION)


def can_edit(user, event):
    """Whether `user` may change `event` at all (given they may change events)."""
    return event is None or event.review_state != State.PUBLISHED or can_publish(user)


def allowed_states(user, current):
    """The review states `user` may leave an event in, whose stored state is `current` (None: new)."""
    targets = set(INITIAL_STATES) if current is None else {current, *Event.TRANSITIONS.get(current, ())}
    if not can_publish(user):
        targets -= PUBLISHER_ONLY - {current}
    return [state for state in State if state in targets]


def refusal(user, current, target):
    """Why `user` may not move an event from `current` (None: new) to `target`, or None if they may."""
    if target == current:
        return None
    if not can_publish(user) and (target in PUBLISHER_ONLY or current == State.PUBLISHED):
        return "Only publishers can publish or retract an event; editors submit it for review."
    if target not in allowed_states(user, current):
        start = State(current).label.lower() if current else "new"
        return f"An event cannot go from {start} to {State(target).label.lower()}."
    return None


def move(user, event, target, source_count=None):
    """Move `event` to `target` for `user`, or raise ValidationError saying why not."""
    reason = refusal(user, event.review_state, target)
    if reason:
        raise ValidationError({"review_state": reason})
    event.transition_to(target, source_count=source_count)
