from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhgon.core.commands import (
    TranslatedCommand,
    day_text,
    domain_errors_as_command_errors,
    number_text,
    parse_day,
    table,
    to_json,
    write_output,
)
from tinhgon.reports.exports import figures_workbook
from tinhgon.reports.selectors import (
    apparatus_change,
    baseline_warnings,
    figure_label,
    figure_rows,
)
from tinhgon.reports.service import resolve_area, scoped_figures
from tinhgon.units import selectors


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Reports. `report apparatus --as-of D [--compare-to D2]`: the apparatus figures."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="report", required=True)
        apparatus = sub.add_parser(
            "apparatus", help=_("Units by kind and level, levels, focal points.")
        )
        apparatus.add_argument("--as-of", required=True, help=_("Date (dd/mm/yyyy or YYYY-MM-DD)."))
        apparatus.add_argument("--compare-to", help=_("A second date: show both and the change."))
        apparatus.add_argument(
            "--province",
            help=_("Province name or code (default: the whole country)."),
        )
        apparatus.add_argument("--unit", help=_("A unit's code or name: figures of its subtree."))
        apparatus.add_argument("--format", choices=["table", "json", "xlsx"], default="table")
        apparatus.add_argument("--output", help=_("File to write (required for xlsx)."))

    @domain_errors_as_command_errors
    def handle(self, *args, report: str, **options):
        day = parse_day(options["as_of"])
        assert day is not None
        other = parse_day(options["compare_to"], name="--compare-to")
        result = self._figures(day, options)
        if other is not None:
            result = apparatus_change(result, self._figures(other, options))
        fmt = options["format"]
        if fmt == "xlsx":
            if not options["output"]:
                raise CommandError(_("--format xlsx needs --output FILE"))
            write_output(options["output"], figures_workbook(result))
            self.stdout.write(_("Written to %(file)s") % {"file": options["output"]})
            return
        if fmt == "json":
            text = to_json(result)
        elif "change" in result:
            before, after = dict(figure_rows(result["before"])), dict(figure_rows(result["after"]))
            text = table(
                [
                    (
                        figure_label(k),
                        number_text(before.get(k, 0)),
                        number_text(after.get(k, 0)),
                        _signed(v),
                    )
                    for k, v in result["change"].items()
                ],
                [_("figure"), day_text(result["from"]), day_text(result["to"]), _("change")],
            )
            # The pages' warning, on the command line too: a date the registry holds no
            # agencies for is no baseline (Sơn La's 213 -> 618 across 01/07/2025).
            for warning in baseline_warnings(result["before"], result["after"]):
                text = _("Warning: %(warning)s") % {"warning": warning} + "\n" + text
        else:
            area = result["area"]
            heading = _("%(area)s on %(day)s") % {
                "area": _("The whole country") if area == "national" else area,
                "day": day_text(result["as_of"]),
            }
            rows = [(figure_label(k), number_text(v)) for k, v in figure_rows(result)]
            text = heading + "\n" + table(rows, [_("figure"), _("count")])
        if options["output"]:
            write_output(options["output"], text + "\n")
        else:
            self.stdout.write(text)

    def _figures(self, day, options):
        unit_id = None
        if options["unit"]:
            unit_id = selectors.resolve(options["unit"], day=day).unit_id
        area = resolve_area(None, day=day, province=options["province"], unit_id=unit_id)
        return scoped_figures(None, day, area)


def _signed(value: int) -> str:
    """+1.234, -12, 0: a change as the language writes numbers."""
    return ("+" if value > 0 else "-" if value < 0 else "") + number_text(abs(value))
