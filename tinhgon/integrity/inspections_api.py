"""Integrity API: inspections, under /api/integrity/inspections (the plan, the list and an
inspection with its team, findings, recommendations and sample; the moves; findings and
recommendations; the sample and its verdicts; the unit's report of implementation).

Thin: authenticate (the project's API auth), read through the scope (inspections_selectors),
call one service, answer with the inspection (or recommendation) again. Outside the reader's
scope: 404; readable but not theirs to act on: 403; an illegal move now: 409.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from tinhgon.accounts.access import access_unit, scopes_cached
from tinhgon.core.errors import NotFound
from tinhgon.core.schemas import PRINTABLE_REGEX, BodyId, Day, Id, QueryId
from tinhgon.integrity import inspections
from tinhgon.integrity import inspections_selectors as read
from tinhgon.integrity.models import (
    OPEN_INSPECTION,
    OPEN_RECOMMENDATION,
    Inspection,
    InspectionPlan,
)

router = Router(tags=["integrity"])

Line = Annotated[str, Field(pattern=PRINTABLE_REGEX, max_length=300)]
# Several lines: tabs and line breaks, no other control character (a NUL fails PostgreSQL).
TEXT_REGEX = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
Text = Annotated[str, Field(pattern=TEXT_REGEX, max_length=20000)]
Short = Annotated[str, Field(pattern=PRINTABLE_REGEX, max_length=2000)]
Number = Annotated[str, Field(pattern=PRINTABLE_REGEX, max_length=80)]
PAGE_LIMIT = 500


# -- the plan -----------------------------------------------------------------------------------


class PlanOut(Schema):
    id: int
    province_id: int
    year: int
    title: str
    decision_number: str
    approved_on: dt.date | None
    inspections: int
    synthetic: bool


class PlanIn(Schema):
    province_id: BodyId
    year: int = Field(..., ge=2000, le=2100)
    title: Line


class ApproveIn(Schema):
    decision_number: Number
    approved_on: Day


def _plan_out(plan: InspectionPlan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "province_id": plan.province_id,
        "year": plan.year,
        "title": plan.title,
        "decision_number": plan.decision_number,
        "approved_on": plan.approved_on,
        "inspections": plan.inspections.count(),
        "synthetic": plan.synthetic,
    }


def _plans(request: HttpRequest):  # type: ignore[no-untyped-def]
    return read.visible_plans(request.user)


@router.get("/inspections/plans", response=list[PlanOut], summary="Inspection plans")
def plan_list(request: HttpRequest):
    with scopes_cached():
        return [_plan_out(p) for p in _plans(request).order_by("-year")[:PAGE_LIMIT]]


@router.post("/inspections/plans", response=PlanOut, summary="Draft a year's plan")
def plan_create(request: HttpRequest, payload: PlanIn):
    with scopes_cached():
        access_unit(request.user, payload.province_id)
        return _plan_out(inspections.plan_create(actor=request.user, **payload.dict()))


@router.post(
    "/inspections/plans/{inspection_plan_id}/approve",
    response=PlanOut,
    summary="Approve a plan (the province's inspectorate or people's committee)",
)
def plan_approve(request: HttpRequest, inspection_plan_id: Id, payload: ApproveIn):
    # Not `plan_id`: that name is the reorganization plans' (their scope tests find it by name).
    plan_id = inspection_plan_id
    with scopes_cached():
        if not _plans(request).filter(pk=plan_id).exists():
            raise NotFound(
                _("Plan %(id)s does not exist or is not in your scope.") % {"id": plan_id}
            )
        return _plan_out(
            inspections.plan_approve(actor=request.user, plan_id=plan_id, **payload.dict())
        )


# -- recommendations ----------------------------------------------------------------------------


class RecommendationOut(Schema):
    id: int
    inspection_id: int
    text: str
    unit: str = Field(description="the code of the unit that must implement it")
    due: dt.date
    status: str
    reported: bool = Field(description="implementation reported, waiting for the inspectors")
    implemented_on: dt.date | None
    evidence: str
    overdue: bool
    escalated_to: str | None
    version: int


class RecommendationFilter(Schema):
    unit_id: QueryId | None = None
    open: bool | None = None
    limit: int = Field(100, ge=1, le=PAGE_LIMIT)
    offset: int = Field(0, ge=0, le=10**7)


@router.get(
    "/inspections/recommendations",
    response=list[RecommendationOut],
    summary="Recommendations in your scope, soonest due first",
)
def recommendation_list(request: HttpRequest, filters: Query[RecommendationFilter]):
    with scopes_cached():
        found = read.visible_recommendations(request.user)
        if filters.unit_id is not None:
            access_unit(request.user, filters.unit_id)
            found = found.filter(unit_id=filters.unit_id)
        if filters.open is not None:
            found = (
                found.filter(status__in=OPEN_RECOMMENDATION)
                if filters.open
                else found.exclude(status__in=OPEN_RECOMMENDATION)
            )
        ids = list(
            found.order_by("due", "id").values_list("pk", flat=True)[
                filters.offset : filters.offset + filters.limit
            ]
        )
        return read.recommendation_rows(
            read.visible_recommendations(request.user).filter(pk__in=ids),
            today=timezone.localdate(),
        )


RecommendationMove = Literal["report", "accept", "reject", "withdraw"]


class RecommendationMoveIn(Schema):
    version: int | None = Field(None, ge=1, description="the version you read (optional)")
    implemented_on: Day | None = Field(None, description="report: the day it was implemented")
    evidence: Text = Field("", description="report: what shows it is done")
    reason: Short = Field("", description="reject, withdraw: why")


@router.post(
    "/inspections/recommendations/{recommendation_id}/{move}",
    response=RecommendationOut,
    summary="Report implementation (the unit), accept, reject or withdraw (the inspectors)",
)
def recommendation_move(
    request: HttpRequest,
    recommendation_id: Id,
    move: RecommendationMove,
    payload: RecommendationMoveIn | None = None,
):
    given = payload or RecommendationMoveIn.model_validate({})
    user = request.user
    with scopes_cached():
        read.readable_recommendation(user, recommendation_id)
        common: dict[str, Any] = {
            "actor": user,
            "recommendation_id": recommendation_id,
            "version": given.version,
        }
        if move == "report":
            inspections.recommendation_report(
                **common,
                implemented_on=given.implemented_on or timezone.localdate(),
                evidence=given.evidence,
            )
        elif move == "accept":
            inspections.recommendation_accept(**common)
        elif move == "reject":
            inspections.recommendation_reject(**common, reason=given.reason)
        else:
            inspections.recommendation_withdraw(**common, reason=given.reason)
        return read.recommendation_rows(
            read.visible_recommendations(user).filter(pk=recommendation_id),
            today=timezone.localdate(),
        )[0]


# -- inspections --------------------------------------------------------------------------------


class InspectionRow(Schema):
    id: int
    kind: str
    status: str
    title: str
    inspecting_unit: str = Field(description="the inspecting unit's code")
    subject_unit: str = Field(description="the subject unit's code")
    plan_id: int | None
    decision_number: str
    decided_on: dt.date | None
    period_from: dt.date
    period_to: dt.date
    concluded_on: dt.date | None
    recommendations_open: int
    recommendations_overdue: int
    synthetic: bool


class TeamOut(Schema):
    name: str
    role: str
    official_id: int | None


class FindingOut(Schema):
    id: int
    text: str
    severity: str
    official_id: int | None
    official: str | None
    dossier_code: str


class SampleOut(Schema):
    id: int
    code: str
    verdict: str
    note: str


class InspectionOut(InspectionRow):
    inspecting_unit_id: int
    subject_unit_id: int
    scope: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    conclusion: str
    version: int
    may_act: bool = Field(description="whether you conduct this inspection")
    team: list[TeamOut]
    findings: list[FindingOut]
    recommendations: list[RecommendationOut]
    samples: list[SampleOut]
    summary: dict[str, Any]


class InspectionFilter(Schema):
    unit_id: QueryId | None = Field(None, description="as inspecting or subject unit")
    open: bool | None = None
    kind: Literal["administrative", "public_service", "thematic"] | None = None
    status: Literal["planned", "decided", "underway", "concluded", "closed"] | None = None
    limit: int = Field(100, ge=1, le=PAGE_LIMIT)
    offset: int = Field(0, ge=0, le=10**7)


def filtered(user, filters: Any):  # type: ignore[no-untyped-def]
    """The inspections a reader asked for (shared with the list page)."""
    found = read.visible_inspections(user)
    if filters.unit_id is not None:
        access_unit(user, filters.unit_id)
        found = found.filter(
            Q(inspecting_unit_id=filters.unit_id) | Q(subject_unit_id=filters.unit_id)
        )
    if filters.open is not None:
        found = (
            found.filter(status__in=OPEN_INSPECTION)
            if filters.open
            else found.exclude(status__in=OPEN_INSPECTION)
        )
    if filters.kind:
        found = found.filter(kind=filters.kind)
    if filters.status:
        found = found.filter(status=filters.status)
    return found


@router.get(
    "/inspections", response=list[InspectionRow], summary="Inspections in your scope, latest first"
)
def inspection_list(request: HttpRequest, filters: Query[InspectionFilter]):
    with scopes_cached():
        found = filtered(request.user, filters).order_by("-decided_on", "-id")
        ids = list(
            found.values_list("pk", flat=True)[filters.offset : filters.offset + filters.limit]
        )
        return read.inspection_rows(
            Inspection.objects.filter(pk__in=ids), today=timezone.localdate()
        )


def detail(user, inspection_id: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """An inspection as its reader sees it (the API's answer and the page's content)."""
    inspection = read.readable_inspection(user, inspection_id)
    today = timezone.localdate()
    row = read.inspection_rows(Inspection.objects.filter(pk=inspection.pk), today=today)[0]
    findings = inspection.findings.select_related("official").order_by("id")
    return {
        **row,
        "inspecting_unit_id": inspection.inspecting_unit_id,
        "subject_unit_id": inspection.subject_unit_id,
        "scope": inspection.scope,
        "starts_on": inspection.starts_on,
        "ends_on": inspection.ends_on,
        "conclusion": inspection.conclusion,
        "version": inspection.version,
        "may_act": inspections.may_inspect(user, inspection),
        "team": [
            {"name": m.name, "role": m.role, "official_id": m.official_id}
            for m in inspection.team.order_by("id")
        ],
        "findings": [
            {
                "id": f.pk,
                "text": f.text,
                "severity": f.severity,
                "official_id": f.official_id,
                "official": f.official.full_name if f.official else None,
                "dossier_code": f.dossier_code,
            }
            for f in findings
        ],
        "recommendations": read.recommendation_rows(inspection.recommendations.all(), today=today),
        "samples": [
            {"id": s.pk, "code": s.code, "verdict": s.verdict, "note": s.note}
            for s in inspection.samples.order_by("id")
        ],
        "summary": read.summary(inspection),
    }


@router.get(
    "/inspections/{inspection_id}",
    response=InspectionOut,
    summary="An inspection: team, findings, recommendations, sample",
)
def inspection_get(request: HttpRequest, inspection_id: Id):
    with scopes_cached():
        return detail(request.user, inspection_id)


class CreateIn(Schema):
    kind: Literal["administrative", "public_service", "thematic"]
    title: Line
    inspecting_unit_id: BodyId
    subject_unit_id: BodyId
    period_from: Day
    period_to: Day
    scope: Text
    plan_id: BodyId | None = Field(None, description="the year's plan; none: ad hoc")


@router.post(
    "/inspections", response=InspectionOut, summary="Plan an inspection (or an ad hoc one)"
)
def inspection_create(request: HttpRequest, payload: CreateIn):
    with scopes_cached():
        access_unit(request.user, payload.inspecting_unit_id)
        access_unit(request.user, payload.subject_unit_id)
        inspection = inspections.inspection_create(actor=request.user, **payload.dict())
        return detail(request.user, inspection.pk)


class TeamIn(Schema):
    official_id: BodyId | None = None
    name: Annotated[str, Field(pattern=PRINTABLE_REGEX, max_length=200)] = ""
    role: Literal["head", "deputy", "member"]


InspectionMove = Literal["decide", "start", "conclude", "close"]


class MoveIn(Schema):
    version: int | None = Field(None, ge=1, description="the version you read (optional)")
    decision_number: Number = Field("", description="decide")
    decided_on: Day | None = Field(None, description="decide")
    team: list[TeamIn] = Field(default_factory=list, max_length=30, description="decide")
    starts_on: Day | None = Field(None, description="start")
    conclusion: Text = Field("", description="conclude")
    concluded_on: Day | None = Field(None, description="conclude")


@router.post(
    "/inspections/{inspection_id}/moves/{move}",
    response=InspectionOut,
    summary="Decide, start, conclude or close: illegal now 409, not the inspectors 403",
)
def inspection_move(
    request: HttpRequest, inspection_id: Id, move: InspectionMove, payload: MoveIn | None = None
):
    given = payload or MoveIn.model_validate({})
    user = request.user
    today = timezone.localdate()
    with scopes_cached():
        read.readable_inspection(user, inspection_id)
        common: dict[str, Any] = {
            "actor": user,
            "inspection_id": inspection_id,
            "version": given.version,
        }
        if move == "decide":
            inspections.inspection_decide(
                **common,
                decision_number=given.decision_number,
                decided_on=given.decided_on or today,
                team=[m.dict() for m in given.team],
            )
        elif move == "start":
            inspections.inspection_start(**common, starts_on=given.starts_on or today)
        elif move == "conclude":
            inspections.inspection_conclude(
                **common, conclusion=given.conclusion, concluded_on=given.concluded_on or today
            )
        else:
            inspections.inspection_close(**common)
        return detail(user, inspection_id)


class FindingIn(Schema):
    text: Text
    severity: Literal["note", "shortcoming", "violation"]
    official_id: BodyId | None = None
    dossier_code: Annotated[str, Field(pattern=PRINTABLE_REGEX, max_length=64)] = ""


@router.post(
    "/inspections/{inspection_id}/findings", response=InspectionOut, summary="Record a finding"
)
def finding_add(request: HttpRequest, inspection_id: Id, payload: FindingIn):
    with scopes_cached():
        read.readable_inspection(request.user, inspection_id)
        inspections.finding_add(actor=request.user, inspection_id=inspection_id, **payload.dict())
        return detail(request.user, inspection_id)


class RecommendationIn(Schema):
    text: Text
    due: Day
    unit_id: BodyId | None = Field(None, description="default: the subject unit")
    finding_id: BodyId | None = None


@router.post(
    "/inspections/{inspection_id}/recommendations",
    response=InspectionOut,
    summary="Record a recommendation (a unit, a due date)",
)
def recommendation_add(request: HttpRequest, inspection_id: Id, payload: RecommendationIn):
    with scopes_cached():
        read.readable_inspection(request.user, inspection_id)
        inspections.recommendation_add(
            actor=request.user, inspection_id=inspection_id, **payload.dict()
        )
        return detail(request.user, inspection_id)


class SampleIn(Schema):
    size: int = Field(..., ge=1, le=inspections.SAMPLE_LIMIT)
    seed: int = Field(..., ge=0, le=2**31 - 1)
    stratify: bool = True


@router.post(
    "/inspections/{inspection_id}/sample",
    response=InspectionOut,
    summary="Draw the sample of dossiers (public service inspections; once)",
)
def sample_draw(request: HttpRequest, inspection_id: Id, payload: SampleIn):
    with scopes_cached():
        read.readable_inspection(request.user, inspection_id)
        inspections.sample_draw(actor=request.user, inspection_id=inspection_id, **payload.dict())
        return detail(request.user, inspection_id)


class VerdictIn(Schema):
    verdict: Literal["pending", "compliant", "irregular"]
    note: Short = ""


@router.post(
    "/inspections/{inspection_id}/samples/{sample_id}/verdict",
    response=InspectionOut,
    summary="Record the verdict on a sampled dossier",
)
def sample_verdict(request: HttpRequest, inspection_id: Id, sample_id: Id, payload: VerdictIn):
    with scopes_cached():
        inspection = read.readable_inspection(request.user, inspection_id)
        if not inspection.samples.filter(pk=sample_id).exists():
            raise NotFound(
                _("Sampled dossier %(id)s is not in this inspection.") % {"id": sample_id}
            )
        inspections.sample_verdict(actor=request.user, sample_id=sample_id, **payload.dict())
        return detail(request.user, inspection_id)
