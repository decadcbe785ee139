import time

from django.core.management.base import BaseCommand
from django.db import transaction

from events import status_steps


class Command(BaseCommand):
    help = (
        "Rewrite every pair's status steps from the published events (events/status_steps.py): after "
        "a bulk load that bypassed the models, or if in doubt. Saves, imports and the admin keep them "
        "true on their own; `migrate` runs this when the steps are missing."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        with transaction.atomic():
            count = status_steps.rebuild()
        self.stdout.write(f"{count} status steps written in {time.monotonic() - started:.1f} s.")
