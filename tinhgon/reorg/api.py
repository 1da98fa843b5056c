"""Plans through the API: upload (YAML or .xlsx), preview, approve, apply."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from tinhgon.core.schemas import BodyId, Id, Ref
from tinhgon.core.upload import read_upload
from tinhgon.reorg import planfile, services
from tinhgon.reorg.access import access_plan, check_may_reorganize
from tinhgon.reorg.exports import preview_workbook
from tinhgon.reorg.models import Plan

router = Router(tags=["plans"])


class PlanOut(Schema):
    id: int
    title: str
    status: str
    effective_date: dt.date
    legal_basis_number: str
    legal_basis_date: dt.date | None
    legal_basis_issuer: str
    steps: int
    report: dict[str, Any] | None
    # While the plan applies in batches: {"total": {carrier: n}, "moved": {carrier: n}}, and
    # "error" when an apply outside the request stopped.
    progress: dict[str, Any] | None
    previewed_at: dt.datetime | None


def _out(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "title": plan.title,
        "status": plan.status,
        "effective_date": plan.effective_date,
        "legal_basis_number": plan.legal_basis_number,
        "legal_basis_date": plan.legal_basis_date,
        "legal_basis_issuer": plan.legal_basis_issuer,
        "steps": len(plan.spec.get("steps", [])),
        "report": plan.report,
        "progress": plan.progress,
        "previewed_at": plan.previewed_at,
    }


@router.post("", response={201: PlanOut}, summary="Store a plan file (YAML or .xlsx) as a draft")
def plan_create(request: HttpRequest, file: File[UploadedFile]):
    check_may_reorganize(request.user, set(), complete=False)  # before the file is parsed
    spec = planfile.load(*read_upload(file, default_name="plan.yaml"))
    plan = services.plan_create(actor=request.user, spec=spec)
    services.plan_preview_store(actor=request.user, plan=plan)
    return Status(201, _out(plan))


@router.post("/preview", summary="Preview a plan file without storing it; nothing is written")
def plan_preview_file(request: HttpRequest, file: File[UploadedFile]) -> dict:
    check_may_reorganize(request.user, set(), complete=False)  # before the file is parsed
    spec = planfile.load(*read_upload(file, default_name="plan.yaml"))
    return services.plan_preview(actor=request.user, spec=spec)


@router.get("/{plan_id}", response=PlanOut, summary="A stored plan")
def plan_get(request: HttpRequest, plan_id: Id):
    return _out(access_plan(request.user, plan_id))


@router.get("/{plan_id}/preview", summary="What the plan would do (JSON, or ?format=xlsx)")
def plan_preview(request: HttpRequest, plan_id: Id, format: Literal["json", "xlsx"] = "json"):
    plan = access_plan(request.user, plan_id)
    report = services.plan_preview(actor=request.user, spec=services.spec_of(plan), plan=plan)
    if format == "xlsx":
        response = HttpResponse(
            preview_workbook(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}-preview.xlsx"'
        return response
    return report


@router.post("/{plan_id}/approve", response=PlanOut, summary="Approve a draft plan")
def plan_approve(request: HttpRequest, plan_id: Id):
    return _out(services.plan_approve(actor=request.user, plan=access_plan(request.user, plan_id)))


class DecisionsIn(Schema):
    carrier: Annotated[str, Field(pattern=r"^[a-z_]{1,64}$")]
    # Record id -> where it goes (a unit as the plan names it); at most 10,000 at a time.
    choices: Annotated[dict[int, Ref], Field(min_length=1, max_length=10_000)]


@router.post("/{plan_id}/decisions", summary="Decide where records that no rule routes go")
def plan_decide(request: HttpRequest, plan_id: Id, payload: DecisionsIn) -> dict:
    plan = access_plan(request.user, plan_id)
    count = services.decisions_record(
        actor=request.user, plan=plan, carrier=payload.carrier, choices=payload.choices
    )
    return {"recorded": count}


class GroupDecisionIn(Schema):
    carrier: Annotated[str, Field(pattern=r"^[a-z_]{1,64}$")]
    unit_id: BodyId
    key: BodyId | None = None
    to: Ref


@router.post(
    "/{plan_id}/decisions/groups",
    summary="Decide where a group of records of a split unit goes (by rule value, or all)",
)
def plan_decide_group(request: HttpRequest, plan_id: Id, payload: GroupDecisionIn) -> dict:
    plan = access_plan(request.user, plan_id)
    services.decisions_record_group(
        actor=request.user,
        plan=plan,
        carrier=payload.carrier,
        unit_id=payload.unit_id,
        key=payload.key,
        ref=payload.to,
    )
    return {"recorded": 1}


@router.post(
    "/{plan_id}/preview",
    response=PlanOut,
    summary="Count again what the plan would do, and keep it on the plan",
)
def plan_preview_refresh(request: HttpRequest, plan_id: Id):
    plan = access_plan(request.user, plan_id)
    services.plan_preview_store(actor=request.user, plan=plan)
    return _out(plan)


@router.post(
    "/{plan_id}/rehearse",
    summary="Apply the plan in full, check every invariant, and roll it back",
)
def plan_rehearse(request: HttpRequest, plan_id: Id) -> dict:
    plan = access_plan(request.user, plan_id)
    return services.plan_rehearse(actor=request.user, spec=services.spec_of(plan), plan=plan)


@router.post(
    "/{plan_id}/apply",
    response={200: PlanOut, 202: PlanOut},
    summary="Apply an approved plan: 200 when applied, 202 when it applies in batches outside "
    "the request (poll the plan for its progress)",
)
def plan_apply(request: HttpRequest, plan_id: Id):
    plan, outside = services.plan_start_apply(
        actor=request.user, plan=access_plan(request.user, plan_id)
    )
    return Status(202 if outside else 200, _out(plan))
