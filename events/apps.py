from django.apps import AppConfig
from django.db.models.signals import post_migrate


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Tracker records"

    def ready(self):
        # Every save of a public record drops the public's kept answers; see events/freshness.py.
        from . import freshness, search_index, status_steps

        freshness.connect_signals()
        # Every change of a measure rewrites its pairs' steps; see events/status_steps.py.
        status_steps.connect_signals()
        post_migrate.connect(status_steps.build_if_missing, sender=self, dispatch_uid="status-steps-migrate")
        # The triggers that keep the search documents, as events/search_index.py defines them.
        post_migrate.connect(search_index.install, sender=self, dispatch_uid="search-index-migrate")
