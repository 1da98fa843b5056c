"""Rebalancing a province's equipment: propose transfers that close the most gaps at the least
distance, approve them (the inventory moves), and buy what is still missing (docs/equipment-rebalance.md).

- Reading: the gaps of the province's units as of a day (equipment.gaps, set-based): per unit and
  item type, what the standard in force requires and what the unit holds in usable condition.
  A unit's *surplus* is what it holds above its requirement, its *shortfall* what it lacks: a
  unit never gives below a standard it meets, nor below its requirement at all.
- Solving: rebalance_solver.solve, one min-cost flow per item type, between the units of the
  province only, distances from the units' coordinates (units.geo). The nearest-first greedy
  runs beside it and its figures are stored with the run for comparison.
- A run (`RebalanceRun`) stores the proposed `Transfer` rows, the gaps before and after them,
  and the purchase list: the shortfall left, per unit and item, at the item type's estimated
  price. A newer proposal for the province supersedes the older ones (their transfers are
  cancelled).
- Approval, by a manager of the province (who writes its unit): in one transaction the run is
  claimed (a conditional UPDATE on status and version: two approvals at once move the inventory
  once), every transfer is checked again against the inventory of that moment (a giver that
  would fall below its requirement refuses the whole run: propose again), the inventory lines
  move (whole lines repointed, a line split when only part of it goes), the transfers are done,
  and one audit row records it. A second approval is refused and moves nothing.

Item types marked not movable (`ItemType.movable`: the seeded connection's bandwidth, and any
type a superuser marks so) are never transferred: their shortfall goes straight to the purchase
list.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.accounts.access import access_unit
from tinhgon.core.errors import DomainError, NotFound, Problem
from tinhgon.core.models import audit
from tinhgon.equipment import selectors
from tinhgon.equipment.models import (
    Condition,
    InventoryItem,
    ItemType,
    Transfer,
    TransferStatus,
)
from tinhgon.equipment.rebalance_models import RebalanceRun, RunStatus, RunTransfer
from tinhgon.equipment.rebalance_solver import Balance, Move, Solution, solve, solve_greedy
from tinhgon.equipment.selectors import Gap
from tinhgon.units import selectors as units
from tinhgon.units.geo import coordinates
from tinhgon.units.kinds import Level
from tinhgon.units.models import UnitVersion

# The longest transfer a run may be limited to (km): beyond any province.
MAX_KM_LIMIT = 2000
# The conditions that count as usable, and the order in which a giver hands its lines over:
# its good items first, the most recently acquired first, so that a transfer closes the
# receiver's gap for years rather than months.
USABLE = (Condition.GOOD, Condition.USABLE)


def holdings(province_id: int, day: dt.date) -> list[Gap]:
    """Every unit and item type of the province with a requirement or a holding (set-based:
    equipment.selectors.gaps)."""
    return selectors.gaps(day=day, province_id=province_id)


def _totals(shortfalls: dict[tuple[int, int], int], codes: dict[int, str]) -> dict[str, Any]:
    items: dict[str, int] = defaultdict(int)
    for (_unit, item), short in shortfalls.items():
        if short:
            items[codes[item]] += short
    return {"total": sum(items.values()), "items": dict(sorted(items.items()))}


def province_version(  # type: ignore[no-untyped-def]
    actor, province_id: int | None = None, *, name: str | None = None, write: bool = False
) -> UnitVersion:
    """The province (by id, or by name or code) today, if the actor may read it whole (write:
    manage it); the operator (None) may. Anything else answers as if it did not exist."""
    today = timezone.localdate()
    if province_id is None:
        if not name:
            raise DomainError(
                _("Name a province."), problems=[Problem(_("Name a province."), field="province")]
            )
        province_id = units.resolve_province(name[:100], day=today).unit_id
    version = (
        units.version_on(province_id, today)
        if actor is None
        else access_unit(actor, province_id, write=write)
    )
    if version.level != Level.PROVINCE or version.admin_unit_id != version.unit_id:
        raise NotFound(_("No such province."))
    return version


@dataclass
class Proposal:
    """What the solver proposes, before it is stored (also what `rebalance --dry-run` shows)."""

    day: dt.date
    moves: list[Move]
    before: dict[tuple[int, int], int]
    after: dict[tuple[int, int], int]
    best: Solution
    greedy: Solution


def propose(province_id: int, day: dt.date, *, max_km: int | None = None) -> Proposal:
    """The optimal transfers for the province as of `day` (read-only)."""
    rows = holdings(province_id, day)
    # What is bought for the place (a connection's bandwidth) is never carried: one query.
    fixed = set(ItemType.objects.filter(movable=False).values_list("pk", flat=True))
    balances = [
        Balance(h.unit_id, h.item_type_id, surplus=h.surplus, shortfall=h.shortfall)
        for h in rows
        if h.item_type_id not in fixed and (h.surplus or h.shortfall)
    ]
    points = coordinates({b.unit for b in balances}, day)
    best = solve(balances, points, max_km=max_km)
    greedy = solve_greedy(balances, points, max_km=max_km)
    before = {(h.unit_id, h.item_type_id): h.shortfall for h in rows if h.shortfall}
    after = dict(before)
    for move in best.moves:
        key = (move.receiver, int(move.item))  # type: ignore[call-overload]
        after[key] -= move.quantity
    return Proposal(day, best.moves, before, after, best, greedy)


def _solver_figures(solution: Solution) -> dict[str, Any]:
    return {
        "seconds": round(solution.seconds, 4),
        "closed": solution.closed,
        "transfers": len(solution.moves),
        "item_km": solution.item_km,
    }


def purchases(
    after: dict[tuple[int, int], int], types: dict[int, ItemType]
) -> list[dict[str, Any]]:
    """The shortfall left, per unit and item, at the item type's estimated unit price."""
    rows = []
    for (unit_id, item), quantity in sorted(after.items()):
        if quantity > 0:
            price = types[item].unit_price
            rows.append(
                {
                    "unit": unit_id,
                    "item": types[item].code,
                    "quantity": quantity,
                    "unit_price": price,
                    "cost": price * quantity,
                }
            )
    return rows


@transaction.atomic
def rebalance_propose(  # type: ignore[no-untyped-def]
    *,
    actor,
    province_id: int,
    day: dt.date | None = None,
    max_km: int | None = None,
) -> RebalanceRun:
    """Store a run of proposed transfers for the province (a manager of it, or the operator);
    the province's earlier proposals are superseded and their transfers cancelled."""
    province = province_version(actor, province_id, write=True)
    day = day or timezone.localdate()
    if max_km is not None and not 1 <= max_km <= MAX_KM_LIMIT:
        raise DomainError(
            _("The longest transfer must be from 1 to %(max)s km.") % {"max": MAX_KM_LIMIT},
            problems=[Problem(_("from 1 to %(max)s km") % {"max": MAX_KM_LIMIT}, field="max_km")],
        )
    proposal = propose(province.unit_id, day, max_km=max_km)
    types = ItemType.objects.in_bulk()
    codes = {pk: t.code for pk, t in types.items()}
    user = actor if getattr(actor, "is_authenticated", False) else None
    _supersede(province.unit_id)
    shopping = purchases(proposal.after, types)
    run = RebalanceRun.objects.create(
        province_id=province.unit_id,
        day=day,
        max_km=max_km,
        gaps_before=_totals(proposal.before, codes),
        gaps_after=_totals(proposal.after, codes),
        purchases=shopping,
        cost=sum(row["cost"] for row in shopping),
        solver={
            "optimal": _solver_figures(proposal.best),
            "greedy": _solver_figures(proposal.greedy),
        },
        proposed_by=user,
    )
    transfers = Transfer.objects.bulk_create(
        [
            Transfer(
                province_id=province.unit_id,
                from_unit_id=m.giver,
                to_unit_id=m.receiver,
                item_type_id=int(m.item),  # type: ignore[call-overload]
                quantity=m.quantity,
                distance_km=None if m.km is None else round(m.km, 1),
                proposed_by=user,
                note=_("Rebalancing run %(run)s") % {"run": run.pk},
            )
            for m in proposal.moves
        ]
    )
    RunTransfer.objects.bulk_create([RunTransfer(run=run, transfer=t) for t in transfers])
    audit(
        actor=actor,
        action="equipment_rebalance_propose",
        unit=province.unit_id,
        run=run.pk,
        day=day.isoformat(),
        transfers=len(transfers),
        gaps_before=run.gaps_before["total"],
        gaps_after=run.gaps_after["total"],
        cost=run.cost,
    )
    return run


def _supersede(province_id: int) -> None:
    old = RebalanceRun.objects.filter(province_id=province_id, status=RunStatus.PROPOSED)
    Transfer.objects.filter(run_line__run__in=old, status=TransferStatus.PROPOSED).update(
        status=TransferStatus.CANCELLED, version=F("version") + 1
    )
    old.update(status=RunStatus.SUPERSEDED, version=F("version") + 1)


def access_run(actor, run_id: int, *, write: bool = False) -> RebalanceRun:  # type: ignore[no-untyped-def]
    """A run, if the actor may read (write: approve) its province; otherwise as if it did not
    exist."""
    run = RebalanceRun.objects.filter(pk=run_id).first()
    if run is None:
        raise NotFound(_("No such rebalancing run."))
    try:
        province_version(actor, run.province_id, write=write)
    except NotFound:
        raise NotFound(_("No such rebalancing run.")) from None
    return run


def run_transfers(run: RebalanceRun) -> list[Transfer]:
    return list(
        Transfer.objects.filter(run_line__run=run)
        .select_related("item_type")
        .order_by("item_type__code", "to_unit_id", "from_unit_id", "pk")
    )


def _stale(run_id: int, problems: list[Problem]) -> DomainError:
    return DomainError(
        _(
            "The inventory changed since run %(run)s was proposed: a transfer would leave a unit "
            "below its standard or give a unit what it no longer lacks. Propose again."
        )
        % {"run": run_id},
        code="stale",
        status=409,
        problems=problems,
    )


def _recheck(run: RebalanceRun, transfers: list[Transfer], today: dt.date) -> None:
    """Every item still movable, every giver still holds what it gives above its requirement,
    every receiver still lacks what it receives (the inventory and the item types as they are
    now, in this transaction)."""
    now = {(h.unit_id, h.item_type_id): h for h in holdings(run.province_id, today)}
    given: dict[tuple[int, int], int] = defaultdict(int)
    received: dict[tuple[int, int], int] = defaultdict(int)
    for t in transfers:
        given[(t.from_unit_id, t.item_type_id)] += t.quantity
        received[(t.to_unit_id, t.item_type_id)] += t.quantity
    names = selectors.names_of({u for u, _i in given} | {u for u, _i in received}, today)
    codes = {t.item_type_id: t.item_type.code for t in transfers}
    problems = [
        Problem(
            _("%(item)s is no longer movable between units: it is bought.") % {"item": code},
            field="transfers",
        )
        for code in sorted({t.item_type.code for t in transfers if not t.item_type.movable})
    ]
    for (unit_id, item), quantity in sorted(given.items()):
        h = now.get((unit_id, item))
        if h is None or h.surplus < quantity:
            problems.append(
                Problem(
                    _(
                        "%(unit)s would give %(n)s %(item)s but holds only %(surplus)s above its standard."
                    )
                    % {
                        "unit": names[unit_id][1],
                        "n": quantity,
                        "item": codes[item],
                        "surplus": h.surplus if h else 0,
                    },
                    field="transfers",
                )
            )
    for (unit_id, item), quantity in sorted(received.items()):
        h = now.get((unit_id, item))
        if h is None or h.shortfall < quantity:
            problems.append(
                Problem(
                    _("%(unit)s would receive %(n)s %(item)s but now lacks only %(short)s.")
                    % {
                        "unit": names[unit_id][1],
                        "n": quantity,
                        "item": codes[item],
                        "short": h.shortfall if h else 0,
                    },
                    field="transfers",
                )
            )
    if problems:
        raise _stale(run.pk, problems)


def _lock_lines(transfers: list[Transfer]) -> dict[tuple[int, int], list[InventoryItem]]:
    """The givers' usable lines of the items they give, locked until the transaction ends (a
    write-off meanwhile waits), in the order they are handed over."""
    givers = {(t.from_unit_id, t.item_type_id) for t in transfers}
    lines: dict[tuple[int, int], list[InventoryItem]] = defaultdict(list)
    rank = {str(c): i for i, c in enumerate(USABLE)}
    held = (
        InventoryItem.objects.select_for_update()
        .filter(
            unit_id__in={u for u, _i in givers},
            item_type_id__in={i for _u, i in givers},
            written_off_on__isnull=True,
            condition__in=USABLE,
        )
        .order_by("pk")
    )
    for line in held:
        if (line.unit_id, line.item_type_id) in givers:
            lines[(line.unit_id, line.item_type_id)].append(line)
    for key in lines:
        lines[key].sort(key=lambda x: (rank[x.condition], -(x.acquired_year or 0), x.pk))
    return lines


def _move_inventory(
    transfers: list[Transfer],
    lines: dict[tuple[int, int], list[InventoryItem]],
    province_id: int,
) -> int:
    """Hand the transferred items over from the givers' locked lines: a line that goes whole is
    repointed, one that goes in part is split. Returns the lines written."""
    repointed: list[InventoryItem] = []  # whole lines, now the receiver's
    reduced: dict[int, InventoryItem] = {}  # lines that stay with the giver, smaller
    parts: list[InventoryItem] = []  # the receivers' new lines split off
    for t in transfers:
        left = t.quantity
        queue = lines[(t.from_unit_id, t.item_type_id)]
        note = (_("Transferred by rebalancing (transfer %(id)s)") % {"id": t.pk})[:500]
        while left and queue:
            line = queue[0]
            line.version += 1
            if line.quantity <= left:
                queue.pop(0)
                left -= line.quantity
                reduced.pop(line.pk, None)
                line.unit_id, line.province_id = t.to_unit_id, province_id
                line.premises_id, line.location, line.note = None, "", note
                repointed.append(line)
                continue
            value = line.value * left // line.quantity
            line.quantity -= left
            line.value -= value
            reduced[line.pk] = line
            parts.append(
                InventoryItem(
                    unit_id=t.to_unit_id,
                    province_id=province_id,
                    item_type_id=line.item_type_id,
                    quantity=left,
                    condition=line.condition,
                    acquired_year=line.acquired_year,
                    value=value,
                    note=note,
                    synthetic=line.synthetic,
                )
            )
            left = 0
        if left:  # _recheck saw the surplus in this transaction: nothing may be missing here
            raise DomainError(
                _("The inventory changed while moving; nothing was moved."), status=409
            )
    now = timezone.now()  # bulk_update does not touch auto_now columns
    for line in [*repointed, *reduced.values()]:
        line.updated_at = now
    InventoryItem.objects.bulk_update(
        repointed,
        [
            "unit",
            "province",
            "premises",
            "location",
            "note",
            "quantity",
            "value",
            "version",
            "updated_at",
        ],
    )
    InventoryItem.objects.bulk_update(
        list(reduced.values()), ["quantity", "value", "version", "updated_at"]
    )
    InventoryItem.objects.bulk_create(parts)
    return len(repointed) + len(reduced) + len(parts)


def rebalance_approve(*, actor, run_id: int, version: int | None = None) -> RebalanceRun:  # type: ignore[no-untyped-def]
    """Approve a proposed run: its transfers are checked again, the inventory moves, the
    transfers are done, in one transaction. An approved run is refused again (nothing moves
    twice); a superseded one too."""
    with transaction.atomic():
        run = access_run(actor, run_id, write=True)
        if version is not None and run.version != version and run.status == RunStatus.PROPOSED:
            raise DomainError(
                _("Run %(run)s changed since you read it; reload it.") % {"run": run.pk},
                code="stale",
                status=409,
            )
        _refuse_unless_proposed(run)
        now = timezone.now()
        user = actor if getattr(actor, "is_authenticated", False) else None
        claimed = RebalanceRun.objects.filter(
            pk=run.pk, status=RunStatus.PROPOSED, version=run.version
        ).update(
            status=RunStatus.APPROVED, version=F("version") + 1, approved_by=user, approved_at=now
        )
        if not claimed:  # approved or superseded meanwhile
            run.refresh_from_db()
            _refuse_unless_proposed(run)
            raise DomainError(_("Run %(run)s changed; reload it.") % {"run": run.pk}, status=409)
        transfers = run_transfers(run)
        today = timezone.localdate()
        held = _lock_lines(transfers)
        _recheck(run, transfers, today)
        lines = _move_inventory(transfers, held, run.province_id)
        Transfer.objects.filter(pk__in=[t.pk for t in transfers]).update(
            status=TransferStatus.DONE,
            approved_by=user,
            approved_at=now,
            done_at=now,
            version=F("version") + 1,
        )
        audit(
            actor=actor,
            action="equipment_rebalance_approve",
            unit=run.province_id,
            run=run.pk,
            transfers=len(transfers),
            items=sum(t.quantity for t in transfers),
            lines=lines,
        )
        run.refresh_from_db()
        return run


def _refuse_unless_proposed(run: RebalanceRun) -> None:
    if run.status == RunStatus.APPROVED:
        raise DomainError(
            _(
                "Run %(run)s is already approved: its transfers were made once and are not made again."
            )
            % {"run": run.pk},
            code="already_approved",
            status=409,
        )
    if run.status == RunStatus.SUPERSEDED:
        raise DomainError(
            _("Run %(run)s was superseded by a newer proposal: approve the latest one.")
            % {"run": run.pk},
            code="superseded",
            status=409,
        )


def run_data(run: RebalanceRun) -> dict[str, Any]:
    """The run as the API and the command line give it (units by code)."""
    transfers = run_transfers(run)
    unit_ids = {t.from_unit_id for t in transfers} | {t.to_unit_id for t in transfers}
    unit_ids |= {row["unit"] for row in run.purchases}
    names = selectors.names_of(unit_ids, run.day)
    before, after = run.gaps_before.get("items", {}), run.gaps_after.get("items", {})
    return {
        "run": run.pk,
        "province": run.province_id,
        "day": run.day.isoformat(),
        "status": run.status,
        "version": run.version,
        "transfers": [
            {
                "id": t.pk,
                "from": names[t.from_unit_id][0],
                "from_name": names[t.from_unit_id][1],
                "to": names[t.to_unit_id][0],
                "to_name": names[t.to_unit_id][1],
                "item": t.item_type.code,
                "quantity": t.quantity,
                "distance_km": None if t.distance_km is None else float(t.distance_km),
                "status": t.status,
            }
            for t in transfers
        ],
        "gaps_before": run.gaps_before.get("total", 0),
        "gaps_after": run.gaps_after.get("total", 0),
        "gaps_by_item": {
            code: {"before": before.get(code, 0), "after": after.get(code, 0)}
            for code in sorted(set(before) | set(after))
        },
        "purchases": [
            {**row, "unit": names[row["unit"]][0], "unit_name": names[row["unit"]][1]}
            for row in run.purchases
        ],
        "cost": run.cost,
        "solver": run.solver,
    }
