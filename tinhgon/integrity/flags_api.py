"""Integrity API: red flags (/api/integrity/flags). They name officials: readable only with a
scope on their unit, dismissed only with write scope there (an inspector)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from tinhgon.core.schemas import Id, QueryId
from tinhgon.integrity import flags

router = Router(tags=["integrity"])


class FlagOut(Schema):
    id: int
    official: str
    official_name: str
    staff: int | None
    unit: int
    kind: str
    procedure: str | None
    score: float
    dossiers: list[str]
    explanation: str
    peers: dict[str, Any]
    computed_at: dt.datetime
    dismissed: bool
    dismissed_reason: str


class DismissIn(Schema):
    reason: str = Field(max_length=flags.REASON_LIMIT)


@router.get("", response=list[FlagOut], summary="The red flags of a unit")
def flag_list(request: HttpRequest, unit: QueryId, dismissed: bool = False):
    found = flags.flags_of_unit(request.user, unit_id=unit, dismissed=dismissed)
    return [flags.as_json(f) for f in found[:1000]]


@router.post("/{flag_id}/dismiss", response=FlagOut, summary="Dismiss a red flag with a reason")
def flag_dismiss(request: HttpRequest, flag_id: Id, body: DismissIn):
    done = flags.flag_dismiss(actor=request.user, flag_id=flag_id, reason=body.reason)
    return flags.as_json(done)
