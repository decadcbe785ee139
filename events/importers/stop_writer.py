"""Write STOP event plans into the database, changing only what differs from what is there.

Comparing before saving is what makes a re-import a no-op: an unchanged event is not saved, so its
revision does not move and no history row is written; a corrected file updates just the fields,
apps, sources and statements that changed. Reference records (apps, owners, authorities, sources
by URL) are created when missing and otherwise left as the seed or the editors made them.
"""

import re

from events.models import Authority, Event, Source, Statement

from .catalogue import AppCatalogue
from .common import progress
from .stop import DATASET_PUBLISHER, DATASET_TITLE, DATASET_URL, KEY_PREFIX
from .stop_text import event_values

# Fields compared on re-import. review_state is set only when an event is created: an event that
# an editor has since retracted stays retracted.
COMPARED_FIELDS = [
    "title",
    "country_id",
    "kind",
    "features",
    "status",
    "started_on",
    "started_precision",
    "ended_on",
    "ended_precision",
    "authority_id",
    "legal_basis",
    "stated_reason",
    "summary",
    "description",
]
STATEMENT_FIELDS = ["speaker", "role", "organisation", "source_id"]


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
        self.authorities = {authority.slug: authority for authority in Authority.objects.all()}
        self.sources = {}

    def write(self, plans, show_progress=False):
        dataset = dataset_source(self.report)
        urls = {url for plan in plans.values() for url, _ in plan.urls}
        self.sources = {source.url: source for source in Source.objects.filter(url__in=urls)}
        existing = {
            event.import_key: event
            for event in Event.objects.filter(import_key__in=list(plans)).prefetch_related(
                "apps", "sources", "statements"
            )
        }
        for plan in progress(list(plans.values()), show_progress, desc="events", unit="event"):
            self.write_event(plan, existing.get(plan.key), dataset)
        gone = Event.objects.filter(import_key__startswith=KEY_PREFIX).exclude(import_key__in=list(plans)).count()
        if gone:
            self.report.notes.append(
                f"{gone} event(s) imported earlier are not in this file; they were left as they are."
            )

    def write_event(self, plan, event, dataset):
        apps = [self.catalogue.app(slug, name) for slug, name in plan.apps]
        values = event_values(plan, {app.slug: app.name for app in apps})
        values["authority_id"] = self.authority(plan.latest.authority)
        sources = [dataset] + [self.source(url, kind) for url, kind in plan.urls]
        created, changed = event is None, False
        if created:
            event = Event(import_key=plan.key, review_state=Event.ReviewState.PUBLISHED, **values)
            event.full_clean(exclude=["import_key"])
            event.save()
        else:
            differs = [name for name in COMPARED_FIELDS if getattr(event, name) != values[name]]
            if differs:
                for name in differs:
                    setattr(event, name, values[name])
                event.full_clean(exclude=["import_key"])
                event.save()
                changed = True
        # Sources first: the statements point at them.
        changed |= self.set_related(event.sources, sources)
        changed |= self.set_related(event.apps, apps)
        changed |= self.sync_statements(event, plan.statements)
        if created:
            self.report.count("events created")
        else:
            self.report.count("events updated" if changed else "events unchanged")
        return event

    def set_related(self, manager, wanted):
        if {obj.pk for obj in manager.all()} == {obj.pk for obj in wanted}:
            return False
        manager.set(wanted)
        return True

    def sync_statements(self, event, wanted):
        """Make the event's statements exactly those the dataset gives, keyed by their text."""
        have = {statement.text: statement for statement in event.statements.all()}
        changed = False
        for item in wanted:
            values = {
                "speaker": item["speaker"],
                "role": item["role"],
                "organisation": item["organisation"],
                "source_id": self.sources[item["source_url"]].pk if item["source_url"] else None,
            }
            statement = have.pop(item["text"], None)
            if statement is None:
                statement = Statement(event=event, text=item["text"], **values)
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
        if spec is None:
            return None
        if spec.slug not in self.authorities:
            authority = Authority(slug=spec.slug, name=spec.name, kind=spec.kind, country_id=spec.country)
            authority.full_clean()
            authority.save()
            self.report.count("authorities created")
            self.authorities[spec.slug] = authority
        return self.authorities[spec.slug].pk

    def source(self, url, kind):
        if url not in self.sources:
            source = source_for(url, kind)
            source.full_clean()
            source.save()
            self.report.count("sources created")
            self.sources[url] = source
        return self.sources[url]
