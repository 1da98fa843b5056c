"""The optimal placement of the officials arriving at reorganized units onto their positions.

One instance: the units placed (one reorganized unit, or every unit a plan formed), their
positions in force on the effective date with their open seats (seats minus those held by
the continuing holders), the officials to place, and the quota limits for the year.

- Arriving: the officials the plan moved to the units (carriers.RecordMove of the carrier
  "officials" with the plan's id and the unit as to_unit; for one unit, the plans that formed it,
  read from UnitLink.plan_ref). The carriers move their open assignments in place too: those
  hold no seat for the solve, and approval ends them the day before the effective date.
- Continuing holders: the officials who were at the units before the plan, in their seats.
- Placed: the arriving, and the active officials of the units holding no continuing seat.
- Quota: a row covers its unit's whole subtree, so the limit on a unit's seats is the quota of
  the nearest quota-holding unit at or above it, shared by every seat under that holder (one
  quota node per holder and category), less the continuing holders anywhere under it.

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
the position's open seats; the units under one holder share it) → sink (cap: the quota left
after the continuing holders);
official → "unplaced" (cap 1, UNPLACED more than any placement) → sink. The greedy placement of
the same instance (officials in id order each take their cheapest feasible candidate seat) is
computed beside it for comparison: its total cost is never lower.

This module reads the instance from the database and writes runs (services); the arrays, the
graph and the solver are in placement_solver.py.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.carriers.models import RecordMove
from tinhgon.core import text
from tinhgon.core.errors import DomainError, NotFound, Problem
from tinhgon.core.models import audit
from tinhgon.staffing.models import (
    Assignment,
    Evaluation,
    Group,
    LeaderRole,
    Official,
    PlacementRow,
    PlacementRun,
    Position,
    Quota,
    Status,
    live,
)
from tinhgon.staffing.placement_solver import (
    CATEGORIES,
    EVALUATION_COST,
    FIELDS,
    NEAREST_UNITS,
    UNLIMITED,
    WEIGHTS,
    Candidates,
    Instance,
    K,
    Solution,
    candidates,
    explain,
    reasons,
    solve_flow,
    solve_greedy,
)
from tinhgon.units import selectors
from tinhgon.units.geo import COORDINATES_SOURCE, coordinates
from tinhgon.units.models import UnitLink, UnitVersion

OFFICIALS = "officials"  # the carrier that moves officials in place (staffing/carriers.py)

# --- From the database --------------------------------------------------------------------


def _leader(group: str, role: str) -> bool:
    return group == Group.LEADERSHIP or role != LeaderRole.NONE


def _quota_sums(unit_ids: list[int], year: int) -> dict[tuple[int, str], int]:
    """Quota rows per (unit, category): the unit's rows for the year, or else (a unit a plan
    formed, before a new decision) the sum of its predecessors' rows."""
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


def _chains(unit_ids: Iterable[int], day: dt.date) -> dict[int, list[int]]:
    """{unit: the unit and its ancestors on `day`, nearest first}: one query per tree level."""
    parent: dict[int, int | None] = {}
    wanted = set(unit_ids)
    while wanted:
        rows = list(
            UnitVersion.objects.as_of(day)
            .filter(unit_id__in=wanted)
            .values_list("unit_id", "parent_id")
        )
        for unit_id, parent_id in rows:
            parent[unit_id] = parent_id
        for unit_id in wanted - {u for u, _p in rows}:
            parent[unit_id] = None
        wanted = {p for _u, p in rows if p is not None and p not in parent}
    chains: dict[int, list[int]] = {}
    for unit_id in unit_ids:
        chain, at = [unit_id], parent.get(unit_id)
        while at is not None and at not in chain:
            chain.append(at)
            at = parent.get(at)
        chains[unit_id] = chain
    return chains


@dataclass(frozen=True)
class Limit:
    """The quota that limits a unit's seats of a category: that of the nearest quota-holding
    unit at or above it (`holder`), shared by every seat under the holder; `held`: the officials
    continuing in a seat of the category anywhere under the holder."""

    holder: int
    quota: int
    held: int

    @property
    def left(self) -> int:
        return max(self.quota - self.held, 0)


def quota_limits(
    unit_ids: Iterable[int], effective: dt.date, *, leaving: Any = ()
) -> dict[tuple[int, str], Limit]:
    """{(unit, category): its Limit} for the year of `effective`; a pair missing has no quota
    anywhere above it (no limit). A quota row covers its unit's whole subtree (a parent's quota
    caps its children's), so the nearest holder's row is the one that binds. `leaving`: the
    officials whose open assignments do not hold a seat (those arriving, placed by the run)."""
    units = sorted(set(unit_ids))
    chains = _chains(units, effective)
    above = sorted({a for chain in chains.values() for a in chain} - set(units))
    year = effective.year
    quotas = _quota_sums(units, year)  # the units themselves: own rows, else inherited
    for row in (
        Quota.objects.filter(unit_id__in=above, year=year)
        .values("unit_id", "category")
        .annotate(total=Sum("count"))
    ):
        quotas[(row["unit_id"], row["category"])] = row["total"]
    holder_of: dict[tuple[int, str], int] = {}
    for unit_id, chain in chains.items():
        for category in CATEGORIES:
            holder = next((a for a in chain if (a, category) in quotas), None)
            if holder is not None:
                holder_of[(unit_id, category)] = holder
    held: dict[tuple[int, str], int] = {}
    open_on = Q(valid_to__isnull=True) | Q(valid_to__gte=effective)
    for holder in sorted(set(holder_of.values())):
        under = selectors.subtree_ids([holder], effective)
        for category, n in (
            Assignment.objects.filter(open_on, position__unit_id__in=under)
            .filter(position__valid_from__lte=effective)
            .filter(Q(position__valid_to__isnull=True) | Q(position__valid_to__gte=effective))
            .exclude(official_id__in=leaving)
            .values("position__category")
            .annotate(n=Count("official_id", distinct=True))
            .values_list("position__category", "n")
        ):
            held[(holder, category)] = n
    return {
        (unit_id, category): Limit(
            holder, quotas[(holder, category)], held.get((holder, category), 0)
        )
        for (unit_id, category), holder in holder_of.items()
    }


def arriving_officials(
    unit_ids: Iterable[int], effective: dt.date, plan_ref: int | None = None
) -> set[int]:
    """The officials a plan brought to `unit_ids` (its `officials` moves to them): with
    `plan_ref`, that plan's; else the plans that formed the units (their lineage). Those since
    given a seat from the plan's date on (placed, or assigned anew) have arrived already."""
    units = sorted(set(unit_ids))
    if plan_ref is not None:
        plans = dict(
            UnitLink.objects.filter(plan_ref=plan_ref).values_list("plan_ref", "effective_date")[:1]
        )
    else:
        plans = dict(
            UnitLink.objects.filter(successor_id__in=units, effective_date__lte=effective)
            .exclude(plan_ref=None)
            .values_list("plan_ref", "effective_date")
        )
    found: set[int] = set()
    for plan, day in plans.items():
        if plan is None:
            continue
        moved = RecordMove.objects.filter(
            plan_ref=plan, carrier=OFFICIALS, to_unit_id__in=units
        ).values("record_id")
        seated_since = Assignment.objects.filter(official_id__in=moved, valid_from__gte=day).values(
            "official_id"
        )
        found |= set(
            Official.objects.filter(pk__in=moved, status=Status.ACTIVE)
            .exclude(pk__in=seated_since)
            .values_list("pk", flat=True)
        )
    return found


def load_instance(
    unit_ids: list[int], effective: dt.date, *, arriving: Iterable[int] = ()
) -> Instance:
    """The instance of `unit_ids` on `effective` from the database (a few queries).

    `arriving`: the officials a plan brought to the units (arriving_officials): their open
    assignments, carried over by the plan, hold no seat (approval ends them the day before);
    only the officials who were at the units before keep their seats as continuing holders."""
    units = sorted(set(unit_ids))
    arriving = set(arriving)
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
    continuing = [
        (position_id, official_id)
        for position_id, official_id in Assignment.objects.filter(position_id__in=position_ids)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=effective))
        .values_list("position_id", "official_id")
        if official_id not in arriving
    ]
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
    # The quota nodes: one per (nearest quota holder, category), shared by every unit of the
    # run under the holder; its capacity is the holder's quota less the continuing holders of
    # seats anywhere under it. A (unit, category) with no holder above it: no limit.
    limits = quota_limits(units, effective, leaving=sorted(arriving))
    quota_total = np.full((len(units), len(CATEGORIES)), UNLIMITED, np.int64)
    quota_left = np.full((len(units), len(CATEGORIES)), UNLIMITED, np.int64)
    quota_node = np.arange(len(units) * len(CATEGORIES), dtype=np.int64).reshape(
        len(units), len(CATEGORIES)
    )
    node_left = quota_left.ravel().copy()
    node_of_holder: dict[tuple[int, str], int] = {}
    for (unit_id, category), limit in limits.items():
        u, c = unit_index[unit_id], cat_index[category]
        node = node_of_holder.setdefault((limit.holder, category), int(quota_node[u, c]))
        quota_node[u, c] = node
        node_left[node] = limit.left
        quota_total[u, c], quota_left[u, c] = limit.quota, limit.left
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
        quota_node=quota_node,
        node_left=node_left,
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
            _("Unit %(id)s is not open on %(day)s.")
            % {"id": closed[0], "day": text.day(effective)},
            problems=[Problem(field="unit_ids", message=_("not open on the effective date"))],
        )
    arriving = arriving_officials(unit_ids, effective, plan_ref)
    inst = load_instance(list(unit_ids), effective, arriving=arriving)
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


def nobody_to_place(placed: int, unplaced: int) -> str:
    """The one sentence said when a run has nobody to place (else "")."""
    if placed or unplaced:
        return ""
    return _(
        "Nobody is to be placed: no official arrives at these units, and those already there "
        "keep their seats."
    )


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
            % {"id": position.pk, "day": text.day(run.effective)},
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
    # The quota of the nearest holder at or above the unit binds, shared by all its seats: the
    # continuing holders under it, and the run's officials placed under it.
    run_officials = PlacementRow.objects.filter(run=run).values("official_id")
    limit = quota_limits([position.unit_id], run.effective, leaving=run_officials).get(
        (position.unit_id, position.category)
    )
    if limit is not None:
        under = selectors.subtree_ids([limit.holder], run.effective)
        placed = others.filter(
            position__unit_id__in=under, position__category=position.category
        ).count()
        if limit.held + placed >= limit.quota:
            raise DomainError(
                _("The quota of %(category)s for %(year)s is full (%(quota)s).")
                % {
                    "category": position.get_category_display(),
                    "year": run.effective.year,
                    "quota": limit.quota,
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
        inst = load_instance(
            run.units,
            run.effective,
            arriving=PlacementRow.objects.filter(run=run).values_list("official_id", flat=True),
        )
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


def _recheck(run: PlacementRun, rows: list[tuple[int, int, int]], leaving: Any) -> None:
    """Seats and quotas again, as they stand now (an assignment may have been written since the
    run was solved): refused whole, naming the first position or unit over its limit. `leaving`:
    the run's officials, whose open assignments approval ends."""
    open_on = Q(valid_to__isnull=True) | Q(valid_to__gte=run.effective)
    staying = Assignment.objects.filter(open_on).exclude(official_id__in=leaving)
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
    limits = quota_limits({unit for _o, _p, unit in rows}, run.effective, leaving=leaving)
    per_holder: dict[tuple[int, str], int] = {}
    for _official, position_id, unit in rows:
        limit = limits.get((unit, positions[position_id].category))
        if limit is not None:
            key = (limit.holder, positions[position_id].category)
            per_holder[key] = per_holder.get(key, 0) + 1
    quota_of = {(lim.holder, category): lim for (_u, category), lim in limits.items()}
    for (holder, _category), count in per_holder.items():
        limit = quota_of[(holder, _category)]
        if limit.held + count > limit.quota:
            raise DomainError(
                _("The quota of unit %(unit)s for %(year)s is exceeded: start a new placement.")
                % {"unit": holder, "year": run.effective.year},
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
            % {"id": later, "day": text.day(run.effective)},
            code="conflict",
            status=409,
        )
    # Every official of the run arrived (or held no seat): the assignments they carried over
    # end the day before, placed or not (the solver counted their seats free).
    leaving = list(PlacementRow.objects.filter(run=run).values_list("official_id", flat=True))
    _recheck(run, rows, leaving)
    day_before = run.effective - dt.timedelta(days=1)
    Assignment.objects.filter(official_id__in=leaving, valid_from__lt=run.effective).filter(
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
    provinces = dict(
        Position.objects.filter(unit_id__in=moved).values_list("unit_id", "province_id").distinct()
    )
    for unit, ids in moved.items():
        Official.objects.filter(pk__in=ids).exclude(unit_id=unit).update(
            unit_id=unit, province_id=provinces.get(unit)
        )
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
