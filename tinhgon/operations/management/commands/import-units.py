import csv
import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tinhgon.core.commands import TranslatedCommand, number_text, write_output
from tinhgon.core.db import refresh_statistics
from tinhgon.operations.national import import_national_with_plan
from tinhgon.units.kinds import Kind
from tinhgon.units.models import ImportConflict


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Import Vietnam's administrative units from the installed packages: the legacy units "
        "(valid until 30/06/2025) and the official list (from 01/07/2025). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--report",
            help=_(
                "Also write the import report (every conflict and its resolution) to this CSV file."
            ),
        )
        parser.add_argument(
            "--legacy-only",
            action="store_true",
            help=_("Import only the legacy units, all still open, as before the 2025 reform."),
        )

    def handle(self, *args, legacy_only: bool = False, report: str | None = None, **options):
        outcome = import_national_with_plan(legacy_only=legacy_only)
        result = outcome.legacy
        if result.units_created or outcome.plan_applied:
            refresh_statistics()
        if result.units_created:
            created = ", ".join(
                f"{_kind_label(kind)}: {number_text(n)}"
                for kind, n in sorted(result.created.items())
            )
            self.stdout.write(
                ngettext(
                    "Created %(count)s unit (%(kinds)s).",
                    "Created %(count)s units (%(kinds)s).",
                    result.units_created,
                )
                % {"count": number_text(result.units_created), "kinds": created}
            )
        else:
            self.stdout.write(_("Registry already up to date: no unit created."))
        if result.conflicts_by_category:
            self.stdout.write(
                _("Import report: %(count)s conflicts between the packages")
                % {"count": number_text(result.conflicts_total)}
            )
            for category, counts in sorted(result.conflicts_by_category.items()):
                self.stdout.write(
                    "  "
                    + _("%(category)s: %(resolved)s resolved, %(open)s open")
                    % {
                        "category": category,
                        "resolved": number_text(counts["resolved"]),
                        "open": number_text(counts["open"]),
                    }
                )
            self.stdout.write(_("List them with: tinhgon units conflicts"))
        if report:
            fields = ImportConflict.REPORT_FIELDS
            handle = io.StringIO(newline="")
            writer = csv.writer(handle)
            writer.writerow(fields)
            writer.writerows(ImportConflict.objects.values_list(*fields))
            write_output(report, handle.getvalue())
            self.stdout.write(_("Import report written to %(path)s") % {"path": report})


def _kind_label(kind: str) -> str:
    return str(Kind(kind).label) if kind in Kind.values else kind
