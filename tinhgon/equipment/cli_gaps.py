"""`tinhgon equipment` subcommands: gaps and demo (see management/commands/equipment.py).

- `tinhgon equipment gaps --province NAME [--unit CODE] [--as-of DAY] [--short] --format json`:
  a list of {unit (code), unit_name, item, required, available, usable, shortfall, ...};
- `tinhgon equipment gaps --province NAME --ranking`: the communes, those short first;
- `tinhgon equipment demo --province NAME [--seed S]`: the labelled synthetic set (demo.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.core.commands import MAX_SEED, bounded_int, parse_day, table, to_json
from tinhgon.equipment import demo, selectors
from tinhgon.units import selectors as units


def add(sub: Any) -> dict[str, Callable[..., None]]:
    gaps = sub.add_parser("gaps", help=_("Required, available and usable equipment per unit."))
    gaps.add_argument("--province", required=True, help=_("the province's name or code"))
    gaps.add_argument("--unit", help=_("only this unit (code or name)"))
    gaps.add_argument("--as-of", help=_("the day (dd/mm/yyyy or YYYY-MM-DD; default today)"))
    gaps.add_argument("--short", action="store_true", help=_("only the rows with a shortfall"))
    gaps.add_argument("--ranking", action="store_true", help=_("the communes, those short first"))
    gaps.add_argument("--format", choices=["table", "json"], default="table")
    made = sub.add_parser("demo", help=_("A labelled synthetic inventory for a province."))
    made.add_argument("--province", required=True, help=_("the province's name or code"))
    made.add_argument("--seed", type=bounded_int(0, MAX_SEED), default=1)
    made.add_argument("--format", choices=["table", "json"], default="table")
    return {"gaps": gaps_command, "demo": demo_command}


def gaps_command(
    command: Any,
    *,
    province: str,
    unit: str | None,
    as_of: str | None,
    short: bool,
    ranking: bool,
    format: str,
    **_options: Any,
) -> None:
    day = parse_day(as_of) or timezone.localdate()
    found_province = units.resolve_province(province[:100], day=day)
    if unit:
        version = units.resolve(unit[:100], day=day, province_id=found_province.unit_id)
        rows = selectors.gaps(day=day, unit_ids=[version.unit_id])
    else:
        rows = selectors.gaps(day=day, province_id=found_province.unit_id)
    if ranking:
        ranked = [r.as_json() for r in selectors.ranking(rows, day)]
        if format == "json":
            command.stdout.write(to_json(ranked))
            return
        keys = ["unit", "unit_name", "lines_short", "shortfall", "share_missing", "estimated_cost"]
        command.stdout.write(table([[r[k] for k in keys] for r in ranked], keys))
        return
    if short:
        rows = [r for r in rows if r.shortfall]
    data = [r.as_json() for r in rows]
    if format == "json":
        command.stdout.write(to_json(data))
        return
    keys = ["unit", "item", "required", "available", "usable", "shortfall"]
    command.stdout.write(table([[r[k] for k in keys] for r in data], keys))


def demo_command(command: Any, *, province: str, seed: int, format: str, **_options: Any) -> None:
    made = demo.demo(province=province, seed=seed)
    if format == "json":
        command.stdout.write(to_json(made))
        return
    command.stdout.write(
        _(
            "Synthetic equipment data made in %(province)s: %(inventory_lines)s inventory lines, %(premises)s premises."
        )
        % made
    )
