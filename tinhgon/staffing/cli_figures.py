"""`tinhgon staff figures --unit CODE [--as-of DATE] [--format table|json|xlsx]`: the staffing
figures of a unit and its subtree (see management/commands/staff.py). The operator's command:
every unit, identity numbers never printed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone
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
from tinhgon.staffing import figures


def add(sub: Any) -> dict[str, Callable[..., None]]:
    parser = sub.add_parser(
        "figures", help=_("Quota, filled, vacant and surplus of a unit (and its subtree).")
    )
    parser.add_argument("--unit", required=True, help=_("A unit's code or name."))
    parser.add_argument("--as-of", help=_("Date (dd/mm/yyyy or YYYY-MM-DD); default: today."))
    parser.add_argument("--format", choices=["table", "json", "xlsx"], default="table")
    parser.add_argument("--output", help=_("File to write (required for xlsx)."))
    parser.add_argument(
        "--no-gaps", action="store_true", help=_("Leave out the list of qualification gaps.")
    )
    return {"figures": run}


@domain_errors_as_command_errors
def run(command: Any, **options: Any) -> None:
    day = parse_day(options.get("as_of")) or timezone.localdate()
    version = figures.resolve_unit(None, options["unit"], day)
    data = figures.unit_figures(day, version.unit_id, gaps=not options.get("no_gaps"))
    fmt = options.get("format") or "table"
    if fmt == "json":
        command.stdout.write(to_json(data))
        return
    if fmt == "xlsx":
        if not options.get("output"):
            raise CommandError(_("--format xlsx needs --output FILE"))
        write_output(options["output"], figures.workbook(data))
        command.stdout.write(_("Written to %(file)s") % {"file": options["output"]})
        return
    rows = [
        (
            r["label"],
            number_text(r["quota"]),
            number_text(r["filled"]),
            number_text(r["vacant"]),
            number_text(r["surplus"]),
        )
        for r in data["categories"]
    ]
    rows.append(
        (
            _("Total"),
            number_text(data["quota"]),
            number_text(data["filled"]),
            number_text(data["vacant"]),
            number_text(data["surplus"]),
        )
    )
    command.stdout.write(f"{data['unit']['name']} · {day_text(data['as_of'])}")
    command.stdout.write(
        table(rows, [_("category"), _("quota"), _("filled"), _("vacant"), _("surplus")])
    )
