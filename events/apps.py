from django.apps import AppConfig
from django.db.models.signals import post_migrate


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Tracker records"

    def ready(self):
        # Every save of a public record drops the public's kept answers; see events/freshness.py.
        from . import freshness, related_changes, search_index, status_steps, tallies

        freshness.connect_signals()
        # Every change of a measure rewrites its pairs' steps; see events/status_steps.py.
        status_steps.connect_signals()
        post_migrate.connect(status_steps.build_if_missing, sender=self, dispatch_uid="status-steps-migrate")
        # The triggers that keep the search documents, as events/search_index.py defines them.
        post_migrate.connect(search_index.install, sender=self, dispatch_uid="search-index-migrate")
        # The triggers that keep the stats' counts, as events/tallies.py defines them.
        post_migrate.connect(tallies.install, sender=self, dispatch_uid="tallies-migrate")
        # The counter of writes to related events' links, which the data version reads.
        post_migrate.connect(related_changes.install, sender=self, dispatch_uid="related-changes-migrate")
