"""Keeping the pairs' steps (events/models/status.py) equal to what the status rule says.

A pair's steps are rewritten from its measures whenever something they depend on changes: an
event saved or deleted (its country, owner, kind, dates, status or review state), its apps
changed, an app given another owner, or an app becoming public or not (an owner-level measure
applies to the owner's public apps). Signal receivers see every save, delete and change of apps,
as in events/freshness.py; the writers that bypass signals (events/bulk.py, the OONI import,
merging) call refresh_apps() or refresh_events() themselves, and `manage.py rebuild_status`
rewrites every step (after a bulk load, or if in doubt).

The steps are written in the transaction that changed the measures, so no reader ever sees the
one without the other. Inside `deferred()` (the importers, the seed loader) the pairs are only
collected, and rewritten once when the block ends.

A step is the rule's state (events/status.py PairStatus, without its events) over the days from
one change to the next: the days on which a measure starts or stops being in force split a pair's
history, and consecutive days in the same state are one step. The state is kept up as a sweep
goes through those days (measures added and removed), so a pair with thousands of measures costs
a sort and a pass, not a pass per day.
"""

import heapq
import threading
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import timedelta

from django.db import connections, router, transaction
from django.db.models import BooleanField, Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from events.dates import shifted
from events.models import App, Authority, Event, PairStep
from events.models.event import active_on_condition
from events.models.visibility import is_public
from events.status import RANK, Change, corrections_between, measures_of

BATCH = 5000
_deferred = threading.local()


# ---- the steps of one pair -------------------------------------------------------------------


class _Strength:
    """The measures in force of one rank, summed up so that adding or removing one is cheap."""

    def __init__(self):
        self.count = 0
        self.overdue = 0  # of those, how many no source has confirmed for too long
        self.features = Counter()
        self.scopes = Counter()
        self.authorities = Counter()
        self.starts = []  # heap of (started_on, id, precision); removed ones are skipped lazily
        self.gone = set()

    def add(self, measure):
        self.count += 1
        self.features.update(set(measure.features or []))
        self.scopes[measure.scope] += 1
        if measure.authority_id:
            self.authorities[measure.authority_id] += 1
        heapq.heappush(self.starts, (measure.started_on, measure.id, measure.started_precision))

    def remove(self, measure):
        self.count -= 1  # never an overdue one: a measure that can be overdue has no last day
        self.features.subtract(set(measure.features or []))
        self.scopes[measure.scope] -= 1
        if measure.authority_id:
            self.authorities[measure.authority_id] -= 1
        self.gone.add(measure.id)

    def state(self, kind):
        while self.starts[0][1] in self.gone:
            self.gone.discard(heapq.heappop(self.starts)[1])
        since, _id, precision = self.starts[0]
        found = {feature for feature, n in self.features.items() if n > 0}
        features = ["all"] if "all" in found else [f for f in Event.Feature.values if f in found]
        scopes = sorted(scope for scope, n in self.scopes.items() if n > 0)
        scope = "" if "" in scopes else "; ".join(scopes)
        authorities = tuple(sorted(pk for pk, n in self.authorities.items() if n > 0))
        overdue = self.overdue == self.count
        return (RANK.get(kind, len(RANK)), kind, tuple(features), since, precision, scope, authorities, overdue)


def steps_of(measures):
    """[(starts_on, ends_on or None, state)] of one pair, oldest first, from its Measures: the
    rule's state (status.PairStatus: the strongest kind, its features, since, scope, authorities,
    and whether no source has confirmed any of those for too long) on each stretch of days with a
    measure in force. The days that split it: a measure starts, stops, or its confirmation lapses."""
    starting, stopping, overdue = {}, {}, {}
    for measure in measures:
        last = measure.last_day
        if last is not None and last < measure.started_on:
            continue  # never in force
        starting.setdefault(measure.started_on, []).append(measure)
        if measure.overdue_from:  # in force with no end: it never stops, its confirmation lapses
            overdue.setdefault(measure.overdue_from, []).append(measure)
        stop = shifted(last, days=1) if last else None  # None too for a last day of 31 December 9999
        if stop:
            stopping.setdefault(stop, []).append(measure)
    by_kind = {}
    steps = []
    for day in sorted(starting.keys() | stopping.keys() | overdue.keys()):
        for measure in stopping.get(day, ()):
            by_kind[measure.kind].remove(measure)
        for measure in starting.get(day, ()):
            by_kind.setdefault(measure.kind, _Strength()).add(measure)
        for measure in overdue.get(day, ()):
            by_kind[measure.kind].overdue += 1
        in_force = [(RANK.get(kind, len(RANK)), kind) for kind, strength in by_kind.items() if strength.count]
        state = by_kind[min(in_force)[1]].state(min(in_force)[1]) if in_force else None
        if steps and steps[-1][2] == state:
            continue
        if steps:
            steps[-1][1] = day - timedelta(days=1)
        steps.append([day, None, state])
    return [(start, end, state) for start, end, state in steps if state is not None]


# ---- rewriting the steps of some pairs ---------------------------------------------------------


def refresh(pairs):
    """Rewrite the steps of `pairs` ({(country code, app id or None)}) from their published
    measures, in a fixed number of queries whatever their number."""
    pairs = {(country, app) for country, app in pairs if country}
    if not pairs:
        return
    if getattr(_deferred, "pairs", None) is not None:
        _deferred.pairs |= pairs
        return
    _lock({country for country, _app in pairs})
    _write(pairs, measures_of(_events_of(pairs)))


LOCKS = 7_291_101  # the advisory lock space of the steps (any constant; pg_advisory_xact_lock(space, key))


def _lock(countries):
    """On PostgreSQL, one writer of a country's steps at a time until its transaction ends:
    without it two edits of one pair read the measures each without the other's change, and both
    delete and write its steps (twice the rows, or the older answer). Taken in a fixed order, so
    two writers of several countries cannot wait on each other. SQLite lets one writer in anyway."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for code in sorted(countries):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [LOCKS, code])


def _events_of(pairs):
    """The published events that can bear on `pairs`: in their countries, naming their apps, or
    owner-level measures of their apps' owners, or shutdowns."""
    countries = {country for country, _app in pairs}
    apps = {app for _country, app in pairs if app}
    owners = App.objects.filter(pk__in=apps, owner__isnull=False).values("owner_id")
    no_app = ~Exists(Event.apps.through.objects.filter(event_id=OuterRef("pk")))
    networks = {country for country, app in pairs if app is None}
    return (
        Event.objects.public()
        .filter(country_id__in=countries)
        .filter(
            Exists(Event.apps.through.objects.filter(event_id=OuterRef("pk"), app_id__in=apps))
            | (Q(owner_id__in=owners) & no_app)
            | Q(kind=Event.Kind.NETWORK_SHUTDOWN, country_id__in=networks)
        )
    )


def rebuild():
    """Rewrite every step, country by country (a million events: a few minutes); returns how many."""
    PairStep.objects.all().delete()
    countries = Event.objects.public().order_by("country_id").values_list("country_id", flat=True).distinct()
    for code in list(countries):
        _lock({code})
        _write(set(), measures_of(Event.objects.public().filter(country_id=code)), every_pair=True)
    return PairStep.objects.count()


def build_if_missing(using="default", apps=None, **kwargs):
    """After `migrate`: a database with published events and no steps yet (one that predates them)
    gets them, so that no upgrade serves an empty map. Two cheap queries otherwise; nothing after
    a migration back to before the steps (`apps` is the state migrated to)."""
    try:
        if apps is not None:  # flush (the test runner's) sends no state: the models are current
            apps.get_model("events", "PairStep")
    except LookupError:
        return
    if using != "default":
        return  # the steps are written where the models write (a replica copies them)
    if Event.objects.public().exists() and not PairStep.objects.exists():
        with transaction.atomic():
            rebuild()


def _write(pairs, measures, every_pair=False):
    by_pair = {}
    for country, _name, app, _slug, _app_name, measure in measures:
        if every_pair or (country, app) in pairs:
            by_pair.setdefault((country, app), []).append(measure)
    by_country = {}
    for country, app in pairs:
        by_country.setdefault(country, set()).add(app)
    for country, apps in by_country.items():  # one DELETE a country: an OR of every pair grows too long
        network = Q(app__isnull=True) if None in apps else Q(pk__in=[])
        PairStep.objects.filter(Q(country_id=country) & (Q(app_id__in=apps - {None}) | network)).delete()
    rows = [
        _step(country, app, start, end, state)
        for (country, app), found in by_pair.items()
        for start, end, state in steps_of(found)
    ]
    PairStep.objects.bulk_create(rows, batch_size=BATCH)


def _step(country, app, start, end, state):
    rank, kind, features, since, precision, scope, authorities, overdue = state
    return PairStep(
        country_id=country, app_id=app, starts_on=start, ends_on=end, kind=kind, rank=rank,
        features=list(features), since=since, since_precision=precision, scope=scope,
        authority_ids=list(authorities), overdue=overdue,
    )  # fmt: skip


@contextmanager
def deferred():
    """Collect the pairs to rewrite and rewrite them once, at the end of the block (nestable)."""
    outer = getattr(_deferred, "pairs", None)
    if outer is not None:
        yield
        return
    # Outside a transaction a failure in the block would leave the steps unwritten for good.
    assert transaction.get_connection().in_atomic_block, "status_steps.deferred() needs a transaction"
    _deferred.pairs = set()
    try:
        yield
        pairs = _deferred.pairs
    finally:
        _deferred.pairs = None
    refresh(pairs)


# ---- what a change touches ---------------------------------------------------------------------


def pairs_of_events(events):
    """{(country, app id or None)} each of `events` (a queryset, any review state) can bear on:
    the apps it names, its owner's apps, its promoted alternative, the network, in its country;
    and for those apps, whose being public may have changed, every country where an owner-level
    measure of their owner applies."""
    rows = list(events.values_list("country_id", "apps", "owner_id", "promoted_alternative_id"))
    countries = {country for country, *_rest in rows}
    apps = {app for _c, app, _o, _p in rows if app} | {promoted for *_rest, promoted in rows if promoted}
    owners = {owner for _c, _a, owner, _p in rows if owner}
    pairs = {(country, None) for country in countries}
    pairs |= {(country, app) for country, app, _owner, _promoted in rows if app}
    owned = App.objects.filter(owner_id__in=owners).values_list("pk", flat=True) if owners else []
    pairs |= {(country, app) for country in countries for app in owned}
    return pairs | pairs_of_apps(apps)


def pairs_of_apps(app_ids):
    """{(country, app)} of the countries where an owner-level measure of one of `app_ids`' owners
    applies: the pairs an app's owner or its being public bears on (the measures that name it do
    not depend on either)."""
    if not app_ids:
        return set()
    pairs = set()
    no_app = ~Exists(Event.apps.through.objects.filter(event_id=OuterRef("pk")))
    owners = dict(App.objects.filter(pk__in=app_ids, owner__isnull=False).values_list("pk", "owner_id"))
    owner_level = Event.objects.filter(no_app, owner_id__in=set(owners.values())).values_list("country_id", "owner_id")
    for country, owner in owner_level.distinct():
        pairs |= {(country, app) for app, its_owner in owners.items() if its_owner == owner}
    return pairs


def refresh_events(events):
    refresh(pairs_of_events(events))


def refresh_apps(app_ids):
    refresh(pairs_of_apps(set(app_ids)))


# ---- the signal receivers ----------------------------------------------------------------------


def _event_before(sender, instance, **kwargs):
    """What the stored event bore on, before a save or delete changes it."""
    if instance.pk:
        instance._status_pairs = pairs_of_events(Event.objects.filter(pk=instance.pk))


def _event_after(sender, instance, **kwargs):
    pairs = getattr(instance, "_status_pairs", set())
    instance._status_pairs = set()
    if kwargs.get("signal") is not post_delete:
        pairs = pairs | pairs_of_events(Event.objects.filter(pk=instance.pk))
    refresh(pairs)


def _apps_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("pre_remove", "pre_clear", "post_add", "post_remove", "post_clear"):
        return
    if pk_set is not None and not pk_set:
        return  # add() of what was linked already, remove() of what was not: nothing changes
    events = Event.objects.filter(apps=instance) if reverse else Event.objects.filter(pk=instance.pk)
    if reverse and pk_set:
        events = Event.objects.filter(pk__in=pk_set)
    if action.startswith("pre_"):
        instance._status_pairs = pairs_of_events(events)
        return
    pairs = getattr(instance, "_status_pairs", set()) | pairs_of_events(events)
    instance._status_pairs = set()
    refresh(pairs)


def _app_deleting(sender, instance, **kwargs):
    """An app's own steps go with it (the foreign key cascades); an event that named only it and
    targets an owner becomes an owner-level measure of that owner's apps."""
    instance._status_pairs = pairs_of_events(Event.objects.filter(apps=instance))


def _app_before(sender, instance, **kwargs):
    if instance.pk:
        instance._status_pairs = pairs_of_apps({instance.pk})


def _app_after(sender, instance, **kwargs):
    pairs = getattr(instance, "_status_pairs", set())
    instance._status_pairs = set()
    refresh(pairs | pairs_of_apps({instance.pk}))


def _app_deleted(sender, instance, **kwargs):
    pairs = getattr(instance, "_status_pairs", set())
    instance._status_pairs = set()
    refresh({(country, app) for country, app in pairs if app != instance.pk})  # its own steps are gone


def connect_signals():
    pre_save.connect(_event_before, sender=Event, dispatch_uid="status-event-before")
    pre_delete.connect(_event_before, sender=Event, dispatch_uid="status-event-before-delete")
    post_save.connect(_event_after, sender=Event, dispatch_uid="status-event-after")
    post_delete.connect(_event_after, sender=Event, dispatch_uid="status-event-after-delete")
    m2m_changed.connect(_apps_changed, sender=Event.apps.through, dispatch_uid="status-event-apps")
    pre_save.connect(_app_before, sender=App, dispatch_uid="status-app-before")
    post_save.connect(_app_after, sender=App, dispatch_uid="status-app-after")
    pre_delete.connect(_app_deleting, sender=App, dispatch_uid="status-app-deleting")
    post_delete.connect(_app_deleted, sender=App, dispatch_uid="status-app-deleted")


# ---- reading them ------------------------------------------------------------------------------


@dataclass
class StoredPair:
    """A pair's state on a day as its step keeps it: what status.PairStatus says, read in one row.
    `event_ids` is empty until with_events() fills it (the steps do not keep the events)."""

    country: str
    country_name: str
    app_id: int | None
    app: str | None
    app_name: str | None
    kind: str
    features: list
    since: tuple
    scope: str
    authorities: list
    ends_on: object
    starts_on: object
    overdue: bool
    event_ids: list = field(default_factory=list)


STEP_COLUMNS = ("id", "country_id", "country__name", "app_id", "app__slug", "app__name", "kind", "features",
                "since", "since_precision", "scope", "authority_ids", "ends_on", "starts_on", "overdue")  # fmt: skip


def steps_on(day):
    """The steps in force on `day`: by the GiST index on their range on PostgreSQL (migration 0009),
    by the two dates elsewhere."""
    if connections[router.db_for_read(PairStep)].vendor == "postgresql":
        contains = RawSQL("daterange(starts_on, ends_on, '[]') @> %s::date", (day,), output_field=BooleanField())
        return PairStep.objects.filter(contains)
    return PairStep.objects.filter(Q(starts_on__lte=day) & (Q(ends_on__gte=day) | Q(ends_on__isnull=True)))


def neighbouring_changes(day, steps=None):
    """(previous, next): the nearest days before and after `day` on which the state of a pair of
    `steps` (a PairStep queryset, narrowed but not to a day) changes, None where there is none;
    after today there is none. A step starts on a change, and the day after it ends is one: four
    queries that each read one row of an index."""
    steps = (PairStep.objects.all() if steps is None else steps).order_by()

    def first(queryset, order):
        return queryset.order_by(order).values_list(order.lstrip("-"), flat=True).first()

    yesterday = shifted(day, days=-1) or day  # on 1 January of year 1 nothing ends before it
    ended_before = first(steps.filter(ends_on__lt=yesterday), "-ends_on")
    ends_later = first(steps.filter(ends_on__gte=day), "ends_on")
    earlier = [first(steps.filter(starts_on__lt=day), "-starts_on"), ended_before and shifted(ended_before, days=1)]
    later = [first(steps.filter(starts_on__gt=day), "starts_on"), ends_later and shifted(ends_later, days=1)]
    earlier = [d for d in earlier if d]
    later = [d for d in later if d and d <= timezone.localdate()]
    return (max(earlier) if earlier else None), (min(later) if later else None)


def changes_between(start, end, countries=None):
    """[status.Change] from `start` to `end`, by country, app and day: each day in between on which a
    pair's strongest measure changes (from the state of the day before) is a change: imposed
    (nothing before), lifted (nothing after), escalated to a stronger kind (WhatsApp in Russia:
    calls restricted on 13 August 2025, fully blocked on 12 February 2026) or eased to a weaker
    one; so a measure imposed and lifted within the two days shows as both. Then the corrections
    published meanwhile (status.corrections_between). Read from the steps that overlap the two
    days, with the events behind each change: a fixed number of queries."""
    steps = PairStep.objects.filter(starts_on__lte=end).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
    if countries:
        steps = steps.filter(country_id__in=countries)
    by_pair = {}
    for pair in stored_pairs(list(steps.order_by("starts_on", "pk").values_list(*STEP_COLUMNS))):
        by_pair.setdefault((pair.country, pair.app_id), []).append(pair)
    found = []
    for pair_steps in by_pair.values():
        found += _changes_of(pair_steps, start, end)
    _add_events(found, {(c.country, (c.after or c.before).app_id) for c in found})
    events = Event.objects.public().filter(country_id__in=countries) if countries else None
    found += corrections_between(start, end, events)
    return sorted(found, key=lambda c: (c.country_name, c.app is None, (c.app_name or "").casefold(), c.on))


def _changes_of(steps, start, end):
    """The changes of one pair's steps (oldest first), on the days from after `start` to `end`."""
    changes = []
    for before, after in zip([None, *steps], [*steps, None], strict=True):
        if after is not None:
            day = after.starts_on
            if before is not None and before.ends_on is not None and shifted(before.ends_on, days=1) != day:
                changes += _change(before, None, shifted(before.ends_on, days=1), start, end)  # a gap: lifted
                before = None
            changes += _change(before, after, day, start, end)
        elif before is not None and before.ends_on is not None:
            changes += _change(before, None, shifted(before.ends_on, days=1), start, end)
    return changes


def _change(before, after, day, start, end):
    if day is None or not start < day <= end:
        return []
    if before is None:
        word = "imposed"
    elif after is None:
        word = "lifted"
    elif RANK.get(after.kind, len(RANK)) != RANK.get(before.kind, len(RANK)):
        word = "escalated" if RANK.get(after.kind, len(RANK)) < RANK.get(before.kind, len(RANK)) else "eased"
    else:
        return []  # the same kind: its features, start, scope or authorities changed, not its strength
    pair = after or before
    return [Change(word, pair.country, pair.country_name, pair.app, pair.app_name, before, after, day)]


def _add_events(changes, pairs):
    """Each change's events: the measures in force behind the state after it (before it, for a
    lifting), from one read of the pairs' measures (two queries)."""
    measures = {}
    for country, _name, app, _slug, _app_name, measure in measures_of(_events_of(pairs)):
        if (country, app) in pairs:
            measures.setdefault((country, app), []).append(measure)

    def with_ids(state, day):
        ids = sorted(m.id for m in measures.get((state.country, state.app_id), ()) if m.in_force_on(day))
        return replace(state, event_ids=ids)

    for change in changes:
        # A step is the state after one change and before the next: each change has copies.
        if change.before:
            change.before = with_ids(change.before, change.on - timedelta(days=1))
        if change.after:
            change.after = with_ids(change.after, change.on)


def stored_pairs(rows):
    """[StoredPair] from rows of STEP_COLUMNS, with their authorities' names (one query)."""
    wanted = {pk for row in rows for pk in row[STEP_COLUMNS.index("authority_ids")]}
    found = Authority.objects.filter(pk__in=wanted).values_list("pk", "slug", "name")
    names = {pk: (slug, name) for pk, slug, name in found}
    pairs = []
    for row in rows:
        _id, country, country_name, app_id, app, app_name, kind, features, since, precision, scope, who, *days = row
        authorities = [{"slug": slug, "name": name} for slug, name in sorted(names[pk] for pk in who if pk in names)]
        pairs.append(StoredPair(country, country_name, app_id, app, app_name, kind, features, (since, precision),
                                scope, authorities, *days))  # fmt: skip
    return pairs


def with_events(day, pairs):
    """Fill each pair's `event_ids`: the measures in force on `day` behind it, by the rule of
    status.measures_of, reading only ids (three queries for any number of pairs)."""
    wanted = {(pair.country, pair.app_id): pair for pair in pairs}
    countries = {country for country, _app in wanted}
    apps = {app for _country, app in wanted if app}
    in_force = Event.objects.public().filter(active_on_condition(day), country_id__in=countries)
    in_force = in_force.exclude(status=Event.Status.ANNOUNCED).order_by()
    shutdown = Event.Kind.NETWORK_SHUTDOWN
    named = (
        Event.apps.through.objects.filter(
            active_on_condition(day, "event__"), is_public("event__"), event__country_id__in=countries, app_id__in=apps
        )
        .exclude(event__status=Event.Status.ANNOUNCED)
        .exclude(event__kind=shutdown)
    )
    rows = list(named.values_list("event__country_id", "app_id", "event_id"))
    networks = {country for country, app in wanted if app is None}
    if networks:
        shutdowns = in_force.filter(kind=shutdown, country_id__in=networks)
        rows += [(country, None, pk) for country, pk in shutdowns.values_list("country_id", "pk")]
    no_app = ~Exists(Event.apps.through.objects.filter(event_id=OuterRef("pk")))
    # One filter() for the owner's apps, so that the values read are of the same join.
    owner_level = in_force.filter(no_app, owner__apps__in=App.objects.public().filter(pk__in=apps))
    owner_level = owner_level.exclude(kind=shutdown)
    rows += owner_level.values_list("country_id", "owner__apps", "pk")
    found = {}
    for country, app, pk in rows:
        found.setdefault((country, app), set()).add(pk)
    for key, pair in wanted.items():
        pair.event_ids = sorted(found.get(key, ()))
    return pairs
