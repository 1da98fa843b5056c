"""Integrity API: cases (list, detail with history, receive, moves).

Thin: authenticate (the project's API auth), read through the scope (`visible_cases`), call one
service, return the case again. A case outside the reader's scope answers 404, a move by someone
who is not its handler 403, an illegal move 409. The author's name and contact appear in the
detail for the handler only (`cases.author_for`); for everyone else they are null.

Who reads a case: those whose scope covers its handler unit; for feedback and complaints also
those whose scope covers the unit concerned. A denunciation is not shown to the unit it concerns.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from tinhgon.accounts.access import access_unit, scopes_cached
from tinhgon.core.schemas import PRINTABLE_REGEX, BodyId, Id, QueryId
from tinhgon.integrity import cases
from tinhgon.integrity.cases import readable_case as access_case
from tinhgon.integrity.cases import visible_cases
from tinhgon.integrity.models import OPEN_CASE, Case, CaseStatus

router = Router(tags=["integrity"])

Line = Annotated[str, Field(pattern=PRINTABLE_REGEX, max_length=300)]
# Several lines: tabs and line breaks, no other control character (a NUL fails PostgreSQL).
TEXT_REGEX = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
Text = Annotated[str, Field(pattern=TEXT_REGEX, max_length=20000)]
PAGE_LIMIT = 500


class CaseRow(Schema):
    id: int
    kind: str
    variant: str
    status: str
    status_name: str
    subject: str
    unit: str = Field(description="the unit concerned's code")
    unit_id: int
    handler_unit: str = Field(description="the handler unit's code")
    handler_unit_id: int
    received_at: dt.datetime
    due: dt.datetime
    extensions: int
    overdue: bool
    anonymous: bool
    synthetic: bool


class AuthorOut(Schema):
    name: str
    contact: str


class EventOut(Schema):
    move: str
    from_status: str
    to_status: str
    actor: str | None
    unit_id: int | None
    at: dt.datetime
    note: str


class CaseOut(CaseRow):
    body: str
    channel: str
    official_id: int | None
    dossier_code: str
    decision: str
    decided_at: dt.datetime | None
    version: int
    author: AuthorOut | None = Field(description="for the handler only; null for anyone else")
    history: list[EventOut]


class CaseFilter(Schema):
    unit_id: QueryId | None = None
    open: bool | None = None
    limit: int = Field(100, ge=1, le=PAGE_LIMIT)
    offset: int = Field(0, ge=0, le=10**7)


def _codes(unit_ids: set[int]) -> dict[int, str]:
    from tinhgon.units.models import UnitVersion

    found = (
        UnitVersion.objects.filter(unit_id__in=unit_ids)
        .order_by("unit_id", "-valid_from")
        .values_list("unit_id", "code")
    )
    codes: dict[int, str] = {}
    for unit_id, code in found:
        codes.setdefault(unit_id, code)
    return codes


def _row(case: Case, codes: dict[int, str], now: dt.datetime) -> dict:
    return {
        "id": case.pk,
        "kind": case.kind,
        "variant": case.variant,
        "status": case.status,
        "status_name": str(CaseStatus(case.status).label),
        "subject": case.subject,
        "unit": codes.get(case.unit_id, str(case.unit_id)),
        "unit_id": case.unit_id,
        "handler_unit": codes.get(case.handler_unit_id, str(case.handler_unit_id)),
        "handler_unit_id": case.handler_unit_id,
        "received_at": case.received_at,
        "due": case.due,
        "extensions": case.extensions,
        "overdue": case.status in OPEN_CASE and case.due < now,
        "anonymous": case.anonymous,
        "synthetic": case.synthetic,
    }


@router.get("/cases", response=list[CaseRow], summary="Cases in your scope, soonest due first")
def case_list(request: HttpRequest, filters: Query[CaseFilter]):
    with scopes_cached():
        found = visible_cases(request.user)
        if filters.unit_id is not None:
            access_unit(request.user, filters.unit_id)
            found = found.filter(Q(unit_id=filters.unit_id) | Q(handler_unit_id=filters.unit_id))
        if filters.open is not None:
            found = (
                found.filter(status__in=OPEN_CASE)
                if filters.open
                else found.exclude(status__in=OPEN_CASE)
            )
        rows = list(found.order_by("due", "id")[filters.offset : filters.offset + filters.limit])
    codes = _codes({c.unit_id for c in rows} | {c.handler_unit_id for c in rows})
    now = timezone.now()
    return [_row(c, codes, now) for c in rows]


def _out(request: HttpRequest, case_id: int) -> dict:
    case = access_case(request.user, case_id)
    codes = _codes({case.unit_id, case.handler_unit_id})
    author = cases.author_for(request.user, case)
    history = [
        {
            "move": e.move,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "actor": e.actor.get_username() if e.actor else None,
            "unit_id": e.unit_id,
            "at": e.at,
            "note": e.note,
        }
        for e in case.events.select_related("actor").order_by("id")
    ]
    return {
        **_row(case, codes, timezone.now()),
        "body": case.body,
        "channel": case.channel,
        "official_id": case.official_id,
        "dossier_code": case.dossier_code,
        "decision": case.decision,
        "decided_at": case.decided_at,
        "version": case.version,
        "author": {"name": author.name, "contact": author.contact} if author else None,
        "history": history,
    }


@router.get("/cases/{case_id}", response=CaseOut, summary="A case and its history")
def case_get(request: HttpRequest, case_id: Id):
    with scopes_cached():
        return _out(request, case_id)


class ReceiveIn(Schema):
    kind: Literal["feedback", "complaint", "denunciation"]
    variant: Literal["normal", "complex", "remote"] = "normal"
    subject: Line
    body: Text
    channel: Literal["online", "desk"] = "desk"
    unit_id: BodyId
    official_id: BodyId | None = None
    dossier_code: Annotated[str, Field(pattern=PRINTABLE_REGEX, max_length=40)] = ""
    anonymous: bool = False
    author_name: Line = ""
    author_contact: Line = ""


@router.post("/cases", response=CaseOut, summary="Receive a case (routed at once)")
def case_receive(request: HttpRequest, payload: ReceiveIn):
    with scopes_cached():
        access_unit(request.user, payload.unit_id, write=True)
        case = cases.case_receive(actor=request.user, **payload.dict())
        # The desk that typed the author in is not the handler: the answer shows it no more.
        return _out(request, case.pk) if _visible(request, case.pk) else _receipt(case)


def _visible(request: HttpRequest, case_id: int) -> bool:
    return visible_cases(request.user).filter(pk=case_id).exists()


def _receipt(case: Case) -> dict:
    codes = _codes({case.unit_id, case.handler_unit_id})
    return {
        **_row(case, codes, timezone.now()),
        "body": "",
        "channel": case.channel,
        "official_id": None,
        "dossier_code": "",
        "decision": "",
        "decided_at": None,
        "version": case.version,
        "author": None,
        "history": [],
    }


MoveName = Literal["accept", "extend", "decide", "close"]


class MoveIn(Schema):
    version: int | None = Field(None, ge=1, description="the version you read (optional)")
    reason: Annotated[str, Field(pattern=PRINTABLE_REGEX, max_length=2000)] = ""
    extensions: int | None = Field(None, ge=1, le=10, description="extend: the count it reaches")
    decision: Text = ""


@router.post(
    "/cases/{case_id}/{move}",
    response=CaseOut,
    summary="Apply a move: illegal now 409, outside your scope 404, not the handler 403",
    description="extend: reason and extensions; decide: decision; accept, close: nothing.",
)
def case_move(request: HttpRequest, case_id: Id, move: MoveName, payload: MoveIn | None = None):
    given = payload or MoveIn.model_validate({})
    user = request.user
    with scopes_cached():
        access_case(user, case_id)
        if move == "accept":
            cases.case_accept(actor=user, case_id=case_id, version=given.version)
        elif move == "extend":
            case = Case.objects.get(pk=case_id)
            cases.case_extend(
                actor=user,
                case_id=case_id,
                reason=given.reason,
                extensions=given.extensions or case.extensions + 1,
                version=given.version,
            )
        elif move == "decide":
            cases.case_decide(
                actor=user, case_id=case_id, decision=given.decision, version=given.version
            )
        elif move == "close":
            cases.case_close(actor=user, case_id=case_id, version=given.version)
        return _out(request, case_id)
