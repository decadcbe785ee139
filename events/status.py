"""The status rule: what was in force against which app, in which country, on a given day.

Every surface that answers "what is blocked where on date D" (the API's /api/v1/status/, and the
status pages to come) asks this module, so the answer is the same everywhere:

- The measures of a (country, app) pair on D are the published events in force on D
  (Event.active_on: a measure of unknown status only up to its last confirmation) that name the
  app, and the owner-level measures (Meta's "extremist" designation) of the app's owner that name
  no app. An owner-level measure that names apps applies to those only (WhatsApp was exempted).
- The pair's kind is the strongest of its measures: full block > partial block > feature
  restriction > app-store removal > legal designation > other. Its features are those of the
  measures of that kind; "since" is the earliest start among them; its scope, authorities and
  event ids come with it, and every measure in force is listed in `events`.
- Network shutdowns are a state of the country (or of the regions in their scope), not a block of
  every app: they come as records without an app.

Two queries whatever the number of events: the app-level rows, and the owner-level measures with
the owners' public apps.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from events.dates import shifted
from events.models import App, Event
from events.models.event import active_on_condition
from events.models.review import ReviewState

K = Event.Kind
STRENGTH = [K.FULL_BLOCK, K.PARTIAL_BLOCK, K.FEATURE_RESTRICTION, K.APP_STORE_REMOVAL, K.LEGAL_DESIGNATION, K.OTHER]
RANK = {kind: rank for rank, kind in enumerate(STRENGTH)}

MEASURE_COLUMNS = (
    "id",
    "country_id",
    "country__name",
    "kind",
    "features",
    "started_on",
    "started_precision",
    "scope",
    "authority__slug",
    "authority__name",
    "ended_on",
    "status",
    "last_confirmed_on",
    "authority_id",
)


@dataclass
class Measure:
    id: int
    country: str
    country_name: str
    kind: str
    features: list
    started_on: object
    started_precision: str
    scope: str
    authority_slug: str | None
    authority_name: str | None
    ended_on: object = None
    status: str = ""
    last_confirmed_on: object = None
    authority_id: int | None = None

    def in_force_on(self, day):
        """Event.in_force_on for a measure read by measures_of (which leaves out announced ones)."""
        return self.started_on <= day and (self.last_day is None or self.last_day >= day)

    @property
    def overdue_from(self):
        """The first day its confirmation is overdue (models.event.confirmation_overdue): a measure
        said to be in force, with no end, that no source confirmed for CONFIRMATION_MAX_AGE_DAYS."""
        if self.status != Event.Status.IN_FORCE or self.ended_on:
            return None
        return shifted(self.last_confirmed_on or self.started_on, days=settings.CONFIRMATION_MAX_AGE_DAYS + 1)

    @property
    def last_day(self):
        """The last day it is in force (active_on_condition), or None while it has no end."""
        if self.ended_on:
            return self.ended_on
        if self.status == Event.Status.UNKNOWN:
            return self.last_confirmed_on or self.started_on
        return None


@dataclass
class PairStatus:
    """One country's state for one app (or, with app None, for its network) on a day."""

    country: str
    country_name: str
    app: str | None
    app_name: str | None
    measures: list = field(default_factory=list)
    overdue: bool = False  # every strongest measure's confirmation is overdue on the day (status_on sets it)

    @property
    def strongest(self):
        best = min(RANK.get(m.kind, len(RANK)) for m in self.measures)
        return [m for m in self.measures if RANK.get(m.kind, len(RANK)) == best]

    @property
    def kind(self):
        return self.strongest[0].kind

    @property
    def features(self):
        found = {feature for m in self.strongest for feature in m.features or []}
        if Event.Feature.ALL in found:
            return [Event.Feature.ALL.value]
        return [feature for feature in Event.Feature.values if feature in found]  # in the model's order

    @property
    def since(self):
        first = min(self.strongest, key=lambda m: (m.started_on, m.id))
        return first.started_on, first.started_precision

    @property
    def scope(self):
        scopes = sorted({m.scope for m in self.strongest})
        return "" if "" in scopes else "; ".join(scopes)  # any nationwide measure makes it nationwide

    @property
    def authorities(self):
        found = {(m.authority_slug, m.authority_name) for m in self.strongest if m.authority_slug}
        return [{"slug": slug, "name": name} for slug, name in sorted(found)]

    @property
    def event_ids(self):
        return sorted(m.id for m in self.measures)


def status_on(day, events=None):
    """[PairStatus] for `day`, ordered by country name then app name (network states last in a
    country); `events` narrows the published events considered (a filtered queryset)."""
    events = Event.objects.public() if events is None else events
    pairs = {}
    for country, country_name, _id, app, app_name, measure in measures_of(events.filter(active_on_condition(day))):
        key = (country, app)
        if key not in pairs:
            pairs[key] = PairStatus(country, country_name, app, app_name)
        pairs[key].measures.append(measure)
    for pair in pairs.values():
        pair.overdue = all(m.overdue_from is not None and m.overdue_from <= day for m in pair.strongest)
    return sorted(pairs.values(), key=lambda p: (p.country_name, p.app is None, (p.app_name or "").casefold()))


def measures_of(events):
    """(country, country name, app id, slug and name or Nones, Measure) for each pair each of `events`
    applies to: the apps it names; the owner's public apps for an owner-level measure naming
    none; the network (app None) for a shutdown, whatever apps it names. Two queries."""
    events = events.exclude(status=Event.Status.ANNOUNCED).order_by()
    # App-level measures and network shutdowns: one row per (event, app), or per event without one.
    rows = events.exclude(~Q(kind=K.NETWORK_SHUTDOWN) & Q(owner__isnull=False, apps__isnull=True)).values_list(
        *MEASURE_COLUMNS, "apps__id", "apps__slug", "apps__name"
    )
    seen_shutdowns = set()
    for row in rows:
        measure = Measure(*row[: len(MEASURE_COLUMNS)])
        app = row[len(MEASURE_COLUMNS) :]
        if measure.kind == K.NETWORK_SHUTDOWN:
            if measure.id not in seen_shutdowns:  # a shutdown naming apps: once
                seen_shutdowns.add(measure.id)
                yield measure.country, measure.country_name, None, None, None, measure
        elif app[0] is not None:
            yield measure.country, measure.country_name, *app, measure
    # Owner-level measures that name no app: on every public app of the owner.
    has_app = Event.apps.through.objects.filter(event_id=OuterRef("pk"))
    owner_level = events.filter(owner__isnull=False).filter(~Exists(has_app)).exclude(kind=K.NETWORK_SHUTDOWN)
    rows = owner_level.filter(owner__apps__in=App.objects.public()).values_list(
        *MEASURE_COLUMNS, "owner__apps__id", "owner__apps__slug", "owner__apps__name"
    )
    for row in rows:
        measure = Measure(*row[: len(MEASURE_COLUMNS)])
        yield measure.country, measure.country_name, *row[len(MEASURE_COLUMNS) :], measure


@dataclass
class Change:
    """How one pair's state differs between two days (imposed, lifted, escalated, eased), or a
    correction of a measure behind it made between them (corrected)."""

    change: str
    country: str
    country_name: str
    app: str | None
    app_name: str | None
    before: PairStatus | None
    after: PairStatus | None
    on: object = None  # the day it took effect (a correction: the day it was published)
    corrections: list = field(default_factory=list)  # corrected: [(label, old, new)]
    corrected_event: int | None = None
    corrected_at: object = None  # when the correction was saved

    @property
    def on_precision(self):
        """How much of `on` is known: the measure's start's precision when it made the change
        (Telegram in Russia restricted in "February 2026", not on the first), else the day."""
        if self.after is not None and self.after.since[0] == self.on:
            return self.after.since[1]
        return "day"

    @property
    def event_ids(self):
        """The measures behind the change: those in force after it, or, for a lifting, before it."""
        if self.corrected_event:
            return [self.corrected_event]
        return (self.after or self.before).event_ids


# The fields of a published measure whose correction changes what the status says.
STATUS_FIELDS = ["country", "apps", "owner", "kind", "features", "status", "started_on", "ended_on", "scope",
                 "authority"]  # fmt: skip


def corrections_between(start, end, events=None):
    """[Change] "corrected": each published change, made from `start` to `end`, to a field of a
    published measure that bears on a status (STATUS_FIELDS), one per pair the measure applies to
    now (as status_on names them: its apps, its owner's apps, or the network). Its history is read
    in a fixed number of queries (events/changelog.py)."""
    from events.changelog import revisions_of  # changelog reads the API's shape, which reads this module

    events = Event.objects.public() if events is None else events
    edited = Event.history.filter(
        review_state=ReviewState.PUBLISHED,
        history_date__date__gte=start,
        history_date__date__lte=end,
    )
    ids = list(events.filter(pk__in=edited.values("id")).values_list("pk", flat=True))
    if not ids:
        return []
    changed = {}
    for pk, revisions in revisions_of(ids).items():
        for revision in revisions:
            day = timezone.localdate(revision.at)
            if not revision.published and start <= day <= end and set(revision.fields) & set(STATUS_FIELDS):
                changed.setdefault(pk, []).append((day, revision))
    corrections = []
    for country, country_name, _app_id, app, app_name, measure in measures_of(events.filter(pk__in=changed)):
        pk = measure.id
        for day, revision in changed[pk]:
            wanted = [change for name, change in zip(revision.fields, revision.changes, strict=True)
                      if name in STATUS_FIELDS]  # fmt: skip
            change = Change("corrected", country, country_name, app, app_name, None, None, day, wanted, pk, revision.at)
            corrections.append(change)
    return corrections


@dataclass
class Step:
    """A stretch of a pair's history: from `start` (to the next step) its state was `pair`, or none."""

    start: object
    pair: PairStatus | None
    events: list


PAIR_DAYS = 40  # the days of change a pair's page reads at a time, the latest first; "earlier" pages on


def pair_history(country, app, before=None):
    """([Step], earlier): one (country, app) pair's steps, oldest first, from the last PAIR_DAYS
    days of change before `before` (up to today when None); `earlier` is the first of those days
    when older ones exist (the page's "earlier steps" link), else None. One query.

    The measures are the pair's: the country's published events naming the app, and its owner's
    measures naming no app. A step starts on each day a measure starts or stops being in force
    (Event.in_force_on, the rule of active_on); consecutive days in the same state are one step.
    """
    has_app = Event.apps.through.objects.filter(event_id=OuterRef("pk"))
    names_app = Q(Exists(Event.apps.through.objects.filter(event_id=OuterRef("pk"), app_id=app.pk)))
    owner_level = Q(owner_id=app.owner_id) & ~Q(Exists(has_app)) if app.owner_id else Q(pk__in=[])
    last = shifted(before, days=-1) if before else timezone.localdate()
    if last is None:
        return [], None  # nothing comes before 1 January of year 1
    last = min(last, timezone.localdate())
    events = list(
        Event.objects.public()
        .filter(country_id=country.code, started_on__lte=last)
        .filter(names_app | owner_level)
        .exclude(kind=K.NETWORK_SHUTDOWN)
        .select_related("authority")
        .order_by("started_on", "id")
    )
    measures = {event.pk: _measure(event) for event in events}
    days = set()
    for measure in measures.values():
        days.add(measure.started_on)
        if measure.last_day and measure.last_day < last:
            days.add(measure.last_day + timedelta(days=1))
    days = sorted(d for d in days if d <= last)
    earlier = days[-PAIR_DAYS] if len(days) > PAIR_DAYS else None
    steps = []
    for day in days[-PAIR_DAYS:]:
        in_force = [event for event in events if event.in_force_on(day)]
        pair = None
        if in_force:
            pair = PairStatus(country.code, country.name, app.slug, app.name, [measures[e.pk] for e in in_force])
        state = (pair.kind, tuple(pair.features)) if pair else None
        if steps and steps[-1][0] == state and {e.pk for e in steps[-1][1].events} == {e.pk for e in in_force}:
            continue
        steps.append((state, Step(day, pair, in_force)))
    return [step for _state, step in steps], earlier


def _measure(event):
    authority = event.authority
    return Measure(
        event.pk, event.country_id, "", event.kind, event.features, event.started_on, event.started_precision,
        event.scope, authority.slug if authority else None, authority.name if authority else None,
        event.ended_on, event.status, event.last_confirmed_on, event.authority_id,
    )  # fmt: skip
