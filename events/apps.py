from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Tracker records"

    def ready(self):
        # Every save of a public record drops the public's kept answers; see events/freshness.py.
        from . import freshness

        freshness.connect_signals()
