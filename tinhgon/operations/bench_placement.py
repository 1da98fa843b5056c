"""`tinhgon benchmark placement --officials N`: the optimal placement at national scale.

A synthetic instance, clearly not people: N officials spread over N/100 units that sit where
real communes sat (the legacy coordinates of vietnamadminunits), 0.8 N positions holding about
0.95 N seats, quotas at 92 % of the officials of each unit and category, so that seats and
quotas both bind. Built with numpy from a fixed seed (the same instance every run).

Three ways over the same instance, timed in the same run:
- `solve_s`: tinhgon's placement (staffing.placement_solver): the candidate graph built with numpy,
  then the min-cost flow;
- `direct_s`: the best hand-written way: SimpleMinCostFlow called once, directly on the arc
  arrays prebuilt outside the timing (left out with --skip-naive: it takes minutes at 100,000);
- `greedy_s`: the greedy placement of the same candidate graph (officials in id order).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from ortools.graph.python import min_cost_flow

from tinhgon.staffing import placement_solver as solver
from tinhgon.staffing.placement_solver import (
    CATEGORIES,
    EVALUATION_COST,
    FIELDS,
    UNLIMITED,
    Instance,
)
from tinhgon.units.geo import legacy_coordinates

MAX_OFFICIALS = 2_000_000


def _officials(value: str) -> int:
    from tinhgon.operations.management.commands.benchmark import _number

    return _number(value, 1, MAX_OFFICIALS, _("officials"))


def add_arguments(sub: Any) -> None:
    """The subcommand's options (operations/management/commands/benchmark.py)."""
    sub.add_argument("--officials", type=_officials, default=100_000, help="Officials to place.")
    sub.add_argument("--format", choices=["table", "json"], default="table")


def synthetic_instance(officials: int, *, seed: int = 20260101) -> Instance:
    rng = np.random.default_rng(seed)
    points = np.array(sorted(legacy_coordinates().values()))
    units = max(1, officials // 100)
    chosen = points[rng.choice(len(points), size=min(units, len(points)), replace=False)]
    units = len(chosen)
    n, m = officials, max(1, int(officials * 0.8))
    n_cat = len(CATEGORIES)
    category_p = [0.7, 0.2, 0.1][:n_cat]
    o_unit = rng.integers(0, units, n)
    o_category = rng.choice(n_cat, n, p=category_p)
    p_unit = rng.integers(0, units, m)
    p_category = rng.choice(n_cat, m, p=category_p)
    seats = rng.choice([1, 2], m, p=[0.81, 0.19])  # 0.95 N seats
    ratings = np.array(list(EVALUATION_COST.values()))
    # Quotas: 92 % of the officials each (unit, category) has.
    present = np.zeros((units, n_cat), np.int64)
    np.add.at(present, (o_unit, o_category), 1)
    quota = np.floor(present * 0.92).astype(np.int64)
    return Instance(
        unit_ids=np.arange(1, units + 1, dtype=np.int64),
        unit_lat=chosen[:, 0].astype(float),
        unit_lon=chosen[:, 1].astype(float),
        official_ids=np.arange(1, n + 1, dtype=np.int64),
        o_unit=o_unit,
        o_category=o_category,
        o_level=rng.choice([2, 3, 4, 5, 6], n, p=[0.1, 0.2, 0.55, 0.13, 0.02]),
        o_field=rng.integers(0, len(FIELDS), n),
        o_lat=chosen[o_unit, 0] + rng.normal(0, 0.08, n),
        o_lon=chosen[o_unit, 1] + rng.normal(0, 0.08, n),
        o_evaluation=rng.choice(ratings, n, p=[0.15, 0.5, 0.25, 0.03, 0.07]),
        o_was_leader=rng.random(n) < 0.1,
        position_ids=np.arange(1, m + 1, dtype=np.int64),
        p_unit=p_unit,
        p_category=p_category,
        p_level=rng.choice([2, 3, 4, 5], m, p=[0.1, 0.25, 0.6, 0.05]),
        p_field=rng.integers(0, len(FIELDS), m),
        p_leader=rng.random(m) < 0.08,
        p_open=seats.astype(np.int64),
        quota_left=np.where(quota > 0, quota, 0).astype(np.int64),
    )


def _direct(inst: Instance, cand: solver.Candidates) -> tuple[float, int]:
    """SimpleMinCostFlow on arrays built beforehand: only the solver is timed."""
    n, m = len(inst.official_ids), len(inst.position_ids)
    node, cap = solver.quota_nodes(inst)
    q0 = 1 + n + m
    unplaced, sink = q0 + len(cap), q0 + len(cap) + 1
    o_nodes = 1 + np.arange(n)
    tails = np.concatenate(
        (
            np.zeros(n),
            1 + cand.o,
            o_nodes,
            1 + n + np.arange(m),
            q0 + np.arange(len(cap)),
            [unplaced],
        )
    ).astype(np.int32)
    heads = np.concatenate(
        (o_nodes, 1 + n + cand.p, np.full(n, unplaced), q0 + node, np.full(len(cap), sink), [sink])
    ).astype(np.int32)
    caps = np.concatenate(
        (np.ones(2 * n + len(cand.o)), inst.p_open, np.where(cap == UNLIMITED, n, cap), [n])
    ).astype(np.int64)
    caps[n : n + len(cand.o)] = 1
    costs = np.concatenate(
        (np.zeros(n), cand.cost, np.full(n, inst.weights["unplaced"]), np.zeros(m + len(cap) + 1))
    ).astype(np.int64)
    started = time.perf_counter()
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    flow.set_nodes_supplies(np.array([0, sink]), np.array([n, -n]))
    flow.solve()
    return time.perf_counter() - started, int(flow.optimal_cost())


def run(*, officials: int, skip_direct: bool = False) -> dict[str, Any]:
    """The figures of one run; `skip_direct` (--skip-naive) leaves out the single flow, which
    takes a minute or more at 100,000 officials."""
    inst = synthetic_instance(officials)
    started, cpu = time.perf_counter(), time.process_time()
    cand = solver.candidates(inst)
    build_s = time.perf_counter() - started
    optimum = solver.solve_flow(inst, cand)
    solve_s = time.perf_counter() - started
    # The processor time too: on a machine shared with other work the wall clock waits.
    solve_cpu_s = time.process_time() - cpu
    greedy = solver.solve_greedy(inst, cand)
    direct_s: float | None = None
    if not skip_direct:
        direct_s, direct_cost = _direct(inst, cand)
        assert direct_cost == optimum.cost, "the same optimum either way"
    return {
        "synthetic": True,
        "officials": officials,
        "positions": len(inst.position_ids),
        "seats": int(inst.p_open.sum()),
        "units": len(inst.unit_ids),
        "arcs": len(cand.o),
        "k": solver.K,
        "build_s": round(build_s, 3),
        "flow_s": round(optimum.solve_s, 3),
        "solve_s": round(solve_s, 3),
        "solve_cpu_s": round(solve_cpu_s, 3),
        "direct_s": None if direct_s is None else round(direct_s, 3),
        "greedy_s": round(greedy.solve_s, 3),
        "cost": optimum.cost,
        "greedy_cost": greedy.cost,
        "placed": optimum.placed,
        "unplaced": officials - optimum.placed,
        "greedy_unplaced": officials - greedy.placed,
    }
