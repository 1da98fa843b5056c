"""The national import: legacy and official units into the registry, set-based and idempotent.

Every unit carries a `source_key`; a unit whose key exists is left as it is, so re-running the
import changes nothing. Inserts are multi-row (bulk_create), level by level so that parents have
ids before their children.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from tinhgon.core.models import audit
from tinhgon.units.kinds import Level
from tinhgon.units.models import ImportConflict, Source, Unit, UnitVersion
from tinhgon.units.national import (
    LEGACY_LAST_DAY,
    REFORM_DAY,
    Row,
    Sources,
    continuing_provinces,
    load_sources,
    reconcile,
)
from tinhgon.units.services import Placement, build_version

BATCH = 2000


@dataclass
class ImportResult:
    created: dict[str, int] = field(default_factory=dict)
    conflicts_total: int = 0
    conflicts_by_category: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def units_created(self) -> int:
        return sum(self.created.values())


@dataclass(frozen=True)
class Planned:
    key: str
    row: Row
    level: int
    parent_key: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    source: str


def plan_units(sources: Sources, *, legacy_only: bool = False) -> list[list[Planned]]:
    """The units to exist, grouped in insertion waves (parents before children)."""
    keep = continuing_provinces(sources)
    # Legacy-only: the registry as it stood before the reform, every unit still open; the
    # reform closes them.
    legacy_end = None if legacy_only else LEGACY_LAST_DAY
    legacy_to = {
        code: (None if code in keep else legacy_end) for code in sources.legacy_province_by_code
    }
    provinces = [
        Planned(
            f"legacy:province:{r.code}",
            r,
            Level.PROVINCE,
            None,
            None,
            legacy_to[r.code],
            Source.LEGACY,
        )
        for r in sources.legacy_provinces
    ]
    districts = [
        Planned(
            f"legacy:district:{r.code}",
            r,
            Level.DISTRICT,
            f"legacy:province:{r.province_code}",
            None,
            legacy_end,
            Source.LEGACY,
        )
        for r in sources.legacy_districts
    ]
    communes = [
        Planned(
            f"legacy:commune:{r.code}",
            r,
            Level.COMMUNE,
            f"legacy:district:{r.parent_code}",
            None,
            legacy_end,
            Source.LEGACY,
        )
        for r in sources.legacy_communes
    ]
    if legacy_only:
        return [provinces, districts, communes]

    def province_key(code: str) -> str:
        return f"legacy:province:{code}" if code in keep else f"official:province:{code}"

    new_provinces = [
        Planned(province_key(r.code), r, Level.PROVINCE, None, REFORM_DAY, None, Source.OFFICIAL)
        for r in sources.official_provinces
        if r.code not in keep
    ]
    new_communes = [
        Planned(
            f"official:commune:{r.code}",
            r,
            Level.COMMUNE,
            province_key(r.province_code),
            REFORM_DAY,
            None,
            Source.OFFICIAL,
        )
        for r in sources.official_communes
    ]
    return [provinces + new_provinces, districts, communes + new_communes]


@transaction.atomic
def import_national(
    *, actor=None, legacy_only: bool = False, sources: Sources | None = None
) -> ImportResult:
    """Import (or top up) the national registry and its conflict report. Idempotent."""
    sources = sources or load_sources()
    result = ImportResult()
    waves = plan_units(sources, legacy_only=legacy_only)
    all_keys = [p.key for wave in waves for p in wave]
    ids: dict[str, int] = {}
    for chunk_start in range(0, len(all_keys), BATCH):
        chunk = all_keys[chunk_start : chunk_start + BATCH]
        for key, unit_id in Unit.objects.filter(source_key__in=chunk).values_list(
            "source_key", "id"
        ):
            ids[str(key)] = unit_id
    provinces_of: dict[str, int] = {}
    for wave in waves:
        missing = [p for p in wave if p.key not in ids]
        units = Unit.objects.bulk_create(
            [Unit(source_key=p.key) for p in missing], batch_size=BATCH
        )
        for planned, unit in zip(missing, units, strict=True):
            ids[planned.key] = unit.pk
        versions = []
        for planned in missing:
            unit_id = ids[planned.key]
            parent_id = ids[planned.parent_key] if planned.parent_key else None
            province_id = None
            if planned.level != Level.PROVINCE:
                province_id = provinces_of.get(planned.parent_key or "") or parent_id
            placement = Placement(admin_unit_id=None, province_id=province_id, level=planned.level)
            versions.append(
                build_version(
                    unit_id=unit_id,
                    code=planned.row.code,
                    name=planned.row.name,
                    kind=planned.row.kind,
                    placement=placement,
                    parent_id=parent_id,
                    valid_from=planned.valid_from,
                    valid_to=planned.valid_to,
                    source=planned.source,
                    reason="National import",
                    recorded_by_id=getattr(actor, "pk", None),
                )
            )
            result.created[planned.row.kind] = result.created.get(planned.row.kind, 0) + 1
        UnitVersion.objects.bulk_create(versions, batch_size=BATCH)
        if wave and wave[0].level == Level.DISTRICT:
            # Communes learn their province through their district.
            provinces_of.update({p.key: ids[p.parent_key] for p in wave if p.parent_key})
    if not legacy_only:
        _close_legacy(sources)
        _store_conflicts(sources, result)
    else:
        result.conflicts_total = ImportConflict.objects.count()
    if result.units_created:
        audit(
            actor=actor,
            action="units_import_national",
            created=result.created,
            legacy_only=legacy_only,
        )
    return result


def _close_legacy(sources: Sources) -> None:
    """Close legacy units left open by an earlier legacy-only import (one UPDATE)."""
    keep = {f"legacy:province:{code}" for code in continuing_provinces(sources)}
    (
        UnitVersion.objects.filter(source=Source.LEGACY, valid_to__isnull=True)
        .exclude(unit__source_key__in=keep)
        .update(valid_to=LEGACY_LAST_DAY)
    )


def _store_conflicts(sources: Sources, result: ImportResult) -> None:
    conflicts = reconcile(sources).conflicts
    existing = {c.key: c for c in ImportConflict.objects.all()}
    fresh = []
    for c in conflicts:
        row = ImportConflict(
            key=c.key,
            category=c.category,
            province_code=c.province_code,
            official_code=c.official_code,
            official_name=c.official_name,
            other_code=c.other_code,
            other_name=c.other_name,
            detail=c.detail,
            resolution=c.resolution,
            status=c.status,
        )
        old = existing.get(c.key)
        if old is None:
            fresh.append(row)
        elif any(
            getattr(old, f) != getattr(row, f)
            for f in (
                "category",
                "official_code",
                "official_name",
                "other_code",
                "other_name",
                "detail",
                "resolution",
                "status",
            )
        ):
            row.pk = old.pk
            row.save()
        counts = result.conflicts_by_category.setdefault(c.category, {"resolved": 0, "open": 0})
        counts[c.status] += 1
    ImportConflict.objects.bulk_create(fresh, batch_size=BATCH)
    result.conflicts_total = len(conflicts)
