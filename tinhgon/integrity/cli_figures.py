"""`tinhgon integrity figures --unit CODE [--from D] [--to D] [--as-of D]
[--format table|json|xlsx] [--output FILE]`: the integrity figures of a unit (and everything
under it) or a province (see management/commands/integrity.py). The operator's command: every
case of the scope is counted; counts only, never an author."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from tinhgon.core.commands import (
    day_text,
    domain_errors_as_command_errors,
    number_text,
    parse_day,
    table,
    to_json,
    write_output,
)
from tinhgon.integrity import figures


def add(sub: Any) -> dict[str, Callable[..., None]]:
    parser = sub.add_parser(
        "figures",
        help=_("Cases, on-time handling, inspections and recommendations of a unit or province."),
    )
    parser.add_argument("--unit", required=True, help=_("the unit's code (or name)"))
    parser.add_argument("--from", dest="date_from", help=_("received from (dd/mm/yyyy)"))
    parser.add_argument("--to", dest="date_to", help=_("received until (dd/mm/yyyy)"))
    parser.add_argument("--as-of", help=_("Date (dd/mm/yyyy or YYYY-MM-DD); default: today."))
    parser.add_argument("--format", choices=["table", "json", "xlsx"], default="table")
    parser.add_argument("--output", help=_("File to write (required for xlsx)."))
    return {"figures": figures_command}


@domain_errors_as_command_errors
def figures_command(
    command: Any,
    *,
    unit: str,
    format: str,
    date_from: str | None = None,
    date_to: str | None = None,
    as_of: str | None = None,
    output: str | None = None,
    **_options: Any,
) -> None:
    period = figures.period(
        parse_day(date_from, name="--from"),
        parse_day(date_to, name="--to"),
        parse_day(as_of, name="--as-of"),
    )
    data = figures.figures(None, figures.resolve_scope(None, unit[:200]), period)
    if format == "json":
        command.stdout.write(to_json(data))
        return
    if format == "xlsx":
        if not output:
            raise CommandError(_("--format xlsx needs --output FILE"))
        write_output(output, figures.workbook(data))
        command.stdout.write(_("Written to %(file)s") % {"file": output})
        return
    scope = data["scope"]
    command.stdout.write(
        f"{scope['name']} ({scope['unit']}) · {day_text(data['date_from'])} – "
        f"{day_text(data['date_to'])} · {_('as of')} {day_text(data['as_of'])}"
    )
    command.stdout.write(
        table(
            [
                (
                    label,
                    figures.percent(value) if key in figures.SHARES else number_text(value),
                )
                for key, label, value in figures.summary_rows(data)
            ],
            [_("figure"), _("value")],
        )
    )
    columns = figures.case_columns()
    command.stdout.write("")
    command.stdout.write(
        table(
            [
                (row["label"], *(number_text(row[k]) for k, _l in columns))
                for row in data["cases"]["by_kind"]
            ],
            [_("kind"), *(label for _k, label in columns)],
        )
    )
