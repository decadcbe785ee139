"""Write STOP event plans into the database, changing only what differs from what is there.

Comparing before saving is what makes a re-import a no-op: an unchanged event is not saved, so its
revision does not move and no history row is written; a corrected file updates just the fields,
apps, sources and statements that changed. Reference records (apps, owners, authorities, sources
by URL) are created when missing and otherwise left as the seed or the editors made them.
"""

import re

from simple_history.utils import bulk_create_with_history

from events import status_steps
from events.bulk import write_creation_history
from events.edits import by_slug, edited_by_people
from events.models import Authority, Event, Source, Statement
from events.text import cleaned

from .catalogue import AppCatalogue
from .common import progress
from .stop import DATASET_PUBLISHER, DATASET_TITLE, DATASET_URL, KEY_PREFIX
from .stop_text import event_values

# Fields compared on re-import. review_state is set only when an event is created: an event that
# an editor has since retracted stays retracted.
COMPARED_FIELDS = [
    "title",
    "country_id",
    "scope",
    "kind",
    "features",
    "status",
    "started_on",
    "started_precision",
    "ended_on",
    "ended_precision",
    "last_confirmed_on",
    "authority_id",
    "authority_note",
    "legal_basis",
    "stated_reason",
    "summary",
    "description",
]
STATEMENT_FIELDS = ["speaker", "role", "organisation", "source_id"]
# Checked by the importer itself (import_key) or pointing at rows it has just loaded (country,
# authority): validating them again would cost a query per event.
NOT_VALIDATED = ["import_key", "country", "authority"]
BATCH = 500


def dataset_source(report):
    """The one Source that every imported event cites: the STOP dataset itself."""
    values = {"title": DATASET_TITLE, "publisher": DATASET_PUBLISHER, "kind": Source.Kind.DATASET}
    source = Source.objects.filter(url=DATASET_URL).first()
    if source is None:
        source = Source(url=DATASET_URL, **values)
        report.count("sources created")
    elif all(getattr(source, name) == value for name, value in values.items()):
        return source
    else:
        for name, value in values.items():
            setattr(source, name, value)
        report.count("sources updated")
    source.full_clean()
    source.save()
    return source


def source_for(url, kind):
    """A new Source for a link the dataset cites. The title is the address, for want of the headline."""
    host = re.sub(r"^https?://", "", url, flags=re.IGNORECASE).split("/")[0]
    path = re.sub(r"^https?://[^/]+", "", url, flags=re.IGNORECASE).split("?")[0].rstrip("/")
    title = f"{host}{path}"
    return Source(
        url=url,
        title=title if len(title) <= 300 else title[:299] + "…",
        publisher=re.sub(r"^www\.", "", host.casefold())[:200],
        kind=kind,
    )


class StopWriter:
    """Writes plans one event at a time; call inside a transaction."""

    def __init__(self, report):
        self.report = report
        self.catalogue = AppCatalogue(report)
        self.authorities = by_slug(Authority)
        self.sources = {}
        self.created = []

    @status_steps.deferred()  # the pairs' steps written once, at the end
    def write(self, plans, show_progress=False):
        dataset = dataset_source(self.report)
        self.create_sources(plans)
        self.create_authorities(plans)
        existing = {
            event.import_key: event
            for event in Event.objects.filter(import_key__in=list(plans)).prefetch_related(
                "apps", "sources", "statements"
            )
        }
        self.edited = edited_by_people(Event, [event.pk for event in existing.values()])
        # What an editor deleted stays deleted (events/edits.py): one query for all the new keys.
        deleted = set(
            Event.history.filter(history_type="-", history_user__isnull=False)
            .filter(import_key__in=[key for key in plans if key not in existing])
            .values_list("import_key", flat=True)
        )
        for plan in progress(list(plans.values()), show_progress, desc="events", unit="event"):
            if plan.key in deleted:
                self.report.count("events deleted by editors, not recreated")
                continue
            self.write_event(plan, existing.get(plan.key), dataset)
        self.record_created()
        gone = Event.objects.filter(import_key__startswith=KEY_PREFIX).exclude(import_key__in=list(plans)).count()
        if gone:
            self.report.notes.append(
                f"{gone} event(s) imported earlier are not in this file; they were left as they are."
            )

    def create_sources(self, plans):
        """All missing sources in a few bulk queries (with their history): a file cites hundreds."""
        wanted = dict(url_kind for plan in plans.values() for url_kind in plan.urls)
        self.sources = {source.url: source for source in Source.objects.filter(url__in=list(wanted))}
        new = [source_for(url, kind) for url, kind in wanted.items() if url not in self.sources]
        for source in new:
            source.full_clean(validate_unique=False)  # unique: only missing URLs are created
        for source in bulk_create_with_history(new, Source, batch_size=BATCH):
            self.sources[source.url] = source
        self.report.count("sources created", len(new))

    def create_authorities(self, plans):
        specs = {}
        for plan in plans.values():
            spec = plan.latest.authority
            if spec and spec.slug not in self.authorities:
                specs.setdefault(spec.slug, spec)
        new = [Authority(slug=s.slug, name=s.name, kind=s.kind, country_id=s.country) for s in specs.values()]
        for authority in new:
            authority.full_clean(exclude=["country"], validate_unique=False)  # country: from our own table
        for authority in bulk_create_with_history(new, Authority, batch_size=BATCH):
            self.authorities[authority.slug] = authority
        self.report.count("authorities created", len(new))

    def write_event(self, plan, event, dataset):
        apps = [self.catalogue.app(slug, name) for slug, name in plan.apps]
        values = cleaned(Event, event_values(plan, {app.slug: app.name for app in apps}))
        values["authority_id"] = self.authority(plan.latest.authority)
        sources = [dataset] + [self.sources[url] for url, _ in plan.urls]
        created, changed = event is None, False
        if not created and event.pk in self.edited:
            return self.keep_editors_version(event, values, apps, sources, plan)
        if created:
            event = Event(import_key=plan.key, review_state=Event.ReviewState.PUBLISHED, **values)
            event.full_clean(exclude=NOT_VALIDATED)
            # No history yet: saving and then adding sources and apps would write three records
            # per event; record_created() writes one that lists them, for all new events at once.
            event.skip_history_when_saving = True
            event.save()
            self.created.append(event)
        else:
            differs = [name for name in COMPARED_FIELDS if getattr(event, name) != values[name]]
            if differs:
                for name in differs:
                    setattr(event, name, values[name])
                event.full_clean(exclude=NOT_VALIDATED)
                event.save()
                changed = True
        # Sources first: the statements point at them. A new event has none to compare with.
        changed |= self.set_related(event.sources, sources, created)
        changed |= self.set_related(event.apps, apps, created)
        changed |= self.sync_statements(event, plan.statements, created)
        if created:
            self.report.count("events created")
        else:
            self.report.count("events updated" if changed else "events unchanged")
        return event

    def keep_editors_version(self, event, values, apps, sources, plan):
        """An event a person changed since it was imported is theirs: report what the file says
        differently, write nothing (events/edits.py)."""
        differs = [name for name in COMPARED_FIELDS if getattr(event, name) != values[name]]
        for name, manager, wanted in (("apps", event.apps, apps), ("sources", event.sources, sources)):
            if {obj.pk for obj in manager.all()} != {obj.pk for obj in wanted}:
                differs.append(name)
        texts = {cleaned(Statement, {"text": item["text"]})["text"] for item in plan.statements}
        if {statement.text for statement in event.statements.all()} != texts:
            differs.append("statements")
        if differs:
            self.report.count("events left as editors made them")
            self.report.notes.append(
                f"Conflict: event {event.pk} ({plan.locations}) was changed by an editor; the file's "
                f"{', '.join(differs)} not applied."
            )
        else:
            self.report.count("events unchanged")
        return event

    def record_created(self):
        """One "created" history record per new event, with its apps and sources, in bulk: a few
        queries in all instead of a dozen per event (events/bulk.py)."""
        for event in self.created:
            del event.skip_history_when_saving
        write_creation_history(self.created)

    def set_related(self, manager, wanted, created):
        if created:
            if wanted:
                manager.add(*wanted)
            return bool(wanted)
        if {obj.pk for obj in manager.all()} == {obj.pk for obj in wanted}:
            return False
        manager.set(wanted)
        return True

    def sync_statements(self, event, wanted, created):
        """Make the event's statements exactly those the dataset gives, keyed by their text."""
        have = {} if created else {statement.text: statement for statement in event.statements.all()}
        changed = False
        for item in wanted:
            values = cleaned(
                Statement, {"speaker": item["speaker"], "role": item["role"], "organisation": item["organisation"]}
            )
            values["source_id"] = self.sources[item["source_url"]].pk if item["source_url"] else None
            text = cleaned(Statement, {"text": item["text"]})["text"]
            statement = have.pop(text, None)
            if statement is None:
                statement = Statement(event=event, text=text, **values)
                self.report.count("statements created")
            elif all(getattr(statement, name) == values[name] for name in STATEMENT_FIELDS):
                continue
            else:
                for name, value in values.items():
                    setattr(statement, name, value)
                self.report.count("statements updated")
            statement.full_clean()
            statement.save()
            changed = True
        for statement in have.values():
            statement.delete()
            self.report.count("statements deleted")
            changed = True
        return changed

    def authority(self, spec):
        return self.authorities[spec.slug].pk if spec else None
