from django.core.management.base import BaseCommand

from events.seed.loader import load_seed


class Command(BaseCommand):
    help = "Load the seed story (Russia's app blocks, 2022-2026). Safe to run again: it changes only what differs."

    def handle(self, *args, **options):
        tally = load_seed()
        if not tally:
            self.stdout.write("Seed story already loaded; nothing changed.")
        for label, count in sorted(tally.items()):
            self.stdout.write(f"{label}: {count}")
