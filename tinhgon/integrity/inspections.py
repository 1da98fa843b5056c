"""Inspections: the yearly plan, inspection decisions and their conduct, findings,
recommendations and their follow-up, and the dossiers a public service inspection samples
(docs/integrity-inspections.md). Reads with their rules are in inspections_selectors.py.

Who acts. The plan is drafted and approved by the province's inspectorate or its people's
committee (someone who may write one of those units: a provincial administrator, an official of
the inspectorate or of the committee). An inspection is conducted by its inspecting unit: every
move, finding, recommendation and sample is written by someone who may write that unit
(`accounts.access.access_unit(..., write=True)`). The unit that must implement a recommendation
reports its implementation (date and evidence) and nothing more; the inspecting unit accepts the
report or sends it back.

Moves: planned → decided (number, date, team with its head) → underway → concluded (conclusion
text and date) → closed (only when every recommendation is implemented or withdrawn). A
recommendation is open → implemented (its report accepted) or withdrawn; past its due date the
scheduled job reminds the unit and then escalates it (inspections_setup.py). Every move is one
function: checked, applied by a conditional UPDATE on status and version (a concurrent change is
retried, a stale version refused), a no-op when repeated, and audited.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.accounts.access import access_unit
from tinhgon.core.errors import DomainError, Forbidden, NotFound, invalid
from tinhgon.core.models import audit
from tinhgon.integrity.cases import committee_of, inspectorate_of
from tinhgon.integrity.models import (
    OPEN_RECOMMENDATION,
    Finding,
    Inspection,
    InspectionKind,
    InspectionPlan,
    InspectionStatus,
    Recommendation,
    RecommendationStatus,
    SampledDossier,
    SampleVerdict,
    Severity,
    TeamMember,
    TeamRole,
)
from tinhgon.publicservices.models import Dossier, DossierEvent
from tinhgon.staffing import access as staff_access
from tinhgon.staffing.models import Official
from tinhgon.units import selectors
from tinhgon.units.kinds import Level
from tinhgon.workdays.calendar import VIETNAM

TITLE_LIMIT = 300
TEXT_LIMIT = 20000
TEAM_LIMIT = 30
SAMPLE_LIMIT = 200
# A repeated supplement request: the dossier sent back this many times or more.
REPEATED_SUPPLEMENTS = 2
# Where findings and recommendations are recorded: during the inspection and at its conclusion.
RECORDING = (InspectionStatus.UNDERWAY, InspectionStatus.CONCLUDED)

M = TypeVar("M", bound=models.Model)


# -- who may ------------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def writes(actor, unit_id: int) -> bool:  # type: ignore[no-untyped-def]
    """Whether `actor` may write `unit_id` today (None: the system, which may)."""
    if actor is None:
        return True
    try:
        access_unit(actor, unit_id, write=True)
    except DomainError:
        return False
    return True


def may_inspect(actor, inspection: Inspection) -> bool:  # type: ignore[no-untyped-def]
    """Members of the inspecting unit's scope conduct the inspection."""
    return writes(actor, inspection.inspecting_unit_id)


def may_answer(actor, recommendation: Recommendation) -> bool:  # type: ignore[no-untyped-def]
    """The unit that must implement a recommendation answers it."""
    return writes(actor, recommendation.unit_id)


def provincial_bodies(province_id: int, day: dt.date) -> list[int]:
    """The province's people's committee and its inspectorate (those that exist)."""
    found = [committee_of(province_id, day), inspectorate_of(province_id, day)]
    return [unit for unit in found if unit is not None]


def _province_of(unit_id: int, day: dt.date) -> int:
    version = selectors.version_on(unit_id, day)
    return version.province_id or version.unit_id


def _require_plan_body(actor, province_id: int) -> None:  # type: ignore[no-untyped-def]
    bodies = provincial_bodies(province_id, _today())
    if not any(writes(actor, body) for body in bodies):
        raise Forbidden(
            _(
                "Only the province's inspectorate or its people's committee drafts and approves "
                "the inspection plan."
            )
        )


def _inspection(inspection_id: int, *, lock: bool = False) -> Inspection:
    found = Inspection.objects.filter(pk=inspection_id)
    if lock:
        found = found.select_for_update()
    inspection = found.first()
    if inspection is None:
        raise NotFound(_("Inspection %(id)s does not exist.") % {"id": inspection_id})
    return inspection


def access_inspection(actor, inspection_id: int) -> Inspection:  # type: ignore[no-untyped-def]
    """An inspection the actor may conduct (None: the system)."""
    inspection = _inspection(inspection_id)
    if not may_inspect(actor, inspection):
        raise Forbidden(_("Only the inspecting unit acts on this inspection."))
    return inspection


def _recommendation(recommendation_id: int) -> Recommendation:
    found = Recommendation.objects.filter(pk=recommendation_id).first()
    if found is None:
        raise NotFound(_("Recommendation %(id)s does not exist.") % {"id": recommendation_id})
    return found


def _clean(value: str, *, field: str, limit: int, message: str, one_line: bool = False) -> str:
    value = " ".join((value or "").split()) if one_line else (value or "").strip()
    if not value:
        raise invalid(message, field=field)
    if len(value) > limit:
        raise invalid(
            _("At most %(n)s characters, please.") % {"n": limit},
            field=field,
        )
    return value


def _user(actor):  # type: ignore[no-untyped-def]
    return actor if getattr(actor, "is_authenticated", False) else None


# -- the plan -----------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, actor, province_id: int, year: int, title: str, synthetic: bool = False):  # type: ignore[no-untyped-def]
    """Draft the province's plan for `year` (one a year; asking again returns it)."""
    title = _clean(
        title,
        field="title",
        limit=TITLE_LIMIT,
        message=_("A plan needs a title."),
        one_line=True,
    )
    if not 2000 <= year <= 2100:
        raise invalid(_("The year must be between 2000 and 2100."), field="year")
    province = selectors.version_on(province_id, _today())
    if province.level != Level.PROVINCE:
        raise invalid(_("A plan belongs to a province."), field="province_id")
    _require_plan_body(actor, province_id)
    existing = InspectionPlan.objects.filter(province_id=province_id, year=year).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            plan = InspectionPlan.objects.create(
                province_id=province_id, year=year, title=title, synthetic=synthetic
            )
    except IntegrityError:  # another request made it meanwhile
        return InspectionPlan.objects.get(province_id=province_id, year=year)
    audit(actor=actor, action="inspection_plan_create", unit=province_id, plan=plan.pk, year=year)
    return plan


@transaction.atomic
def plan_approve(  # type: ignore[no-untyped-def]
    *, actor, plan_id: int, decision_number: str, approved_on: dt.date
) -> InspectionPlan:
    """Approve the plan once (by its decision); approving it again changes nothing."""
    plan = InspectionPlan.objects.filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(_("Plan %(id)s does not exist.") % {"id": plan_id})
    _require_plan_body(actor, plan.province_id)
    number = _clean(
        decision_number,
        field="decision_number",
        limit=80,
        message=_("The approval needs its decision number."),
        one_line=True,
    )
    if plan.approved_on is not None:
        return plan
    if approved_on.year > plan.year:
        raise invalid(
            _("A plan for %(year)s is approved by the end of that year.") % {"year": plan.year},
            field="approved_on",
        )
    updated = InspectionPlan.objects.filter(pk=plan.pk, approved_on__isnull=True).update(
        approved_on=approved_on, decision_number=number, approved_by=_user(actor)
    )
    plan.refresh_from_db()
    if updated:
        audit(
            actor=actor,
            action="inspection_plan_approve",
            unit=plan.province_id,
            plan=plan.pk,
            decision=number,
        )
    return plan


# -- inspections --------------------------------------------------------------------------------


@transaction.atomic
def inspection_create(  # type: ignore[no-untyped-def]
    *,
    actor,
    kind: str,
    title: str,
    inspecting_unit_id: int,
    subject_unit_id: int,
    period_from: dt.date,
    period_to: dt.date,
    scope: str,
    plan_id: int | None = None,
    synthetic: bool = False,
) -> Inspection:
    """A planned inspection (in the year's plan) or an ad hoc one (no plan): planned until its
    decision. The inspecting unit must be one the actor writes; the subject another unit."""
    if kind not in InspectionKind.values:
        raise invalid(_("Unknown kind of inspection: %(v)s.") % {"v": kind}, field="kind")
    title = _clean(
        title,
        field="title",
        limit=TITLE_LIMIT,
        message=_("An inspection needs a title."),
        one_line=True,
    )
    scope = _clean(
        scope, field="scope", limit=TEXT_LIMIT, message=_("An inspection needs its scope.")
    )
    if period_from > period_to:
        raise invalid(
            _("The period inspected ends before it starts."),
            field="period_to",
        )
    if inspecting_unit_id == subject_unit_id:
        raise invalid(_("A unit does not inspect itself."), field="subject_unit_id")
    today = _today()
    if period_from > today:
        raise invalid(_("The period inspected cannot start in the future."), field="period_from")
    subject = selectors.version_on(subject_unit_id, today)
    selectors.version_on(inspecting_unit_id, today)
    province = subject.province_id or subject.unit_id
    if inspecting_unit_id not in provincial_bodies(province, today):
        raise invalid(
            _(
                "An inspection is opened by the inspectorate or the people's committee of the "
                "inspected unit's province."
            ),
            field="inspecting_unit_id",
        )
    if not writes(actor, inspecting_unit_id):
        raise Forbidden(_("You may not inspect on behalf of this unit."))
    if plan_id is not None:
        plan = InspectionPlan.objects.filter(pk=plan_id).first()
        if plan is None:
            raise invalid(_("Plan %(id)s does not exist.") % {"id": plan_id}, field="plan_id")
        if plan.province_id != province:
            raise invalid(
                _("The plan is another province's: the subject unit is not in it."),
                field="plan_id",
            )
    inspection = Inspection.objects.create(
        plan_id=plan_id,
        kind=kind,
        title=title,
        inspecting_unit_id=inspecting_unit_id,
        subject_unit_id=subject_unit_id,
        subject_province_id=province,
        period_from=period_from,
        period_to=period_to,
        scope=scope,
        created_by=_user(actor),
        synthetic=synthetic,
    )
    _audit(inspection, actor=actor, move="create", planned=plan_id is not None)
    return inspection


def _audit(inspection: Inspection, *, actor, move: str, **data: Any) -> None:  # type: ignore[no-untyped-def]
    audit(
        actor=actor,
        action=f"inspection_{move}",
        unit=inspection.inspecting_unit_id,
        inspection=inspection.pk,
        subject_unit=inspection.subject_unit_id,
        **data,
    )


def _transition[M: models.Model](  # type: ignore[no-untyped-def]
    *,
    model: type[M],
    row_id: int,
    label: str,
    load: Callable[[int], M],
    move: str,
    sources: Iterable[str],
    target: str,
    version: int | None,
    change: Callable[[M], dict[str, Any]] | None = None,
    repeated: Callable[[M], bool] | None = None,
    record: Callable[[M], None],
) -> M:
    """Apply one move to a row with a status and a version: a repeated move returns the row
    untouched, an illegal one is refused (409), a stale version refused (409), a concurrent
    change retried."""
    sources = tuple(sources)
    with transaction.atomic():
        for _attempt in range(5):
            row = load(row_id)
            done = repeated(row) if repeated else row.status == target  # type: ignore[attr-defined]
            if version is not None and row.version != version:  # type: ignore[attr-defined]
                if done:
                    return row
                raise DomainError(
                    _("%(what)s changed since you read it; reload it.") % {"what": label},
                    code="stale",
                    status=409,
                )
            if done:
                return row
            status = row.status  # type: ignore[attr-defined]
            if status not in sources:
                raise DomainError(
                    _("%(what)s is %(status)s: it cannot be %(move)s.")
                    % {
                        "what": label,
                        "status": row.get_status_display(),  # type: ignore[attr-defined]
                        "move": move,
                    },
                    code="illegal_move",
                    status=409,
                )
            changes = change(row) if change else {}
            updated = model._default_manager.filter(
                pk=row_id,
                status=status,
                version=row.version,  # type: ignore[attr-defined]
            ).update(**{"status": target, **changes}, version=F("version") + 1)
            if updated:
                row.refresh_from_db()
                record(row)
                return row
        raise DomainError(
            _("%(what)s is changing; try again.") % {"what": label}, code="busy", status=409
        )


def _move_inspection(  # type: ignore[no-untyped-def]
    *,
    actor,
    inspection_id: int,
    move: str,
    sources: Iterable[str],
    target: str,
    version: int | None,
    change: Callable[[Inspection], dict[str, Any]] | None = None,
    after: Callable[[Inspection], None] | None = None,
    **data: Any,
) -> Inspection:
    def record(inspection: Inspection) -> None:
        if after is not None:
            after(inspection)
        _audit(inspection, actor=actor, move=move, status=inspection.status, **data)

    return _transition(
        model=Inspection,
        row_id=inspection_id,
        label=_("Inspection %(id)s") % {"id": inspection_id},
        load=lambda pk: access_inspection(actor, pk),
        move=move,
        sources=sources,
        target=target,
        version=version,
        change=change,
        record=record,
    )


def _official(actor, official_id: int, *, province_id: int | None) -> Official:  # type: ignore[no-untyped-def]
    """An official named in an inspection: one the actor may see (staffing's rule) and employed
    in the inspection's province; any other does not exist for the inspection (404), so neither
    their name nor their existence leaks."""
    try:
        official = staff_access.access_official(actor, official_id)
    except NotFound:
        official = None
    if official is not None:
        province = official.province_id or _province_of(official.unit_id, _today())
        if province == province_id:
            return official
    raise NotFound(_("No official %(id)s in your scope.") % {"id": official_id})


def _team(actor, team: list[dict[str, Any]], *, province_id: int | None) -> list[TeamMember]:  # type: ignore[no-untyped-def]
    """The team's rows, checked: one head, names or officials (of the inspection's province,
    seen by the actor), no one twice."""
    if not team:
        raise invalid(_("A decision names its team."), field="team")
    if len(team) > TEAM_LIMIT:
        raise invalid(
            _("A team has at most %(n)s members.") % {"n": TEAM_LIMIT},
            field="team",
        )
    members, seen = [], set()
    for row, given in enumerate(team, start=1):
        role = given.get("role", "")
        if role not in TeamRole.values:
            raise invalid(
                _("Unknown role in the team: %(v)s.") % {"v": role}, field="team", row=row
            )
        official_id = given.get("official_id")
        name = " ".join(str(given.get("name") or "").split())[:200]
        if official_id is not None:
            official = _official(actor, official_id, province_id=province_id)
            name = name or official.full_name
        if not name:
            raise invalid(_("A team member needs a name."), field="team", row=row)
        key = official_id or name.casefold()
        if key in seen:
            raise invalid(
                _("%(name)s is in the team twice.") % {"name": name}, field="team", row=row
            )
        seen.add(key)
        members.append(TeamMember(official_id=official_id, name=name, role=role))
    heads = sum(1 for m in members if m.role == TeamRole.HEAD)
    if heads != 1:
        raise invalid(_("A team has exactly one head."), field="team")
    return members


def inspection_decide(  # type: ignore[no-untyped-def]
    *,
    actor,
    inspection_id: int,
    decision_number: str,
    decided_on: dt.date,
    team: list[dict[str, Any]],
    version: int | None = None,
) -> Inspection:
    """Record the inspection decision: its number, date and team (exactly one head). A planned
    inspection of a plan is decided only once the plan is approved."""
    number = _clean(
        decision_number,
        field="decision_number",
        limit=80,
        message=_("A decision needs its number."),
        one_line=True,
    )
    if decided_on > _today():
        raise invalid(_("A decision cannot be dated in the future."), field="decided_on")
    inspection = access_inspection(actor, inspection_id)
    members = _team(actor, team, province_id=inspection.subject_province_id)

    def change(inspection: Inspection) -> dict[str, Any]:
        plan = inspection.plan
        if plan is not None and plan.approved_on is None:
            raise invalid(
                _("The plan of %(year)s is not approved yet.") % {"year": plan.year},
                field="plan",
            )
        return {"decision_number": number, "decided_on": decided_on}

    def after(inspection: Inspection) -> None:
        TeamMember.objects.filter(inspection=inspection).delete()
        for member in members:
            member.inspection = inspection
        TeamMember.objects.bulk_create(members)

    return _move_inspection(
        actor=actor,
        inspection_id=inspection_id,
        move="decide",
        sources=(InspectionStatus.PLANNED,),
        target=InspectionStatus.DECIDED,
        version=version,
        change=change,
        after=after,
        decision=number,
    )


def inspection_start(  # type: ignore[no-untyped-def]
    *, actor, inspection_id: int, starts_on: dt.date, version: int | None = None
) -> Inspection:
    """The team starts working at the subject unit (announced on `starts_on`)."""

    def change(inspection: Inspection) -> dict[str, Any]:
        if inspection.decided_on and starts_on < inspection.decided_on:
            raise invalid(_("An inspection starts after its decision."), field="starts_on")
        return {"starts_on": starts_on}

    return _move_inspection(
        actor=actor,
        inspection_id=inspection_id,
        move="start",
        sources=(InspectionStatus.DECIDED,),
        target=InspectionStatus.UNDERWAY,
        version=version,
        change=change,
    )


def inspection_conclude(  # type: ignore[no-untyped-def]
    *,
    actor,
    inspection_id: int,
    conclusion: str,
    concluded_on: dt.date,
    version: int | None = None,
) -> Inspection:
    """Record the conclusion (its text and date): the work at the unit is over."""
    text = _clean(
        conclusion,
        field="conclusion",
        limit=TEXT_LIMIT,
        message=_("A conclusion needs its text."),
    )
    if concluded_on > _today():
        raise invalid(_("A conclusion cannot be dated in the future."), field="concluded_on")

    def change(inspection: Inspection) -> dict[str, Any]:
        if inspection.starts_on and concluded_on < inspection.starts_on:
            raise invalid(_("An inspection concludes after it starts."), field="concluded_on")
        return {"conclusion": text, "concluded_on": concluded_on, "ends_on": concluded_on}

    return _move_inspection(
        actor=actor,
        inspection_id=inspection_id,
        move="conclude",
        sources=(InspectionStatus.UNDERWAY,),
        target=InspectionStatus.CONCLUDED,
        version=version,
        change=change,
    )


def inspection_close(*, actor, inspection_id: int, version: int | None = None) -> Inspection:  # type: ignore[no-untyped-def]
    """Close a concluded inspection: only when every recommendation is implemented or
    withdrawn (an escalated one is still owed)."""

    def change(inspection: Inspection) -> dict[str, Any]:
        owed = Recommendation.objects.filter(
            inspection=inspection, status__in=OPEN_RECOMMENDATION
        ).count()
        if owed:
            raise DomainError(
                _(
                    "Inspection %(id)s has %(n)s recommendation(s) neither implemented nor "
                    "withdrawn: it cannot be closed."
                )
                % {"id": inspection.pk, "n": owed},
                code="recommendations_open",
                status=409,
            )
        return {}

    return _move_inspection(
        actor=actor,
        inspection_id=inspection_id,
        move="close",
        sources=(InspectionStatus.CONCLUDED,),
        target=InspectionStatus.CLOSED,
        version=version,
        change=change,
    )


# -- findings and recommendations ---------------------------------------------------------------


def _recording(actor, inspection_id: int) -> Inspection:  # type: ignore[no-untyped-def]
    inspection = access_inspection(actor, inspection_id)
    if inspection.status not in RECORDING:
        raise DomainError(
            _(
                "Inspection %(id)s is %(status)s: findings are recorded while it is underway or at its conclusion."
            )
            % {"id": inspection.pk, "status": inspection.get_status_display()},
            code="illegal_move",
            status=409,
        )
    return inspection


@transaction.atomic
def finding_add(  # type: ignore[no-untyped-def]
    *,
    actor,
    inspection_id: int,
    text: str,
    severity: str,
    official_id: int | None = None,
    dossier_code: str = "",
) -> Finding:
    """Record a finding; the same finding again (same text) returns the one recorded."""
    inspection = _recording(actor, inspection_id)
    text = _clean(text, field="text", limit=TEXT_LIMIT, message=_("A finding needs its text."))
    if severity not in Severity.values:
        raise invalid(_("Unknown severity: %(v)s.") % {"v": severity}, field="severity")
    if official_id is not None:
        _official(actor, official_id, province_id=inspection.subject_province_id)
    code = (dossier_code or "").strip()
    if len(code) > 64:
        raise invalid(_("At most %(n)s characters, please.") % {"n": 64}, field="dossier_code")
    subject = inspection.subject_unit_id
    if (
        code
        and not Dossier.objects.filter(code=code)
        .filter(Q(unit_id=subject) | Q(receiving_unit_id=subject))
        .exists()
    ):
        # Only the subject unit's dossiers: whether a code exists elsewhere is not said.
        raise invalid(
            _("The subject unit has no dossier %(code)s.") % {"code": code},
            field="dossier_code",
        )
    existing = Finding.objects.filter(inspection=inspection, text=text).first()
    if existing is not None:
        return existing
    finding = Finding.objects.create(
        inspection=inspection,
        text=text,
        severity=severity,
        official_id=official_id,
        dossier_code=code,
    )
    _audit(inspection, actor=actor, move="finding", finding=finding.pk, severity=severity)
    return finding


def _implementing_unit(actor, inspection: Inspection, unit_id: int):  # type: ignore[no-untyped-def]
    """The unit a recommendation is addressed to: one the actor sees, open today, in the subject
    unit's province. Any other is refused alike (naming the field), so nothing leaks."""
    refused = invalid(
        _("The unit to implement must be a unit of the inspected unit's province."),
        field="unit",
    )
    try:
        unit = (
            selectors.version_on(unit_id, _today())
            if actor is None
            else access_unit(actor, unit_id)
        )
    except DomainError:
        raise refused from None
    if (unit.province_id or unit.unit_id) != inspection.subject_province_id:
        raise refused
    return unit


@transaction.atomic
def recommendation_add(  # type: ignore[no-untyped-def]
    *,
    actor,
    inspection_id: int,
    text: str,
    due: dt.date,
    unit_id: int | None = None,
    finding_id: int | None = None,
) -> Recommendation:
    """Ask a unit (by default the subject unit) to do something by `due`; the same text again
    for the same unit returns the one recorded."""
    inspection = _recording(actor, inspection_id)
    text = _clean(
        text, field="text", limit=TEXT_LIMIT, message=_("A recommendation needs its text.")
    )
    unit = _implementing_unit(actor, inspection, unit_id or inspection.subject_unit_id)
    unit_id = unit.unit_id
    if inspection.decided_on and due < inspection.decided_on:
        raise invalid(_("The due date is before the inspection's decision."), field="due")
    if (
        finding_id is not None
        and not Finding.objects.filter(pk=finding_id, inspection=inspection).exists()
    ):
        raise invalid(
            _("Finding %(id)s is not one of this inspection's.") % {"id": finding_id},
            field="finding_id",
        )
    existing = Recommendation.objects.filter(
        inspection=inspection, unit_id=unit_id, text=text
    ).first()
    if existing is not None:
        return existing
    recommendation = Recommendation.objects.create(
        inspection=inspection,
        finding_id=finding_id,
        text=text,
        unit_id=unit_id,
        province_id=unit.province_id or unit.unit_id,
        due=due,
    )
    _audit(
        inspection,
        actor=actor,
        move="recommendation",
        recommendation=recommendation.pk,
        due=due.isoformat(),
        to_unit=unit_id,
    )
    return recommendation


def _move_recommendation(  # type: ignore[no-untyped-def]
    *,
    actor,
    recommendation_id: int,
    move: str,
    sources: Iterable[str],
    target: str | None,
    version: int | None,
    may: Callable[[Any, Recommendation], bool],
    change: Callable[[Recommendation], dict[str, Any]] | None = None,
    repeated: Callable[[Recommendation], bool] | None = None,
    **data: Any,
) -> Recommendation:
    """`target` None: the status stays (a report of implementation)."""

    def load(pk: int) -> Recommendation:
        recommendation = _recommendation(pk)
        if not may(actor, recommendation):
            raise Forbidden(
                _("You may not do this to recommendation %(id)s.") % {"id": recommendation.pk}
            )
        return recommendation

    def full_change(recommendation: Recommendation) -> dict[str, Any]:
        changes = change(recommendation) if change else {}
        if target is None:
            changes.setdefault("status", recommendation.status)
        return changes

    def record(recommendation: Recommendation) -> None:
        audit(
            actor=actor,
            action=f"recommendation_{move}",
            unit=recommendation.unit_id,
            recommendation=recommendation.pk,
            inspection=recommendation.inspection_id,
            status=recommendation.status,
            **data,
        )

    return _transition(
        model=Recommendation,
        row_id=recommendation_id,
        label=_("Recommendation %(id)s") % {"id": recommendation_id},
        load=load,
        move=move,
        sources=sources,
        target=target or "",
        version=version,
        change=full_change if target is None else change,
        repeated=repeated,
        record=record,
    )


def _inspector(actor, recommendation: Recommendation) -> bool:  # type: ignore[no-untyped-def]
    return may_inspect(actor, recommendation.inspection)


def recommendation_report(  # type: ignore[no-untyped-def]
    *,
    actor,
    recommendation_id: int,
    implemented_on: dt.date,
    evidence: str,
    version: int | None = None,
) -> Recommendation:
    """The unit reports it has implemented the recommendation (date and evidence); the
    inspecting unit then accepts the report or sends it back. The same report again is a no-op."""
    evidence = _clean(
        evidence,
        field="evidence",
        limit=TEXT_LIMIT,
        message=_("A report of implementation needs its evidence."),
    )
    if implemented_on > _today():
        raise invalid(_("Implementation cannot be dated in the future."), field="implemented_on")

    def change(recommendation: Recommendation) -> dict[str, Any]:
        return {"implemented_on": implemented_on, "evidence": evidence}

    return _move_recommendation(
        actor=actor,
        recommendation_id=recommendation_id,
        move="report",
        sources=OPEN_RECOMMENDATION,
        target=None,
        version=version,
        may=may_answer,
        change=change,
        repeated=lambda r: (
            r.status == RecommendationStatus.IMPLEMENTED
            or (r.implemented_on == implemented_on and r.evidence == evidence)
        ),
    )


def recommendation_accept(  # type: ignore[no-untyped-def]
    *, actor, recommendation_id: int, version: int | None = None
) -> Recommendation:
    """The inspecting unit accepts the unit's report: implemented."""

    def change(recommendation: Recommendation) -> dict[str, Any]:
        if recommendation.implemented_on is None:
            raise DomainError(
                _("Recommendation %(id)s has no report of implementation to accept.")
                % {"id": recommendation.pk},
                code="illegal_move",
                status=409,
            )
        return {}

    return _move_recommendation(
        actor=actor,
        recommendation_id=recommendation_id,
        move="accept",
        sources=OPEN_RECOMMENDATION,
        target=RecommendationStatus.IMPLEMENTED,
        version=version,
        may=_inspector,
        change=change,
    )


def recommendation_reject(  # type: ignore[no-untyped-def]
    *, actor, recommendation_id: int, reason: str, version: int | None = None
) -> Recommendation:
    """The inspecting unit sends the report back (with its reason): the recommendation is open
    again and its due date stands."""
    reason = _clean(
        reason,
        field="reason",
        limit=2000,
        message=_("Sending a report back needs the reason."),
    )

    def change(recommendation: Recommendation) -> dict[str, Any]:
        return {"implemented_on": None, "status": recommendation.status}

    return _move_recommendation(
        actor=actor,
        recommendation_id=recommendation_id,
        move="reject",
        sources=OPEN_RECOMMENDATION,
        target=None,
        version=version,
        may=_inspector,
        change=change,
        repeated=lambda r: r.status in OPEN_RECOMMENDATION and r.implemented_on is None,
        reason=reason,
    )


def recommendation_withdraw(  # type: ignore[no-untyped-def]
    *, actor, recommendation_id: int, reason: str, version: int | None = None
) -> Recommendation:
    """The inspecting unit withdraws a recommendation (with its reason)."""
    reason = _clean(reason, field="reason", limit=2000, message=_("A withdrawal needs the reason."))
    return _move_recommendation(
        actor=actor,
        recommendation_id=recommendation_id,
        move="withdraw",
        sources=OPEN_RECOMMENDATION,
        target=RecommendationStatus.WITHDRAWN,
        version=version,
        may=_inspector,
        reason=reason,
    )


# -- escalation (the scheduled job, inspections_setup.py) ---------------------------------------


def level_above(unit_id: int, day: dt.date) -> int:
    """Where an overdue recommendation of `unit_id` goes: the people's committee of the
    administrative unit above the unit's own (a commune's: the province's); for a provincial
    body, the province's people's committee."""
    version = selectors.version_on(unit_id, day)
    admin = selectors.version_on(version.admin_unit_id, day)
    above = admin.unit_id
    if admin.level != Level.PROVINCE and admin.parent_id is not None:
        above = selectors.version_on(admin.parent_id, day).admin_unit_id
    committee = committee_of(above, day)
    if committee is None or committee == unit_id:
        committee = committee_of(version.province_id or version.unit_id, day)
    return committee or (version.province_id or version.unit_id)


def recommendation_escalate(  # type: ignore[no-untyped-def]
    *, actor, recommendation_id: int, now: dt.datetime, day: dt.date
) -> Recommendation:
    """Escalate an overdue open recommendation to the level above its unit (once)."""
    return _move_recommendation(
        actor=actor,
        recommendation_id=recommendation_id,
        move="escalate",
        sources=(RecommendationStatus.OPEN,),
        target=RecommendationStatus.ESCALATED,
        version=None,
        may=lambda actor, r: actor is None,
        change=lambda r: {
            "escalated_to_id": level_above(r.unit_id, day),
            "escalated_at": now,
        },
    )


# -- public service inspections: the sample ----------------------------------------------------


def _period(inspection: Inspection) -> Q:
    """Dossiers submitted in the period inspected (its days in Vietnam's time)."""
    start = dt.datetime.combine(inspection.period_from, dt.time.min, tzinfo=VIETNAM)
    end = dt.datetime.combine(inspection.period_to, dt.time.min, tzinfo=VIETNAM)
    return Q(submitted_at__gte=start, submitted_at__lt=end + dt.timedelta(days=1))


@transaction.atomic
def sample_draw(  # type: ignore[no-untyped-def]
    *,
    actor,
    inspection_id: int,
    size: int,
    seed: int,
    stratify: bool = True,
) -> list[SampledDossier]:
    """Draw `size` dossiers of the subject unit submitted in the period inspected (seeded: the
    same seed draws the same sample). Stratified: late dossiers and those sent back for more
    documents REPEATED_SUPPLEMENTS times or more come first, then the rest at random. Drawn once:
    asking again returns the sample drawn."""
    inspection = access_inspection(actor, inspection_id)
    if inspection.kind != InspectionKind.PUBLIC_SERVICE:
        raise invalid(_("Only a public service inspection samples dossiers."), field="kind")
    if inspection.status not in (InspectionStatus.DECIDED, InspectionStatus.UNDERWAY):
        raise DomainError(
            _(
                "Inspection %(id)s is %(status)s: the sample is drawn once decided, before the conclusion."
            )
            % {"id": inspection.pk, "status": inspection.get_status_display()},
            code="illegal_move",
            status=409,
        )
    if not 1 <= size <= SAMPLE_LIMIT:
        raise invalid(
            _("A sample has between 1 and %(n)s dossiers.") % {"n": SAMPLE_LIMIT}, field="size"
        )
    Inspection.objects.select_for_update().filter(pk=inspection.pk).first()
    drawn = list(SampledDossier.objects.filter(inspection=inspection))
    if drawn:
        return drawn
    pool = Dossier.objects.filter(_period(inspection), unit_id=inspection.subject_unit_id)
    ids = sorted(pool.values_list("pk", flat=True))
    rng = random.Random(seed)
    chosen: list[int] = []
    if stratify and ids:
        late = set(
            pool.filter(
                Q(finished_at__isnull=False, due_at__isnull=False, finished_at__gt=F("due_at"))
                | Q(finished_at__isnull=True, due_at__lt=timezone.now())
            ).values_list("pk", flat=True)
        )
        repeated = set(
            DossierEvent.objects.filter(dossier__in=pool, move="request_supplement")
            .values("dossier_id")
            .annotate(n=Count("id"))
            .filter(n__gte=REPEATED_SUPPLEMENTS)
            .values_list("dossier_id", flat=True)
        )
        for stratum in (sorted(late & repeated), sorted((late | repeated) - (late & repeated))):
            rng.shuffle(stratum)
            chosen.extend(stratum[: size - len(chosen)])
    rest = [pk for pk in ids if pk not in set(chosen)]
    rng.shuffle(rest)
    chosen.extend(rest[: size - len(chosen)])
    codes = dict(Dossier.objects.filter(pk__in=chosen).values_list("pk", "code"))
    samples = SampledDossier.objects.bulk_create(
        [SampledDossier(inspection=inspection, dossier_id=pk, code=codes[pk]) for pk in chosen]
    )
    _audit(
        inspection,
        actor=actor,
        move="sample",
        size=len(samples),
        asked=size,
        seed=seed,
        stratify=stratify,
    )
    return list(SampledDossier.objects.filter(inspection=inspection))


@transaction.atomic
def sample_verdict(  # type: ignore[no-untyped-def]
    *, actor, sample_id: int, verdict: str, note: str = ""
) -> SampledDossier:
    """What the inspector found in a sampled dossier (while underway or at the conclusion);
    an irregular verdict needs a note."""
    sample = SampledDossier.objects.filter(pk=sample_id).first()
    if sample is None:
        raise NotFound(_("Sampled dossier %(id)s does not exist.") % {"id": sample_id})
    inspection = _recording(actor, sample.inspection_id)
    if verdict not in SampleVerdict.values:
        raise invalid(_("Unknown verdict: %(v)s.") % {"v": verdict}, field="verdict")
    note = (note or "").strip()
    if len(note) > 2000:
        raise invalid(_("At most %(n)s characters, please.") % {"n": 2000}, field="note")
    if verdict == SampleVerdict.IRREGULAR and not note:
        raise invalid(_("An irregular dossier needs a note saying what is wrong."), field="note")
    if (sample.verdict, sample.note) == (verdict, note):
        return sample
    SampledDossier.objects.filter(pk=sample.pk).update(verdict=verdict, note=note)
    sample.refresh_from_db()
    _audit(inspection, actor=actor, move="verdict", sample=sample.pk, verdict=verdict)
    return sample
