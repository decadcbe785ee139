from django.core.management.base import BaseCommand

from events import tallies


class Command(BaseCommand):
    help = (
        "Count every published event again for the stats (events/tallies.py); the triggers keep the counts after that."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        tallies.install(database, rebuild_all=True)
        self.stdout.write("Every published event counted again.")
