from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tinhgon.core.commands import domain_errors_as_command_errors, parse_day, table, to_json
from tinhgon.reports.exports import figures_workbook
from tinhgon.reports.selectors import apparatus_change, figure_rows
from tinhgon.reports.service import resolve_area, scoped_figures
from tinhgon.units import selectors


class Command(BaseCommand):
    help = "Reports. `report apparatus --as-of D [--compare-to D2]`: the apparatus figures."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="report", required=True)
        apparatus = sub.add_parser(
            "apparatus", help="Units by kind and level, levels, focal points."
        )
        apparatus.add_argument("--as-of", required=True, help="Date (YYYY-MM-DD).")
        apparatus.add_argument("--compare-to", help="A second date: show both and the change.")
        apparatus.add_argument(
            "--province", help="Province name or code (default: the whole country)."
        )
        apparatus.add_argument("--unit", help="A unit's code or name: figures of its subtree.")
        apparatus.add_argument("--format", choices=["table", "json", "xlsx"], default="table")
        apparatus.add_argument("--output", help="File to write (required for xlsx).")

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
                raise CommandError("--format xlsx needs --output FILE")
            Path(options["output"]).write_bytes(figures_workbook(result))
            self.stdout.write(f"Written to {options['output']}")
            return
        if fmt == "json":
            text = to_json(result)
        elif "change" in result:
            before, after = dict(figure_rows(result["before"])), dict(figure_rows(result["after"]))
            text = table(
                [
                    (k, before.get(k, 0), after.get(k, 0), f"{v:+d}")
                    for k, v in result["change"].items()
                ],
                ["figure", result["from"], result["to"], "change"],
            )
        else:
            text = f"{result['area']} on {result['as_of']}\n" + table(
                figure_rows(result), ["figure", "count"]
            )
        if options["output"]:
            Path(options["output"]).write_text(text + "\n", encoding="utf-8")
        else:
            self.stdout.write(text)

    def _figures(self, day, options):
        unit_id = None
        if options["unit"]:
            unit_id = selectors.resolve(options["unit"], day=day).unit_id
        area = resolve_area(None, day=day, province=options["province"], unit_id=unit_id)
        return scoped_figures(None, day, area)
