"""Atom feeds of published events: all of them, one country's, one app's.

Entries are ordered by when the record last changed, so a correction reaches subscribers as an
updated entry (same id, new `updated`). Two queries per feed whatever its length (for_listing).
What they print is cleaned of control characters, which XML cannot hold (events/text.py).
"""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from events.models import App, Country, Event

from .redirects import record_or_moved
from .templatetags.tracker import period
from .text import clean_line, clean_text
from .views.meta import SITE_NAME

FEED_LENGTH = 50


class EventFeed(Feed):
    """The latest published events, newest change first."""

    feed_type = Atom1Feed
    author_name = SITE_NAME
    feed_copyright = "Records CC BY 4.0; imported records keep their upstream credit."

    def title(self, obj=None):
        return f"{SITE_NAME}: latest events"

    def subtitle(self, obj=None):
        return "Government measures that block, throttle or restrict apps, with their sources."

    def link(self, obj=None):
        return reverse("timeline")

    def events(self, obj):
        return Event.objects.public().for_listing()

    def items(self, obj=None):
        return self.events(obj).order_by("-updated_at", "-id")[:FEED_LENGTH]

    def item_title(self, item):
        return clean_line(item.title)

    def item_description(self, item):
        apps = ", ".join(app.name for app in item.apps.all())
        facts = f"{item.get_kind_display()} in {item.country.name}" + (f" ({apps})" if apps else "")
        facts += f", {period(item)}. Status: {item.get_status_display().lower()}."
        return clean_text(f"{facts} {item.summary}".strip())

    def item_link(self, item):
        return item.get_absolute_url()

    def item_updateddate(self, item):
        return item.updated_at

    def item_pubdate(self, item):
        return item.created_at

    def item_categories(self, item):
        return [
            clean_line(name)
            for name in (item.get_kind_display(), item.country.name, *(a.name for a in item.apps.all()))
        ]


class CountryEventFeed(EventFeed):
    """Published events in one country (code in any case)."""

    def get_object(self, request, code):
        return get_object_or_404(Country.objects.public(), code=code.upper())

    def title(self, obj=None):
        return f"{SITE_NAME}: events in {clean_line(obj.name)}"

    def link(self, obj=None):
        return obj.get_absolute_url()

    def events(self, obj):
        return Event.objects.public().for_listing().filter(country=obj)


class AppEventFeed(EventFeed):
    """Published events against one app; the app must itself be public."""

    def get_object(self, request, slug):
        return record_or_moved(App.objects.public(), slug.lower(), request)

    def title(self, obj=None):
        return f"{SITE_NAME}: events about {clean_line(obj.name)}"

    def link(self, obj=None):
        return obj.get_absolute_url()

    def events(self, obj):
        return Event.objects.public().for_listing().for_app_ids([obj.pk])
