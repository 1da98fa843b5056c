"""Writes of the reorganization app: plans are created, approved, previewed and applied here.

Pages, the API and the commands all call these; the engine does the work.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.core.errors import DomainError
from tinhgon.core.models import audit
from tinhgon.reorg import engine, planfile
from tinhgon.reorg.access import plan_provinces
from tinhgon.reorg.models import Plan
from tinhgon.reorg.spec import PlanSpec


def spec_of(plan: Plan) -> PlanSpec:
    return planfile.plan_from_dict(plan.spec, filename=f"plan {plan.pk}")


def _refuse_if_applied(spec: PlanSpec, plan: Plan | None = None) -> None:
    """Checked before the plan is resolved again: once it is applied its units are closed, and
    the problems that would report hide the plain answer."""
    applied = Plan.objects.filter(status=Plan.Status.APPLIED)
    if (plan is not None and applied.filter(pk=plan.pk).exists()) or applied.filter(
        checksum=engine.checksum(spec)
    ).exists():
        raise DomainError(
            _("This plan has already been applied."), code="already_applied", status=409
        )


def _check_scope(actor, spec: PlanSpec) -> set[int] | None:  # type: ignore[no-untyped-def]
    """A user handles a plan only if they administer every province it touches, as the plan
    resolves against today's registry (not as it did when stored): the provinces, or None for
    the operator at the command line (actor None), who acts on their own authority."""
    return plan_provinces(spec, user=actor) if actor is not None else None


def self_approval_refused(*, actor, plan: Plan) -> bool:  # type: ignore[no-untyped-def]
    """Whether `actor` is the plan's author and so may not approve it: a second administrator
    approves, unless TINHGON_PLAN_SELF_APPROVAL allows it. The operator at the command line
    (actor None) approves on their own authority."""
    return (
        actor is not None
        and plan.created_by_id is not None
        and plan.created_by_id == actor.pk
        and not settings.TINHGON_PLAN_SELF_APPROVAL
    )


@transaction.atomic
def plan_create(*, actor, spec: PlanSpec) -> Plan:  # type: ignore[no-untyped-def]
    """Store a draft plan after checking it resolves and validates against the registry, and
    that the actor (a user) administers every province it touches."""
    _refuse_if_applied(spec)
    provinces = sorted(plan_provinces(spec, user=actor))
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
    """Draft -> approved, recording who and when. The author may not approve their own plan
    (see `self_approval_refused`). Repeating it changes nothing; an applied plan cannot be
    re-approved."""
    spec = spec_of(plan)
    _refuse_if_applied(spec, plan)
    if self_approval_refused(actor=actor, plan=plan):
        raise DomainError(
            _(
                "The author of a plan cannot approve it: another administrator of its provinces must."
            ),
            code="self_approval",
            status=403,
        )
    provinces = _check_scope(actor, spec)
    updated = Plan.objects.filter(pk=plan.pk, status=Plan.Status.DRAFT).update(
        status=Plan.Status.APPROVED,
        approved_at=timezone.now(),
        approved_by_id=getattr(actor, "pk", None),
        provinces=sorted(provinces) if provinces is not None else plan.provinces,
    )
    plan.refresh_from_db()
    if updated:
        audit(actor=actor, action="plan_approve", plan=plan.pk)
    return plan


def plan_preview(*, actor, spec: PlanSpec, plan: Plan | None = None) -> dict:  # type: ignore[no-untyped-def]
    """What the plan would do; nothing is written."""
    _refuse_if_applied(spec, plan)
    _check_scope(actor, spec)
    return engine.run(spec, actor=actor, apply=False, plan=plan).report


def plan_apply(*, actor, spec: PlanSpec, plan: Plan | None = None) -> engine.Outcome:  # type: ignore[no-untyped-def]
    """Apply an approved plan, in one transaction; a draft is refused.

    Without a stored plan (`tinhgon plan apply FILE`, actor None) the operator acts on their own
    authority: the plan is stored, approved and applied in one transaction, each with its audit
    row, and nothing is left behind when it is refused."""
    if plan is None:
        if actor is not None:
            raise _not_approved()
        with transaction.atomic():
            plan = plan_create(actor=None, spec=spec)
            plan_approve(actor=None, plan=plan)
            return engine.run(spec, actor=None, apply=True, plan=plan)
    _refuse_if_applied(spec, plan)
    if engine.checksum(spec) != plan.checksum:
        raise DomainError(
            _("These are not the steps of the stored plan."), code="invalid", status=409
        )
    if Plan.objects.filter(pk=plan.pk, status=Plan.Status.DRAFT).exists():
        raise _not_approved()
    _check_scope(actor, spec)
    return engine.run(spec, actor=actor, apply=True, plan=plan)


def _not_approved() -> DomainError:
    return DomainError(
        _("Only an approved plan can be applied: have it approved first."),
        code="not_approved",
        status=409,
    )


def plans_apply_due(*, actor, today: dt.date | None = None) -> list[Plan]:  # type: ignore[no-untyped-def]
    """Apply every approved plan whose effective date has come. Safe to run repeatedly: a plan
    is claimed by its status, and an applied plan is never applied again."""
    today = today or timezone.localdate()
    applied = []
    for plan in Plan.objects.filter(
        status=Plan.Status.APPROVED, effective_date__lte=today
    ).order_by("effective_date", "id"):
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
