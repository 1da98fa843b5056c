import csv

from django.core.management.base import BaseCommand

from tinhgon.core.db import refresh_statistics
from tinhgon.operations.national import import_national_with_plan
from tinhgon.units.models import ImportConflict


class Command(BaseCommand):
    help = (
        "Import Vietnam's administrative units from the installed packages: the legacy units "
        "(valid until 2025-06-30) and the official list (from 2025-07-01). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--report",
            help="Also write the import report (every conflict and its resolution) to this CSV file.",
        )
        parser.add_argument(
            "--legacy-only",
            action="store_true",
            help="Import only the legacy units, all still open, as before the 2025 reform.",
        )

    def handle(self, *args, legacy_only: bool = False, report: str | None = None, **options):
        outcome = import_national_with_plan(legacy_only=legacy_only)
        result = outcome.legacy
        if result.units_created or outcome.plan_applied:
            refresh_statistics()
        if result.units_created:
            created = ", ".join(f"{kind}: {n}" for kind, n in sorted(result.created.items()))
            self.stdout.write(f"Created {result.units_created} units ({created}).")
        else:
            self.stdout.write("Registry already up to date: no unit created.")
        if result.conflicts_by_category:
            self.stdout.write(
                f"Import report: {result.conflicts_total} conflicts between the packages"
            )
            for category, counts in sorted(result.conflicts_by_category.items()):
                self.stdout.write(
                    f"  {category}: {counts['resolved']} resolved, {counts['open']} open"
                )
            self.stdout.write("List them with: tinhgon units conflicts")
        if report:
            fields = ImportConflict.REPORT_FIELDS
            with open(report, "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(fields)
                writer.writerows(ImportConflict.objects.values_list(*fields))
            self.stdout.write(f"Import report written to {report}")
