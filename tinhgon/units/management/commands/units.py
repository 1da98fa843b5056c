from __future__ import annotations

from django.core.management.base import CommandError
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhgon.core.commands import (
    TranslatedCommand,
    domain_errors_as_command_errors,
    number_text,
    parse_day,
    table,
    to_json,
    write_output,
)
from tinhgon.core.upload import read_path
from tinhgon.units import selectors
from tinhgon.units.excel import agencies_import, write_template
from tinhgon.units.kinds import KINDS_BY_LEVEL, Level
from tinhgon.units.models import ImportConflict
from tinhgon.units.serializers import version_dict

CONFLICT_HEADERS = {
    "category": gettext_lazy("category"),
    "status": gettext_lazy("status"),
    "province_code": gettext_lazy("province code"),
    "official_code": gettext_lazy("official code"),
    "official_name": gettext_lazy("official name"),
    "other_code": gettext_lazy("other code"),
    "other_name": gettext_lazy("other name"),
    "resolution": gettext_lazy("resolution"),
}
LEVELS = {"province": Level.PROVINCE, "district": Level.DISTRICT, "commune": Level.COMMUNE}


class Command(TranslatedCommand):
    help = gettext_lazy(
        "The unit registry: list, search, import conflicts, Excel import of agencies."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help=_("Units open on a date."))
        listing.add_argument("--as-of", help=_("Date (dd/mm/yyyy or YYYY-MM-DD); default today."))
        listing.add_argument("--province", help=_("Province name or code."))
        listing.add_argument("--level", choices=sorted(LEVELS))
        listing.add_argument("--kind")
        listing.add_argument("--search", help=_("Name or code, with or without diacritics."))
        listing.add_argument("--format", choices=["table", "json"], default="table")

        conflicts = sub.add_parser(
            "conflicts", help=_("The import report: conflicts between the packages.")
        )
        conflicts.add_argument("--category")
        conflicts.add_argument("--status", choices=["open", "resolved"])
        conflicts.add_argument("--format", choices=["table", "json"], default="table")

        importing = sub.add_parser("import-excel", help=_("Import agencies from an Excel sheet."))
        importing.add_argument("file")

        template = sub.add_parser(
            "excel-template", help=_("Write the Excel template for agencies.")
        )
        template.add_argument("--output", required=True)

    @domain_errors_as_command_errors
    def handle(self, *args, action: str, **options):
        getattr(self, "handle_" + action.replace("-", "_"))(**options)

    def handle_list(self, *, as_of, province, level, kind, search, format, **_options):
        day = parse_day(as_of) or timezone.localdate()
        qs = selectors.versions_on(day)
        if province:
            qs = qs.filter(province_id=selectors.resolve_province(province, day=day).unit_id)
        if level:
            qs = qs.filter(kind__in=KINDS_BY_LEVEL[LEVELS[level]])
        if kind:
            qs = qs.filter(kind=kind)
        if search:
            qs = selectors.search(search, None, base=qs)
        rows = [version_dict(v) for v in qs.vietnamese_order()]
        if format == "json":
            self.stdout.write(to_json(rows))
            return
        self.stdout.write(
            table(
                [(r["code"], r["name"], r["kind_label"]) for r in rows],
                [_("code"), _("name"), _("kind")],
            )
        )
        self.stdout.write(
            _("%(count)s units open on %(day)s")
            % {
                "count": number_text(len(rows)),
                "day": formats.date_format(day, "SHORT_DATE_FORMAT"),
            }
        )

    def handle_conflicts(self, *, category, status, format, **_options):
        qs = ImportConflict.objects.all()
        if category is not None:
            categories = list(
                ImportConflict.objects.order_by("category")
                .values_list("category", flat=True)
                .distinct()
            )
            if category not in categories:
                raise CommandError(
                    _("%(argument)s: '%(value)s' is not one of %(choices)s")
                    % {
                        "argument": "--category",
                        "value": category[:48],
                        "choices": ", ".join(categories) or "—",
                    }
                )
            qs = qs.filter(category=category)
        if status:
            qs = qs.filter(status=status)
        fields = ImportConflict.REPORT_FIELDS
        rows = list(qs.values(*fields))
        if format == "json":
            self.stdout.write(to_json(rows))
            return
        headers = [str(CONFLICT_HEADERS.get(f, f)) for f in fields[:8]]
        self.stdout.write(table([[r[f] for f in fields[:8]] for r in rows], headers))
        self.stdout.write(_("%(count)s conflicts") % {"count": number_text(len(rows))})

    def handle_import_excel(self, *, file, **_options):
        content, name = read_path(file)
        created = agencies_import(actor=None, content=content, filename=name)
        self.stdout.write(
            _("Imported %(count)s units from %(file)s.") % {"count": len(created), "file": name}
        )

    def handle_excel_template(self, *, output, **_options):
        write_output(output, write_template())
        self.stdout.write(_("Template written to %(file)s") % {"file": output})
