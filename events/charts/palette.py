"""One colour per kind of measure, shared by the charts and their HTML legends.

Each colour has at least 3:1 contrast against the white page (WCAG 1.4.11 for graphics), and
no chart relies on colour alone: every bar has a <title> and the table beside it names the kind.
"""

from events.models import Event

KIND_COLOURS = {
    Event.Kind.FULL_BLOCK: "#9b1c1c",
    Event.Kind.PARTIAL_BLOCK: "#c2410c",
    Event.Kind.FEATURE_RESTRICTION: "#a16207",
    Event.Kind.APP_STORE_REMOVAL: "#6b46c1",
    Event.Kind.LEGAL_DESIGNATION: "#2c5282",
    Event.Kind.NETWORK_SHUTDOWN: "#1f2937",
    Event.Kind.OTHER: "#4b5563",
}


def colour(kind):
    return KIND_COLOURS.get(kind, KIND_COLOURS[Event.Kind.OTHER])


def legend(kinds):
    """[(label, colour)] for the kinds present, in the order the model declares them."""
    present = set(kinds)
    return [(label, colour(value)) for value, label in Event.Kind.choices if value in present]
