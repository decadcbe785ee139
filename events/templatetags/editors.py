"""Template helpers for the editors' admin (the public pages' are in tracker.py)."""

from django import template

from events.admin.site import review_queue as queue

register = template.Library()


@register.simple_tag(takes_context=True)
def review_queue(context):
    """The review queue for the admin's home page (events/admin/site.py); empty for whoever may not
    see events."""
    if not context["request"].user.has_perm("events.view_event"):
        return []
    return queue()
