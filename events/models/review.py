"""The review workflow: the one state machine that every way of changing an event goes through.

An event is written as a draft, submitted for review, published by a publisher, and retracted
when it proves wrong. The table below says which state may follow which and who may make the
move; `refusal()` is asked by the admin's form (including a revert from history), its bulk
actions and its imports alike, so a rule changes here or nowhere.

- Publishing, retracting and any change to a published event need the `events.publish_event`
  permission (the Publishers group): changing what the public reads is publishing it again.
- A published event has at least one source.
- Programs (`load_seed`, the importers) pass no user: they act as the data's own publisher.
"""

from django.db import models


class ReviewState(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    RETRACTED = "retracted", "Retracted"


State = ReviewState
NEW = None  # the "state" of an event not yet saved

# (from, to): whether the move needs a publisher. A move that is not here is refused.
TRANSITIONS = {
    (NEW, State.DRAFT): False,
    (NEW, State.IN_REVIEW): False,
    (NEW, State.PUBLISHED): True,
    (State.DRAFT, State.IN_REVIEW): False,
    (State.IN_REVIEW, State.DRAFT): False,
    (State.IN_REVIEW, State.PUBLISHED): True,
    (State.PUBLISHED, State.RETRACTED): True,
    (State.RETRACTED, State.DRAFT): False,
}

PUBLISH_PERMISSION = "events.publish_event"

PUBLISHERS_ONLY = "Only publishers can publish, retract or change a published event; editors submit it for review."
NO_SOURCE = "An event cannot be published without a source: add at least one source first."
KEEP_A_SOURCE = "A published event keeps at least one source; retract it first."


def can_publish(user):
    """Programs (no user) act as the data's publisher; people need the permission."""
    return user is None or user.has_perm(PUBLISH_PERMISSION)


def can_edit(user, stored):
    """Whether `user` may change an event whose stored state is `stored` (NEW: not saved yet)."""
    return stored != State.PUBLISHED or can_publish(user)


def allowed_states(user, stored):
    """The states `user` may leave an event in whose stored state is `stored`, in workflow order."""
    return [state for state in State if refusal(user, stored, state) is None]


def refusal(user, stored, target):
    """Why `user` may not move an event from `stored` to `target`, or None when they may."""
    if target == stored:
        return None if can_edit(user, stored) else PUBLISHERS_ONLY
    needs_publisher = TRANSITIONS.get((stored, target))
    if needs_publisher is None:
        start = State(stored).label.lower() if stored else "new"
        return f"An event cannot go from {start} to {State(target).label.lower()}."
    if (needs_publisher or stored == State.PUBLISHED) and not can_publish(user):
        return PUBLISHERS_ONLY
    return None


def source_errors(stored, target, source_count):
    """{field: message} when an event with `source_count` sources (None: not known yet) may not be
    in `target`: the evidence rule alone, which the model's own validation applies too."""
    if target == State.PUBLISHED and source_count == 0:
        return {"sources": KEEP_A_SOURCE} if stored == State.PUBLISHED else {"review_state": NO_SOURCE}
    return {}


def errors(user, stored, target, source_count):
    """{field: message} for a move by `user`; empty when it may go ahead."""
    reason = refusal(user, stored, target)
    if reason:
        return {"review_state": reason}
    return source_errors(stored, target, source_count)
