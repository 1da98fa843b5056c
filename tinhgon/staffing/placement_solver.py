"""The placement as arrays: the cost of a seat, the sparse candidate graph, the exact min-cost
flow, the greedy placement beside it, the reasons and explanations (no database here: the
benchmark builds an instance without one; staffing.placement loads one and stores the result).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from ortools.graph.python import min_cost_flow

from tinhgon.core.errors import DomainError
from tinhgon.staffing.models import Category, Field, Rating
from tinhgon.units.geo import haversine_km

# The weights of the cost (integers; stored with every run so an old run explains itself).
WEIGHTS: dict[str, int] = {
    "over_level": 40,  # per qualification level above the one required
    "field": 300,  # the official's field is not the one the position requires
    "per_km": 2,  # per kilometre from the home commune to the unit
    "distance_cap": 1000,  # the distance part never exceeds this (500 km)
    "new_leader": 400,  # a leadership position for someone who never held one
    "unplaced": 10_000,  # leaving an official out: more than any placement can cost
}
# The latest evaluation's part (counted twice for a leadership position).
EVALUATION_COST: dict[str, int] = {
    Rating.OUTSTANDING: 0,
    Rating.GOOD: 60,
    Rating.COMPLETED: 180,
    Rating.NOT_COMPLETED: 500,
    "": 120,  # no evaluation on record
}
# Seats offered to each official in the sparse candidate graph: the K cheapest among the
# positions of their category in the units sought, the unit the plan brought them to and the
# NEAREST_UNITS - 1 units of the run nearest to it. 16 seats per official keep the graph at 1.3
# million arcs for 100,000 officials, and few communes have more positions of one category and
# level; the solution is exact on that graph. One unit by default: a merger places the officials
# it brought together (a move to another unit of the plan is an override), and the graph falls
# apart into one small flow per unit and category (solve_flow).
K = 16
NEAREST_UNITS = 1

CATEGORIES = [c.value for c in Category]
FIELDS = [f.value for f in Field]
OTHER_FIELD = FIELDS.index(Field.OTHER.value)
UNLIMITED = -1  # a (unit, category) without a quota row: no limit (said in the result)


# --- The instance ------------------------------------------------------------------------


@dataclass
class Instance:
    """A placement problem as arrays (the benchmark builds one without a database)."""

    # Units of the run: coordinates (NaN: none).
    unit_ids: np.ndarray
    unit_lat: np.ndarray
    unit_lon: np.ndarray
    # Officials to place.
    official_ids: np.ndarray
    o_unit: np.ndarray  # index into units: where the plan put them
    o_category: np.ndarray
    o_level: np.ndarray
    o_field: np.ndarray
    o_lat: np.ndarray  # home commune (NaN: none)
    o_lon: np.ndarray
    o_evaluation: np.ndarray  # EVALUATION_COST of the latest rating
    o_was_leader: np.ndarray  # bool
    # Positions with open seats (or none: listed for the reasons).
    position_ids: np.ndarray
    p_unit: np.ndarray
    p_category: np.ndarray
    p_level: np.ndarray
    p_field: np.ndarray
    p_leader: np.ndarray  # bool
    p_open: np.ndarray  # seats minus continuing holders
    # Quota left per (unit index, category index): UNLIMITED when no quota row exists.
    quota_left: np.ndarray  # shape (units, categories)
    weights: dict[str, int] = field(default_factory=lambda: dict(WEIGHTS))
    # For the explanations (filled from the database): official id → (rating, year).
    ratings: dict[int, tuple[str, int]] = field(default_factory=dict)
    quota_total: np.ndarray | None = None  # (units, categories), UNLIMITED: none
    continuing: np.ndarray | None = None  # continuing holders per (unit, category)
    # Shared limits: the quota node of each (unit, category) (units under one quota holder share
    # its node) and each node's capacity (UNLIMITED: none). None: one node per (unit,
    # category), its capacity quota_left.
    quota_node: np.ndarray | None = None  # shape (units, categories), node numbers
    node_left: np.ndarray | None = None  # shape (nodes,)


def pair_costs(inst: Instance, o: np.ndarray, p: np.ndarray) -> dict[str, np.ndarray]:
    """The parts of the cost of seating officials `o` in positions `p` (index arrays)."""
    w = inst.weights
    over = np.maximum(inst.o_level[o] - inst.p_level[p], 0).astype(np.int64) * w["over_level"]
    field_miss = (inst.o_field[o] != inst.p_field[p]) & (inst.p_field[p] != OTHER_FIELD)
    field_cost = field_miss.astype(np.int64) * w["field"]
    unit = inst.p_unit[p]
    km = haversine_km(inst.o_lat[o], inst.o_lon[o], inst.unit_lat[unit], inst.unit_lon[unit])
    km = np.nan_to_num(km, nan=0.0)
    distance = np.minimum(np.rint(km).astype(np.int64) * w["per_km"], w["distance_cap"])
    leader = inst.p_leader[p]
    evaluation = inst.o_evaluation[o].astype(np.int64) * np.where(leader, 2, 1)
    new_leader = (leader & ~inst.o_was_leader[o]).astype(np.int64) * w["new_leader"]
    total = over + field_cost + distance + evaluation + new_leader
    return {
        "over_level": over,
        "field": field_cost,
        "km": km,
        "distance": distance,
        "evaluation": evaluation,
        "new_leader": new_leader,
        "total": total,
    }


@dataclass
class Candidates:
    """The sparse graph: candidate arcs sorted by official then cost (official i's arcs are
    offsets[i]:offsets[i+1]), and the open positions sorted by (unit, category) group."""

    o: np.ndarray
    p: np.ndarray
    cost: np.ndarray
    offsets: np.ndarray
    group_sorted: np.ndarray  # the group of each open position, ascending
    position_sorted: np.ndarray  # the open positions in that order
    nearest: int = NEAREST_UNITS

    @classmethod
    def none(cls, officials: int) -> Candidates:
        empty = np.zeros(0, np.int64)
        return cls(empty, empty, empty, np.zeros(officials + 1, np.int64), empty, empty)


def nearest_units(inst: Instance, count: int = NEAREST_UNITS) -> np.ndarray:
    """For each unit of the run, itself and the `count - 1` units nearest to it."""
    n = len(inst.unit_ids)
    count = min(count, n)
    if count == 1:
        return np.arange(n).reshape(n, 1)
    km = haversine_km(
        inst.unit_lat[:, None],
        inst.unit_lon[:, None],
        inst.unit_lat[None, :],
        inst.unit_lon[None, :],
    )
    km = np.nan_to_num(km, nan=np.inf)
    np.fill_diagonal(km, -1.0)  # itself first
    if count < n:
        near = np.argpartition(km, count - 1, axis=1)[:, :count]
    else:
        near = np.tile(np.arange(n), (n, 1))
    order = np.take_along_axis(km, near, axis=1).argsort(axis=1)
    return np.take_along_axis(near, order, axis=1)


LEVELS = 8  # qualification levels fit in 3 bits of a sort key


def candidates(inst: Instance, k: int = K, nearest: int = NEAREST_UNITS) -> Candidates:
    """Every official's k cheapest feasible seats, built with numpy (no Python loop).

    Open positions are sorted by (unit, category, level required), so the positions an official
    qualifies for in a unit are one slice (two binary searches per official and unit); the
    distance is computed once per official and unit; one sort of (official, cost) keys."""
    n_off, n_cat = len(inst.official_ids), len(CATEGORIES)
    w = inst.weights
    near = nearest_units(inst, nearest)
    pair_o = np.repeat(np.arange(n_off), near.shape[1])
    pair_u = near[inst.o_unit].ravel()
    km = haversine_km(
        inst.o_lat[pair_o], inst.o_lon[pair_o], inst.unit_lat[pair_u], inst.unit_lon[pair_u]
    )
    pair_distance = np.minimum(
        np.rint(np.nan_to_num(km, nan=0.0)).astype(np.int64) * w["per_km"], w["distance_cap"]
    )
    open_positions = np.flatnonzero(inst.p_open > 0)
    group = inst.p_unit[open_positions] * n_cat + inst.p_category[open_positions]
    key = group * LEVELS + inst.p_level[open_positions]
    order = np.argsort(key, kind="stable")
    key, group, position_sorted = key[order], group[order], open_positions[order]
    pair_g = pair_u * n_cat + inst.o_category[pair_o]
    low = np.searchsorted(key, pair_g * LEVELS, side="left")
    high = np.searchsorted(key, pair_g * LEVELS + inst.o_level[pair_o], side="right")
    per_pair = high - low
    starts = np.cumsum(per_pair) - per_pair
    index = np.arange(int(per_pair.sum())) + np.repeat(low - starts, per_pair)
    # The cost is separable but for the field: a per-(official, unit) part, a per-position part
    # read from arrays in the positions' sorted order (so the reads run along memory), and the
    # leadership and field terms. The official's number rides in the high bits of the sort key.
    level_s = inst.p_level[position_sorted]
    field_s = inst.p_field[position_sorted]
    leader_s = inst.p_leader[position_sorted]
    span = w["over_level"] * LEVELS + w["field"] + w["distance_cap"] + w["new_leader"]
    span += 2 * int(inst.o_evaluation.max(initial=0)) + 1
    per_official = inst.o_level * w["over_level"] + inst.o_evaluation
    official_part = pair_o * span + per_official[pair_o] + pair_distance
    leader_part = inst.o_evaluation + (~inst.o_was_leader) * w["new_leader"]
    leader_s_index = leader_s[index]
    field_at = field_s[index]
    o = np.repeat(pair_o, per_pair)
    key = (
        np.repeat(official_part, per_pair)
        - level_s[index] * w["over_level"]
        + leader_s_index * np.repeat(leader_part[pair_o], per_pair)
        + ((np.repeat(inst.o_field[pair_o], per_pair) != field_at) & (field_at != OTHER_FIELD))
        * w["field"]
    )
    # `o` ascends already: a stable sort of the keys keeps each official's arcs together,
    # cheapest first, positions in a fixed order among equals.
    order = np.argsort(key, kind="stable")
    counts = np.bincount(o, minlength=n_off)
    first = np.repeat(np.cumsum(counts) - counts, counts)
    keep = order[(np.arange(len(o)) - first) < k]
    o = o[keep]  # the same officials, in the same order: `order` never crosses officials
    p = position_sorted[index[keep]]
    cost = key[keep] - o * span
    kept = np.minimum(counts, k)
    return Candidates(
        o,
        p,
        cost,
        np.concatenate(([0], np.cumsum(kept))),
        group,
        position_sorted,
        nearest,
    )


# --- Solving -----------------------------------------------------------------------------


@dataclass
class Solution:
    position: np.ndarray  # per official: index of the position, or -1
    cost: int  # placements plus the penalty of every official left out
    placed: int
    solve_s: float = 0.0


def group_nodes(inst: Instance) -> tuple[np.ndarray, np.ndarray]:
    """Per (unit, category) group (unit * categories + category) its quota node, and each
    node's capacity: the units under one quota holder share its node."""
    if inst.quota_node is None or inst.node_left is None:
        node = np.arange(inst.quota_left.size, dtype=np.int64)
        left = inst.quota_left.ravel().astype(np.int64)
    else:
        node = inst.quota_node.ravel().astype(np.int64)
        left = inst.node_left.astype(np.int64)
    capacity = np.where(left == UNLIMITED, len(inst.official_ids), left)
    return node, capacity


def quota_nodes(inst: Instance) -> tuple[np.ndarray, np.ndarray]:
    """Per position its quota node number (0-based), and each node's capacity."""
    n_cat = len(CATEGORIES)
    node_of_group, capacity = group_nodes(inst)
    return node_of_group[inst.p_unit.astype(np.int64) * n_cat + inst.p_category], capacity


def _flow(
    arc_o: np.ndarray,
    arc_p: np.ndarray,
    arc_cost: np.ndarray,
    n: int,
    seats: np.ndarray,
    p_node: np.ndarray,
    node_cap: np.ndarray,
    penalty: int,
) -> tuple[np.ndarray, int]:
    """One min-cost flow: officials 0..n-1, positions 0..len(seats)-1 (each in quota node
    p_node), returns the flow on each candidate arc and the optimal cost."""
    m, q = len(seats), len(node_cap)
    first_o, first_p = 1, 1 + n
    first_q = first_p + m
    unplaced = first_q + q
    sink = unplaced + 1
    o_nodes = first_o + np.arange(n)
    tails = np.concatenate(
        (
            np.zeros(n),
            first_o + arc_o,
            o_nodes,
            first_p + np.arange(m),
            first_q + np.arange(q),
            [unplaced],
        )
    )
    heads = np.concatenate(
        (o_nodes, first_p + arc_p, np.full(n, unplaced), first_q + p_node, np.full(q, sink), [sink])
    )
    caps = np.concatenate((np.ones(2 * n + len(arc_o)), seats, node_cap, [n]))
    caps[n : n + len(arc_o)] = 1
    costs = np.concatenate((np.zeros(n), arc_cost, np.full(n, penalty), np.zeros(m + q + 1)))
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32),
        heads.astype(np.int32),
        caps.astype(np.int64),
        costs.astype(np.int64),
    )
    flow.set_nodes_supplies(np.array([0, sink]), np.array([n, -n]))
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise DomainError(_("The placement solver failed (status %(s)s).") % {"s": status})
    return flow.flows(arcs[n : n + len(arc_o)]), int(flow.optimal_cost())


def solve_flow(inst: Instance, cand: Candidates) -> Solution:
    """The optimum on the candidate graph (SimpleMinCostFlow; integer costs).

    When every official's candidate seats lie under one quota node (one unit and category: the
    default, NEAREST_UNITS = 1) the graph falls apart into one independent flow per node, and
    each is solved on its own: the same optimum, an order of magnitude faster than one flow
    through a shared sink (the solver's cost scaling works on the whole graph at once)."""
    started = time.perf_counter()
    n = len(inst.official_ids)
    quota_node, quota_cap = quota_nodes(inst)
    penalty = inst.weights["unplaced"]
    seats = np.maximum(inst.p_open, 0).astype(np.int64)
    position = np.full(n, -1, np.int64)
    arc_node = quota_node[cand.p]
    counts = np.diff(cand.offsets)
    has_arc = counts > 0
    node_first = arc_node[cand.offsets[:-1][has_arc]]
    one_node = bool(np.array_equal(arc_node, np.repeat(node_first, counts[has_arc])))
    if not one_node:
        used, total = _flow(cand.o, cand.p, cand.cost, n, seats, quota_node, quota_cap, penalty)
        taken = used > 0
        position[cand.o[taken]] = cand.p[taken]
        return Solution(position, total, int(taken.sum()), time.perf_counter() - started)
    # One flow per quota node: its officials, the open positions under the node.
    total = int((~has_arc).sum()) * penalty  # no candidate at all: unplaced
    sorted_node = quota_node[cand.position_sorted]
    by_node = np.argsort(sorted_node, kind="stable")
    node_positions, node_keys = cand.position_sorted[by_node], sorted_node[by_node]
    node_low = np.searchsorted(node_keys, np.arange(len(quota_cap)), side="left")
    rank = np.empty(len(inst.position_ids), np.int64)
    rank[node_positions] = np.arange(len(node_positions)) - node_low[node_keys]
    officials_of = np.flatnonzero(has_arc)
    order = np.argsort(node_first, kind="stable")  # officials by node, ids ascending within
    nodes = node_first[order]
    bounds = np.flatnonzero(np.diff(nodes)) + 1
    for members in np.split(officials_of[order], bounds):
        if not len(members):
            continue  # nobody has a candidate seat
        node = int(arc_node[cand.offsets[members[0]]])
        lo, hi = cand.offsets[members], cand.offsets[members + 1]
        sizes = hi - lo
        arcs = np.arange(int(sizes.sum())) + np.repeat(lo - (np.cumsum(sizes) - sizes), sizes)
        node_high = np.searchsorted(node_keys, node, side="right")
        group_positions = node_positions[node_low[node] : node_high]
        used, cost = _flow(
            np.repeat(np.arange(len(members)), sizes),
            rank[cand.p[arcs]],
            cand.cost[arcs],
            len(members),
            seats[group_positions],
            np.zeros(len(group_positions), np.int64),
            np.array([quota_cap[node]]),
            penalty,
        )
        total += cost
        taken = arcs[used > 0]
        position[cand.o[taken]] = cand.p[taken]
    placed = int((position >= 0).sum())
    return Solution(position, total, placed, time.perf_counter() - started)


def solve_greedy(inst: Instance, cand: Candidates) -> Solution:
    """Officials in id order each take their cheapest candidate seat still free whose quota is
    not full (the same candidate graph as the optimum)."""
    started = time.perf_counter()
    seats = np.maximum(inst.p_open, 0).astype(np.int64).tolist()
    quota_node, quota_cap = quota_nodes(inst)
    quota = quota_cap.tolist()
    node_of = quota_node.tolist()
    n = len(inst.official_ids)
    position = [-1] * n
    bounds = cand.offsets.tolist()
    cand_p, cand_cost = cand.p.tolist(), cand.cost.tolist()
    penalty = inst.weights["unplaced"]
    total = 0
    for official in np.argsort(inst.official_ids, kind="stable").tolist():
        taken = -1
        for arc in range(bounds[official], bounds[official + 1]):
            p = cand_p[arc]
            if seats[p] > 0 and quota[node_of[p]] > 0:
                taken = p
                seats[p] -= 1
                quota[node_of[p]] -= 1
                total += cand_cost[arc]
                break
        position[official] = taken
        if taken < 0:
            total += penalty
    placed = sum(1 for p in position if p >= 0)
    return Solution(np.array(position, np.int64), total, placed, time.perf_counter() - started)


# --- Reasons and explanations --------------------------------------------------------------


def reasons(inst: Instance, cand: Candidates, unplaced: np.ndarray) -> list[str]:
    """Why the solver left each of `unplaced` out (indexes into the instance), counted with
    binary searches over the positions sorted by (unit, category, level)."""
    n_cat = len(CATEGORIES)
    near = nearest_units(inst, cand.nearest)
    every = np.sort((inst.p_unit * n_cat + inst.p_category) * LEVELS + inst.p_level)
    open_key = cand.group_sorted * LEVELS + inst.p_level[cand.position_sorted]
    node_of_group, quota_cap = group_nodes(inst)
    level = inst.o_level[unplaced]
    same = np.zeros(len(unplaced), np.int64)
    qualified = np.zeros(len(unplaced), np.int64)
    seated = np.zeros(len(unplaced), np.int64)
    quota_open = np.zeros(len(unplaced), np.int64)
    for column in range(near.shape[1]):
        g = near[inst.o_unit[unplaced], column] * n_cat + inst.o_category[unplaced]
        base = np.searchsorted(every, g * LEVELS, side="left")
        same += np.searchsorted(every, g * LEVELS + LEVELS - 1, side="right") - base
        qualified += np.searchsorted(every, g * LEVELS + level, side="right") - base
        seats_here = np.searchsorted(open_key, g * LEVELS + level, side="right") - np.searchsorted(
            open_key, g * LEVELS, side="left"
        )
        seated += seats_here
        quota_open += (seats_here > 0) & (quota_cap[node_of_group[g]] > 0)
    found = []
    for index, official in enumerate(unplaced.tolist()):
        if same[index] == 0:
            category = str(Category(CATEGORIES[inst.o_category[official]]).label)
            found.append(
                _("No position of their category (%(category)s) in the units placed.")
                % {"category": category}
            )
        elif qualified[index] == 0:
            found.append(_("Their qualification is below every open position of their category."))
        elif seated[index] == 0:
            found.append(
                _("Every position they qualify for is held by officials who continue in it.")
            )
        elif quota_open[index] == 0:
            found.append(
                _("The staffing quota of their category is full (continuing holders included).")
            )
        else:
            start = int(cand.offsets[official])
            found.append(
                _(
                    "The seats they fit (the cheapest at cost %(cost)s) went to officials who fit "
                    "them better, or the quota filled."
                )
                % {"cost": int(cand.cost[start])}
            )
    return found


def explain(inst: Instance, cand: Candidates, official: int, position: int) -> dict[str, Any]:
    """The parts of one placement's cost and its cheapest alternatives."""
    parts = pair_costs(inst, np.array([official]), np.array([position]))
    official_id = int(inst.official_ids[official])
    rating, year = inst.ratings.get(official_id, ("", None))
    home = not np.isnan(inst.o_lat[official])
    unit = inst.p_unit[position]
    there = not np.isnan(inst.unit_lat[unit])
    start, end = cand.offsets[official], cand.offsets[official + 1]
    alternatives = [
        {"position": int(inst.position_ids[p]), "cost": int(c)}
        for p, c in zip(cand.p[start:end].tolist(), cand.cost[start:end].tolist(), strict=True)
        if p != position
    ][:3]
    return {
        "qualification": {
            "level": int(inst.o_level[official]),
            "required": int(inst.p_level[position]),
            "cost": int(parts["over_level"][0]),
        },
        "field": {
            "field": FIELDS[inst.o_field[official]],
            "required": FIELDS[inst.p_field[position]],
            "cost": int(parts["field"][0]),
        },
        "distance": {
            "km": round(float(parts["km"][0]), 1) if home and there else None,
            "cost": int(parts["distance"][0]),
            "note": ""
            if home and there
            else (
                _("no coordinates for the unit: distance 0")
                if home
                else _("no coordinates of the home commune: distance 0")
            ),
        },
        "evaluation": {
            "rating": rating,
            "year": year,
            "cost": int(parts["evaluation"][0]),
        },
        "leadership": {
            "position": bool(inst.p_leader[position]),
            "held_before": bool(inst.o_was_leader[official]),
            "cost": int(parts["new_leader"][0]),
        },
        "total": int(parts["total"][0]),
        "alternatives": alternatives,
    }
