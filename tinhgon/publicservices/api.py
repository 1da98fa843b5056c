"""The staff's API of dossiers: work lists, a dossier and its moves, filing at the counter."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema, Status

from tinhgon.accounts.access import scopes_cached
from tinhgon.core.schemas import PRINTABLE_REGEX, BodyId, Day, QueryId
from tinhgon.publicservices import moves, services, worklist
from tinhgon.publicservices.models import ProcedureVersion
from tinhgon.workdays.calendar import VIETNAM

router = Router(tags=["services"])
router.add_router("/figures", "tinhgon.publicservices.figures_api.router")
router.add_router("/documents", "tinhgon.publicservices.documents_api.router")

# Dossier codes: <centre code>-<YYYYMMDD>-<sequence>; centre codes are official codes.
DOSSIER_CODE = r"^[0-9A-Za-z][0-9A-Za-z._/-]{0,63}$"
DossierCode = Annotated[
    str,
    Path(pattern=DOSSIER_CODE, max_length=64, examples=["03667-20260302-000001"]),
]
Text = Annotated[str, Field(pattern=PRINTABLE_REGEX, max_length=services.NOTE_LIMIT)]


class DossierRow(Schema):
    code: str
    status: int
    status_name: str
    unit: str
    unit_name: str
    procedure: str
    procedure_name: str
    applicant: str
    applicant_id: str = Field(description="masked: ********1234")
    received: dt.datetime | None
    due: dt.datetime | None
    timeliness: str | None = Field(description="early, on_time, late, within, overdue")
    timeliness_name: str | None
    assignee: str | None
    promised: dt.datetime | None = Field(description="the new date of the latest apology")


class DossierPage(Schema):
    items: list[DossierRow]
    limit: int
    offset: int
    next_offset: int | None


class EventOut(Schema):
    move: str
    move_name: str
    from_status: int | None
    to_status: int
    status_name: str
    actor: str | None
    unit: str
    at: dt.datetime
    note: str


class ApologyOut(Schema):
    new_due: dt.datetime
    reason: str
    actor: str | None
    unit: str
    at: dt.datetime


class DossierOut(DossierRow):
    applicant_kind: str
    applicant_commune: str
    channel: str
    receiving_unit: str
    submitted: dt.datetime
    finished: dt.datetime | None
    returned: dt.datetime | None
    fees_due: int
    fees_paid: int
    outcome: str | None
    applicant_email: str | None = Field(description="only to those who may change the dossier")
    applicant_phone_last: str | None = Field(description="only to those who may change the dossier")
    events: list[EventOut]
    apologies: list[ApologyOut]
    moves: list[str] = Field(description="the moves the caller may apply now")


class DossierFilter(Schema):
    unit_id: QueryId | None = None
    # The work list is of open dossiers unless asked otherwise (false: the finished ones): the
    # open ones come from a partial index in due order, all of them would be sorted in full.
    open: bool = True
    status: int | None = Field(None, ge=1, le=10)
    overdue: bool | None = None
    assigned_to_me: bool = False
    limit: int = Field(100, ge=1, le=worklist.MAX_PAGE)
    offset: int = Field(0, ge=0, le=10_000_000)


@router.get(
    "/dossiers",
    response=DossierPage,
    summary="Dossiers in your scope, the soonest due first (a page of at most 500)",
)
def dossier_list(request: HttpRequest, filters: Query[DossierFilter]):
    items, more = worklist.page(
        request.user,
        worklist.Filters(
            unit_id=filters.unit_id,
            open=filters.open,
            status=filters.status,
            overdue=filters.overdue,
            assigned_to_me=filters.assigned_to_me,
        ),
        limit=filters.limit,
        offset=filters.offset,
    )
    return {
        "items": items,
        "limit": filters.limit,
        "offset": filters.offset,
        "next_offset": filters.offset + filters.limit if more else None,
    }


def _out(request: HttpRequest, code: str) -> dict:
    dossier = services.access_dossier(request.user, code)
    return worklist.detail(
        dossier, now=timezone.now(), contact=worklist.may_change(request.user, dossier)
    )


@router.get("/dossiers/{code}", response=DossierOut, summary="A dossier, its history, apologies")
def dossier_get(request: HttpRequest, code: DossierCode):
    return _out(request, code)


class FileIn(Schema):
    procedure_code: Annotated[str, Field(pattern=r"^[0-9A-Za-z.]{1,32}$", examples=["1.004194"])]
    applicant_kind: Literal["citizen", "business"]
    applicant_name: Annotated[
        str, Field(pattern=PRINTABLE_REGEX, min_length=1, max_length=services.NAME_LIMIT)
    ]
    applicant_id: Annotated[str, Field(pattern=r"^[0-9 .-]{1,20}$", description="kept masked")]
    applicant_commune_id: BodyId
    channel: Literal["in_person", "online", "postal"] = "in_person"
    receiving_unit_id: BodyId
    applicant_email: Annotated[str, Field(pattern=PRINTABLE_REGEX, max_length=254)] = ""
    applicant_phone: Annotated[
        str, Field(pattern=r"^[0-9 .+()-]{0,20}$", description="the number or its last 4 digits")
    ] = ""
    client_ref: Annotated[str, Field(pattern=r"^[0-9A-Za-z._:-]{1,64}$")] | None = Field(
        None, description="the same reference again returns the same dossier"
    )


@router.post(
    "/dossiers",
    response={201: DossierOut},
    summary="File a dossier at a counter (status 1); the same client_ref again gives the same",
)
def dossier_file(request: HttpRequest, payload: FileIn):
    with scopes_cached():
        return _file(request, payload)


def _file(request: HttpRequest, payload: FileIn) -> Status:
    filed = services.dossier_file(
        actor=request.user,
        procedure_code=payload.procedure_code,
        applicant_kind=payload.applicant_kind,
        applicant_name=payload.applicant_name,
        applicant_id=payload.applicant_id,
        applicant_commune_id=payload.applicant_commune_id,
        channel=payload.channel,
        receiving_unit_id=payload.receiving_unit_id,
        applicant_email=payload.applicant_email,
        applicant_phone=payload.applicant_phone,
        client_ref=payload.client_ref,
    )
    if filed.event is not None:
        # A new dossier answers from what was filed; one the actor may not read, as before.
        shown = worklist.filed_detail(request.user, filed, now=timezone.now())
        if shown is not None:
            return Status(201, shown)
    # A client_ref of someone else's dossier finds nothing beyond one's scope.
    return Status(201, _out(request, filed.dossier.code))


class MoveIn(Schema):
    note: Text = ""
    assignee: BodyId | Annotated[str, Field(pattern=r"^[\w.@+-]{1,150}$")] | None = Field(
        None, description="assign: the official's username or id"
    )
    amount: int | None = Field(None, ge=1, le=services.MAX_FEE, description="request_payment")
    to_unit_id: BodyId | None = Field(None, description="transfer: the unit")
    new_due_at: Day | dt.datetime | None = Field(
        None,
        description="apologize: the new date (a date means its close of business, 17:00)",
    )
    reason: Text = Field("", description="apologize: why the dossier will be late")


MoveName = Literal[
    "receive",
    "refuse",
    "assign",
    "request_supplement",
    "supplement",
    "request_payment",
    "pay",
    "transfer",
    "approve",
    "reject",
    "stop",
    "withdraw",
    "return_result",
    "apologize",
]


@router.post(
    "/dossiers/{code}/{move}",
    response=DossierOut,
    summary="Apply a move: illegal now 409, outside your scope 404, read-only 403",
    description="What each move needs in the body: refuse, request_supplement, reject, stop: "
    "note (the reason); assign: assignee; request_payment: amount (đồng); transfer: to_unit_id "
    "(note optional); apologize: new_due_at and reason (only before the due date passes); "
    "supplement, approve, withdraw: note optional; receive, pay, return_result: nothing.",
)
def dossier_move(
    request: HttpRequest, code: DossierCode, move: MoveName, payload: MoveIn | None = None
):
    given = payload or MoveIn.model_validate({})
    new_due_at = given.new_due_at
    if isinstance(new_due_at, dt.datetime):
        new_due_at = new_due_at if new_due_at.tzinfo else new_due_at.replace(tzinfo=VIETNAM)
    elif isinstance(new_due_at, dt.date):
        new_due_at = services.close_of_business(new_due_at)
    dossier = moves.apply(
        request.user,
        code,
        move,
        moves.MoveInput(
            note=given.note,
            assignee=given.assignee,
            amount=given.amount,
            to_unit_id=given.to_unit_id,
            new_due_at=new_due_at,
            reason=given.reason,
        ),
    )
    return _out(request, dossier.code)


class FeeOut(Schema):
    name: str
    amount: int | None
    note: str = ""


class ProcedureOut(Schema):
    code: str
    name: str
    field: str
    level: str
    authority: str
    days: int
    online: str
    fees: list[FeeOut]
    valid_from: dt.date
    valid_to: dt.date | None


@router.get(
    "/procedures", response=list[ProcedureOut], summary="The procedure catalogue in force on a day"
)
def procedure_list(request: HttpRequest, as_of: Day | None = None):
    day = as_of or timezone.localdate()
    versions = (
        ProcedureVersion.objects.filter(valid_from__lte=day)
        .exclude(valid_to__lt=day)
        .select_related("procedure")
        .order_by("procedure__code")
    )
    return [
        {
            "code": v.procedure.code,
            "name": v.name,
            "field": v.field,
            "level": v.level,
            "authority": v.authority,
            "days": v.days,
            "online": v.online,
            "fees": [
                {"name": f.get("name", ""), "amount": f.get("amount"), "note": f.get("note") or ""}
                for f in v.fees
            ],
            "valid_from": v.valid_from,
            "valid_to": v.valid_to,
        }
        for v in versions
    ]
