"""Writes of the reorganization app: plans are created, approved, previewed and applied here.

Pages, the API and the commands all call these; the engine does the work.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.core.errors import DomainError
from tinhgon.core.models import audit
from tinhgon.reorg import engine, planfile
from tinhgon.reorg.access import check_may_reorganize, plan_provinces
from tinhgon.reorg.models import Plan
from tinhgon.reorg.spec import PlanSpec, Step

log = logging.getLogger(__name__)


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


def _check_scope(actor, spec: PlanSpec, plan: Plan | None = None) -> set[int] | None:  # type: ignore[no-untyped-def]
    """A user handles a plan only if they administer every province it touches, as the plan
    resolves against today's registry (not as it did when stored): the provinces, or None for
    the operator at the command line (actor None), who acts on their own authority. A plan that
    is applying has closed its units already: the provinces it recorded then decide."""
    if actor is None:
        return None
    if plan is not None and plan.status == Plan.Status.APPLYING:
        provinces = set(plan.provinces)
        check_may_reorganize(actor, provinces)
        return provinces
    return plan_provinces(spec, user=actor)


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
def plan_add_step(*, actor, plan: Plan, step: Step) -> Plan:  # type: ignore[no-untyped-def]
    """Add a step to a draft plan (written on the page, a step at a time). The whole plan is
    checked again against the registry, and the actor's scope against every province it now
    touches; the stored preview is dropped, to be counted again."""
    if plan.status != Plan.Status.DRAFT:
        raise DomainError(
            _("Only a draft plan can change: this one is %(status)s.")
            % {"status": plan.get_status_display()},
            code="not_draft",
            status=409,
        )
    spec = spec_of(plan)
    step.number = len(spec.steps) + 1
    spec.steps.append(step)
    provinces = sorted(plan_provinces(spec, user=actor))
    Plan.objects.filter(pk=plan.pk, status=Plan.Status.DRAFT).update(
        spec=spec.as_dict(),
        checksum=engine.checksum(spec),
        provinces=provinces,
        preview=None,
        previewed_at=None,
    )
    audit(actor=actor, action="plan_add_step", plan=plan.pk, step=step.number, kind=step.action)
    plan.refresh_from_db()
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
    """Count what the plan would do; nothing is written or locked."""
    _refuse_if_applied(spec, plan)
    _check_scope(actor, spec)
    return engine.preview(spec, plan=plan)


# The stored preview keeps the largest flows only: the national plan has tens of thousands.
STORED_MOVES = 500


def plan_preview_store(*, actor, plan: Plan) -> dict:  # type: ignore[no-untyped-def]
    """Count what a stored plan would do now, and keep it on the plan for its page."""
    report = plan_preview(actor=actor, spec=spec_of(plan), plan=plan)
    stored = dict(report)
    stored["moves_total"] = len(report["moves"])
    stored["moves"] = sorted(report["moves"], key=lambda m: -m["records"])[:STORED_MOVES]
    Plan.objects.filter(pk=plan.pk).update(preview=stored, previewed_at=timezone.now())
    plan.refresh_from_db()
    return report


def plan_rehearse(*, actor, spec: PlanSpec, plan: Plan | None = None) -> dict:  # type: ignore[no-untyped-def]
    """Apply the plan in full, check every invariant, and roll it back."""
    _refuse_if_applied(spec, plan)
    _check_scope(actor, spec)
    return engine.rehearse(spec, actor=actor, plan=plan)


def apply_due_now() -> list[int]:
    """The scheduled job's part: apply the approved plans whose date has come (actor None, the
    system); the ids applied. A refused plan stays approved and is logged with its reason."""
    applied, refused = plans_apply_due(actor=None, today=timezone.localdate())
    for plan_id, reason in refused.items():
        log.warning("plan %s not applied: %s", plan_id, reason)
    return [plan.pk for plan in applied]


def plan_apply(  # type: ignore[no-untyped-def]
    *,
    actor,
    spec: PlanSpec,
    plan: Plan | None = None,
    batch_rows: int | None = None,
    on_progress: engine.Progress | None = None,
) -> engine.Outcome:
    """Apply an approved plan once (see tinhgon.reorg.engine.apply_plan); a draft is refused, a
    plan left applying by a crash resumes where it stopped.

    Without a stored plan (`tinhgon plan apply FILE`, actor None) the operator acts on their own
    authority: the engine stores the plan as approved and applies it under one lock, each step
    with its audit row, and nothing is left behind when it is refused."""
    if plan is None:
        if actor is not None:
            raise _not_approved()
    else:
        _refuse_if_applied(spec, plan)
        if engine.checksum(spec) != plan.checksum:
            raise DomainError(
                _("These are not the steps of the stored plan."), code="invalid", status=409
            )
        if Plan.objects.filter(pk=plan.pk, status=Plan.Status.DRAFT).exists():
            raise _not_approved()
        _check_scope(actor, spec, plan)
    return engine.apply_plan(
        spec, actor=actor, plan=plan, batch_rows=batch_rows, on_progress=on_progress
    )


def _records_to_move(plan: Plan) -> int:
    """How many records the plan moves, counted now (a stored preview may be old)."""
    return sum(engine.preview(spec_of(plan), plan=plan)["carriers"].values())


def plan_start_apply(*, actor, plan: Plan) -> tuple[Plan, bool]:  # type: ignore[no-untyped-def]
    """Apply from a page or the API. A plan that moves up to TINHGON_APPLY_BATCH_ROWS records
    applies before this returns; a larger one applies outside the request, in a thread of its
    own, and its page shows the progress. Refusals (a draft, someone else's province, a plan
    applied already) come back at once either way. A plan left applying resumes. Returns the
    plan and whether it went on outside the request."""
    spec = spec_of(plan)
    _refuse_if_applied(spec, plan)
    if Plan.objects.filter(pk=plan.pk, status=Plan.Status.DRAFT).exists():
        raise _not_approved()
    _check_scope(actor, spec, plan)
    if (
        plan.status == Plan.Status.APPROVED
        and _records_to_move(plan) <= engine.batch_rows_setting()
    ):
        outcome = plan_apply(actor=actor, spec=spec, plan=plan)
        assert outcome.plan is not None
        return outcome.plan, False
    Plan.objects.filter(pk=plan.pk).update(
        progress={**(plan.progress or {}), "started_at": timezone.now().isoformat(), "error": None}
    )
    worker = threading.Thread(
        target=_apply_in_background,
        args=(plan.pk, getattr(actor, "pk", None)),
        name=f"plan-{plan.pk}",
        daemon=True,
    )
    worker.start()
    plan.refresh_from_db()
    return plan, True


def _apply_in_background(plan_id: int, actor_id: int | None) -> None:
    """The thread of a large apply: it has its own database connection, closed at the end. A
    refusal or a failure is written on the plan for its page; a crash leaves the plan applying,
    and applying it again resumes it."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    try:
        plan = Plan.objects.get(pk=plan_id)
        actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
        plan_apply(actor=actor, spec=spec_of(plan), plan=plan)
    except Exception as error:  # shown on the plan page; the engine left nothing half-done
        message = error.message if isinstance(error, DomainError) else str(error)
        current = Plan.objects.filter(pk=plan_id).values_list("progress", flat=True).first()
        Plan.objects.filter(pk=plan_id).update(
            progress={**(current or {}), "error": message.splitlines()[0][:500]}
        )
    finally:
        if threading.current_thread() is not threading.main_thread():
            connection.close()  # this thread's own connection


def _not_approved() -> DomainError:
    return DomainError(
        _("Only an approved plan can be applied: have it approved first."),
        code="not_approved",
        status=409,
    )


def plans_apply_due(  # type: ignore[no-untyped-def]
    *, actor, today: dt.date | None = None
) -> tuple[list[Plan], dict[int, DomainError]]:
    """Apply every approved plan whose effective date has come, and finish those left applying.
    Safe to run repeatedly (the scheduled job): a plan is claimed under the apply lock, an
    applied plan is never applied again, and one being applied by another process right now is
    left to it. Returns the plans applied, and the refusals by plan id (one refused plan does
    not stop the others)."""
    today = today or timezone.localdate()
    applied, refused = [], {}
    # A plan left applying (the process died between batches) is finished first.
    for plan in Plan.objects.filter(
        Q(status=Plan.Status.APPLYING) | Q(status=Plan.Status.APPROVED, effective_date__lte=today)
    ).order_by("status", "effective_date", "id"):  # "applying" sorts before "approved"
        try:
            outcome = engine.run(spec_of(plan), actor=actor, apply=True, plan=plan)
        except DomainError as error:
            if error.code != "busy":
                refused[plan.pk] = error
            continue
        except Exception as error:  # reported; the other plans go on
            refused[plan.pk] = DomainError(str(error).splitlines()[0][:500], code="failed")
            continue
        if outcome.plan is not None:
            applied.append(outcome.plan)
    return applied, refused


# A person decides for a bounded number of records at a time; larger sets are decided by group.
MAX_DECISIONS = 10_000


def _split_view(plan: Plan):  # type: ignore[no-untyped-def]
    """The plan resolved against today's registry, to check decisions against its splits."""
    from tinhgon.reorg.planner import Planner
    from tinhgon.reorg.routing import PlanView

    if plan.status in (Plan.Status.APPLIED, Plan.Status.APPLYING):
        raise DomainError(
            _("This plan has already been applied."), code="already_applied", status=409
        )
    planner = Planner(spec_of(plan))
    planner.run()
    return PlanView(planner)


def _back_to_draft(plan: Plan, actor) -> None:  # type: ignore[no-untyped-def]
    """A decision changes what the plan does: an approved plan goes back to draft, and is
    approved again before it applies."""
    if Plan.objects.filter(pk=plan.pk, status=Plan.Status.APPROVED).update(
        status=Plan.Status.DRAFT, approved_at=None, approved_by=None
    ):
        audit(actor=actor, action="plan_unapprove", plan=plan.pk, reason="decision")
        plan.refresh_from_db()


def _check_target(view, unit: int, ref: str, where: str) -> None:  # type: ignore[no-untyped-def]
    from tinhgon.reorg.routing import target_of

    targets = view.split.get(unit)
    if not targets:
        raise DomainError(
            _("%(what)s is at %(unit)s, which this plan does not split.")
            % {"what": where, "unit": view.label(unit)},
            code="invalid",
        )
    if target_of(ref, view) not in targets:
        raise DomainError(
            _("%(ref)s is not a successor of %(unit)s; its successors: %(allowed)s")
            % {
                "ref": ref,
                "unit": view.label(unit),
                "allowed": ", ".join(view.ref_of(t) for t in targets),
            },
            code="invalid",
        )


def _carrier(name: str):  # type: ignore[no-untyped-def]
    from tinhgon.carriers import contract

    carrier = contract.get(name)
    if carrier is None:
        raise DomainError(_("Unknown carrier '%(name)s'.") % {"name": name}, code="invalid")
    return carrier


@transaction.atomic
def decisions_record(*, actor, plan: Plan, carrier: str, choices: dict[int, str]) -> int:  # type: ignore[no-untyped-def]
    """Record where single records of a split unit go: {record id: unit reference}. Each record
    must exist and be attached to a unit the plan splits, and each reference must name one of
    that unit's successors. Recording again replaces."""
    from tinhgon.reorg.models import Decision

    if len(choices) > MAX_DECISIONS:
        raise DomainError(
            _("At most %(max)s decisions at a time; decide larger sets by group.")
            % {"max": MAX_DECISIONS},
            code="invalid",
        )
    found = _carrier(carrier).located(sorted(choices))
    view = _split_view(plan)
    missing = sorted(set(choices) - set(found))
    if missing:
        raise DomainError(
            _("No %(carrier)s record %(ids)s.")
            % {"carrier": carrier, "ids": ", ".join(map(str, missing[:10]))},
            code="invalid",
        )
    labels = _carrier(carrier).describe(sorted(choices))
    for record, ref in choices.items():
        _check_target(view, found[record][0], ref, labels.get(record, f"{carrier} #{record}"))
    _back_to_draft(plan, actor)
    Decision.objects.filter(plan=plan, carrier=carrier, record_id__in=list(choices)).delete()
    Decision.objects.bulk_create(
        [
            Decision(
                plan=plan,
                carrier=carrier,
                record_id=record,
                from_unit_id=found[record][0],
                to_ref=ref,
                decided_by_id=getattr(actor, "pk", None),
            )
            for record, ref in choices.items()
        ]
    )
    audit(actor=actor, action="plan_decide", plan=plan.pk, carrier=carrier, records=len(choices))
    return len(choices)


@transaction.atomic
def decisions_record_group(  # type: ignore[no-untyped-def]
    *, actor, plan: Plan, carrier: str, unit_id: int, key: int | None, ref: str
) -> None:
    """Record where the records of a split unit go as a group: those whose rule value is `key`,
    or (key None) every record of the carrier in the unit. Overrides the rule and the default;
    a decision about a single record still overrides it. Recording again replaces."""
    from tinhgon.reorg.models import Decision

    view = _split_view(plan)
    _check_target(view, unit_id, ref, view.label(unit_id))
    if key is not None and not getattr(_carrier(carrier), "rule_field", None):
        raise DomainError(
            _("%(carrier)s records have no routing rule: decide for all of them, or one by one.")
            % {"carrier": carrier},
            code="invalid",
        )
    _back_to_draft(plan, actor)
    Decision.objects.filter(
        plan=plan, carrier=_carrier(carrier).name, record_id=None, from_unit_id=unit_id, key=key
    ).delete()
    Decision.objects.create(
        plan=plan,
        carrier=carrier,
        from_unit_id=unit_id,
        key=key,
        to_ref=ref,
        decided_by_id=getattr(actor, "pk", None),
    )
    audit(actor=actor, action="plan_decide_group", plan=plan.pk, carrier=carrier, from_unit=unit_id)
