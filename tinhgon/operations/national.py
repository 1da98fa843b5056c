"""The national import: the legacy registry (units), then the 2025 plan applied to it (reorg).

It orchestrates two layers, so it lives above both: the registry does not know the engine.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from tinhgon.reorg import engine
from tinhgon.reorg.models import Plan
from tinhgon.reorg.national import build_2025_plan
from tinhgon.units.importer import ImportResult, import_legacy
from tinhgon.units.national import Sources, load_sources


@dataclass
class NationalImport:
    legacy: ImportResult
    # The engine's report when this run applied the 2025 plan; None when it was already applied
    # or not asked for.
    plan_applied: dict | None = None


@transaction.atomic
def import_national_with_plan(
    *, actor=None, legacy_only: bool = False, sources: Sources | None = None
) -> NationalImport:  # type: ignore[no-untyped-def]
    """Import the legacy registry, then (unless `legacy_only`) apply the 2025 plan to it.

    Idempotent: units that exist are left alone, and the plan is applied once (a plan of the same
    checksum already applied is not run again).
    """
    sources = sources or load_sources()
    result = NationalImport(legacy=import_legacy(actor=actor, sources=sources))
    if not legacy_only:
        plan = build_2025_plan(sources, result.legacy.reconciliation)
        if not Plan.objects.filter(
            checksum=engine.checksum(plan), status=Plan.Status.APPLIED
        ).exists():
            outcome = engine.run(plan, actor=actor, apply=True)
            result.plan_applied = outcome.report
    return result
