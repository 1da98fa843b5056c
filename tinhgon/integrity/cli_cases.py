"""`tinhgon integrity` subcommands of cases (see management/commands/integrity.py).

- `tinhgon integrity cases --unit CODE [--open] [--format json]`: the cases a unit is concerned
  by or handles, soonest due first (operator-level: the command line reads every unit). Never
  the author: the command line is not the handler.
- `tinhgon integrity demo --province NAME [--seed S]`: the labelled synthetic set (demo.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.core.commands import MAX_SEED, bounded_int, day_text, table, to_json
from tinhgon.core.errors import NotFound
from tinhgon.integrity import demo
from tinhgon.integrity.models import OPEN_CASE, Case, CaseKind, CaseStatus
from tinhgon.units import selectors as units
from tinhgon.workdays.calendar import VIETNAM


def add(sub: Any) -> dict[str, Callable[..., None]]:
    listed = sub.add_parser("cases", help=_("The cases a unit is concerned by or handles."))
    listed.add_argument("--unit", required=True, help=_("the unit's code (or name)"))
    listed.add_argument("--open", action="store_true", help=_("only open cases"))
    listed.add_argument("--format", choices=["table", "json"], default="table")
    made = sub.add_parser("demo", help=_("Make a labelled synthetic set of integrity data."))
    made.add_argument("--province", required=True, help=_("the province's name or code"))
    made.add_argument("--seed", type=bounded_int(0, MAX_SEED), default=1)
    made.add_argument("--format", choices=["text", "json"], default="text")
    return {"cases": cases_command, "demo": demo_command}


def unit_by_code(code: str):  # type: ignore[no-untyped-def]
    """The unit open today with this code or name; else one that had it (a closed unit keeps
    the cases decided there)."""
    try:
        return units.resolve(code, day=timezone.localdate(), field="unit")
    except NotFound:
        return units.resolve(code, day=None, field="unit")


def case_rows(unit_id: int, *, open_only: bool) -> list[dict[str, Any]]:
    found = Case.objects.filter(Q(unit_id=unit_id) | Q(handler_unit_id=unit_id))
    if open_only:
        found = found.filter(status__in=[s.value for s in OPEN_CASE])
    rows = list(
        found.order_by("due", "id").values(
            "id", "kind", "status", "unit_id", "handler_unit_id", "due", "extensions", "synthetic"
        )
    )
    today = timezone.localdate()
    ids = {r["unit_id"] for r in rows} | {r["handler_unit_id"] for r in rows}
    codes = {v.unit_id: v.code for v in units.versions_on(today).filter(unit_id__in=ids)}
    for unit in ids - set(codes):
        codes[unit] = units.latest_version(unit).code
    now = timezone.now()
    return [
        {
            "id": r["id"],
            "kind": r["kind"],
            "status": r["status"],
            "unit": codes[r["unit_id"]],
            "handler_unit": codes[r["handler_unit_id"]],
            "due": r["due"].astimezone(VIETNAM).isoformat(),  # as `calendar due` writes it
            "overdue": r["status"] in OPEN_CASE and r["due"] < now,
            "extensions": r["extensions"],
            "synthetic": r["synthetic"],
        }
        for r in rows
    ]


def cases_command(command: Any, *, unit: str, open: bool, format: str, **_options: Any) -> None:
    found = unit_by_code(unit)
    rows = case_rows(found.unit_id, open_only=open)
    if format == "json":
        command.stdout.write(to_json(rows))
        return
    kinds, statuses = dict(CaseKind.choices), dict(CaseStatus.choices)
    command.stdout.write(
        table(
            [
                (
                    r["id"],
                    kinds.get(r["kind"], r["kind"]),
                    str(statuses.get(r["status"], r["status"])) + (" !" if r["overdue"] else ""),
                    r["handler_unit"],
                    day_text(dt.datetime.fromisoformat(r["due"]).astimezone(VIETNAM).date()),
                )
                for r in rows
            ],
            [_("id"), _("kind"), _("status"), _("handler"), _("deadline")],
        )
    )


def demo_command(command: Any, *, province: str, seed: int, format: str, **_options: Any) -> None:
    made = demo.demo(province=province, seed=seed)
    if format == "json":
        command.stdout.write(to_json(made))
        return
    command.stdout.write(
        _("Synthetic cases made in %(province)s: %(cases)s cases, %(open)s open.") % made
    )
