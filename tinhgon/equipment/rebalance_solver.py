"""The rebalancing of equipment as arrays: which unit gives how many of an item to which (no
database here: equipment.rebalance reads the gaps and stores the proposal; the benchmark builds
instances without a database).

Per unit and item type the caller gives a surplus (what the unit holds in usable condition above
the quantity its standard requires: a unit never gives below a standard it meets) or a shortfall
(what it lacks to meet it), never both. A transfer moves whole items from a unit with a surplus
to a unit with a shortfall of the same item, within one group (a province: equipment does not
cross provinces).

The optimum, one min-cost flow per item type (OR-Tools SimpleMinCostFlow,
`solve_max_flow_with_min_cost`): givers supply their surplus, receivers demand their shortfall,
an arc from each giver to each receiver of its group (or only to the `nearest` givers of each
receiver) costs the distance between them in hundreds of metres per item moved. The solver first
maximizes the shortfall closed, then, among the transfers that close that much, minimizes the
item-kilometres. The groups of one item are independent parts of its graph.

The greedy nearest-first beside it, on the same candidate arcs: all pairs of an item by distance,
shortest first, each moving as much as the giver has left and the receiver still lacks. It never
closes more shortfall than the optimum, and never at fewer item-kilometres when it closes as
much.

Distances are great circles between the units' coordinates (tinhgon.units.geo). A unit without
coordinates may still give or receive, at UNKNOWN_KM (farther than any two communes of one
province), so that a known neighbour is always preferred; its transfers report no distance.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

from tinhgon.units.geo import haversine_km

# The cost of a transfer whose distance is not known (one of the units has no coordinates).
UNKNOWN_KM = 1000.0
# Costs are integers: distances in hundreds of metres.
COST_PER_KM = 10


class SolverFailed(RuntimeError):
    """OR-Tools answered something other than OPTIMAL (never seen on these graphs)."""


@dataclass(frozen=True)
class Balance:
    """One unit's position on one item type: `surplus` to give or `shortfall` to fill."""

    unit: int
    item: Hashable
    surplus: int = 0
    shortfall: int = 0
    group: Hashable = None  # units only exchange within one group (a province)


@dataclass(frozen=True)
class Move:
    item: Hashable
    giver: int
    receiver: int
    quantity: int
    km: float | None  # None: one of the two units has no coordinates


@dataclass
class Solution:
    moves: list[Move]
    shortfall: int  # before: the total shortfall of the instance
    closed: int  # the shortfall the moves close
    item_km: float  # sum of quantity x distance over the moves with a known distance
    cost: int  # the objective: sum of quantity x cost of the arc (UNKNOWN_KM included)
    seconds: float
    per_item: dict[Hashable, tuple[int, int]] = field(default_factory=dict)  # (shortfall, closed)

    @property
    def remaining(self) -> int:
        return self.shortfall - self.closed


@dataclass(frozen=True)
class _Arcs:
    """The candidate arcs of one item: giver and receiver indexes into the item's balances."""

    giver: np.ndarray
    receiver: np.ndarray
    km: np.ndarray  # NaN: unknown
    cost: np.ndarray  # integer cost per item moved


def _validate(balances: Iterable[Balance]) -> dict[Hashable, list[Balance]]:
    by_item: dict[Hashable, list[Balance]] = defaultdict(list)
    seen: set[tuple[int, Hashable]] = set()
    for b in balances:
        if b.surplus < 0 or b.shortfall < 0:
            raise ValueError(f"unit {b.unit}, item {b.item}: negative quantity")
        if b.surplus and b.shortfall:
            raise ValueError(f"unit {b.unit}, item {b.item}: both a surplus and a shortfall")
        if (b.unit, b.item) in seen:
            raise ValueError(f"unit {b.unit}, item {b.item}: given twice")
        seen.add((b.unit, b.item))
        if b.surplus or b.shortfall:
            by_item[b.item].append(b)
    return by_item


def _arcs(
    givers: list[Balance],
    receivers: list[Balance],
    points: Mapping[int, tuple[float, float]],
    nearest: int | None,
    max_km: float | None,
) -> _Arcs:
    """Every giver to every receiver of its group (or each receiver's `nearest` givers), at most
    `max_km` apart when that is given (unknown distances are kept)."""
    empty = np.zeros(0, np.int64)
    giver_group: dict[Hashable, list[int]] = defaultdict(list)
    for i, g in enumerate(givers):
        giver_group[g.group].append(i)
    parts_g, parts_r = [], []
    for j, r in enumerate(receivers):
        same = giver_group.get(r.group)
        if same:
            parts_g.append(np.asarray(same, np.int64))
            parts_r.append(np.full(len(same), j, np.int64))
    if not parts_g:
        return _Arcs(empty, empty, np.zeros(0), empty)
    gi, rj = np.concatenate(parts_g), np.concatenate(parts_r)
    nan = (math.nan, math.nan)
    g_pt = np.array([points.get(g.unit, nan) for g in givers], dtype=float).reshape(-1, 2)
    r_pt = np.array([points.get(r.unit, nan) for r in receivers], dtype=float).reshape(-1, 2)
    km = haversine_km(g_pt[gi, 0], g_pt[gi, 1], r_pt[rj, 0], r_pt[rj, 1])
    known = ~np.isnan(km)
    keep = np.ones(len(gi), bool)
    if max_km is not None:
        keep &= ~known | (km <= max_km)
    effective = np.where(known, km, UNKNOWN_KM)
    if nearest is not None:
        # Per receiver, its `nearest` givers: sort by (receiver, distance) and keep the first.
        order = np.lexsort((effective, rj))
        rank = np.empty(len(order), np.int64)
        sorted_r = rj[order]
        first = np.searchsorted(sorted_r, sorted_r, side="left")
        rank[order] = np.arange(len(order)) - first
        keep &= rank < nearest
    gi, rj, km, effective = gi[keep], rj[keep], km[keep], effective[keep]
    cost = np.rint(effective * COST_PER_KM).astype(np.int64)
    return _Arcs(gi, rj, km, cost)


def _move(item: Hashable, g: Balance, r: Balance, quantity: int, km: float) -> Move:
    return Move(item, g.unit, r.unit, quantity, None if math.isnan(km) else round(float(km), 2))


def _solve(
    balances: Iterable[Balance],
    points: Mapping[int, tuple[float, float]],
    nearest: int | None,
    max_km: float | None,
    greedy: bool,
) -> Solution:
    started = time.perf_counter()
    moves: list[Move] = []
    per_item: dict[Hashable, tuple[int, int]] = {}
    total_short = closed_all = cost_all = 0
    item_km = 0.0
    for item, rows in _validate(balances).items():
        givers = [b for b in rows if b.surplus]
        receivers = [b for b in rows if b.shortfall]
        short = sum(r.shortfall for r in receivers)
        total_short += short
        arcs = _arcs(givers, receivers, points, nearest, max_km)
        if len(arcs.giver) == 0:
            per_item[item] = (short, 0)
            continue
        flows = (_greedy if greedy else _flow)(givers, receivers, arcs)
        closed = 0
        for a in np.flatnonzero(flows):
            q = int(flows[a])
            km = float(arcs.km[a])
            moves.append(_move(item, givers[arcs.giver[a]], receivers[arcs.receiver[a]], q, km))
            closed += q
            cost_all += q * int(arcs.cost[a])
            if not math.isnan(km):
                item_km += q * km
        closed_all += closed
        per_item[item] = (short, closed)
    moves.sort(key=lambda m: (str(m.item), m.receiver, m.giver))
    return Solution(
        moves,
        total_short,
        closed_all,
        round(item_km, 2),
        cost_all,
        time.perf_counter() - started,
        per_item,
    )


def _flow(givers: list[Balance], receivers: list[Balance], arcs: _Arcs) -> np.ndarray:
    """The flow on each arc: the most shortfall closed, then the least cost."""
    n_g = len(givers)
    flow = min_cost_flow.SimpleMinCostFlow()
    caps = np.minimum(
        np.array([g.surplus for g in givers], np.int64)[arcs.giver],
        np.array([r.shortfall for r in receivers], np.int64)[arcs.receiver],
    )
    handles = flow.add_arcs_with_capacity_and_unit_cost(
        arcs.giver.astype(np.int32),
        (n_g + arcs.receiver).astype(np.int32),
        caps,
        arcs.cost,
    )
    nodes = np.arange(n_g + len(receivers), dtype=np.int32)
    supplies = np.array(
        [g.surplus for g in givers] + [-r.shortfall for r in receivers], dtype=np.int64
    )
    flow.set_nodes_supplies(nodes, supplies)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise SolverFailed(f"the rebalancing flow failed (status {status})")
    return np.asarray(flow.flows(handles), np.int64)


def _greedy(givers: list[Balance], receivers: list[Balance], arcs: _Arcs) -> np.ndarray:
    """Nearest pair first (ties: the giver, then the receiver given first)."""
    left = [g.surplus for g in givers]
    need = [r.shortfall for r in receivers]
    flows = np.zeros(len(arcs.giver), np.int64)
    gi, rj = arcs.giver.tolist(), arcs.receiver.tolist()
    for a in np.lexsort((arcs.receiver, arcs.giver, arcs.cost)).tolist():
        q = min(left[gi[a]], need[rj[a]])
        if q > 0:
            flows[a] = q
            left[gi[a]] -= q
            need[rj[a]] -= q
    return flows


def solve(
    balances: Iterable[Balance],
    points: Mapping[int, tuple[float, float]],
    *,
    nearest: int | None = None,
    max_km: float | None = None,
) -> Solution:
    """The optimal transfers (module docstring): the most shortfall closed, then the fewest
    item-kilometres. `points`: unit → (latitude, longitude); `nearest`: offer each receiver only
    its nearest givers (None: all of its group); `max_km`: no transfer farther than that."""
    return _solve(balances, points, nearest, max_km, greedy=False)


def solve_greedy(
    balances: Iterable[Balance],
    points: Mapping[int, tuple[float, float]],
    *,
    nearest: int | None = None,
    max_km: float | None = None,
) -> Solution:
    """The nearest-first transfers on the same candidate arcs as `solve`, for comparison."""
    return _solve(balances, points, nearest, max_km, greedy=True)
