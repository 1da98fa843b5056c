"""Coordination API: tasks (list, detail with history and the moves legal now, moves).

Thin: authenticate (the project's API auth), read through the scope (selectors.visible_tasks,
services.access_task), call one service per move, return the task again. A task outside the
reader's scope answers 404, a move of the other side 403, an illegal move 409.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from tinhgon.accounts.access import access_unit, scopes_cached
from tinhgon.coordination import selectors, services
from tinhgon.coordination.models import OPEN_TASK, Extension, Task, TaskStatus
from tinhgon.core.errors import DomainError, NotFound, Problem
from tinhgon.core.schemas import PRINTABLE_REGEX, BodyId, Day, Id, QueryId

router = Router(tags=["coordination"])

Text = Annotated[str, Field(pattern=PRINTABLE_REGEX, max_length=services.NOTE_LIMIT)]
PAGE_LIMIT = 500


class TaskRow(Schema):
    id: int
    directive: str = Field(description="the directive's number")
    directive_id: int
    title: str
    unit: str = Field(description="the lead unit's code")
    unit_id: int
    due: dt.date
    status: str
    status_name: str
    overdue: bool
    parent: int | None
    merged_into: int | None
    synthetic: bool


class EventOut(Schema):
    task: int
    move: str
    from_status: str
    to_status: str
    actor: str | None
    unit_id: int | None
    at: dt.datetime
    note: str
    has_file: bool


class ExtensionOut(Schema):
    id: int
    new_due: dt.date
    reason: str
    state: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None


class TaskOut(TaskRow):
    report_required: str
    cooperators: list[int]
    moves: list[str] = Field(description="the moves you may make now")
    history: list[EventOut] = Field(description="with the tasks merged into this one")
    extensions: list[ExtensionOut]


class TaskFilter(Schema):
    unit_id: QueryId | None = None
    open: bool | None = None
    overdue: bool | None = None
    directive_id: QueryId | None = None
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


def _row(task: Task, codes: dict[int, str], today: dt.date) -> dict:
    return {
        "id": task.pk,
        "directive": task.directive.number,
        "directive_id": task.directive_id,
        "title": task.title,
        "unit": codes.get(task.unit_id, str(task.unit_id)),
        "unit_id": task.unit_id,
        "due": task.due,
        "status": task.status,
        "status_name": str(TaskStatus(task.status).label),
        "overdue": task.status in selectors.UNREPORTED and task.due < today,
        "parent": task.parent_id,
        "merged_into": task.merged_into_id,
        "synthetic": task.synthetic,
    }


@router.get("/tasks", response=list[TaskRow], summary="Tasks in your scope, open first")
def task_list(request: HttpRequest, filters: Query[TaskFilter]):
    today = timezone.localdate()
    with scopes_cached():
        tasks = selectors.visible_tasks(request.user)
        if filters.unit_id is not None:
            access_unit(request.user, filters.unit_id)
            tasks = tasks.filter(unit_id=filters.unit_id)
        if filters.directive_id is not None:
            tasks = tasks.filter(directive_id=filters.directive_id)
        if filters.open is not None:
            tasks = (
                tasks.filter(status__in=OPEN_TASK)
                if filters.open
                else tasks.exclude(status__in=OPEN_TASK)
            )
        if filters.overdue:
            tasks = selectors.overdue(tasks, today=today)
        found = list(
            selectors.annotated(tasks, today=today)[filters.offset : filters.offset + filters.limit]
        )
    codes = _codes({t.unit_id for t in found})
    return [_row(t, codes, today) for t in found]


def _out(request: HttpRequest, task_id: int) -> dict:
    today = timezone.localdate()
    task = services.access_task(request.user, task_id)
    codes = _codes({task.unit_id})
    history = [
        {
            "task": e.task_id,
            "move": e.move,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "actor": e.actor.get_username() if e.actor else None,
            "unit_id": e.unit_id,
            "at": e.at,
            "note": e.note,
            "has_file": bool(e.file),
        }
        for e in selectors.history(task)
    ]
    return {
        **_row(task, codes, today),
        "report_required": task.report_required,
        "cooperators": list(task.cooperators.values_list("unit_id", flat=True)),
        "moves": services.legal_moves(request.user, task),
        "history": history,
        "extensions": list(
            Extension.objects.filter(task=task)
            .order_by("id")
            .values("id", "new_due", "reason", "state", "requested_at", "decided_at")
        ),
    }


@router.get("/tasks/{task_id}", response=TaskOut, summary="A task, its history and legal moves")
def task_get(request: HttpRequest, task_id: Id):
    with scopes_cached():
        return _out(request, task_id)


MoveName = Literal[
    "receive", "start", "report", "accept", "return", "comment", "delegate", "extension_request"
]


class MoveIn(Schema):
    note: Text = ""
    reason: Text = ""
    unit_id: BodyId | None = Field(None, description="delegate: the unit below the lead unit")
    due: Day | None = Field(None, description="delegate: the child task's deadline")
    new_due: Day | None = Field(None, description="extension_request: the deadline asked for")


def _required(value: object, name: str) -> None:
    if value in (None, ""):
        raise DomainError(
            _("%(field)s is required.") % {"field": name},
            problems=[Problem(_("required"), field=name)],
        )


@router.post(
    "/tasks/{task_id}/{move}",
    response=TaskOut,
    summary="Apply a move: illegal now 409, outside your scope 404, the other side's 403",
    description="report: note; return: reason; delegate: unit_id (due optional); "
    "extension_request: new_due and reason; comment: note; receive, start, accept: nothing.",
)
def task_move(request: HttpRequest, task_id: Id, move: MoveName, payload: MoveIn | None = None):
    given = payload or MoveIn.model_validate({})
    user = request.user
    with scopes_cached():
        if move == "receive":
            services.task_receive(actor=user, task_id=task_id)
        elif move == "start":
            services.task_start(actor=user, task_id=task_id, note=given.note)
        elif move == "report":
            services.task_report(actor=user, task_id=task_id, note=given.note)
        elif move == "accept":
            services.task_accept(actor=user, task_id=task_id, note=given.note)
        elif move == "return":
            services.task_return(actor=user, task_id=task_id, reason=given.reason or given.note)
        elif move == "comment":
            services.task_comment(actor=user, task_id=task_id, note=given.note)
        elif move == "delegate":
            _required(given.unit_id, "unit_id")
            assert given.unit_id is not None
            services.task_delegate(
                actor=user, task_id=task_id, unit_id=given.unit_id, due=given.due, note=given.note
            )
        elif move == "extension_request":
            _required(given.new_due, "new_due")
            assert given.new_due is not None
            services.extension_request(
                actor=user, task_id=task_id, new_due=given.new_due, reason=given.reason
            )
        return _out(request, task_id)


class DecisionIn(Schema):
    approve: bool
    note: Text = ""


@router.post(
    "/extensions/{extension_id}",
    response=TaskOut,
    summary="Approve or refuse a request for more time (the issuing body)",
)
def extension_decide(request: HttpRequest, extension_id: Id, payload: DecisionIn):
    with scopes_cached():
        extension = Extension.objects.filter(pk=extension_id).first()
        if extension is None:
            raise NotFound(_("No request for more time %(id)s.") % {"id": extension_id})
        services.access_task(request.user, extension.task_id)
        services.extension_decide(
            actor=request.user,
            extension_id=extension_id,
            approve=payload.approve,
            note=payload.note,
        )
        return _out(request, extension.task_id)
