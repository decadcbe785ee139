from django.core.management.base import BaseCommand

from events.seed.loader import load_seed


class Command(BaseCommand):
    help = (
        "Load the seed story (Russia's app blocks, 2022-2026). Safe to run again: it changes only what "
        "differs, and leaves what an editor changed or deleted as they left it (reported as conflicts)."
    )

    def handle(self, *args, **options):
        tally = load_seed()
        if not tally:
            self.stdout.write("Seed story already loaded; nothing changed.")
        for label, count in sorted(tally.items()):
            self.stdout.write(f"{label}: {count}")
        for conflict in tally.conflicts:
            self.stdout.write(f"conflict: {conflict}")
