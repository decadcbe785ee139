import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from events.importers.common import Report, progress, rejects_path, write_rejects
from events.importers.ooni import DEFAULT_CREDIT, check_file, write_measurements
from events.models import Country

SHOWN_ERRORS = 50


class Command(BaseCommand):
    help = (
        "Import OONI measurement counts in OONI's aggregation CSV format (one row per country, test and day). "
        "All or nothing by default; safe to run again. See docs/importing.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The OONI aggregation .csv file.")
        parser.add_argument(
            "--credit",
            default=DEFAULT_CREDIT,
            help=f"Who the figures come from, stored on each measurement (default: {DEFAULT_CREDIT!r}).",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid rows and write the rejected ones, with reasons, to the --rejects CSV.",
        )
        parser.add_argument(
            "--rejects",
            help="Where --skip-invalid writes rejected rows (default: beside the file, named after it: "
            "data/stop.xlsx -> data/stop.rejects.csv).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")

    def handle(self, *args, file, credit, skip_invalid, rejects, dry_run, **options):
        started = time.monotonic()
        if len(credit) > 200:
            raise CommandError("--credit is longer than 200 characters.")
        report = Report()
        show_progress = self.stdout.isatty()
        known = set(Country.objects.values_list("code", flat=True))
        checked = check_file(file, known, wrap=lambda rows: progress(rows, show_progress, desc="rows", unit="row"))
        report.rejects = checked.errors
        self.stdout.write(
            f"Read {checked.total} rows: {len(checked.rows)} measurements, {len(checked.errors)} rejected, "
            f"{checked.discarded} marked discard by the file."
        )
        if checked.errors:
            text = "\n".join(
                [f"{len(checked.errors)} row(s) cannot be imported:"]
                + [f"  {error}" for error in checked.errors[:SHOWN_ERRORS]]
                + (
                    [f"  ... and {len(checked.errors) - SHOWN_ERRORS} more."]
                    if len(checked.errors) > SHOWN_ERRORS
                    else []
                )
            )
            if not skip_invalid:
                raise CommandError(
                    text + "\nNothing was written. Fix the rows, or import the rest with --skip-invalid."
                )
            self.stdout.write(text)
            if not dry_run:
                path = write_rejects(rejects_path(file, rejects), checked.errors, checked.columns)
                self.stdout.write(f"Rejected rows written to {path.resolve()}")
        with transaction.atomic():
            write_measurements(checked.rows, report, credit)
            if dry_run:
                transaction.set_rollback(True)
        prefix = "Dry run, nothing written. Would have: " if dry_run else ""
        counts = ", ".join(f"{label} {n}" for label, n in sorted(report.counts.items()) if n)
        self.stdout.write(f"{prefix}{counts or 'no changes'}.")
        self.stdout.write(f"Done in {time.monotonic() - started:.1f} s.")
