"""`tinhgon equipment` subcommands of rebalancing and figures (management/commands/equipment.py,
docs/equipment-rebalance.md). The operator runs them: they see and manage every province.

- `tinhgon equipment rebalance --province NAME [--as-of D] [--max-km N] --format json`: propose
  a run (stored, superseding the province's earlier proposals) and print it: {"run",
  "transfers": [{"from", "to", "item", "quantity", "distance_km"}], "gaps_before", "gaps_after",
  "gaps_by_item", "purchases": [{"unit", "item", "quantity", "unit_price", "cost"}], "cost"};
- `tinhgon equipment rebalance --approve RUN --format json`: approve it (the inventory moves);
- `tinhgon equipment rebalance-bench [--items N] [--seed S] [--province NAME]`: the solver on
  the country's communes with a synthetic inventory, optimum against nearest-first;
- `tinhgon equipment figures --province NAME [--as-of D] [--format json] [--output F.xlsx]`.
Refusals are one line on stderr with exit status 1.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.core.commands import (
    MAX_SEED,
    bounded_int,
    parse_day,
    record_id,
    table,
    to_json,
    write_output,
)
from tinhgon.core.text import number
from tinhgon.equipment import figures, rebalance, rebalance_bench
from tinhgon.equipment.rebalance import MAX_KM_LIMIT
from tinhgon.units import selectors as units


def add(sub: Any) -> dict[str, Callable[..., None]]:
    run = sub.add_parser(
        "rebalance", help=_("Propose transfers of equipment between a province's units.")
    )
    run.add_argument("--province", help=_("Name or code"))
    run.add_argument("--as-of", help=_("The day of the gaps (dd/mm/yyyy); today by default"))
    run.add_argument(
        "--max-km",
        type=bounded_int(1, MAX_KM_LIMIT),
        help=_("No transfer farther than this (km)"),
    )
    run.add_argument("--approve", type=record_id, metavar="RUN", help=_("Approve this run"))
    run.add_argument("--format", choices=["table", "json"], default="table")
    bench = sub.add_parser(
        "rebalance-bench",
        help=_("Time the rebalancing solver on the country's communes (synthetic inventory)."),
    )
    bench.add_argument("--items", type=bounded_int(1, rebalance_bench.MAX_ITEMS), default=15)
    bench.add_argument("--seed", type=bounded_int(0, MAX_SEED), default=12)
    bench.add_argument("--province", action="append", default=[], help=_("Name or code"))
    numbers = sub.add_parser("figures", help=_("The equipment figures of a province."))
    numbers.add_argument("--province", required=True, help=_("Name or code"))
    numbers.add_argument("--as-of", help=_("The day of the figures (dd/mm/yyyy); today by default"))
    numbers.add_argument("--format", choices=["table", "json"], default="table")
    numbers.add_argument("--output", help=_("Write the spreadsheet (.xlsx) to this file"))
    return {
        "rebalance": rebalance_command,
        "rebalance-bench": bench_command,
        "figures": figures_command,
    }


def _province(name: str) -> int:
    return units.resolve_province(name[:100], day=timezone.localdate()).unit_id


def rebalance_command(
    command: Any,
    *,
    province: str | None,
    as_of: str | None,
    max_km: int | None,
    approve: int | None,
    format: str,
    **_options: Any,
) -> None:
    if approve is not None:
        run = rebalance.rebalance_approve(actor=None, run_id=approve)
    elif province:
        run = rebalance.rebalance_propose(
            actor=None,
            province_id=_province(province),
            day=parse_day(as_of),
            max_km=max_km,
        )
    else:
        raise CommandError(_("Name a province (--province) or a run to approve (--approve)."))
    data = rebalance.run_data(run)
    if format == "json":
        command.stdout.write(to_json(data))
        return
    command.stdout.write(
        _(
            "Run %(run)s (%(status)s): shortfall %(before)s before, %(after)s after; purchases %(cost)s VND."
        )
        % {
            "run": data["run"],
            "status": run.get_status_display(),
            "before": number(data["gaps_before"]),
            "after": number(data["gaps_after"]),
            "cost": number(data["cost"]),
        }
    )
    keys = ["from", "to", "item", "quantity", "distance_km"]
    command.stdout.write(table([[t[k] for k in keys] for t in data["transfers"]], keys))


def bench_command(
    command: Any, *, items: int, seed: int, province: list[str], **_options: Any
) -> None:
    try:
        balances, points = rebalance_bench.synthetic(items=items, seed=seed, provinces=province)
    except ValueError as error:
        raise CommandError(str(error)) from None
    if not balances:
        raise CommandError(_("No commune of that province in the package's 2025 table."))
    command.stdout.write(to_json(rebalance_bench.compare(balances, points)))


def figures_command(
    command: Any,
    *,
    province: str,
    as_of: str | None,
    format: str,
    output: str | None,
    **_options: Any,
) -> None:
    version = rebalance.province_version(None, _province(province))
    data = figures.province_figures(version, day=parse_day(as_of))
    if output:
        path = Path(output)
        if path.suffix.lower() != ".xlsx":
            raise CommandError(_("--output: the file must end in .xlsx."))
        write_output(path, figures.figures_xlsx(data))
    if format == "json":
        command.stdout.write(to_json(data))
        return
    names = figures.labels()
    rows = [[names[k], data[k]] for k in figures.SUMMARY_KEYS]
    command.stdout.write(table(rows, [data["province"], data["as_of"]]))
