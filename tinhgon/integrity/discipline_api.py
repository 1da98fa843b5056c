"""Integrity API: discipline proceedings, under /api/integrity/discipline.

Thin: read through `discipline.visible_proceedings` (the official's managers; the official's own
account only once the proceeding is closed), call one service, answer the proceeding again.
Outside the scope 404; a reader who does not manage the official 403; an illegal move 409.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from tinhgon.accounts.access import access_unit, scopes_cached
from tinhgon.core.schemas import PRINTABLE_REGEX, BodyId, Id, QueryId
from tinhgon.integrity import discipline
from tinhgon.integrity.cases_api import Text
from tinhgon.integrity.models import Proceeding, ProceedingStatus

router = Router(tags=["integrity"])

PAGE_LIMIT = 500
MeasureName = Literal["reprimand", "warning", "demotion", "dismissal"]
Line = Annotated[str, Field(pattern=PRINTABLE_REGEX, max_length=300)]


class MeasureOut(Schema):
    measure: str
    decision: str
    decided_on: dt.date
    legal_basis: str


class ProceedingOut(Schema):
    id: int
    official_id: int
    official: str
    unit_id: int
    status: str
    status_name: str
    proposed_measure: str
    grounds: str
    case_id: int | None
    finding_id: int | None
    violation_on: dt.date | None
    opened_at: dt.datetime
    due_on: dt.date = Field(description="the 90th day of the handling time (Decree 172/2025)")
    closed_at: dt.datetime | None
    dropped_reason: str
    measure: MeasureOut | None
    version: int
    synthetic: bool


class ProceedingFilter(Schema):
    unit_id: QueryId | None = None
    status: Literal["proposed", "decided", "dropped"] | None = None
    limit: int = Field(100, ge=1, le=PAGE_LIMIT)
    offset: int = Field(0, ge=0, le=10**7)


def out(proceeding: Proceeding) -> dict:
    measure = proceeding.measure
    return {
        "id": proceeding.pk,
        "official_id": proceeding.official_id,
        "official": proceeding.official.full_name,
        "unit_id": proceeding.unit_id,
        "status": proceeding.status,
        "status_name": str(ProceedingStatus(proceeding.status).label),
        "proposed_measure": proceeding.proposed_measure,
        "grounds": proceeding.grounds,
        "case_id": proceeding.case_id,
        "finding_id": proceeding.finding_id,
        "violation_on": proceeding.violation_on,
        "opened_at": proceeding.opened_at,
        "due_on": discipline.due_on(proceeding),
        "closed_at": proceeding.closed_at,
        "dropped_reason": proceeding.dropped_reason,
        "measure": {
            "measure": measure.measure,
            "decision": measure.decision,
            "decided_on": measure.decided_on,
            "legal_basis": measure.legal_basis,
        }
        if measure is not None
        else None,
        "version": proceeding.version,
        "synthetic": proceeding.synthetic,
    }


@router.get(
    "/discipline",
    response=list[ProceedingOut],
    summary="Discipline proceedings of the officials you manage, newest first",
)
def proceeding_list(request: HttpRequest, filters: Query[ProceedingFilter]):
    with scopes_cached():
        found = discipline.visible_proceedings(request.user)
        if filters.unit_id is not None:
            access_unit(request.user, filters.unit_id)
            # The officials employed by the unit or by any unit serving it (a commune's
            # committee and offices), as the command line lists them.
            found = found.filter(pk__in=discipline.unit_proceedings(filters.unit_id).values("pk"))
        if filters.status is not None:
            found = found.filter(status=filters.status)
        rows = list(
            found.select_related("official", "measure").order_by("-opened_at", "-id")[
                filters.offset : filters.offset + filters.limit
            ]
        )
    return [out(p) for p in rows]


@router.get("/discipline/{proceeding_id}", response=ProceedingOut, summary="A proceeding")
def proceeding_get(request: HttpRequest, proceeding_id: Id):
    with scopes_cached():
        return out(discipline.readable_proceeding(request.user, proceeding_id))


class OpenIn(Schema):
    official_id: BodyId
    measure: MeasureName
    grounds: Text
    case_id: BodyId | None = None
    finding_id: BodyId | None = None
    violation_on: dt.date | None = None
    concerned_username: Annotated[str, Field(pattern=PRINTABLE_REGEX, max_length=150)] = ""


@router.post("/discipline", response=ProceedingOut, summary="Open a proceeding")
def proceeding_open(request: HttpRequest, payload: OpenIn):
    with scopes_cached():
        made = discipline.proceeding_open(actor=request.user, **payload.dict())
        return out(discipline.readable_proceeding(request.user, made.pk))


class DecideIn(Schema):
    measure: MeasureName
    decision: Annotated[str, Field(pattern=PRINTABLE_REGEX, min_length=1, max_length=120)]
    decided_on: dt.date
    legal_basis: Annotated[str, Field(pattern=PRINTABLE_REGEX, min_length=1, max_length=300)]
    version: int | None = Field(None, ge=1)


@router.post(
    "/discipline/{proceeding_id}/decide",
    response=ProceedingOut,
    summary="Decide: staffing records the measure (the year's evaluation is forced)",
)
def proceeding_decide(request: HttpRequest, proceeding_id: Id, payload: DecideIn):
    with scopes_cached():
        discipline.proceeding_decide(
            actor=request.user, proceeding_id=proceeding_id, **payload.dict()
        )
        return out(discipline.readable_proceeding(request.user, proceeding_id))


class DropIn(Schema):
    reason: Annotated[str, Field(pattern=PRINTABLE_REGEX, max_length=2000)]
    version: int | None = Field(None, ge=1)


@router.post(
    "/discipline/{proceeding_id}/drop", response=ProceedingOut, summary="Drop with a reason"
)
def proceeding_drop(request: HttpRequest, proceeding_id: Id, payload: DropIn):
    with scopes_cached():
        discipline.proceeding_drop(
            actor=request.user, proceeding_id=proceeding_id, **payload.dict()
        )
        return out(discipline.readable_proceeding(request.user, proceeding_id))
