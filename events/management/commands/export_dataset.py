from pathlib import Path

from django.core.management.base import BaseCommand

from events.export import write_dataset


class Command(BaseCommand):
    help = (
        "Write every published record (events, statements, sources, apps, owners, authorities, countries, "
        "measurements) into DIR as JSON and CSV, with a data dictionary (datapackage.json, README.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="Where to write the files; created if missing.")

    def handle(self, *args, directory, **options):
        counts = write_dataset(directory)
        for table, count in counts.items():
            self.stdout.write(f"{table}: {count} rows")
        self.stdout.write(f"Wrote {len(counts)} tables as JSON and CSV, datapackage.json and README.md to {directory}")
