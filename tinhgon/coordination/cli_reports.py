"""`tinhgon coord` subcommands: reports and the figures (see management/commands/coord.py).

- `tinhgon coord figures --province NAME --format json`: `tasks_open`, `tasks_overdue`,
  `reports_missing`, `obstacles_open` and the rest of coordination/figures.py;
- `tinhgon coord report-missing --round ID [--format json]`: who has not submitted;
- `tinhgon coord report-export --round ID --output FILE`: the consolidated spreadsheet.
The command line is the operator's: it reads every province.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from tinhgon.coordination import figures, reports
from tinhgon.core.commands import record_id, table, to_json, write_output


def add(sub: Any) -> dict[str, Callable[..., None]]:
    figures_parser = sub.add_parser(
        "figures", help=_("Tasks, reports and obstacles of a province, as of today.")
    )
    figures_parser.add_argument("--province", required=True, help=_("Name or code"))
    figures_parser.add_argument("--format", choices=["table", "json", "xlsx"], default="table")
    figures_parser.add_argument("--output", help=_("The spreadsheet's file (with --format xlsx)"))
    missing = sub.add_parser("report-missing", help=_("The units that have not submitted a round."))
    missing.add_argument("--round", type=record_id, required=True, dest="round_id")
    missing.add_argument("--format", choices=["table", "json"], default="table")
    export = sub.add_parser("report-export", help=_("A round's consolidated figures as Excel."))
    export.add_argument("--round", type=record_id, required=True, dest="round_id")
    export.add_argument("--output", required=True)
    return {
        "figures": figures_command,
        "report-missing": missing_command,
        "report-export": export_command,
    }


def figures_command(
    command: Any, *, province: str, format: str, output: str | None = None, **_options: Any
) -> None:
    data = figures.province_figures(figures.province_for(None, province))
    if format == "json":
        command.stdout.write(to_json(data))
        return
    if format == "xlsx":
        if not output:
            raise CommandError(_("--output is needed with --format xlsx"))
        write_output(output, figures.figures_xlsx(data))
        command.stdout.write(output)
        return
    names = figures.labels()
    command.stdout.write(
        table(
            [(names[k], data[k]) for k in figures.SUMMARY_KEYS], [data["province"], data["as_of"]]
        )
    )


def missing_command(command: Any, *, round_id: int, format: str, **_options: Any) -> None:
    rows = reports.missing(reports.access_round(None, round_id))
    if format == "json":
        command.stdout.write(to_json(rows))
        return
    command.stdout.write(
        table(
            [(r["unit"], r["unit_name"], r["status"]) for r in rows],
            [_("Code"), _("Unit"), _("Status")],
        )
    )


def export_command(command: Any, *, round_id: int, output: str, **_options: Any) -> None:
    write_output(output, reports.consolidated_xlsx(reports.access_round(None, round_id)))
    command.stdout.write(output)
