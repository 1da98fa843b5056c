"""`tinhgon integrity` subcommands: flags (see management/commands/integrity.py).

- `tinhgon integrity flags --unit CODE [--dismissed] [--format json]`: the red flags of a unit
  (at least `official`, `kind`, `score`, `dossiers`, with the explanation and the peers);
- `tinhgon integrity flags --rebuild`: recompute every counter and flag from the history;
- `tinhgon integrity export flags|cases --unit CODE --output FILE.xlsx`: a unit's red flags, or
  its cases (never their authors), as a spreadsheet (integrity/exports.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.core.commands import table, to_json, write_output
from tinhgon.core.errors import DomainError, Problem
from tinhgon.integrity import exports, flags
from tinhgon.units import selectors as units


def add(sub: Any) -> dict[str, Callable[..., None]]:
    listing = sub.add_parser("flags", help=_("The red flags of a unit (leads, not verdicts)."))
    listing.add_argument("--unit", help=_("Code or name"))
    listing.add_argument("--dismissed", action="store_true", help=_("Dismissed ones too"))
    listing.add_argument(
        "--rebuild", action="store_true", help=_("Recompute every flag from the history")
    )
    listing.add_argument("--format", choices=["table", "json"], default="table")
    export = sub.add_parser(
        "export", help=_("A unit's red flags or cases as a spreadsheet (never an author).")
    )
    export.add_argument("what", choices=["flags", "cases"])
    export.add_argument("--unit", required=True, help=_("Code or name"))
    export.add_argument("--output", required=True, help=_("The spreadsheet to write (.xlsx)"))
    return {"flags": flags_command, "export": export_command}


def export_command(command: Any, *, what: str, unit: str, output: str, **_options: Any) -> None:
    if not output.lower().endswith(".xlsx"):
        raise DomainError(
            _("A spreadsheet needs --output FILE.xlsx."),
            problems=[Problem(_("a file name ending in .xlsx"), field="output")],
        )
    version = units.resolve(unit[:100], day=timezone.localdate())
    build = exports.flags_xlsx if what == "flags" else exports.cases_xlsx
    content = build(None, unit_id=version.unit_id)
    write_output(output, content)
    command.stdout.write(_("Written: %(path)s") % {"path": output})


def flags_command(
    command: Any,
    *,
    unit: str | None,
    dismissed: bool,
    rebuild: bool,
    format: str,
    **_options: Any,
) -> None:
    if rebuild:
        done = flags.rebuild()
        command.stdout.write(
            _("%(counters)s counters, %(flags)s flags recomputed from the history.") % done
        )
        if not unit:
            return
    if not unit:
        raise DomainError(
            _("Name a unit (--unit CODE)."), problems=[Problem(_("required"), field="unit")]
        )
    version = units.resolve(unit[:100], day=timezone.localdate())
    found = flags.flags_of_unit(None, unit_id=version.unit_id, dismissed=dismissed)
    data = [flags.as_json(f) for f in found]
    if format == "json":
        command.stdout.write(to_json(data))
        return
    keys = ["id", "official", "kind", "score", "dossiers", "explanation"]
    rows = [
        [f["id"], f["official"], f["kind"], f["score"], len(f["dossiers"]), f["explanation"]]
        for f in data
    ]
    command.stdout.write(table(rows, keys))
