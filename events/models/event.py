"""Events: one measure taken in one country against apps or their owner."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from events import search as full_text
from events.dates import Precision, format_date, precision_error
from events.text import CleanText

from . import review
from .evidence import Source, Statement
from .reference import App, Authority, Country, Owner
from .review import ReviewState
from .visibility import is_public


def active_on_condition(day, prefix=""):
    """The rule of active_on() as a Q, for aggregates (`Count(..., filter=)`) and joins (prefix "event__").

    In force on `day`: started by then, more than announced, and either not ended before it or,
    for a measure whose status is unknown and that has no end date, confirmed on or after it by a
    source (`last_confirmed_on`, its start day when blank). After that such a measure is "status
    unknown" (unknown_on), never in force: the records do not say it still is.
    """
    p = prefix
    unknown = Event.Status.UNKNOWN
    return (
        Q(**{f"{p}started_on__lte": day})
        & ~Q(**{f"{p}status": Event.Status.ANNOUNCED})
        & (
            Q(**{f"{p}ended_on__gte": day})
            | (Q(**{f"{p}ended_on__isnull": True}) & ~Q(**{f"{p}status": unknown}))
            | Q(**{f"{p}ended_on__isnull": True, f"{p}status": unknown, f"{p}last_confirmed_on__gte": day})
            | Q(
                **{
                    f"{p}ended_on__isnull": True,
                    f"{p}status": unknown,
                    f"{p}last_confirmed_on__isnull": True,
                    f"{p}started_on__gte": day,
                }
            )
        )
    )


def unknown_on_condition(day, prefix=""):
    """Status unknown on `day`: an unknown measure with no end date whose last confirmation is past."""
    p = prefix
    return Q(**{f"{p}status": Event.Status.UNKNOWN, f"{p}ended_on__isnull": True, f"{p}started_on__lt": day}) & ~Q(
        **{f"{p}last_confirmed_on__gte": day}
    )


def overdue_condition(day, prefix=""):
    """confirmation_overdue() as a Q: in force, no end, last confirmed more than the period before `day`."""
    p = prefix
    cutoff = day - timedelta(days=settings.CONFIRMATION_MAX_AGE_DAYS)
    return Q(**{f"{p}status": Event.Status.IN_FORCE, f"{p}ended_on__isnull": True}) & (
        Q(**{f"{p}last_confirmed_on__lt": cutoff})
        | Q(**{f"{p}last_confirmed_on__isnull": True, f"{p}started_on__lt": cutoff})
    )


def confirmation_overdue(status, ended_on, last_confirmed_on, started_on, today=None):
    """True for a measure said to be in force that no source has confirmed for longer than
    CONFIRMATION_MAX_AGE_DAYS (12 months by default): its page and the API say so. Takes the
    columns rather than an event, for the API's records (events/api/shape.py)."""
    if status != Event.Status.IN_FORCE or ended_on:
        return False
    confirmed = last_confirmed_on or started_on
    return ((today or timezone.localdate()) - confirmed).days > settings.CONFIRMATION_MAX_AGE_DAYS


class EventQuerySet(models.QuerySet):
    """Every caller (API, pages, feeds, exports) builds on these, so the rules live here once."""

    def public(self):
        """Only published events exist for the public, the API and every export (visibility.py)."""
        return self.filter(is_public())

    def with_related(self):
        """Everything an event's display needs, in a fixed number of queries whatever the count.

        select_related covers the to-one relations in the main query; each prefetch is one query
        for the whole page (apps with their owners, sources, statements with their source, and the
        published related events only, so a draft never leaks through a published one).
        """
        return self.select_related("country", "owner", "authority", "promoted_alternative").prefetch_related(
            Prefetch("apps", queryset=App.objects.select_related("owner").order_by("name")),
            Prefetch("sources", queryset=Source.objects.order_by("published_on", "id")),
            Prefetch("statements", queryset=Statement.objects.select_related("source").order_by("said_on", "id")),
            Prefetch(
                "related",
                queryset=Event.objects.public().select_related("country").order_by("started_on", "id"),
            ),
        )

    def for_listing(self):
        """What a line in a list (timeline, feeds, search) shows, in two queries whatever the count.

        The to-one relations a line names ride in the main query; the apps with their owners are
        one prefetch. Sources, statements and related events are left to with_related().
        """
        return self.select_related("country", "owner", "authority", "promoted_alternative").prefetch_related(
            Prefetch("apps", queryset=App.objects.select_related("owner").order_by("name")),
        )

    def active_on(self, day):
        """In force on `day`: started by then, not ended before it, and more than announced."""
        return self.filter(active_on_condition(day))

    def in_force_now(self):
        return self.active_on(timezone.localdate())

    def unknown_on(self, day):
        """Status unknown on `day` (see unknown_on_condition): shown in a place of their own."""
        return self.filter(unknown_on_condition(day))

    def for_countries(self, codes):
        return self.filter(country_id__in=[code.upper() for code in codes])

    def for_apps(self, slugs):
        """Events whose apps include any of `slugs`; Exists avoids duplicate rows from the join."""
        through = Event.apps.through.objects.filter(event_id=OuterRef("pk"), app__slug__in=slugs)
        return self.filter(Exists(through))

    def for_owners(self, slugs):
        """Events that target one of the owners, or any app that one of them owns."""
        owned_app = Event.apps.through.objects.filter(event_id=OuterRef("pk"), app__owner__slug__in=slugs)
        return self.filter(Q(owner__slug__in=slugs) | Exists(owned_app))

    def for_app_ids(self, ids):
        """As for_apps(), by id: PostgreSQL keeps statistics per app id, not per slug, so with ids it
        knows WhatsApp is in a fifth of the events and reads the newest ones by index instead of
        sorting all of them (the app pages)."""
        return self.filter(Exists(Event.apps.through.objects.filter(event_id=OuterRef("pk"), app_id__in=ids)))

    def for_owner_ids(self, owner_ids, app_ids):
        """As for_owners(), by the owners' ids and their apps' ids (see for_app_ids)."""
        owned_app = Event.apps.through.objects.filter(event_id=OuterRef("pk"), app_id__in=app_ids)
        return self.filter(Q(owner_id__in=owner_ids) | Exists(owned_app))

    def possible_duplicates(self, country, started_on, apps):
        """Events with the same country and start date and an app in common: what the admin's form
        and its imports ask an editor to confirm before creating another (newest first)."""
        return self.filter(country=country, started_on=started_on, apps__in=apps).distinct().order_by("-id")

    def for_authorities(self, slugs):
        return self.filter(authority__slug__in=slugs)

    def search(self, query):
        """The events whose words, or the names of their country, owner, authority and apps,
        match `query`: a text in the web's search syntax or an events.search.Search."""
        if not isinstance(query, full_text.Search):
            query = full_text.understand(query)
        return full_text.matching(self, query)


class Event(CleanText):
    """One measure taken in one country against apps or their owner, with its evidence."""

    class Kind(models.TextChoices):
        FULL_BLOCK = "full_block", "Full block"
        PARTIAL_BLOCK = "partial_block", "Partial block (throttling, some networks or regions)"
        FEATURE_RESTRICTION = "feature_restriction", "Feature restriction (e.g. calls only)"
        APP_STORE_REMOVAL = "app_store_removal", "Removal from app stores"
        LEGAL_DESIGNATION = "legal_designation", "Legal designation (e.g. extremist)"
        NETWORK_SHUTDOWN = "network_shutdown", "Network shutdown"
        OTHER = "other", "Other"

    class Feature(models.TextChoices):
        MESSAGES = "messages", "Messages"
        VOICE_CALLS = "voice_calls", "Voice calls"
        VIDEO_CALLS = "video_calls", "Video calls"
        MEDIA = "media", "Media"
        APP_STORE = "app_store", "App store listing"
        WEBSITE = "website", "Website"
        ALL = "all", "Everything"

    class Status(models.TextChoices):
        ANNOUNCED = "announced", "Announced"
        IN_FORCE = "in_force", "In force"
        LIFTED = "lifted", "Lifted"
        UNKNOWN = "unknown", "Unknown"

    # The review workflow's states; which may follow which, and who may move them, is review.py's.
    ReviewState = ReviewState

    title = models.CharField(max_length=300, help_text="One line saying what was done, e.g. Russia blocks WhatsApp.")
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="events", help_text="Where the measure applies."
    )
    apps = models.ManyToManyField(
        App, blank=True, related_name="events", help_text="The apps the measure hits; none for a network shutdown."
    )
    owner = models.ForeignKey(
        Owner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targeted_events",
        help_text="The company targeted as such, e.g. by an extremist designation.",
    )
    scope = models.CharField(
        max_length=500,
        blank=True,
        help_text="Where it applies when not in the whole country: regions, cities or networks, "
        "e.g. Jammu and Kashmir, or MTS and Beeline. Blank: nationwide.",
    )
    kind = models.CharField(max_length=30, choices=Kind.choices, help_text="What sort of measure it is.")
    features = models.JSONField(
        default=list,
        blank=True,
        help_text="What of the apps is hit: any of " + ", ".join(Feature.values) + ".",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.IN_FORCE, help_text="Where the measure stands now."
    )
    started_on = models.DateField(
        help_text="When it took effect (or takes effect). A date known to the month or year is its first day."
    )
    started_precision = models.CharField(
        max_length=10,
        choices=Precision.choices,
        default=Precision.DAY,
        help_text="How much of the start date is known.",
    )
    ended_on = models.DateField(null=True, blank=True, help_text="When it was lifted; blank while in force.")
    ended_precision = models.CharField(
        max_length=10, choices=Precision.choices, blank=True, help_text="How much of the end date is known."
    )
    announced_on = models.DateField(null=True, blank=True, help_text="When it was announced, if that differs.")
    last_confirmed_on = models.DateField(
        null=True,
        blank=True,
        help_text="The last day a source confirms the measure was still in force. A measure whose status is "
        "unknown counts as in force only up to this day (its start day when blank).",
    )
    authority = models.ForeignKey(
        Authority,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        help_text="Who ordered or carried it out.",
    )
    authority_note = models.CharField(
        max_length=1000,
        blank=True,
        help_text="Who ordered it, in the source's words, when that says more than the authority's name.",
    )
    legal_basis = models.CharField(max_length=500, blank=True, help_text="The law or decision invoked, e.g. 272-FZ.")
    stated_reason = models.TextField(
        blank=True, help_text="The reason the authorities gave, in their words where possible."
    )
    summary = models.TextField(max_length=1000, blank=True, help_text="Two or three sentences for lists and feeds.")
    description = models.TextField(blank=True, help_text="The full account, with context.")
    users_affected = models.PositiveBigIntegerField(null=True, blank=True, help_text="How many users it affects.")
    users_affected_note = models.CharField(
        max_length=500, blank=True, help_text="Whose estimate that number is, and from which source."
    )
    sources = models.ManyToManyField(
        Source, blank=True, related_name="events", help_text="The evidence. A published event needs at least one."
    )
    promoted_alternative = models.ForeignKey(
        App,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="promoted_by_events",
        help_text="The app the authorities push people towards instead, e.g. MAX.",
    )
    related = models.ManyToManyField(
        "self", blank=True, help_text="Other events this one follows from or belongs with."
    )
    review_state = models.CharField(
        max_length=20,
        choices=ReviewState.choices,
        default=ReviewState.DRAFT,
        help_text="Only published events are public anywhere.",
    )
    import_key = models.CharField(
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="Identifier of the record in the dataset it was imported from; re-imports update it.",
    )
    revision = models.PositiveIntegerField(
        default=0, editable=False, help_text="Goes up by one on every save; an edit based on an older one is refused."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, help_text="When the record last changed.")
    history = HistoricalRecords(m2m_fields=[apps, sources])

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "-id"]
        permissions = [("publish_event", "Can publish and retract events")]
        indexes = [
            # The public list, newest start first (API default order, home page, timeline).
            models.Index(
                fields=["-started_on", "-id"],
                condition=is_public(),
                name="event_public_started_idx",
            ),
            # Search (events/search.py): the matching documents' ids checked as public, and their
            # start dates read for the order, without the wide rows (index-only).
            models.Index(
                fields=["id"],
                include=["started_on"],
                condition=is_public(),
                name="event_public_id_idx",
            ),
            # The public pages' sums (home page totals, in force per country, chart rows per app or
            # country): narrow enough for index-only scans instead of reading the wide rows.
            models.Index(
                fields=["country", "started_on"],
                include=["id", "ended_on", "status", "kind", "owner"],
                condition=is_public(),
                name="event_public_span_idx",
            ),
            # ?country=RU, country pages; ordered by start within the country.
            models.Index(fields=["country", "-started_on"], name="event_country_started_idx"),
            # A country's network shutdowns in force (the status API's records of the network): the
            # planner otherwise joined the country's events with every shutdown anywhere.
            models.Index(
                fields=["country", "kind", "started_on"], name="event_country_kind_started_idx", condition=is_public()
            ),
            # ?kind= and ?status= filters and stats by kind.
            models.Index(fields=["kind", "-started_on"], name="event_kind_started_idx"),
            models.Index(fields=["status"], name="event_status_idx"),
            # ?active_on= and ordering=ended_on: the end date bounds "in force on D".
            models.Index(fields=["ended_on", "started_on"], name="event_ended_idx"),
            # ordering=updated_at, feeds, and Last-Modified of lists.
            models.Index(fields=["updated_at"], name="event_updated_idx"),
            # The admin's change list filters by review state first.
            models.Index(fields=["review_state", "-updated_at"], name="event_review_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.revision += 1
        super().save(*args, **kwargs)
        self.stored_review_state = self.review_state

    def get_absolute_url(self):
        return reverse("event-detail", args=[self.pk])

    def clean(self):
        errors = {}
        for field in ("started", "ended"):
            message = precision_error(getattr(self, f"{field}_on"), getattr(self, f"{field}_precision"))
            if message:
                errors[f"{field}_on"] = message
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            errors["ended_on"] = (
                f"The end date ({self.ended_on:%Y-%m-%d}) is before the start date ({self.started_on:%Y-%m-%d})."
            )
        if self.last_confirmed_on and self.started_on and self.last_confirmed_on < self.started_on:
            errors["last_confirmed_on"] = (
                f"The last confirmation ({self.last_confirmed_on:%Y-%m-%d}) is before the start "
                f"({self.started_on:%Y-%m-%d}): a source can only confirm a measure once it has started."
            )
        if self.ended_on and not self.ended_precision:
            self.ended_precision = Precision.DAY
        if not self.ended_on and self.ended_precision:
            self.ended_precision = ""
        if self.status == self.Status.LIFTED and not self.ended_on:
            errors["ended_on"] = "A lifted measure needs the date it was lifted (a month or year will do)."
        unknown = sorted(set(self.features or []) - set(self.Feature.values))
        if unknown or not isinstance(self.features, list):
            errors["features"] = (
                f"Unknown feature(s) {', '.join(map(str, unknown))}; use {', '.join(self.Feature.values)}."
            )
        errors.update(review.source_errors(self.stored_review_state, self.review_state, self.source_count()))
        if errors:
            raise ValidationError(errors)

    @property
    def started_display(self):
        return format_date(self.started_on, self.started_precision)

    @property
    def ended_display(self):
        return format_date(self.ended_on, self.ended_precision)

    def in_force_on(self, day):
        """active_on_condition() for one loaded event, for a history computed in Python (a pair's
        steps); tests/test_status_edges.py checks that the two agree case by case."""
        if self.started_on > day or self.status == self.Status.ANNOUNCED:
            return False
        if self.ended_on:
            return self.ended_on >= day
        if self.status == self.Status.UNKNOWN:
            return (self.last_confirmed_on or self.started_on) >= day
        return True

    @property
    def confirmation_overdue(self):
        return confirmation_overdue(self.status, self.ended_on, self.last_confirmed_on, self.started_on)

    @property
    def unknown_since(self):
        """For a measure of unknown status with no end date: the day after its last confirmation."""
        if self.status != self.Status.UNKNOWN or self.ended_on:
            return None
        since = (self.last_confirmed_on or self.started_on) + timedelta(days=1)
        return since if since <= timezone.localdate() else None  # still within its confirmation

    @property
    def is_public(self):
        return self.review_state == ReviewState.PUBLISHED

    # The sources the event is about to be saved with, set by a form or an import that knows them
    # before the many-to-many rows are written (see source_count).
    pending_sources = None
    # The review state in the database, for the workflow's rules: set when the row is loaded (and
    # by the admin's form, whose instance may be a version from history).
    stored_review_state = review.NEW

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance.stored_review_state = instance.__dict__.get("review_state", review.NEW)
        return instance

    def source_count(self):
        """The sources the event has or is about to have; None when not known (new, nothing pending)."""
        if self.pending_sources is not None:
            return len(self.pending_sources)
        return self.sources.count() if self.pk else None

    def move_to(self, target, user=None, source_count=None):
        """Move along the review workflow (review.py) for `user`, or raise ValidationError saying why not.

        `source_count` lets a caller that already counted the sources (a bulk action) pass them.
        """
        if target == self.stored_review_state:
            raise ValidationError({"review_state": f"It is already {self.get_review_state_display().lower()}."})
        count = self.source_count() if source_count is None else source_count
        found = review.errors(user, self.stored_review_state, target, count or 0)
        if found:
            raise ValidationError(found)
        self.review_state = target
