"""Atom feeds of published events (all of them, one country's, one app's) and of the status changes.

Entries are ordered by when the record last changed, so a correction reaches subscribers as an
updated entry (same id, new `updated`). Two queries per feed whatever its length (for_listing).
What they print is cleaned of control characters, which XML cannot hold (events/text.py).
"""

import datetime
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from events.dates import format_date
from events.models import App, Country, Event
from events.status_query import ChangesQuery
from events.status_steps import changes_between

from .redirects import record_or_moved
from .templatetags.tracker import period, short_kind
from .text import clean_line, clean_text
from .views.meta import SITE_NAME, plain_bad_request
from .views.status import CHANGE_WORDS

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


class StatusChangesFeed(Feed):
    """/status/changes/feed/?from=&to=&country=: the changes page as Atom, newest change first.

    An entry is one pair's change (events/status_steps.py changes_between); its id names the pair, the
    change and the day it took effect, so the same change keeps its id as the window moves on.
    Bad parameters answer 400 with the reasons, as the page does.
    """

    feed_type = Atom1Feed
    author_name = SITE_NAME
    feed_copyright = EventFeed.feed_copyright

    def __call__(self, request, *args, **kwargs):
        _wanted, errors = ChangesQuery.read(request.GET)
        return plain_bad_request(errors) if errors else super().__call__(request, *args, **kwargs)

    def get_object(self, request):
        wanted = ChangesQuery.read(request.GET)[0]  # the feed's one object: {start, end, country}
        return {**wanted, "base": request.build_absolute_uri(reverse("status-changes"))}

    def title(self, obj):
        start, end = (format_date(obj[name], "day") for name in ("start", "end"))
        return f"{SITE_NAME}: what changed from {start} to {end}"

    def subtitle(self, obj):
        return "Measures imposed, lifted, escalated, eased or corrected, by country and app."

    def link(self, obj):
        params = {"from": obj["start"].isoformat(), "to": obj["end"].isoformat()}
        if obj["country"]:
            params["country"] = ",".join(obj["country"])
        return f"{reverse('status-changes')}?{urlencode(params)}"

    def items(self, obj):
        changes = sorted(changes_between(obj["start"], obj["end"], obj["country"]), key=lambda c: c.on, reverse=True)
        for change in changes[:FEED_LENGTH]:
            # An absolute IRI, as Atom asks, naming the pair, the change and its day: the same
            # change keeps its id whatever the window.
            # Two corrections of one event in a day are two entries.
            detail = f"-{change.corrected_event}-{change.corrected_at:%H%M%S}" if change.corrected_event else ""
            what = f"{change.country.lower()}-{change.app or 'network'}-{change.change}-{change.on.isoformat()}"
            change.guid = f"{obj['base']}#{what}{detail}"
        return changes[:FEED_LENGTH]

    def item_title(self, item):
        what = item.app_name or "the network"
        return clean_line(f"{CHANGE_WORDS[item.change]}: {what} in {item.country_name}")

    def item_description(self, item):
        if item.change == "corrected":
            said = "; ".join(f"{label}: {old or 'blank'} → {new or 'blank'}" for label, old, new in item.corrections)
        else:
            said = ", ".join(
                f"{when} {short_kind(state.kind).lower()} since {format_date(*state.since)}"
                for when, state in (("was", item.before), ("now", item.after))
                if state
            )
        on = f" On {format_date(item.on, item.on_precision)}."
        return clean_text(f"{said}.{on} Events: {', '.join(map(str, item.event_ids))}.")

    def item_link(self, item):
        if item.app:
            return reverse("pair-detail", args=[item.country.lower(), item.app])
        return reverse("country-detail", args=[item.country.lower()])

    def item_guid(self, item):
        return item.guid

    item_guid_is_permalink = False

    def item_updateddate(self, item):
        return datetime.datetime.combine(item.on, datetime.time(), tzinfo=datetime.UTC)

    def item_categories(self, item):
        return [clean_line(name) for name in (CHANGE_WORDS[item.change], item.country_name, item.app_name) if name]
