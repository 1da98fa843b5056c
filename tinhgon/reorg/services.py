"""Writes of the reorganization app: plans are created, approved, previewed and applied here.

Pages, the API and the commands all call these; the engine does the work.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.core.errors import DomainError
from tinhgon.core.models import audit
from tinhgon.reorg import engine, planfile
from tinhgon.reorg.models import Plan
from tinhgon.reorg.spec import PlanSpec


def spec_of(plan: Plan) -> PlanSpec:
    return planfile.plan_from_dict(plan.spec, filename=f"plan {plan.pk}")


@transaction.atomic
def plan_create(*, actor, spec: PlanSpec) -> Plan:  # type: ignore[no-untyped-def]
    """Store a draft plan after checking it resolves and validates against the registry."""
    from tinhgon.reorg.access import touched_provinces

    provinces = sorted(touched_provinces(spec))
    plan = Plan.objects.create(
        provinces=provinces,
        title=spec.title,
        legal_basis_number=spec.legal_basis.number,
        legal_basis_date=spec.legal_basis.date,
        legal_basis_issuer=spec.legal_basis.issuer,
        effective_date=spec.effective_date,
        checksum=engine.checksum(spec),
        spec=spec.as_dict(),
        created_by_id=getattr(actor, "pk", None),
    )
    audit(actor=actor, action="plan_create", plan=plan.pk, title=plan.title)
    return plan


@transaction.atomic
def plan_approve(*, actor, plan: Plan) -> Plan:  # type: ignore[no-untyped-def]
    """Draft -> approved. Repeating it changes nothing; an applied plan cannot be re-approved."""
    updated = Plan.objects.filter(pk=plan.pk, status=Plan.Status.DRAFT).update(
        status=Plan.Status.APPROVED,
        approved_at=timezone.now(),
        approved_by_id=getattr(actor, "pk", None),
    )
    plan.refresh_from_db()
    if updated:
        audit(actor=actor, action="plan_approve", plan=plan.pk)
    elif plan.status == Plan.Status.APPLIED:
        raise DomainError(
            _("This plan has already been applied."), code="already_applied", status=409
        )
    return plan


def plan_preview(*, actor, spec: PlanSpec, plan: Plan | None = None) -> dict:  # type: ignore[no-untyped-def]
    """Count what the plan would do; nothing is written or locked."""
    return engine.preview(spec, plan=plan)


# The stored preview keeps the largest flows only: the national plan has tens of thousands.
STORED_MOVES = 500


def plan_preview_store(*, actor, plan: Plan) -> dict:  # type: ignore[no-untyped-def]
    """Count what a stored plan would do now, and keep it on the plan for its page."""
    report = engine.preview(spec_of(plan), plan=plan)
    stored = dict(report)
    stored["moves_total"] = len(report["moves"])
    stored["moves"] = sorted(report["moves"], key=lambda m: -m["records"])[:STORED_MOVES]
    Plan.objects.filter(pk=plan.pk).update(preview=stored, previewed_at=timezone.now())
    plan.refresh_from_db()
    return report


def plan_rehearse(*, actor, spec: PlanSpec, plan: Plan | None = None) -> dict:  # type: ignore[no-untyped-def]
    """Apply the plan in full, check every invariant, and roll it back."""
    return engine.rehearse(spec, actor=actor, plan=plan)


def plan_apply(  # type: ignore[no-untyped-def]
    *,
    actor,
    spec: PlanSpec,
    plan: Plan | None = None,
    batch_rows: int | None = None,
    on_progress: engine.Progress | None = None,
) -> engine.Outcome:
    """Apply a plan once (see tinhgon.reorg.engine.apply_plan): a plan left applying by a crash
    resumes where it stopped."""
    return engine.apply_plan(
        spec, actor=actor, plan=plan, batch_rows=batch_rows, on_progress=on_progress
    )


def plans_apply_due(*, actor, today: dt.date | None = None) -> list[Plan]:  # type: ignore[no-untyped-def]
    """Apply every approved plan whose effective date has come. Safe to run repeatedly: a plan
    is claimed by its status, and an applied plan is never applied again."""
    today = today or timezone.localdate()
    applied = []
    # A plan left applying (the process died between batches) is finished first.
    for plan in Plan.objects.filter(
        Q(status=Plan.Status.APPLYING) | Q(status=Plan.Status.APPROVED, effective_date__lte=today)
    ).order_by("status", "effective_date", "id"):  # "applying" sorts before "approved"
        outcome = engine.run(spec_of(plan), actor=actor, apply=True, plan=plan)
        if outcome.plan is not None:
            applied.append(outcome.plan)
    return applied


@transaction.atomic
def decisions_record(*, actor, plan: Plan, carrier: str, choices: dict[int, str]) -> int:  # type: ignore[no-untyped-def]
    """Record where records that no rule routes go: {record id: unit reference}. A reference
    must name one of the successors the plan gives a split unit. Recording again replaces."""
    from tinhgon.carriers import contract as carriers
    from tinhgon.reorg.models import Decision

    if plan.status == Plan.Status.APPLIED:
        raise DomainError(
            _("This plan has already been applied."), code="already_applied", status=409
        )
    if carrier not in {c.name for c in carriers.registered()}:
        raise DomainError(_("Unknown carrier '%(name)s'.") % {"name": carrier}, code="invalid")
    spec = spec_of(plan)
    allowed = {t.ref for step in spec.steps if step.action == "split" for t in step.targets}
    wrong = sorted({ref for ref in choices.values() if ref not in allowed})
    if wrong:
        raise DomainError(
            _("%(refs)s is not a successor of a split unit in this plan; successors: %(allowed)s")
            % {"refs": ", ".join(wrong), "allowed": ", ".join(sorted(allowed)) or "—"},
            code="invalid",
        )
    Decision.objects.filter(plan=plan, carrier=carrier, record_id__in=list(choices)).delete()
    Decision.objects.bulk_create(
        [
            Decision(
                plan=plan,
                carrier=carrier,
                record_id=record,
                to_ref=ref,
                decided_by_id=getattr(actor, "pk", None),
            )
            for record, ref in choices.items()
        ]
    )
    audit(actor=actor, action="plan_decide", plan=plan.pk, carrier=carrier, records=len(choices))
    return len(choices)
