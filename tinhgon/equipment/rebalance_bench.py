"""The rebalancing solver at scale (docs/benchmarks.md, "Equipment rebalancing").

`synthetic`: the country's 3,321 communes and wards of 2025 at their centroids
(vietnamadminunits, tinhgon.units.geo.wards_2025), each province a group, with a synthetic
holding of `items` item types per commune: a requirement of 1 to 6, a usable quantity of the
requirement plus an offset of -3 to +3 (not below 0). About three communes in seven lack an item,
three hold more than their standard. No database: the timing is the solver's alone.

`compare`: the optimum and the nearest-first greedy on one instance: wall and processor time,
shortfall closed, item-kilometres.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from tinhgon.equipment.rebalance_solver import Balance, Solution, solve, solve_greedy
from tinhgon.units.geo import wards_2025

MAX_ITEMS = 200


def synthetic(
    *, items: int = 15, seed: int = 12, provinces: Sequence[str] = ()
) -> tuple[list[Balance], dict[int, tuple[float, float]]]:
    """Balances and points of the country's communes (or those of `provinces`, by name or code);
    unit ids are the communes' positions in wards_2025()."""
    if not 1 <= items <= MAX_ITEMS:
        raise ValueError(f"items: 1 to {MAX_ITEMS}")
    wanted = set(provinces)
    wards = [
        (i, w)
        for i, w in enumerate(wards_2025())
        if not wanted or w.province in wanted or w.province_code in wanted
    ]
    rng = np.random.default_rng(seed)
    required = rng.integers(1, 7, size=(len(wards), items))
    usable = np.maximum(required + rng.integers(-3, 4, size=(len(wards), items)), 0)
    balances: list[Balance] = []
    points: dict[int, tuple[float, float]] = {}
    for row, (unit, ward) in enumerate(wards):
        points[unit] = (ward.lat, ward.lon)
        for item in range(items):
            delta = int(usable[row, item] - required[row, item])
            if delta:
                balances.append(
                    Balance(
                        unit,
                        f"item-{item:02d}",
                        surplus=max(delta, 0),
                        shortfall=max(-delta, 0),
                        group=ward.province_code,
                    )
                )
    return balances, points


def _figures(solution: Solution, cpu: float) -> dict[str, Any]:
    return {
        "seconds": round(solution.seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "shortfall": solution.shortfall,
        "closed": solution.closed,
        "transfers": len(solution.moves),
        "item_km": solution.item_km,
        "km_per_item": round(solution.item_km / solution.closed, 2) if solution.closed else 0.0,
    }


def compare(
    balances: list[Balance], points: dict[int, tuple[float, float]], **limits: Any
) -> dict[str, Any]:
    """The optimum and the greedy on the same instance, and how much farther the greedy moves."""
    started = time.process_time()
    best = solve(balances, points, **limits)
    best_cpu = time.process_time() - started
    started = time.process_time()
    greedy = solve_greedy(balances, points, **limits)
    greedy_cpu = time.process_time() - started
    units = {b.unit for b in balances}
    return {
        "units": len(units),
        "items": len({b.item for b in balances}),
        "balances": len(balances),
        "optimal": _figures(best, best_cpu),
        "greedy": _figures(greedy, greedy_cpu),
        "greedy_extra_km_pct": round(100 * (greedy.item_km / best.item_km - 1), 1)
        if best.item_km
        else 0.0,
    }
