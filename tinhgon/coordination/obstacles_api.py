"""Coordination API: obstacles (/api/coord/obstacles): raise, the body's inbox, answer,
publish, close, and the published guidance's search."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from tinhgon.coordination import obstacles
from tinhgon.coordination.models import Obstacle
from tinhgon.coordination.reports import unit_names
from tinhgon.core.schemas import PRINTABLE_REGEX, BodyId, Id

router = Router(tags=["coordination"])


class ObstacleIn(Schema):
    unit_id: BodyId
    category: str = Field(max_length=16)
    subject: str = Field(pattern=PRINTABLE_REGEX, max_length=obstacles.SUBJECT_LIMIT)
    body: str = Field(max_length=obstacles.BODY_LIMIT)
    plan_ref: BodyId | None = None
    dossier_code: str = Field("", pattern=PRINTABLE_REGEX, max_length=64)


class AnswerIn(Schema):
    answer: str = Field(max_length=obstacles.ANSWER_LIMIT)


class PublishIn(Schema):
    published: bool = True


class ObstacleOut(Schema):
    id: int
    unit: str
    category: str
    subject: str
    body: str
    responsible: str
    due: dt.date
    status: str
    raised_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None
    published: bool


def _out(found: list[Obstacle]) -> list[dict]:
    codes = unit_names(
        {o.unit_id for o in found} | {o.responsible_id for o in found}, timezone.localdate()
    )
    return [
        {
            "id": o.pk,
            "unit": codes[o.unit_id][0],
            "category": o.category,
            "subject": o.subject,
            "body": o.body,
            "responsible": codes[o.responsible_id][0],
            "due": o.due,
            "status": o.status,
            "raised_at": o.raised_at,
            "answer": o.answer,
            "answered_at": o.answered_at,
            "published": o.published,
        }
        for o in found
    ]


@router.get("", response=list[ObstacleOut], summary="Obstacles raised by your units")
def obstacle_list(request: HttpRequest, open: bool = False):
    return _out(list(obstacles.raised(request.user, open_only=open)[:1000]))


@router.get("/inbox", response=list[ObstacleOut], summary="Obstacles your body must answer")
def obstacle_inbox(request: HttpRequest, open: bool = True):
    return _out(list(obstacles.inbox(request.user, open_only=open)[:1000]))


@router.get("/guidance", response=list[ObstacleOut], summary="Search the published answers")
def obstacle_guidance(
    request: HttpRequest,
    q: Annotated[str, Query(pattern=PRINTABLE_REGEX, max_length=200)] = "",
):
    return _out(obstacles.guidance(request.user, q))


@router.post("", response={201: ObstacleOut}, summary="Raise an obstacle")
def obstacle_raise(request: HttpRequest, body: ObstacleIn):
    made = obstacles.obstacle_raise(actor=request.user, **body.dict())
    return Status(201, _out([made])[0])


@router.get("/{obstacle_id}", response=ObstacleOut, summary="An obstacle")
def obstacle_get(request: HttpRequest, obstacle_id: Id):
    return _out([obstacles.access_obstacle(request.user, obstacle_id)])[0]


@router.post("/{obstacle_id}/answer", response=ObstacleOut, summary="Answer an obstacle")
def obstacle_answer(request: HttpRequest, obstacle_id: Id, body: AnswerIn):
    done = obstacles.obstacle_answer(
        actor=request.user, obstacle_id=obstacle_id, answer=body.answer
    )
    return _out([done])[0]


@router.post("/{obstacle_id}/publish", response=ObstacleOut, summary="Publish as guidance")
def obstacle_publish(request: HttpRequest, obstacle_id: Id, body: PublishIn):
    done = obstacles.obstacle_publish(
        actor=request.user, obstacle_id=obstacle_id, published=body.published
    )
    return _out([done])[0]


@router.post("/{obstacle_id}/close", response=ObstacleOut, summary="Close with its answer")
def obstacle_close(request: HttpRequest, obstacle_id: Id):
    return _out([obstacles.obstacle_close(actor=request.user, obstacle_id=obstacle_id)])[0]
