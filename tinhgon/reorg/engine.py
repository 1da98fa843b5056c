"""The reorganization engine: resolve and validate a plan, then apply it in one transaction.

Preview is the same code path, rolled back. Nothing here knows how a capability moves its
records: that is the carriers' business (tinhgon.carriers).

Apply, in order:
1. resolve every reference against the units open on the effective date, validate every step
   (errors name the step and the field), derive the steps of the agencies that serve the
   administrative units the plan touches;
2. open the new units and write new versions of renamed, reclassified and moved ones;
3. close the units that end, write the lineage links (one default successor per closed unit);
4. let every carrier move its records (set-based, with a history row per record);
5. set the administrative unit, province and level of every open unit right (new versions);
6. check the invariants, and record the plan as applied.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.carriers import contract as carrier_registry
from tinhgon.core.errors import DomainError, Problem
from tinhgon.core.models import audit
from tinhgon.reorg.models import Decision, Plan, RecordMove
from tinhgon.reorg.planner import Planner, Resolver, Work
from tinhgon.reorg.spec import NEW_PREFIX, PlanSpec
from tinhgon.units.kinds import KIND_INFO, Level, is_administrative
from tinhgon.units.models import Source, Unit, UnitLink, UnitVersion
from tinhgon.units.services import Placement, build_version

BATCH = 2000
__all__ = ["Outcome", "Planner", "checksum", "fix_placement", "run"]


def checksum(plan: PlanSpec) -> str:
    return hashlib.sha256(
        json.dumps(plan.as_dict(), sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


# -- writing --------------------------------------------------------------------------------------


class _Rollback(Exception):
    pass


@dataclass
class Outcome:
    plan: Plan | None
    report: dict[str, Any]


def _placement_of(kind: str, parent: UnitVersion | None, unit_id: int) -> Placement:
    info = KIND_INFO[kind]
    if info.admin_level == Level.PROVINCE or parent is None:
        return Placement(None, None, info.admin_level or Level.PROVINCE)
    if info.admin_level is not None:
        return Placement(None, parent.province_id or parent.unit_id, info.admin_level)
    admin = parent.unit_id if is_administrative(parent.kind) else parent.admin_unit_id
    return Placement(admin, parent.province_id or parent.unit_id, parent.level)


def _write(
    plan: Plan, spec: PlanSpec, work: Work, resolver: Resolver, actor_id: int | None
) -> dict[str, Any]:
    day, last_day = spec.effective_date, spec.effective_date - dt.timedelta(days=1)
    # 1. New units: identities first (ids), then versions parents-first.
    refs = list(work.openings)
    units = Unit.objects.bulk_create(
        [Unit(source_key=f"plan:{plan.pk}:{ref}") for ref in refs], batch_size=BATCH
    )
    ids: dict[str, int] = {ref: unit.pk for ref, unit in zip(refs, units, strict=True)}

    def unit_id(target: str | int) -> int:
        return ids[target] if isinstance(target, str) else target

    placed: dict[int, UnitVersion] = {}  # new versions, by unit id

    def version_for(target: int) -> UnitVersion | None:
        return placed.get(target) or resolver.open.get(target)

    pending = list(refs)
    new_versions: list[UnitVersion] = []
    while pending:
        progressed = []
        for ref in pending:
            opening = work.openings[ref]
            parent_id = None
            if opening.parent_target is not None:
                parent_id = unit_id(opening.parent_target)
                if parent_id not in placed and parent_id not in resolver.open:
                    continue
            parent_version = version_for(parent_id) if parent_id else None
            version = build_version(
                unit_id=ids[ref],
                code=opening.spec.code,
                name=opening.spec.name,
                kind=opening.spec.kind,
                placement=_placement_of(opening.spec.kind, parent_version, ids[ref]),
                parent_id=parent_id,
                valid_from=day,
                source=Source.PLAN,
                reason=f"{spec.title} (step {opening.step})",
                recorded_by_id=actor_id,
            )
            placed[ids[ref]] = version
            new_versions.append(version)
            progressed.append(ref)
        if not progressed:
            raise DomainError(_("The plan's new units do not form a tree."), code="invalid_plan")
        pending = [r for r in pending if r not in progressed]
    # 2. Renamed, reclassified and moved units: a new version from the effective date.
    changed = list(work.changes.values())
    for change in changed:
        current = resolver.open[change.unit_id]
        parent_id = (
            unit_id(change.parent)
            if change.moves and change.parent is not None
            else current.parent_id
        )
        kind = change.kind or current.kind
        parent_version = version_for(parent_id) if parent_id else None
        version = build_version(
            unit_id=change.unit_id,
            code=change.code or current.code,
            name=change.name or current.name,
            kind=kind,
            placement=_placement_of(kind, parent_version, change.unit_id),
            parent_id=parent_id,
            valid_from=day,
            source=current.source,
            reason=f"{spec.title} (step {change.step})",
            recorded_by_id=actor_id,
        )
        placed[change.unit_id] = version
        new_versions.append(version)
    _end_versions([c.unit_id for c in changed], day, last_day)
    UnitVersion.objects.bulk_create(new_versions, batch_size=BATCH)
    # 3. Closings and lineage.
    _end_versions(list(work.closing), day, last_day)
    UnitLink.objects.bulk_create(
        [
            UnitLink(
                predecessor_id=link.predecessor,
                successor_id=unit_id(link.successor),
                event=link.event,
                effective_date=day,
                is_default=link.is_default,
                plan_ref=plan.pk,
                step=link.step,
            )
            for link in work.links
        ],
        batch_size=BATCH,
    )
    # 4. Carriers.
    ctx = carrier_registry.Context(plan_id=plan.pk, effective=day, actor_id=actor_id)
    _resolve_decisions(plan, resolver, ids)
    undecided = {c.name: c.undecided(ctx) for c in carrier_registry.registered()}
    decided = set(Decision.objects.filter(plan=plan).values_list("carrier", "record_id"))
    blocking = {
        name: [r for r in ids_ if (name, r) not in decided] for name, ids_ in undecided.items()
    }
    blocking = {name: ids_ for name, ids_ in blocking.items() if ids_}
    moved = {c.name: c.move(ctx) for c in carrier_registry.registered()}
    per_step: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        RecordMove.objects.filter(plan=plan).values("step", "carrier").annotate(n=Count("id"))
    ):
        per_step[row["step"] or 0][row["carrier"]] = row["n"]
    # 5. Placement of every unit open on the effective date.
    fixed = fix_placement(
        day, actor_id=actor_id, reason=f"{spec.title}: placement follows the tree"
    )
    # 6. Invariants.
    _check_invariants(plan, ctx, work)
    return {
        "units_opened": len(work.openings),
        "units_closed": len(work.closing),
        "units_changed": len(work.changes),
        "links": len(work.links),
        "carriers": moved,
        "placement_fixed": fixed,
        "needs_decision": blocking,
        "moves_per_step": dict(per_step),
    }


def _resolve_decisions(plan: Plan, resolver: Resolver, ids: dict[str, int]) -> None:
    """Turn each decision's reference into the id of the unit it names (new units have ids only
    now). Decisions were checked when they were recorded."""
    for decision in Decision.objects.filter(plan=plan):
        ref = decision.to_ref
        if ref.startswith(NEW_PREFIX):
            target = ids.get(ref)
        else:
            kind, _sep, code = ref.rpartition(":")
            found = [v for v in resolver.by_code.get(code, []) if not kind or v.kind == kind]
            target = found[0].unit_id if len(found) == 1 else None
        if target is None:
            raise DomainError(
                _("A decision sends a record to '%(ref)s', which the plan does not know.")
                % {"ref": ref},
                code="invalid_plan",
            )
        Decision.objects.filter(pk=decision.pk).update(to_unit_id=target)


def _end_versions(unit_ids: list[int], day: dt.date, last_day: dt.date) -> None:
    for start in range(0, len(unit_ids), BATCH):
        chunk = unit_ids[start : start + BATCH]
        UnitVersion.objects.filter(unit_id__in=chunk).as_of(day).filter(
            Q(valid_from__isnull=True) | Q(valid_from__lt=day)
        ).update(valid_to=last_day)


def fix_placement(day: dt.date, *, actor_id: int | None, reason: str) -> int:
    """Give every unit open on `day` the administrative unit, province and level its parent chain
    implies; a unit that disagrees gets a new version from `day`. Returns how many were fixed."""
    versions = {v.unit_id: v for v in UnitVersion.objects.as_of(day).order_by()}
    expected: dict[int, Placement] = {}

    def place(unit: int, depth: int = 0) -> Placement:
        if unit in expected:
            return expected[unit]
        version = versions[unit]
        parent = versions.get(version.parent_id) if version.parent_id else None
        info = KIND_INFO[version.kind]
        if parent is None or depth > 50:
            result = Placement(
                unit if info.admin_level is None else None, None, info.admin_level or version.level
            )
        else:
            parent_place = place(parent.unit_id, depth + 1)
            parent_province = parent_place.province_id or parent.unit_id
            if info.admin_level is not None:
                result = Placement(None, parent_province, info.admin_level)
            else:
                admin = (
                    parent.unit_id
                    if is_administrative(parent.kind)
                    else (parent_place.admin_unit_id or parent.unit_id)
                )
                result = Placement(admin, parent_province, parent_place.level)
        expected[unit] = result
        return result

    wrong: list[tuple[UnitVersion, Placement]] = []
    for unit, version in versions.items():
        want = place(unit)
        if (want.admin_unit_id or unit, want.province_id or unit, want.level) != (
            version.admin_unit_id,
            version.province_id,
            version.level,
        ):
            wrong.append((version, want))
    if not wrong:
        return 0
    in_place = [v for v, _w in wrong if v.valid_from == day]
    for version, want in wrong:
        if version.valid_from == day:
            version.admin_unit_id = want.admin_unit_id or version.unit_id
            version.province_id = want.province_id or version.unit_id
            version.level = want.level
    UnitVersion.objects.bulk_update(
        in_place, ["admin_unit_id", "province_id", "level"], batch_size=BATCH
    )
    older = [(v, w) for v, w in wrong if v.valid_from != day]
    if older:
        UnitVersion.objects.filter(pk__in=[v.pk for v, _w in older]).update(
            valid_to=day - dt.timedelta(days=1)
        )
        fresh = []
        for version, want in older:
            fresh.append(
                build_version(
                    unit_id=version.unit_id,
                    code=version.code,
                    name=version.name,
                    kind=version.kind,
                    placement=want,
                    parent_id=version.parent_id,
                    valid_from=day,
                    valid_to=version.valid_to,
                    source=version.source,
                    reason=reason,
                    recorded_by_id=actor_id,
                )
            )
        UnitVersion.objects.bulk_create(fresh, batch_size=BATCH)
    return len(wrong)


def _check_invariants(plan: Plan, ctx: carrier_registry.Context, work: Work) -> None:
    day = ctx.effective
    problems = []
    open_versions = UnitVersion.objects.as_of(day)
    orphans = open_versions.filter(parent_id__isnull=False).exclude(
        parent_id__in=UnitVersion.objects.as_of(day).values("unit_id")
    )
    if orphans.exists():
        names = ", ".join(v.name for v in orphans[:5])
        problems.append(
            Problem(
                _("units open on %(day)s hang under closed units: %(names)s")
                % {"day": day, "names": names}
            )
        )
    linked = set(
        UnitLink.objects.filter(plan_ref=plan.pk, is_default=True).values_list(
            "predecessor_id", flat=True
        )
    )
    unlinked = [u for u in work.closing if u not in linked]
    if unlinked:
        problems.append(
            Problem(_("%(count)s closed units have no successor") % {"count": len(unlinked)})
        )
    for carrier in carrier_registry.registered():
        left = carrier.dangling(ctx)
        if left:
            problems.append(
                Problem(
                    _("%(count)s %(carrier)s records still point at closed units")
                    % {"count": left, "carrier": carrier.name}
                )
            )
    if problems:
        raise DomainError(
            _("The plan would break the registry's invariants; nothing was written."),
            code="invariant",
            problems=problems,
        )


def _figures(day: dt.date, planner: Planner) -> dict[str, Any]:
    """The apparatus figures of the one province a plan touches (if it survives the plan), else of
    the whole registry."""
    from tinhgon.reports.selectors import Area, apparatus_figures

    provinces = planner.touched_provinces()
    area = Area()
    if len(provinces) == 1:
        province = next(iter(provinces))
        if province not in planner.work.closing and province in planner.r.open:
            area = Area(province_id=province, label=planner.r.open[province].name)
    return apparatus_figures(day, area=area)


def _step_report(
    spec: PlanSpec, work: Work, resolver: Resolver, moves: dict[int, dict[str, int]]
) -> list[dict[str, Any]]:
    opened: dict[int, list[str]] = defaultdict(list)
    for opening in work.openings.values():
        if not opening.derived:
            opened[opening.step].append(f"{opening.spec.code} {opening.spec.name}")
    closed: dict[int, list[str]] = defaultdict(list)
    for unit, step in work.closing.items():
        if unit not in work.derived_closing:
            version = resolver.open[unit]
            closed[step].append(f"{version.code} {version.name}")
    changed: dict[int, list[str]] = defaultdict(list)
    for change in work.changes.values():
        changed[change.step].append(resolver.open[change.unit_id].name)
    return [
        {
            "step": step.number,
            "action": step.action,
            "opened": opened.get(step.number, []),
            "closed": closed.get(step.number, []),
            "changed": changed.get(step.number, []),
            "derived": work.derived.get(step.number, []),
            "moves": moves.get(step.number, {}),
        }
        for step in spec.steps
    ]


def run(
    spec: PlanSpec,
    *,
    actor=None,
    apply: bool,
    plan: Plan | None = None,
    inject_failure: str | None = None,
) -> Outcome:  # type: ignore[no-untyped-def]
    """Preview (apply=False) or apply a plan. The preview runs the very same writes, then rolls
    them back. `inject_failure` names a phase to fail in (tests prove the rollback)."""
    actor_id = getattr(actor, "pk", None)
    digest = checksum(spec)
    if Plan.objects.filter(checksum=digest, status=Plan.Status.APPLIED).exists():
        raise DomainError(
            _("This plan has already been applied."), code="already_applied", status=409
        )
    if plan is not None and plan.status == Plan.Status.APPLIED:
        raise DomainError(
            _("This plan has already been applied."), code="already_applied", status=409
        )
    report: dict[str, Any] = {}
    try:
        with transaction.atomic():
            if plan is not None:
                # Two runs of `plan apply-due` at once: the second waits here, then sees "applied".
                plan = Plan.objects.select_for_update().get(pk=plan.pk)
                if plan.status == Plan.Status.APPLIED:
                    raise DomainError(
                        _("This plan has already been applied."), code="already_applied", status=409
                    )
            planner = Planner(spec)
            work = planner.run()
            report["figures_before"] = _figures(spec.effective_date, planner)
            if plan is None:
                plan = Plan.objects.create(
                    title=spec.title,
                    legal_basis_number=spec.legal_basis.number,
                    legal_basis_date=spec.legal_basis.date,
                    legal_basis_issuer=spec.legal_basis.issuer,
                    effective_date=spec.effective_date,
                    checksum=digest,
                    spec=spec.as_dict(),
                    created_by_id=actor_id,
                )
            totals = _write(plan, spec, work, planner.r, actor_id)
            if inject_failure == "after_write":
                raise RuntimeError("injected failure after the writes")
            report.update(totals)
            report["figures_after"] = _figures(spec.effective_date, planner)
            report["steps"] = _step_report(spec, work, planner.r, report.pop("moves_per_step"))
            report["plan"] = {
                "title": spec.title,
                "effective_date": spec.effective_date.isoformat(),
                "legal_basis": spec.as_dict()["legal_basis"],
                "checksum": digest,
            }
            if apply and totals["needs_decision"]:
                raise DomainError(
                    _("Some records need a decision before the plan can be applied."),
                    code="needs_decision",
                    problems=[
                        Problem(f"{name}: {len(ids)}", field=name)
                        for name, ids in totals["needs_decision"].items()
                    ],
                )
            if not apply:
                raise _Rollback
            plan.status = Plan.Status.APPLIED
            plan.applied_at = timezone.now()
            plan.applied_by_id = actor_id
            plan.report = {k: v for k, v in report.items() if k != "steps"}
            plan.save()
            audit(
                actor=actor,
                action="plan_apply",
                plan=plan.pk,
                title=plan.title,
                opened=totals["units_opened"],
                closed=totals["units_closed"],
            )
    except _Rollback:
        return Outcome(None, report)
    return Outcome(plan, report)
