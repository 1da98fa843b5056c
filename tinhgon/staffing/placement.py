"""The optimal placement of the officials arriving at reorganized units onto their positions.

One instance: the units placed (one reorganized unit, or every unit a plan formed), their
positions in force on the effective date with their open seats (seats minus those held by
assignments that continue), the officials arriving there (active, employed by those units, not
holding a continuing assignment), and the quota of every unit and category for the year.

The cost of seating official o in position p is an integer sum (weights below, stored with every
run): qualification above the required level, field of training, distance from the home commune
to the unit, the latest evaluation (counted twice for a leadership position), and leadership
continuity (a leadership position for someone who never held one costs more: the bonus of
those who did). A qualification below the required level makes the pair no candidate at all
(the position's standard is law, not a preference); the category must match.

The instance is solved exactly as a min-cost flow (OR-Tools SimpleMinCostFlow) on a sparse
candidate graph: every official is offered the K cheapest seats among the positions of its own
category in the unit it arrived at (and, with NEAREST_UNITS > 1, the units nearest to it).
source → official (cap 1) → candidate position (cap 1, cost) → (unit, category) quota node (cap:
the position's open seats) → sink (cap: the quota left after the continuing holders);
official → "unplaced" (cap 1, UNPLACED more than any placement) → sink. The greedy placement of
the same instance (officials in id order each take their cheapest feasible candidate seat) is
computed beside it for comparison: its total cost is never lower.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from ortools.graph.python import min_cost_flow

from tinhgon.core.errors import DomainError, NotFound, Problem
from tinhgon.core.models import audit
from tinhgon.staffing.models import (
    Assignment,
    Category,
    Evaluation,
    Field,
    Group,
    LeaderRole,
    Official,
    PlacementRow,
    PlacementRun,
    Position,
    Quota,
    Rating,
    Status,
    live,
)
from tinhgon.units.models import Source, UnitLink, UnitVersion

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

# Where the coordinates come from (docs/staffing-placement.md). The 2025 table of the same
# package numbers some wards differently from the official list our registry follows (Phường
# Chiềng An: 03664 there, 03667 officially), so units from 2025 on are located through their
# lineage instead, which the legacy codes of our registry match exactly.
COORDINATES_SOURCE = (
    "vietnamadminunits 1.0.4, data/dataset.db, table admin_units_legacy (wardLat/wardLon, "
    "districtLat/districtLon, provinceLat/provinceLon by code) for the units imported from it; "
    "a unit formed by a reorganization takes the mean of its predecessors' coordinates; an "
    "agency, those of the administrative unit it serves"
)


@lru_cache(maxsize=1)
def _legacy_coordinates() -> dict[str, tuple[float, float]]:
    """Legacy code of a province, district or commune → (latitude, longitude), read once."""
    path = resources.files("vietnamadminunits") / "data" / "dataset.db"
    found: dict[str, tuple[float, float]] = {}
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        for code, lat, lon in db.execute(
            "SELECT provinceCode, provinceLat, provinceLon FROM admin_units_legacy "
            "UNION SELECT districtCode, districtLat, districtLon FROM admin_units_legacy "
            "UNION SELECT wardCode, wardLat, wardLon FROM admin_units_legacy"
        ):
            if code and lat is not None and lon is not None:
                found[code] = (lat, lon)
    return found


def coordinates(
    unit_ids: Iterable[int], day: dt.date, _depth: int = 0
) -> dict[int, tuple[float, float]]:
    """Latitude and longitude of each unit that has them (COORDINATES_SOURCE): a few queries
    per generation of lineage."""
    table = _legacy_coordinates()
    wanted = set(unit_ids)
    found: dict[int, tuple[float, float]] = {}
    if not wanted or _depth > 8:
        return found
    versions = list(
        UnitVersion.objects.filter(unit_id__in=wanted)
        .order_by("unit_id", "valid_from")
        .values_list("unit_id", "code", "source", "admin_unit_id", "valid_from", "valid_to")
    )
    admin_of: dict[int, int] = {}
    for unit_id, code, source, admin_unit_id, valid_from, valid_to in versions:
        if admin_unit_id != unit_id:
            on_day = (valid_from is None or valid_from <= day) and (
                valid_to is None or valid_to >= day
            )
            if on_day or unit_id not in admin_of:
                admin_of[unit_id] = admin_unit_id
        elif source == Source.LEGACY and code in table:
            found[unit_id] = table[code]
    admin_of = {u: a for u, a in admin_of.items() if u not in found}
    if admin_of:
        admins = coordinates(set(admin_of.values()), day, _depth + 1)
        for unit_id, admin in admin_of.items():
            if admin in admins:
                found[unit_id] = admins[admin]
    missing = wanted - set(found) - set(admin_of)
    predecessors: dict[int, list[int]] = {}
    for successor, predecessor in UnitLink.objects.filter(successor_id__in=missing).values_list(
        "successor_id", "predecessor_id"
    ):
        predecessors.setdefault(successor, []).append(predecessor)
    if predecessors:
        before = coordinates({p for ps in predecessors.values() for p in ps}, day, _depth + 1)
        for unit_id, ps in predecessors.items():
            points = [before[p] for p in ps if p in before]
            if points:
                found[unit_id] = (
                    sum(p[0] for p in points) / len(points),
                    sum(p[1] for p in points) / len(points),
                )
    return found


def haversine_km(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> Any:
    """Great-circle distance in km (numpy arrays or numbers; NaN where a point is missing)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2) - np.radians(lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 6371.0 * 2 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


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


def _quota_nodes(inst: Instance) -> tuple[np.ndarray, np.ndarray]:
    """Per position its (unit, category) node number (0-based), and each node's capacity."""
    n_cat = len(CATEGORIES)
    node = inst.p_unit.astype(np.int64) * n_cat + inst.p_category
    left = inst.quota_left.ravel().astype(np.int64)
    capacity = np.where(left == UNLIMITED, len(inst.official_ids), left)
    return node, capacity


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
    quota_node, quota_cap = _quota_nodes(inst)
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
    # One flow per (unit, category): its officials, the open positions of the group.
    total = int((~has_arc).sum()) * penalty  # no candidate at all: unplaced
    group_low = np.searchsorted(cand.group_sorted, np.arange(len(quota_cap)), side="left")
    rank = np.empty(len(inst.position_ids), np.int64)
    rank[cand.position_sorted] = np.arange(len(cand.position_sorted)) - group_low[cand.group_sorted]
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
        group_high = np.searchsorted(cand.group_sorted, node, side="right")
        group_positions = cand.position_sorted[group_low[node] : group_high]
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
    quota_node, quota_cap = _quota_nodes(inst)
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
    _node, quota_cap = _quota_nodes(inst)
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
        quota_open += (seats_here > 0) & (quota_cap[g] > 0)
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
            else ("no coordinates for the unit" if home else "no home commune coordinates"),
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


# --- From the database --------------------------------------------------------------------


def _leader(group: str, role: str) -> bool:
    return group == Group.LEADERSHIP or role != LeaderRole.NONE


def _quota_sums(unit_ids: list[int], year: int) -> dict[tuple[int, str], int]:
    """Quota per (unit, category): the unit's rows for the year, or else (a unit a plan formed,
    before a new decision) the sum of its predecessors' rows."""
    own: dict[tuple[int, str], int] = {}
    for row in (
        Quota.objects.filter(unit_id__in=unit_ids, year=year)
        .values("unit_id", "category")
        .annotate(total=Sum("count"))
    ):
        own[(row["unit_id"], row["category"])] = row["total"]
    links = list(
        UnitLink.objects.filter(successor_id__in=unit_ids).values_list(
            "successor_id", "predecessor_id"
        )
    )
    inherited: dict[tuple[int, str], int] = {}
    if links:
        successor_of: dict[int, list[int]] = {}
        for successor, predecessor in links:
            successor_of.setdefault(predecessor, []).append(successor)
        for row in (
            Quota.objects.filter(unit_id__in=list(successor_of), year=year)
            .values("unit_id", "category")
            .annotate(total=Sum("count"))
        ):
            for successor in successor_of[row["unit_id"]]:
                key = (successor, row["category"])
                inherited[key] = inherited.get(key, 0) + row["total"]
    return {**inherited, **own}


def load_instance(unit_ids: list[int], effective: dt.date) -> Instance:
    """The instance of `unit_ids` on `effective` from the database (a few queries)."""
    units = sorted(set(unit_ids))
    unit_index = {u: i for i, u in enumerate(units)}
    cat_index = {c: i for i, c in enumerate(CATEGORIES)}
    field_index = {f: i for i, f in enumerate(FIELDS)}
    positions = list(
        Position.objects.filter(live(effective), unit_id__in=units)
        .order_by("id")
        .values(
            "id",
            "unit_id",
            "category",
            "level_required",
            "field_required",
            "group",
            "leader_role",
            "seats",
        )
    )
    position_ids = [p["id"] for p in positions]
    continuing = list(
        Assignment.objects.filter(position_id__in=position_ids)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=effective))
        .values_list("position_id", "official_id")
    )
    held: dict[int, int] = {}
    for position_id, _official in continuing:
        held[position_id] = held.get(position_id, 0) + 1
    staying = {official for _position, official in continuing}
    position_by_id = {p["id"]: p for p in positions}
    continuing_count = np.zeros((len(units), len(CATEGORIES)), np.int64)
    counted: set[int] = set()
    for position_id, official_id in continuing:
        if official_id in counted:
            continue
        counted.add(official_id)
        p = position_by_id[position_id]
        continuing_count[unit_index[p["unit_id"]], cat_index[p["category"]]] += 1
    officials = list(
        Official.objects.filter(unit_id__in=units, status=Status.ACTIVE)
        .exclude(pk__in=staying)
        .order_by("id")
        .values("id", "unit_id", "category", "level", "field", "home_commune_id")
    )
    official_ids = [o["id"] for o in officials]
    ratings: dict[int, tuple[str, int]] = {}
    for official_id, rating, year in (
        Evaluation.objects.filter(official_id__in=official_ids, year__lte=effective.year)
        .order_by("official_id", "year")
        .values_list("official_id", "rating", "year")
    ):
        ratings[official_id] = (rating, year)  # the latest year wins
    leaders = set(
        Assignment.objects.filter(official_id__in=official_ids, valid_from__lt=effective)
        .filter(Q(position__leader_role__gt="") | Q(position__group=Group.LEADERSHIP))
        .values_list("official_id", flat=True)
    )
    homes = {o["home_commune_id"] for o in officials if o["home_commune_id"]}
    points = coordinates(set(units) | homes, effective)
    nan = (np.nan, np.nan)
    quota = _quota_sums(units, effective.year)
    quota_total = np.full((len(units), len(CATEGORIES)), UNLIMITED, np.int64)
    for (unit_id, category), total in quota.items():
        if category in cat_index:
            quota_total[unit_index[unit_id], cat_index[category]] = total
    quota_left = np.where(
        quota_total == UNLIMITED, UNLIMITED, np.maximum(quota_total - continuing_count, 0)
    )
    return Instance(
        unit_ids=np.array(units, np.int64),
        unit_lat=np.array([points.get(u, nan)[0] for u in units], float),
        unit_lon=np.array([points.get(u, nan)[1] for u in units], float),
        official_ids=np.array(official_ids, np.int64),
        o_unit=np.array([unit_index[o["unit_id"]] for o in officials], np.int64),
        o_category=np.array([cat_index[o["category"]] for o in officials], np.int64),
        o_level=np.array([o["level"] for o in officials], np.int64),
        o_field=np.array([field_index[o["field"]] for o in officials], np.int64),
        o_lat=np.array([points.get(o["home_commune_id"], nan)[0] for o in officials], float),
        o_lon=np.array([points.get(o["home_commune_id"], nan)[1] for o in officials], float),
        o_evaluation=np.array(
            [EVALUATION_COST[ratings.get(o["id"], ("", 0))[0]] for o in officials], np.int64
        ),
        o_was_leader=np.array([o["id"] in leaders for o in officials], bool),
        position_ids=np.array(position_ids, np.int64),
        p_unit=np.array([unit_index[p["unit_id"]] for p in positions], np.int64),
        p_category=np.array([cat_index[p["category"]] for p in positions], np.int64),
        p_level=np.array([p["level_required"] for p in positions], np.int64),
        p_field=np.array([field_index[p["field_required"]] for p in positions], np.int64),
        p_leader=np.array([_leader(p["group"], p["leader_role"]) for p in positions], bool),
        p_open=np.array([p["seats"] - held.get(p["id"], 0) for p in positions], np.int64),
        quota_left=quota_left.astype(np.int64),
        ratings=ratings,
        quota_total=quota_total,
        continuing=continuing_count,
    )


# --- Services ------------------------------------------------------------------------------


@dataclass
class Placed:
    """What a placement found, ready to store or print."""

    instance: Instance
    candidates: Candidates
    optimum: Solution
    greedy: Solution
    build_s: float


def place(inst: Instance, *, k: int = K) -> Placed:
    started = time.perf_counter()
    cand = candidates(inst, k)
    build_s = time.perf_counter() - started
    return Placed(inst, cand, solve_flow(inst, cand), solve_greedy(inst, cand), build_s)


def plan_units(plan_ref: int) -> tuple[list[int], dt.date]:
    """The units a plan formed (its lineage's successors) and its effective date."""
    links = list(
        UnitLink.objects.filter(plan_ref=plan_ref).values_list("successor_id", "effective_date")
    )
    if not links:
        raise NotFound(
            _("Plan %(id)s formed no unit: apply it first, or it does not exist.")
            % {"id": plan_ref}
        )
    effective = links[0][1]
    open_units = set(
        UnitVersion.objects.as_of(effective)
        .filter(unit_id__in={s for s, _day in links})
        .values_list("unit_id", flat=True)
    )
    return sorted(open_units), effective


@transaction.atomic
def placement_start(
    *,
    actor: Any,
    unit_ids: list[int],
    effective: dt.date,
    plan_ref: int | None = None,
    k: int = K,
) -> PlacementRun:
    """Solve the placement of `unit_ids` on `effective` and store it as a draft run, one row per
    arriving official (placed, with the parts of its cost, or unplaced with the reason)."""
    if not unit_ids:
        raise DomainError(_("Name at least one unit to place."), code="invalid")
    opened = set(
        UnitVersion.objects.as_of(effective)
        .filter(unit_id__in=unit_ids)
        .values_list("unit_id", flat=True)
    )
    closed = sorted(set(unit_ids) - opened)
    if closed:
        raise DomainError(
            _("Unit %(id)s is not open on %(day)s.") % {"id": closed[0], "day": effective},
            problems=[Problem(field="unit_ids", message=_("not open on the effective date"))],
        )
    inst = load_instance(list(unit_ids), effective)
    found = place(inst, k=k)
    run = PlacementRun.objects.create(
        plan_ref=plan_ref,
        units=sorted(set(unit_ids)),
        effective=effective,
        cost=found.optimum.cost,
        greedy_cost=found.greedy.cost,
        solve_s=found.optimum.solve_s + found.build_s,
        weights={
            **inst.weights,
            "evaluation": EVALUATION_COST,
            "k": k,
            "nearest_units": NEAREST_UNITS,
            "coordinates": COORDINATES_SOURCE,
            "greedy_placed": found.greedy.placed,
            "unlimited_quotas": _unlimited(inst),
        },
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    left_out = np.flatnonzero(found.optimum.position < 0)
    why = dict(zip(left_out.tolist(), reasons(inst, found.candidates, left_out), strict=True))
    rows = []
    for index, official_id in enumerate(inst.official_ids.tolist()):
        p = int(found.optimum.position[index])
        if p >= 0:
            explanation = explain(inst, found.candidates, index, p)
            rows.append(
                PlacementRow(
                    run=run,
                    official_id=official_id,
                    position_id=int(inst.position_ids[p]),
                    cost=explanation["total"],
                    explanation=explanation,
                )
            )
        else:
            rows.append(
                PlacementRow(
                    run=run,
                    official_id=official_id,
                    position_id=None,
                    cost=inst.weights["unplaced"],
                    unplaced_reason=why[index],
                )
            )
    PlacementRow.objects.bulk_create(rows, batch_size=2000)
    audit(
        actor=actor,
        action="placement_start",
        unit=run.units[0],
        run=run.pk,
        units=run.units,
        plan=plan_ref,
        placed=found.optimum.placed,
        unplaced=len(rows) - found.optimum.placed,
    )
    return run


def _unlimited(inst: Instance) -> list[list[Any]]:
    """The (unit, category) pairs with positions but no quota row (not limited: said so)."""
    pairs = set(zip(inst.p_unit.tolist(), inst.p_category.tolist(), strict=True))
    return [
        [int(inst.unit_ids[u]), CATEGORIES[c]]
        for u, c in sorted(pairs)
        if inst.quota_left[u, c] == UNLIMITED
    ]


def _draft(run_id: int) -> PlacementRun:
    run = PlacementRun.objects.select_for_update().filter(pk=run_id).first()
    if run is None:
        raise NotFound(_("Placement %(id)s does not exist.") % {"id": run_id})
    if run.state != PlacementRun.State.DRAFT:
        raise DomainError(
            _("Placement %(id)s is already approved: start a new placement to change it.")
            % {"id": run_id},
            code="already_approved",
            status=409,
        )
    return run


def _check_seat(run: PlacementRun, row: PlacementRow, position: Position) -> None:
    """The hard constraints for moving `row`'s official to `position`: a position of the run in
    force on its date, the same category, the qualification, a free seat, the quota."""
    official = row.official
    if position.unit_id not in run.units or not (
        position.valid_from <= run.effective
        and (position.valid_to is None or position.valid_to >= run.effective)
    ):
        raise DomainError(
            _("Position %(id)s is not a position of the units placed on %(day)s.")
            % {"id": position.pk, "day": run.effective},
            problems=[Problem(field="position_id", message=_("not in this placement"))],
        )
    if position.category != official.category:
        raise DomainError(
            _("%(name)s is a %(category)s: position %(code)s is for a %(wanted)s.")
            % {
                "name": official.full_name,
                "category": official.get_category_display(),
                "code": position.code,
                "wanted": position.get_category_display(),
            },
            problems=[Problem(field="position_id", message=_("category does not match"))],
        )
    if official.level < position.level_required:
        raise DomainError(
            _("%(name)s's qualification is below what position %(code)s requires.")
            % {"name": official.full_name, "code": position.code},
            problems=[Problem(field="position_id", message=_("qualification below required"))],
        )
    others = PlacementRow.objects.filter(run=run).exclude(pk=row.pk)
    # Assignments that continue: open on the date, of officials the run does not place (the
    # run's officials leave their old seats on approval).
    continuing = Assignment.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=run.effective)
    ).exclude(official_id__in=PlacementRow.objects.filter(run=run).values("official_id"))
    held = continuing.filter(position=position).count() + others.filter(position=position).count()
    if held >= position.seats:
        raise DomainError(
            _("Position %(code)s has no free seat (%(seats)s, all taken).")
            % {"code": position.code, "seats": position.seats},
            problems=[Problem(field="position_id", message=_("no free seat"))],
        )
    quota = _quota_sums([position.unit_id], run.effective.year).get(
        (position.unit_id, position.category)
    )
    if quota is not None:
        run_positions = Position.objects.filter(
            unit_id=position.unit_id, category=position.category
        ).filter(live(run.effective))
        holders = (
            continuing.filter(position__in=run_positions).values("official_id").distinct().count()
        )
        placed = others.filter(position__in=run_positions).count()
        if holders + placed >= quota:
            raise DomainError(
                _("The quota of %(category)s for %(year)s is full (%(quota)s).")
                % {
                    "category": position.get_category_display(),
                    "year": run.effective.year,
                    "quota": quota,
                },
                problems=[Problem(field="position_id", message=_("quota full"))],
            )


@transaction.atomic
def placement_override(
    *, actor: Any, run_id: int, official_id: int, position_id: int | None, reason: str = ""
) -> PlacementRow:
    """Move one official of a draft run to another seat (hard constraints checked again) or
    leave them unplaced; the row is marked overridden."""
    run = _draft(run_id)
    row = (
        PlacementRow.objects.select_related("official")
        .filter(run=run, official_id=official_id)
        .first()
    )
    if row is None:
        raise NotFound(
            _("Official %(id)s is not in placement %(run)s.") % {"id": official_id, "run": run_id}
        )
    weights = run.weights
    if position_id is None:
        row.position = None
        row.cost = weights.get("unplaced", WEIGHTS["unplaced"])
        row.explanation = {}
        row.unplaced_reason = reason or _("Left unplaced by hand.")
    else:
        position = Position.objects.filter(pk=position_id).first()
        if position is None:
            raise NotFound(_("Position %(id)s does not exist.") % {"id": position_id})
        _check_seat(run, row, position)
        inst = load_instance(run.units, run.effective)
        where = np.flatnonzero(inst.official_ids == official_id)
        seat = np.flatnonzero(inst.position_ids == position_id)
        explanation: dict[str, Any] = {}
        if len(where) and len(seat):
            none = Candidates.none(len(inst.official_ids))
            explanation = explain(inst, none, int(where[0]), int(seat[0]))
        row.position = position
        row.cost = explanation.get("total")
        row.explanation = explanation
        row.unplaced_reason = ""
    row.overridden = True
    row.save(update_fields=["position", "cost", "explanation", "unplaced_reason", "overridden"])
    audit(
        actor=actor,
        action="placement_override",
        unit=run.units[0],
        run=run.pk,
        official=official_id,
        position=position_id,
    )
    return row


def _recheck(run: PlacementRun, rows: list[tuple[int, int, int]]) -> None:
    """Seats and quotas again, as they stand now (an assignment may have been written since the
    run was solved): refused whole, naming the first position or unit over its limit."""
    officials = [official for official, _p, _u in rows]
    open_on = Q(valid_to__isnull=True) | Q(valid_to__gte=run.effective)
    staying = Assignment.objects.filter(open_on).exclude(official_id__in=officials)
    wanted: dict[int, int] = {}
    for _official, position, _unit in rows:
        wanted[position] = wanted.get(position, 0) + 1
    held = dict(
        staying.filter(position_id__in=wanted)
        .values("position_id")
        .annotate(n=Count("id"))
        .values_list("position_id", "n")
    )
    positions = {
        p.pk: p for p in Position.objects.filter(pk__in=wanted).only("code", "seats", "category")
    }
    for position_id, count in wanted.items():
        seat = positions[position_id]
        if held.get(position_id, 0) + count > seat.seats:
            raise DomainError(
                _("Position %(code)s no longer has %(count)s free seats: start a new placement.")
                % {"code": seat.code, "count": count},
                code="conflict",
                status=409,
            )
    per_group: dict[tuple[int, str], int] = {}
    for _official, position_id, unit in rows:
        key = (unit, positions[position_id].category)
        per_group[key] = per_group.get(key, 0) + 1
    quotas = _quota_sums(sorted({unit for unit, _c in per_group}), run.effective.year)
    for (unit, category), count in per_group.items():
        quota = quotas.get((unit, category))
        if quota is None:
            continue
        holders = (
            staying.filter(
                Q(position__valid_from__lte=run.effective),
                Q(position__valid_to__isnull=True) | Q(position__valid_to__gte=run.effective),
                position__unit_id=unit,
                position__category=category,
            )
            .values("official_id")
            .distinct()
            .count()
        )
        if holders + count > quota:
            raise DomainError(
                _("The quota of unit %(unit)s for %(year)s is exceeded: start a new placement.")
                % {"unit": unit, "year": run.effective.year},
                code="conflict",
                status=409,
            )


@transaction.atomic
def placement_approve(*, actor: Any, run_id: int) -> int:
    """Write the run's placements as assignments from its effective date, ending each placed
    official's open assignments the day before; record who approved. Refused once approved.
    Returns the number of assignments written."""
    run = _draft(run_id)
    rows = list(
        PlacementRow.objects.filter(run=run, position__isnull=False).values_list(
            "official_id", "position_id", "position__unit_id"
        )
    )
    officials = [official for official, _p, _u in rows]
    later = (
        Assignment.objects.filter(official_id__in=officials, valid_from__gte=run.effective)
        .values_list("official_id", flat=True)
        .first()
    )
    if later is not None:
        raise DomainError(
            _("Official %(id)s already has an assignment from %(day)s on: end it first.")
            % {"id": later, "day": run.effective},
            code="conflict",
            status=409,
        )
    _recheck(run, rows)
    day_before = run.effective - dt.timedelta(days=1)
    Assignment.objects.filter(official_id__in=officials, valid_from__lt=run.effective).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=run.effective)
    ).update(valid_to=day_before)
    decision = _("Placement %(id)s") % {"id": run.pk}
    Assignment.objects.bulk_create(
        [
            Assignment(
                official_id=official,
                position_id=position,
                unit_id=unit,
                valid_from=run.effective,
                decision=decision,
                placement=run,
            )
            for official, position, unit in rows
        ],
        batch_size=2000,
    )
    # An official placed in another unit of the run is now employed there.
    moved: dict[int, list[int]] = {}
    for official, _position, unit in rows:
        moved.setdefault(unit, []).append(official)
    for unit, ids in moved.items():
        Official.objects.filter(pk__in=ids).exclude(unit_id=unit).update(unit_id=unit)
    run.state = PlacementRun.State.APPROVED
    run.approved_by = actor if getattr(actor, "is_authenticated", False) else None
    run.approved_at = timezone.now()
    run.save(update_fields=["state", "approved_by", "approved_at"])
    audit(
        actor=actor,
        action="placement_approve",
        unit=run.units[0],
        run=run.pk,
        assignments=len(rows),
    )
    return len(rows)
