"""`tinhgon staff place`: place the officials of the units a plan formed (see
management/commands/staff.py and docs/staffing-placement.md).

    tinhgon staff place --plan 12 --format json        # an applied plan, by id
    tinhgon staff place --plan hop-nhat.yaml           # a plan file, once applied
    tinhgon staff place --unit 03999 --effective 2026-01-01
    tinhgon staff place --approve RUN                   # write the run's assignments

Scripts depend on the JSON keys `placed`, `unplaced`, `cost`, `greedy_cost`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.core import text
from tinhgon.core.commands import parse_day, record_id, table, to_json
from tinhgon.core.errors import DomainError
from tinhgon.staffing import placement
from tinhgon.staffing.models import PlacementRow, PlacementRun
from tinhgon.units.models import UnitLink, UnitVersion

MAX_PLAN_BYTES = 5_000_000


def add(sub: Any) -> dict[str, Callable[..., None]]:
    parser = sub.add_parser(
        "place", help=_("Place the officials arriving at the units a plan formed (a draft run).")
    )
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--plan", help=_("An applied plan: its id, or its file."))
    what.add_argument("--unit", help=_("The code of one unit to place."))
    what.add_argument("--approve", type=record_id, help=_("Approve this placement run."))
    parser.add_argument("--effective", help=_("With --unit: the date (default: today)."))
    parser.add_argument("--format", choices=["table", "json"], default="table")
    return {"place": place}


def plan_file_units(path: str) -> tuple[list[int], dt.date, int | None]:
    """The units a plan file forms or receives into, as they stand on its effective date (the
    plan must have been applied), with the id of the plan that applied them."""
    file = Path(path)
    if not file.is_file():
        raise CommandError(
            _("--plan: '%(value)s' is neither a plan id nor a file") % {"value": path}
        )
    if file.stat().st_size > MAX_PLAN_BYTES:
        raise CommandError(_("--plan: the file is too large"))
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise CommandError(
            _("--plan: not a plan file (%(error)s)") % {"error": str(error)[:120]}
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        raise CommandError(_("--plan: not a plan file (no steps)"))
    effective = parse_day(str(data.get("effective_date")), name="effective_date")
    assert effective is not None
    codes: set[str] = set()
    for step in data["steps"]:
        if not isinstance(step, dict):
            continue
        for key in ("target", "into"):
            value = step.get(key)
            if isinstance(value, dict) and value.get("code"):
                codes.add(str(value["code"]))
            elif isinstance(value, str | int):
                codes.add(str(value))
        for target in step.get("targets") or []:
            if isinstance(target, dict) and (target.get("code") or target.get("ref")):
                codes.add(str(target.get("code") or target.get("ref")))
    if not codes:
        raise CommandError(_("--plan: the plan forms no unit to place"))
    found = dict(
        UnitVersion.objects.as_of(effective).filter(code__in=codes).values_list("code", "unit_id")
    )
    missing = sorted(codes - set(found))
    if missing:
        raise DomainError(
            _("Unit %(code)s of the plan is not open on %(day)s: apply the plan first.")
            % {"code": missing[0], "day": text.day(effective)},
            code="not_found",
            status=404,
        )
    units = sorted(set(found.values()))
    plan_ref = (
        UnitLink.objects.filter(successor_id__in=units, effective_date=effective)
        .exclude(plan_ref=None)
        .values_list("plan_ref", flat=True)
        .first()
    )
    if plan_ref is not None:  # with the agencies the plan merged alongside
        units, _day = placement.plan_units(plan_ref)
    return units, effective, plan_ref


def summary(run: PlacementRun) -> dict[str, Any]:
    rows = (
        PlacementRow.objects.filter(run=run)
        .select_related("official", "position")
        .order_by("position__code", "official_id")
    )
    placed = [r for r in rows if r.position_id]
    left = [r for r in rows if not r.position_id]
    return {
        "run": run.pk,
        "state": run.state,
        "plan": run.plan_ref,
        "units": run.units,
        "effective": run.effective.isoformat(),
        "placed": len(placed),
        "unplaced": len(left),
        "cost": run.cost,
        "greedy_cost": run.greedy_cost,
        "greedy_placed": run.weights.get("greedy_placed"),
        "note": placement.nobody_to_place(len(placed), len(left)),
        "solve_s": round(run.solve_s or 0, 3),
        "placements": [
            {
                "official": r.official_id,
                "name": r.official.full_name,
                "position": r.position_id,
                "code": r.position.code if r.position else "",
                "title": r.position.title if r.position else "",
                "cost": r.cost,
                "overridden": r.overridden,
            }
            for r in placed
        ],
        "unplaced_officials": [
            {"official": r.official_id, "name": r.official.full_name, "reason": r.unplaced_reason}
            for r in left
        ],
    }


def place(command: Any, **options: Any) -> None:
    if options.get("approve"):
        written = placement.placement_approve(actor=None, run_id=options["approve"])
        run = PlacementRun.objects.get(pk=options["approve"])
        figures = summary(run) | {"assignments_written": written}
    else:
        if options.get("unit"):
            effective = (
                parse_day(options.get("effective"), name="--effective") or timezone.localdate()
            )
            unit = (
                UnitVersion.objects.as_of(effective)
                .filter(code=options["unit"])
                .values_list("unit_id", flat=True)
                .first()
            )
            if unit is None:
                raise CommandError(
                    _("--unit: no unit has code '%(code)s' on %(day)s")
                    % {"code": options["unit"][:40], "day": text.day(effective)}
                )
            units, plan_ref = [unit], None
        elif str(options["plan"]).isdigit():
            plan_ref = record_id(options["plan"])
            units, effective = placement.plan_units(plan_ref)
        else:
            units, effective, plan_ref = plan_file_units(options["plan"])
        run = placement.placement_start(
            actor=None, unit_ids=units, effective=effective, plan_ref=plan_ref
        )
        figures = summary(run)
    if options["format"] == "json":
        command.stdout.write(to_json(figures))
        return
    if figures["note"]:
        command.stdout.write(f"{figures['note']} ({_('run')} {figures['run']})")
        return
    for key in ("run", "state", "effective", "placed", "unplaced", "cost", "greedy_cost"):
        command.stdout.write(f"{key}: {figures[key]}")
    rows = [(p["code"], p["title"], p["name"], p["cost"]) for p in figures["placements"]]
    command.stdout.write(table(rows, [_("position"), _("title"), _("official"), _("cost")]))
    for row in figures["unplaced_officials"]:
        command.stdout.write(f"- {row['name']}: {row['reason']}")
