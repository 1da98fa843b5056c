"""`tinhgon commendations` subcommands of the register (see management/commands/commendations.py).

- `tinhgon commendations list --unit CODE [--with-predecessors] [--format json]`: the unit's
  commendations (collectives, and individuals serving there then), newest first; with its
  predecessors' through the lineage, each marked `via` the predecessor's code. Operator-level:
  the command line reads every unit. JSON: a list of {decision, date, form, recipient,
  recipient_kind, unit, campaign, via, ...}.
- `tinhgon commendations official --id N [--format json]`: an official's record, whichever unit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.commendations import selectors
from tinhgon.core.commands import day_text, record_id, table, to_json
from tinhgon.core.errors import NotFound
from tinhgon.staffing.models import Official
from tinhgon.units import selectors as units


def add(sub: Any) -> dict[str, Callable[..., None]]:
    listed = sub.add_parser("list", help=_("A unit's commendations, newest first."))
    listed.add_argument("--unit", required=True, help=_("the unit's code (or name)"))
    listed.add_argument(
        "--with-predecessors",
        action="store_true",
        help=_("also those of the units it was formed from"),
    )
    listed.add_argument("--format", choices=["table", "json"], default="table")
    person = sub.add_parser("official", help=_("An official's commendations, whichever unit."))
    person.add_argument("--id", required=True, type=record_id, help=_("the official's id"))
    person.add_argument("--format", choices=["table", "json"], default="table")
    return {"list": list_command, "official": official_command}


def _unit(code: str):  # type: ignore[no-untyped-def]
    """The unit open today with this code or name; else one that had it (a closed unit keeps
    its record)."""
    try:
        return units.resolve(code[:200], day=timezone.localdate(), field="unit")
    except NotFound:
        return units.resolve(code[:200], day=None, field="unit")


def _write(command: Any, found: list[dict[str, Any]], format: str) -> None:
    if format == "json":
        command.stdout.write(to_json(found))
        return
    command.stdout.write(
        table(
            [
                (
                    day_text(r["date"]),
                    r["decision"],
                    r["form"],
                    r["recipient"],
                    r["unit"],
                    r["via"] or "",
                )
                for r in found
            ],
            [_("date"), _("decision"), _("form"), _("recipient"), _("unit"), _("through")],
        )
    )


def list_command(
    command: Any, *, unit: str, with_predecessors: bool, format: str, **_options: Any
) -> None:
    found = _unit(unit)
    _write(
        command, selectors.unit_history(found.unit_id, with_predecessors=with_predecessors), format
    )


def official_command(command: Any, *, id: int, format: str, **_options: Any) -> None:
    if not Official.objects.filter(pk=id).exists():
        raise NotFound(_("Official %(id)s does not exist.") % {"id": id})
    _write(command, selectors.official_history(id), format)
