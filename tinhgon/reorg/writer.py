"""Writing a plan's units: new units and versions, closings, lineage, and placement.

Units are few (tens of thousands nationally); the records that hang on them are moved by the
carriers (tinhgon.carriers), not here.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _

from tinhgon.core.errors import DomainError
from tinhgon.reorg.models import Plan
from tinhgon.reorg.planner import Resolver, Work
from tinhgon.reorg.spec import PlanSpec
from tinhgon.units.kinds import KIND_INFO, Level, is_administrative
from tinhgon.units.models import Source, Unit, UnitLink, UnitVersion
from tinhgon.units.services import Placement, build_version

BATCH = 2000


def _placement_of(kind: str, parent: UnitVersion | None, unit_id: int) -> Placement:
    info = KIND_INFO[kind]
    if info.admin_level == Level.PROVINCE or parent is None:
        return Placement(None, None, info.admin_level or Level.PROVINCE)
    if info.admin_level is not None:
        return Placement(None, parent.province_id or parent.unit_id, info.admin_level)
    admin = parent.unit_id if is_administrative(parent.kind) else parent.admin_unit_id
    return Placement(admin, parent.province_id or parent.unit_id, parent.level)


def write_units(
    plan: Plan, spec: PlanSpec, work: Work, resolver: Resolver, actor_id: int | None
) -> dict[str, int]:
    """Open the plan's new units, write new versions of the units it changes, close the units
    that end and write the lineage. Returns the ids of the new units by their refs."""
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
                reason=f"{spec.title[:200]} (step {opening.step})",
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
            reason=f"{spec.title[:200]} (step {change.step})",
            recorded_by_id=actor_id,
        )
        placed[change.unit_id] = version
        new_versions.append(version)
    end_versions([c.unit_id for c in changed], day, last_day)
    UnitVersion.objects.bulk_create(new_versions, batch_size=BATCH)
    # 3. Closings and lineage.
    end_versions(list(work.closing), day, last_day)
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
    return ids


def end_versions(unit_ids: list[int], day: dt.date, last_day: dt.date) -> None:
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
