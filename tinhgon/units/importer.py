"""The legacy national import: the registry as it stood before 2025, set-based and idempotent.

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
    Conflict,
    Reconciliation,
    Row,
    Sources,
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
    # The packages' reconciliation, which the 2025 plan is built from (tinhgon.operations).
    reconciliation: Reconciliation | None = None

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


def plan_units(sources: Sources) -> list[list[Planned]]:
    """The legacy units, grouped in insertion waves (parents before children), all still open:
    the registry as it stood before the 2025 reform, which closes them."""
    provinces = [
        Planned(f"legacy:province:{r.code}", r, Level.PROVINCE, None, None, None, Source.LEGACY)
        for r in sources.legacy_provinces
    ]
    districts = [
        Planned(
            f"legacy:district:{r.code}",
            r,
            Level.DISTRICT,
            f"legacy:province:{r.province_code}",
            None,
            None,
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
            None,
            Source.LEGACY,
        )
        for r in sources.legacy_communes
    ]
    return [provinces, districts, communes]


@transaction.atomic
def import_legacy(*, actor=None, sources: Sources | None = None) -> ImportResult:  # type: ignore[no-untyped-def]
    """Import the legacy registry (all units still open) and store the packages' conflicts.

    Idempotent: units that exist are left alone. Applying the 2025 plan to what this imports is
    the engine's work, orchestrated above the registry (tinhgon.operations.national).
    """
    sources = sources or load_sources()
    result = ImportResult()
    _import_legacy(sources, result, actor)
    result.reconciliation = reconcile(sources)
    _store_conflicts(result.reconciliation.conflicts, result)
    return result


def _import_legacy(sources: Sources, result: ImportResult, actor) -> None:  # type: ignore[no-untyped-def]
    waves = plan_units(sources)
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
    if result.units_created:
        audit(actor=actor, action="units_import_legacy", created=result.created)


def _store_conflicts(conflicts: list[Conflict], result: ImportResult) -> None:
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
