"""No lost edits: an event form carries the revision it was loaded at, and a save based on an
older revision is refused with what changed meanwhile.

The stored revision is read with SELECT ... FOR UPDATE inside the admin's save transaction, so on
PostgreSQL a second save of the same event waits for the first to commit and then sees its new
revision: two simultaneous saves cannot both pass. (SQLite has no row locks; it serialises writers
instead, and a writer whose snapshot went stale fails rather than overwrites.)
"""

from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from events.dates import format_date
from events.models import Event

# Fields that change on every save and say nothing to an editor.
BOOKKEEPING = ["revision", "updated_at", "created_at"]


def locked_revision(pk):
    """The stored revision of event `pk`, locked for the rest of the transaction; None if it is gone."""
    return Event.objects.select_for_update().filter(pk=pk).values_list("revision", flat=True).first()


def display_value(event, name):
    """How a field of `event` reads to an editor: labels for choices, dates with their precision."""
    field = Event._meta.get_field(name)
    if field.many_to_many:
        text = ", ".join(str(item) for item in getattr(event, name).all())
    elif name in ("started_on", "ended_on"):
        text = format_date(getattr(event, name), getattr(event, name.replace("_on", "_precision")))
    elif name == "features":
        labels = dict(Event.Feature.choices)
        text = ", ".join(str(labels.get(value, value)) for value in event.features or [])
    elif field.choices:
        text = getattr(event, f"get_{name}_display")()
    else:
        value = getattr(event, name)
        text = "" if value is None else str(value)
    return Truncator(text).chars(160) if text else "(empty)"


def conflict_message(pk, loaded_revision, change_url):
    """The refusal an editor sees: who saved meanwhile, which fields they changed, and their values now."""
    history = Event.history.filter(id=pk).select_related("history_user").order_by("-history_id")
    latest = history.first()
    base = history.filter(revision=loaded_revision).first() if loaded_revision is not None else None
    current = Event.objects.get(pk=pk)
    if base is None or latest is None:
        changed = []
        editors = []
    else:
        delta = latest.diff_against(base, excluded_fields=BOOKKEEPING)
        changed = [change.field for change in delta.changes]
        newer = history.filter(history_id__gt=base.history_id)
        editors = sorted({str(record.history_user) for record in newer if record.history_user})
    who = f" by {', '.join(editors)}" if editors else ""
    when = f" on {latest.history_date:%d %B %Y at %H:%M} UTC" if latest else ""
    intro = format_html(
        "Not saved: this event was changed{}{} after you opened it, and saving your version would "
        "overwrite that. Nothing has been overwritten; your edits are still in the form below. "
        '<a href="{}" target="_blank" rel="noopener">Open the current version</a> in a new tab and '
        "apply your changes there.",
        who,
        when,
        change_url,
    )
    if not changed:
        return intro
    items = format_html_join(
        "",
        "<li><strong>{}</strong> is now: {}</li>",
        ((Event._meta.get_field(name).verbose_name.capitalize(), display_value(current, name)) for name in changed),
    )
    return format_html("{}<br>Changed meanwhile:<ul>{}</ul>", intro, items)
