"""Where the records of a closed unit go: the plan's routing, in memory (preview) and as the
routing table that carriers join (apply).

`PlanView` reads the planner's resolved work: for each unit the plan closes, its default
successor, and for a split unit the successors it is divided between. A carrier with a routing
rule sends a record of a split unit to the successor that the rule's unit (an applicant's
commune, an official's home commune) lies in after the plan: that unit itself, its successor, or
an ancestor of either. What no rule routes goes to the default successor; a person's decision
overrides both.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from tinhgon.carriers import contract
from tinhgon.carriers.contract import ROUTE, Context, Flow
from tinhgon.carriers.models import Priority, Route
from tinhgon.core.errors import DomainError, Problem
from tinhgon.reorg.models import Decision
from tinhgon.reorg.planner import Planner
from tinhgon.units.models import LinkEvent, UnitLink, UnitVersion

Target = str | int  # an existing unit id, or the ref of a unit the plan opens ("new:CODE")


@dataclass(frozen=True)
class Choice:
    """A decision, as the engine reads it: which records of which unit go where."""

    carrier: str
    priority: int
    from_unit: int
    key: int
    record: int
    target: Target


class PlanView:
    def __init__(self, planner: Planner) -> None:
        self.plan = planner.plan
        self.day = planner.plan.effective_date
        self.work = planner.work
        self.r = planner.r
        self.closing: dict[int, int] = dict(self.work.closing)
        self.default: dict[int, Target] = {}
        self.split: dict[int, list[Target]] = defaultdict(list)
        for link in self.work.links:
            if link.is_default:
                self.default[link.predecessor] = link.successor
            if link.event == LinkEvent.SPLIT:
                self.split[link.predecessor].append(link.successor)
        self._earlier: dict[int, int] = {}
        # Units placed by a person's decision (the communes of a split province).
        self._decided_parent: dict[int, Target] = {}

    def follow(self, choices: Sequence[Choice], registry: set[str]) -> None:
        """Take into account where decisions put units (decisions of the registry's carrier)."""
        for choice in choices:
            if choice.carrier in registry and choice.priority == Priority.RECORD:
                self._decided_parent[choice.record] = choice.target

    # -- the tree after the plan ---------------------------------------------------------------
    def final(self, unit: Target) -> Target:
        """The unit that stands for `unit` after the plan (itself when it stays)."""
        seen = 0
        while isinstance(unit, int) and seen < 30:
            if unit in self.closing:
                unit = self.default[unit]
            elif unit not in self.r.open and unit in self._earlier:
                unit = self._earlier[unit]  # closed by an earlier plan: its successor today
            else:
                break
            seen += 1
        return unit

    def parent_after(self, target: Target) -> Target | None:
        if isinstance(target, str):
            return self.work.openings[target].parent_target
        change = self.work.changes.get(target)
        if change is not None and change.moves:
            return change.parent
        if target in self._decided_parent:
            return self._decided_parent[target]
        version = self.r.open.get(target)
        if version is None or version.parent_id is None:
            return None
        return self.final(version.parent_id)

    def learn_lineage(self, units: Iterable[int]) -> None:
        """Units closed before the plan's date (a legacy home commune): remember their default
        successors, so that a rule naming them still finds where they are now."""
        unknown = {u for u in units if u and u not in self.r.open and u not in self.closing}
        while unknown:
            links = dict(
                UnitLink.objects.filter(
                    predecessor_id__in=list(unknown),
                    is_default=True,
                    effective_date__lte=self.day,
                ).values_list("predecessor_id", "successor_id")
            )
            self._earlier.update(links)
            unknown = {s for s in links.values() if s not in self.r.open and s not in self._earlier}

    def by_rule(self, from_unit: int, key: int | None) -> Target | None:
        """The successor of split unit `from_unit` that the rule's unit `key` lies in, if any."""
        targets = self.split.get(from_unit)
        if not targets or not key:
            return None
        node: Target | None = self.final(key)
        for _hop in range(12):
            if node is None:
                return None
            if node in targets:
                return node
            node = self.parent_after(node)
        return None

    def destination(self, carrier: str, flow: Flow, choices: dict[tuple, Target]) -> Target:
        """Where a preview flow goes, in the order of `Priority` (the order apply follows): a
        decision about its group, one about the carrier's records in the unit, the rule, the
        default successor."""
        key = flow.key or 0
        if key and (carrier, Priority.GROUP, flow.from_unit, key) in choices:
            return choices[(carrier, Priority.GROUP, flow.from_unit, key)]
        if (carrier, Priority.CARRIER, flow.from_unit, 0) in choices:
            return choices[(carrier, Priority.CARRIER, flow.from_unit, 0)]
        return self.by_rule(flow.from_unit, flow.key) or self.default[flow.from_unit]

    def ref_of(self, target: Target) -> str:
        """How a plan file names a unit."""
        if isinstance(target, str):
            return target
        version = self.r.open.get(target)
        return version.code if version else str(target)

    def label(self, target: Target) -> str:
        if isinstance(target, str):
            spec = self.r.new_specs[target][0]
            return f"{spec.code} {spec.name}"
        version = self.r.open.get(target)
        if version is None:  # closed before the plan's date: its last name
            version = UnitVersion.objects.filter(unit_id=target).order_by("-id").first()
        return f"{version.code} {version.name}" if version else str(target)


def choices_of(plan_id: int | None, view: PlanView) -> list[Choice]:
    """The decisions recorded for a plan, with their targets resolved to ids or new refs."""
    if plan_id is None:
        return []
    found = []
    for decision in Decision.objects.filter(plan_id=plan_id):
        target = target_of(decision.to_ref, view)
        if target is None:
            continue
        if decision.record_id is not None:
            priority, key, record = Priority.RECORD, 0, decision.record_id
        elif decision.key is not None:
            priority, key, record = Priority.GROUP, decision.key, 0
        else:
            priority, key, record = Priority.CARRIER, 0, 0
        found.append(
            Choice(decision.carrier, priority, decision.from_unit_id or 0, key, record, target)
        )
    return found


def target_of(ref: str, view: PlanView) -> Target | None:
    """The unit a decision's reference names: a new unit's ref, or one open unit's code."""
    if ref in view.r.new_specs:
        return ref
    kind, _sep, code = ref.rpartition(":")
    found = [v for v in view.r.by_code.get(code, []) if not kind or v.kind == kind]
    return found[0].unit_id if len(found) == 1 else None


def write_routes(
    ctx: Context,
    view: PlanView,
    ids: dict[str, int],
    choices: Sequence[Choice],
    carriers: Sequence[contract.Carrier],
) -> int:
    """The routing table of the plan: default successors (from the lineage links just written),
    decisions, and the rule routes of the carriers that have a rule. Returns the rule routes."""

    def unit_id(target: Target) -> int:
        return ids[target] if isinstance(target, str) else target

    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ROUTE} (plan_ref, priority, carrier, from_unit_id, key, record_id, "
            "to_unit_id, step, in_transit) SELECT plan_ref, %s, '', predecessor_id, 0, 0, "
            "successor_id, step, %s FROM units_unitlink WHERE plan_ref = %s AND is_default = %s",
            [Priority.DEFAULT, False, ctx.plan_id, True],
        )
    rows = [
        Route(
            plan_ref=ctx.plan_id,
            priority=c.priority,
            carrier=c.carrier,
            from_unit_id=c.from_unit,
            key=c.key,
            record_id=c.record,
            to_unit_id=unit_id(c.target),
            step=view.closing.get(c.from_unit),
        )
        for c in choices
        if c.from_unit
    ]
    decided = {(c.carrier, c.from_unit, c.key) for c in choices if c.priority == Priority.GROUP}
    split = sorted(view.split)
    ruled = 0
    for carrier in carriers:
        if not getattr(carrier, "rule_field", None) or not split:
            continue
        flows = [f for f in carrier.flows(ctx.effective, split, split) if f.key]
        view.learn_lineage(f.key for f in flows if f.key)
        for flow in flows:
            key = int(flow.key or 0)
            if (carrier.name, flow.from_unit, key) in decided:
                continue
            target = view.by_rule(flow.from_unit, key)
            if target is None:
                continue
            rows.append(
                Route(
                    plan_ref=ctx.plan_id,
                    priority=Priority.RULE,
                    carrier=carrier.name,
                    from_unit_id=flow.from_unit,
                    key=key,
                    to_unit_id=unit_id(target),
                    step=view.closing.get(flow.from_unit),
                )
            )
            ruled += 1
    Route.objects.bulk_create(rows, batch_size=2000)
    return ruled


def place_routes(ctx: Context) -> int:
    """After placement is re-derived: give every route the placement of its destination, and add
    a PLACE route for each unit that stays but now serves another administrative unit or lies
    in another province (its records' denormalized columns follow). Returns the PLACE routes."""
    params: dict[str, Any] = {
        "plan": ctx.plan_id,
        "effective": ctx.effective,
        "last_day": ctx.last_day,
        "place": Priority.PLACE,
        "false": False,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {ROUTE} SET to_province_id = v.province_id, "
            "to_admin_unit_id = v.admin_unit_id FROM units_unitversion v "
            f"WHERE {ROUTE}.plan_ref = %(plan)s AND v.unit_id = {ROUTE}.to_unit_id "
            "AND (v.valid_from IS NULL OR v.valid_from <= %(effective)s) "
            "AND (v.valid_to IS NULL OR v.valid_to >= %(effective)s)",
            params,
        )
        cursor.execute(
            f"INSERT INTO {ROUTE} (plan_ref, priority, carrier, from_unit_id, key, record_id, "
            "to_unit_id, to_province_id, to_admin_unit_id, step, in_transit) "
            "SELECT %(plan)s, %(place)s, '', a.unit_id, 0, 0, a.unit_id, a.province_id, "
            "a.admin_unit_id, NULL, %(false)s FROM units_unitversion a "
            "JOIN units_unitversion b ON b.unit_id = a.unit_id AND b.valid_to = %(last_day)s "
            "WHERE a.valid_from = %(effective)s AND (COALESCE(a.province_id, 0) <> "
            "COALESCE(b.province_id, 0) OR a.admin_unit_id <> b.admin_unit_id)",
            params,
        )
        placed = int(cursor.rowcount)
        if connection.vendor == "postgresql":
            # The routes were just written: without statistics PostgreSQL takes a national
            # plan's ten thousand routes for one, and joins each batch of records route by
            # route through the unit index, reading every record of every closed unit for every
            # batch (15-20 s a batch at 5,000,000 dossiers; 5 s once analyzed).
            cursor.execute(f"ANALYZE {ROUTE}")
        return placed


def set_in_transit(plan_id: int, value: bool) -> None:
    """While records move in batches, reads resolve a closed unit to its default successor, and
    count the records of a re-placed unit in the province it now lies in (records_filter)."""
    Route.objects.filter(plan_ref=plan_id, priority__in=[Priority.PLACE, Priority.DEFAULT]).update(
        in_transit=value
    )


def settle_choices(
    view: PlanView, choices: Sequence[Choice], carriers: Sequence[contract.Carrier]
) -> tuple[list[Choice], list[Problem]]:
    """The decisions as they stand now: a decision about one record holds for the unit the record
    is attached to today. Each must still be about a unit the plan splits, and send its records
    to one of that unit's successors (the registry may have moved on since it was recorded)."""
    by_name = {carrier.name: carrier for carrier in carriers}
    where: dict[tuple[str, int], int] = {}
    for name in {c.carrier for c in choices if c.priority == Priority.RECORD}:
        if name in by_name:
            records = [c.record for c in choices if c.carrier == name and c.record]
            for record, (unit, _key) in by_name[name].located(records).items():
                where[(name, record)] = unit
    settled, problems = [], []
    for choice in choices:
        unit = (
            where.get((choice.carrier, choice.record), 0)
            if choice.priority == Priority.RECORD
            else choice.from_unit
        )
        what = (
            f"{choice.carrier} #{choice.record}"
            if choice.record
            else f"{choice.carrier} @ {view.label(unit)}"
        )
        if choice.carrier not in by_name:
            problems.append(Problem(_("%(what)s: no such carrier") % {"what": what}))
        elif unit not in view.split:
            problems.append(
                Problem(
                    _("%(what)s is no longer at a unit this plan splits; decide again")
                    % {"what": what}
                )
            )
        elif choice.target not in view.split[unit]:
            problems.append(
                Problem(
                    _("%(what)s goes to %(target)s, which is not a successor of %(unit)s")
                    % {"what": what, "target": view.label(choice.target), "unit": view.label(unit)}
                )
            )
        else:
            settled.append(
                Choice(
                    choice.carrier, choice.priority, unit, choice.key, choice.record, choice.target
                )
            )
    return settled, problems


def refuse_units_in_transit(unit_id: int) -> None:
    """A unit that a plan still moving records closes, receives into or re-places may not change
    meanwhile (closing a successor mid-way would send the rest of the records to a closed unit):
    the unit services ask this before they write."""
    route = (
        Route.objects.filter(in_transit=True)
        .filter(Q(from_unit_id=unit_id) | Q(to_unit_id=unit_id))
        .values_list("plan_ref", flat=True)
        .first()
    )
    if route is not None:
        raise DomainError(
            _(
                "A plan (%(plan)s) is still moving the records of this unit; try again when it is applied."
            )
            % {"plan": route},
            code="busy",
            status=409,
        )
