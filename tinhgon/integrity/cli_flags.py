"""`tinhgon integrity` subcommands: flags (see management/commands/integrity.py).

- `tinhgon integrity flags --unit CODE [--dismissed] [--format json]`: the red flags of a unit
  (at least `official`, `kind`, `score`, `dossiers`, with the explanation and the peers);
- `tinhgon integrity flags --rebuild`: recompute every counter and flag from the history.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.core.commands import table, to_json
from tinhgon.core.errors import DomainError, Problem
from tinhgon.integrity import flags
from tinhgon.units import selectors as units


def add(sub: Any) -> dict[str, Callable[..., None]]:
    listing = sub.add_parser("flags", help=_("The red flags of a unit (leads, not verdicts)."))
    listing.add_argument("--unit", help=_("Code or name"))
    listing.add_argument("--dismissed", action="store_true", help=_("Dismissed ones too"))
    listing.add_argument(
        "--rebuild", action="store_true", help=_("Recompute every flag from the history")
    )
    listing.add_argument("--format", choices=["table", "json"], default="table")
    return {"flags": flags_command}


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
