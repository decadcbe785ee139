from django.core.management.base import BaseCommand

from events import search_index


class Command(BaseCommand):
    help = "Write every event's search document again (events/search_index.py); the triggers keep them after that."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        search_index.install(database, rebuild_all=True)
        self.stdout.write("Search documents written for every event.")
