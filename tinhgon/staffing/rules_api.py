"""Staffing API of the rules, under /api/staff/rules: evaluations and discipline, leaders against
the norm, leavers. Reads need the unit in the user's scope; writes need write scope on the unit
that employs the official (accounts.access)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from tinhgon.accounts import access
from tinhgon.accounts.access import scopes_cached
from tinhgon.core.errors import DomainError
from tinhgon.core.schemas import PRINTABLE_REGEX, BodyId, Day, Id, QueryId
from tinhgon.staffing import access as staff_access
from tinhgon.staffing import evaluation, leaders, leavers
from tinhgon.staffing.models import Measure, Rating

router = Router(tags=["staff"])

Year = Annotated[int, Query(ge=evaluation.MIN_YEAR, le=evaluation.MAX_YEAR)]
Text = Annotated[str, Field(pattern=PRINTABLE_REGEX, min_length=1, max_length=300)]


class EvaluationIn(Schema):
    official_id: BodyId
    year: Annotated[int, Field(ge=evaluation.MIN_YEAR, le=evaluation.MAX_YEAR)]
    general_points: Annotated[int, Field(ge=0, le=evaluation.GENERAL_MAX)] | None = None
    task_points: Annotated[int, Field(ge=0, le=evaluation.TASK_MAX)] | None = None
    rating: Rating | None = Field(None, description="before 2026 only (from 2026: the band)")


class EvaluationOut(Schema):
    official_id: int
    year: int
    unit_id: int
    points: int | None
    rating: str
    forced_by: str


class MeasureIn(Schema):
    official_id: BodyId
    measure: Measure
    decision: Annotated[str, Field(pattern=PRINTABLE_REGEX, min_length=1, max_length=120)]
    decided_on: Day
    legal_basis: Text


class LeaverIn(Schema):
    official_id: BodyId
    # Literal, not the model's Kind: an enum named "Kind" would take the place of the units' one in
    # the OpenAPI document's components.
    kind: Literal["early_retirement", "resignation"]
    reason: Text
    decided_on: Day
    leaves_on: Day
    reorganized_on: Day = Field(description="the reorganization decision's effective day")
    retirement_on: Day | None = Field(None, description="required for early retirement")
    monthly_salary: Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=0)] | None = Field(
        None, description="VND; default: salary coefficient x base salary"
    )
    insured_months: Annotated[int, Field(ge=0, le=720)] | None = Field(
        None, description="default: from the hire date to leaves_on"
    )


class LeaverOut(Schema):
    id: int
    official_id: int
    kind: str
    total: int
    formula: str
    breakdown: dict[str, Any]


class PaidIn(Schema):
    paid_on: Day


def _read_unit(request: HttpRequest, unit_id: int) -> int:
    return access.access_any_version(request.user, unit_id).unit_id


@router.get(
    "/evaluations", summary="The evaluations of a unit in a year, their distribution and headroom"
)
def evaluations_read(request: HttpRequest, unit_id: QueryId, year: Year) -> dict[str, Any]:
    with scopes_cached():
        _read_unit(request, unit_id)
        data = evaluation.distribution(unit_id=unit_id, year=year).as_dict()
        data["evaluations"] = evaluation.evaluations_of(unit_id=unit_id, year=year)
        return data


@router.post(
    "/evaluations",
    response=EvaluationOut,
    summary="Record one evaluation: over the 20 % quota 400 (code outstanding_quota)",
)
def evaluation_write(request: HttpRequest, payload: EvaluationIn) -> Any:
    with scopes_cached():
        staff_access.access_official(request.user, payload.official_id, write=True)
        row = evaluation.evaluation_record(
            actor=request.user,
            official_id=payload.official_id,
            year=payload.year,
            general_points=payload.general_points,
            task_points=payload.task_points,
            rating=payload.rating,
        )
        return {
            "official_id": row.official_id,
            "year": row.year,
            "unit_id": row.unit_id,
            "points": row.points,
            "rating": row.rating,
            "forced_by": row.forced_by,
        }


@router.post("/measures", response={201: dict}, summary="Record a disciplinary measure")
def measure_write(request: HttpRequest, payload: MeasureIn) -> Any:
    with scopes_cached():
        staff_access.access_official(request.user, payload.official_id, write=True)
        row = evaluation.measure_record(
            actor=request.user,
            official_id=payload.official_id,
            measure=payload.measure,
            decision=payload.decision,
            decided_on=payload.decided_on,
            legal_basis=payload.legal_basis,
        )
        return Status(
            201, {"id": row.pk, "official_id": row.official_id, "decided_on": row.decided_on}
        )


@router.get("/leaders", summary="Leaders of a unit and the units under it against the norms")
def leaders_read(
    request: HttpRequest, unit_id: QueryId, as_of: Day | None = None
) -> dict[str, Any]:
    day = as_of or timezone.localdate()
    with scopes_cached():
        _read_unit(request, unit_id)
        ids = leaders.units_under(unit_id, day)
        return {
            "as_of": day,
            "units": leaders.norm_report(ids, day),
            "excess": leaders.excess_list(unit_ids=ids, today=day),
        }


@router.get("/leavers", summary="Leavers of a unit and the units under it, amounts and payment")
def leavers_read(request: HttpRequest, unit_id: QueryId) -> dict[str, Any]:
    today = timezone.localdate()
    with scopes_cached():
        _read_unit(request, unit_id)
        # The amounts are months of salary: only for those who manage the unit's people.
        try:
            access.access_unit(request.user, unit_id, write=True)
            amounts = True
        except DomainError:
            amounts = False
        return {
            "unit_id": unit_id,
            "leavers": leavers.leavers_of(
                unit_ids=leavers.units_answered_by(unit_id, today), amounts=amounts
            ),
        }


@router.post(
    "/leavers",
    response={201: LeaverOut},
    summary="Record a leaver: the amounts of the formula in force on the decision day",
)
def leaver_write(request: HttpRequest, payload: LeaverIn) -> Any:
    with scopes_cached():
        staff_access.access_official(request.user, payload.official_id, write=True)
        row = leavers.leaver_record(actor=request.user, **payload.dict())
        return Status(
            201,
            {
                "id": row.pk,
                "official_id": row.official_id,
                "kind": row.kind,
                "total": int(row.total),
                "formula": row.breakdown["formula"],
                "breakdown": row.breakdown,
            },
        )


@router.post(
    "/leavers/{leaver_id}/paid", summary="Mark a leaver's amounts paid (repeat: no change)"
)
def leaver_paid(request: HttpRequest, leaver_id: Id, payload: PaidIn) -> dict[str, Any]:
    with scopes_cached():
        leavers.access_leaver(request.user, leaver_id, write=True)
        row = leavers.leaver_pay(actor=request.user, leaver_id=leaver_id, paid_on=payload.paid_on)
        return {"id": row.pk, "payment": row.payment, "paid_on": row.paid_on}
