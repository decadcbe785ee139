import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from events.importers.common import Report, progress, rejects_path, write_rejects
from events.importers.stop import plan_file
from events.importers.stop_writer import StopWriter
from events.models import Country

SHOWN_ERRORS = 50


class Command(BaseCommand):
    help = (
        "Import Access Now's #KeepItOn STOP dataset (.xlsx with its 2016-2022 sheets, or the stacked .csv). "
        "All or nothing by default: any bad row and nothing is written. Safe to run again: it changes only "
        "what differs. See docs/importing.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The STOP .xlsx workbook or .csv file.")
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

    def handle(self, *args, file, skip_invalid, rejects, dry_run, **options):
        started = time.monotonic()
        report = Report()
        show_progress = self.stdout.isatty()
        known = dict(Country.objects.values_list("code", "name"))
        checked = plan_file(file, known, wrap=lambda rows: progress(rows, show_progress, desc="rows", unit="row"))
        plans, errors = checked.plans, checked.errors
        report.rejects, report.skipped_sheets = errors, checked.skipped
        for name, reason in checked.skipped:
            self.stdout.write(f"Skipped sheet {name!r}: {reason}.")
        for name, lacks in checked.lacking:
            self.stdout.write(f"Read sheet {name!r} in {lacks}.")
        self.stdout.write(f"Read {checked.rows} rows: {len(plans)} events, {len(errors)} rejected rows.")

        if errors and not skip_invalid:
            raise CommandError(
                self.errors_text(errors) + "\nNothing was written. Fix the rows, or import the "
                "rest with --skip-invalid (rejected rows are then written to a CSV)."
            )
        if errors:
            self.stdout.write(self.errors_text(errors))
            if not dry_run:
                path = write_rejects(rejects_path(file, rejects), errors, checked.columns)
                self.stdout.write(f"Rejected rows written to {path.resolve()}")

        with transaction.atomic():
            StopWriter(report).write(plans, show_progress=show_progress)
            if dry_run:
                transaction.set_rollback(True)
        report.seconds = time.monotonic() - started
        self.print_report(report, dry_run)
        return None

    def errors_text(self, errors):
        lines = [f"{len(errors)} row(s) cannot be imported:"]
        lines += [f"  {error}" for error in errors[:SHOWN_ERRORS]]
        if len(errors) > SHOWN_ERRORS:
            lines.append(f"  ... and {len(errors) - SHOWN_ERRORS} more.")
        return "\n".join(lines)

    def print_report(self, report, dry_run):
        prefix = "Dry run, nothing written. Would have: " if dry_run else ""
        counts = ", ".join(f"{label} {n}" for label, n in sorted(report.counts.items()) if n)
        self.stdout.write(f"{prefix}{counts or 'no changes'}.")
        for note in report.notes:
            self.stdout.write(note)
        self.stdout.write(f"Done in {report.seconds:.1f} s.")
