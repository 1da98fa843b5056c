"""Directives and their tasks: issue a directive, then one function per move of a task.

Every move
- refuses an illegal move with a DomainError naming the task, its status and the move (code
  "illegal_move", 409);
- does nothing when it is repeated (the same move again while the task is where that move left
  it): no second history row;
- applies with a conditional UPDATE (WHERE status = the status read AND version = the version
  read), so of two clicks at once one applies and the other sees its result;
- writes one `TaskEvent` (actor, unit, time) in the same transaction;
- checks the actor's scope through `tinhgon.accounts.access` (actor None: the operator or the
  system, as in commands): the lead unit's moves (receive, start, report, delegate, ask for more
  time) need write access to the lead unit, the issuer's (accept, return, decide on more time)
  write access to the issuing unit.

"Overdue" is not a status: an open task past its due date without a report (selectors.overdue).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhgon.accounts.access import access_unit, records_filter, scope_for, unit_filter
from tinhgon.coordination.models import (
    OPEN_TASK,
    Directive,
    Extension,
    Task,
    TaskCooperator,
    TaskEvent,
    TaskStatus,
)
from tinhgon.core.errors import DomainError, Forbidden, NotFound, Problem
from tinhgon.core.models import audit
from tinhgon.units import selectors as units
from tinhgon.units.kinds import KINDS_BY_LEVEL, Kind, Level
from tinhgon.units.models import UnitVersion

NUMBER_LIMIT = 60
SUBJECT_LIMIT = 300
TITLE_LIMIT = 300
NOTE_LIMIT = 4000
# Documents a directive or a report carries: office formats, PDF and pictures of signed pages.
FILE_TYPES = frozenset({".pdf", ".doc", ".docx", ".odt", ".xls", ".xlsx", ".ods", ".jpg", ".png"})
# Tasks of one directive: "every commune" in the largest province is a few hundred.
TASK_LIMIT = 5000
# How far ahead a deadline may be set or moved (a directive of a term, at most).
MAX_DAYS_AHEAD = 5 * 366


def max_file_bytes() -> int:
    return int(getattr(settings, "TINHGON_COORD_FILE_BYTES", 20 * 1024 * 1024))


# -- targets ---------------------------------------------------------------------------------
class TargetKind:
    """Every unit of a kind in the province, as a directive names them."""

    COMMUNES = "communes"  # every commune, ward and special zone
    DEPARTMENTS = "departments"  # every provincial department

    labels = {
        COMMUNES: gettext_lazy("every commune and ward"),
        DEPARTMENTS: gettext_lazy("every provincial department"),
    }


@dataclass(frozen=True)
class TaskSpec:
    """What a directive asks of its targets: one unit, a list (`unit_ids`), or every unit of a
    kind in the province (`every`); each target gets its own task with this deadline."""

    title: str
    due: dt.date
    unit_ids: Sequence[int] = ()
    every: str = ""
    report_required: str = ""
    cooperator_ids: Sequence[int] = field(default_factory=tuple)


def _targets(spec: TaskSpec, province_id: int, day: dt.date, index: int) -> list[UnitVersion]:
    """The open versions of the spec's lead units in the province on `day`."""
    in_province = units.versions_on(day).filter(Q(province_id=province_id) | Q(unit_id=province_id))
    where = f"tasks[{index}]"
    if spec.every and spec.unit_ids:
        raise DomainError(
            _("A task goes to listed units or to every unit of a kind, not both."),
            problems=[Problem(_("choose one"), field=f"{where}.every")],
        )
    if spec.every == TargetKind.COMMUNES:
        found = in_province.filter(kind__in=KINDS_BY_LEVEL[Level.COMMUNE])
    elif spec.every == TargetKind.DEPARTMENTS:
        found = in_province.filter(kind=Kind.DEPARTMENT)
    elif spec.every:
        raise DomainError(
            _("Unknown target %(every)s.") % {"every": spec.every[:40]},
            problems=[Problem(_("communes or departments"), field=f"{where}.every")],
        )
    else:
        wanted = list(dict.fromkeys(spec.unit_ids))
        if not wanted:
            raise DomainError(
                _("Task %(n)s has no target unit.") % {"n": index + 1},
                problems=[Problem(_("choose at least one unit"), field=f"{where}.units")],
            )
        found = in_province.filter(unit_id__in=wanted)
        missing = set(wanted) - set(found.values_list("unit_id", flat=True))
        if missing:
            raise DomainError(
                _("Units %(ids)s are not open in the province on %(day)s.")
                % {"ids": ", ".join(str(i) for i in sorted(missing)[:10]), "day": day.isoformat()},
                problems=[Problem(_("not in the province"), field=f"{where}.units")],
            )
    targets = list(found.order_by("name_sort", "unit_id"))
    if not targets:
        raise DomainError(
            _("Task %(n)s reaches no unit.") % {"n": index + 1},
            problems=[Problem(_("no unit of that kind"), field=f"{where}.every")],
        )
    return targets


def _text(value: str, *, name: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if "\x00" in value:  # PostgreSQL refuses it in text: a clear 400, not a 500
        raise DomainError(
            _("%(field)s contains a null character.") % {"field": name},
            problems=[Problem(_("null character"), field=name)],
        )
    if required and not value:
        raise DomainError(
            _("%(field)s is required.") % {"field": name},
            problems=[Problem(_("required"), field=name)],
        )
    if len(value) > limit:
        raise DomainError(
            _("%(field)s is too long.") % {"field": name},
            problems=[Problem(_("at most %(max)s characters") % {"max": limit}, field=name)],
        )
    return value


def check_file(upload: UploadedFile | None, *, name: str = "file") -> UploadedFile | None:
    """A document within the size limit and of an accepted type (by its extension), or None."""
    if upload is None:
        return None
    filename = (upload.name or "")[-200:]
    if PurePath(filename.lower()).suffix not in FILE_TYPES:
        raise DomainError(
            _("%(file)s is not an accepted document (PDF, Word, Excel, OpenDocument, JPG, PNG).")
            % {"file": filename or "?"},
            problems=[Problem(_("not an accepted type"), field=name)],
        )
    if upload.size is None or upload.size > max_file_bytes():
        raise DomainError(
            _("%(file)s is too large: at most %(mb)s MB.")
            % {"file": filename, "mb": max_file_bytes() // (1024 * 1024)},
            code="too_large",
            status=413,
            problems=[Problem(_("too large"), field=name)],
        )
    return upload


def _due(value: dt.date, *, today: dt.date, name: str) -> dt.date:
    if value < today or value > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise DomainError(
            _("The deadline %(day)s is in the past or too far ahead.") % {"day": value.isoformat()},
            problems=[Problem(_("from today, within five years"), field=name)],
        )
    return value


def _user(actor):  # type: ignore[no-untyped-def]
    return actor if getattr(actor, "is_authenticated", False) else None


# -- directives ------------------------------------------------------------------------------
def directive_issue(  # type: ignore[no-untyped-def]
    *,
    actor,
    issuer_id: int,
    number: str,
    issued_on: dt.date,
    subject: str,
    tasks: Sequence[TaskSpec],
    body: str = "",
    file: UploadedFile | None = None,
    synthetic: bool = False,
) -> Directive:
    """Issue a directive of a provincial body and create its tasks: one per lead unit of each
    spec, all in one transaction (set-based: one insert of the tasks, one of their first events,
    one of their cooperators). The same number and date in the province is refused."""
    today = timezone.localdate()
    number = _text(number, name="number", limit=NUMBER_LIMIT)
    subject = _text(subject, name="subject", limit=SUBJECT_LIMIT)
    body = _text(body, name="body", limit=20_000, required=False)
    file = check_file(file)
    if issued_on > today:
        raise DomainError(
            _("A directive cannot be dated after today (%(day)s).") % {"day": today.isoformat()},
            problems=[Problem(_("today or earlier"), field="issued_on")],
        )
    if not tasks:
        raise DomainError(
            _("A directive assigns at least one task."),
            problems=[Problem(_("add a task"), field="tasks")],
        )
    issuer = (
        units.version_on(issuer_id, today)
        if actor is None
        else access_unit(actor, issuer_id, write=True)
    )
    province_id = issuer.province_id or issuer.unit_id
    if issuer.level != Level.PROVINCE:
        raise DomainError(
            _("%(unit)s is not a provincial body: directives come from the province.")
            % {"unit": issuer.name},
            problems=[Problem(_("a provincial body"), field="issuer")],
        )
    plans: list[tuple[TaskSpec, str, str, list[UnitVersion], list[int]]] = []
    for index, spec in enumerate(tasks):
        title = _text(spec.title, name=f"tasks[{index}].title", limit=TITLE_LIMIT)
        report = _text(
            spec.report_required, name=f"tasks[{index}].report", limit=NOTE_LIMIT, required=False
        )
        _due(spec.due, today=min(today, issued_on), name=f"tasks[{index}].due")
        targets = _targets(spec, province_id, today, index)
        cooperators = list(dict.fromkeys(spec.cooperator_ids))
        if cooperators:
            found = set(
                units.versions_on(today)
                .filter(Q(province_id=province_id) | Q(unit_id=province_id))
                .filter(unit_id__in=cooperators)
                .values_list("unit_id", flat=True)
            )
            if set(cooperators) - found:
                raise DomainError(
                    _("Cooperating units must be open in the province."),
                    problems=[
                        Problem(_("not in the province"), field=f"tasks[{index}].cooperators")
                    ],
                )
        plans.append((spec, title, report, targets, cooperators))
    if sum(len(p[3]) for p in plans) > TASK_LIMIT:
        raise DomainError(
            _("A directive creates at most %(max)s tasks.") % {"max": TASK_LIMIT},
            problems=[Problem(_("too many targets"), field="tasks")],
        )
    try:
        with transaction.atomic():
            directive = Directive.objects.create(
                province_id=province_id,
                issuer_id=issuer.unit_id,
                number=number,
                issued_on=issued_on,
                subject=subject,
                body=body,
                created_by=_user(actor),
                synthetic=synthetic,
            )
            if file is not None:
                directive.file.save(PurePath(file.name or "document").name, file, save=True)
            rows = [
                Task(
                    directive=directive,
                    unit_id=target.unit_id,
                    province_id=target.province_id or target.unit_id,
                    title=title,
                    report_required=report,
                    due=spec.due,
                    synthetic=synthetic,
                )
                for spec, title, report, targets, _c in plans
                for target in targets
            ]
            created = Task.objects.bulk_create(rows)
            now = timezone.now()
            TaskEvent.objects.bulk_create(
                TaskEvent(
                    task=task,
                    move="assign",
                    from_status="",
                    to_status=TaskStatus.RECEIVED,
                    actor=_user(actor),
                    unit_id=issuer.unit_id,
                    at=now,
                    data={"directive": directive.pk},
                )
                for task in created
            )
            cooperators_of = iter(
                cooperators for _s, _t, _r, targets, cooperators in plans for _ in targets
            )
            TaskCooperator.objects.bulk_create(
                TaskCooperator(task=task, unit_id=unit_id)
                for task, cooperators in zip(created, cooperators_of, strict=True)
                for unit_id in cooperators
                if unit_id != task.unit_id
            )
            audit(
                actor=actor,
                action="directive.issue",
                unit=issuer.unit_id,
                directive=directive.pk,
                number=number,
                tasks=len(created),
            )
    except IntegrityError as error:
        raise DomainError(
            _("Directive %(number)s of %(day)s already exists in the province.")
            % {"number": number, "day": issued_on.isoformat()},
            code="duplicate",
            status=409,
            problems=[Problem(_("already issued"), field="number")],
        ) from error
    return directive


# -- who may act on a task -------------------------------------------------------------------
def task_scope_filter(actor, day: dt.date, *, write: bool = False) -> Q:  # type: ignore[no-untyped-def]
    """The tasks the actor may read (write: act on as the lead unit)."""
    return records_filter(
        scope_for(actor), day, unit_field="unit", province_field="province", write=write
    )


def scope_units(actor, day: dt.date, *, write: bool = False):  # type: ignore[no-untyped-def]
    """The units the actor may read (write) on `day`, as a subquery of unit ids."""
    return (
        units.versions_on(day)
        .filter(unit_filter(scope_for(actor), day, write=write))
        .values("unit_id")
    )


def task_read_filter(actor, day: dt.date) -> Q:  # type: ignore[no-untyped-def]
    """The tasks the actor may read: of a lead unit in its scope, of a directive issued by a
    body in its scope, or with a cooperating unit in its scope."""
    mine = scope_units(actor, day)
    return (
        task_scope_filter(actor, day)
        | Q(directive__issuer_id__in=mine)
        | Q(pk__in=TaskCooperator.objects.filter(unit_id__in=mine).values("task_id"))
    )


def access_task(actor, task_id: int) -> Task:  # type: ignore[no-untyped-def]
    """The task if the actor may read it (task_read_filter). Outside that it answers as if it
    did not exist. Actor None: the operator."""
    found = Task.objects.filter(pk=task_id).select_related("directive")
    if actor is not None:
        found = found.filter(task_read_filter(actor, timezone.localdate()))
    task = found.first()
    if task is None:
        raise NotFound(_("No task %(id)s in your scope.") % {"id": task_id})
    return task


def may_act_as_cooperator(actor, task: Task) -> bool:  # type: ignore[no-untyped-def]
    if actor is None:
        return True
    day = timezone.localdate()
    return TaskCooperator.objects.filter(
        task=task, unit_id__in=scope_units(actor, day, write=True)
    ).exists()


def may_act_as_lead(actor, task: Task) -> bool:  # type: ignore[no-untyped-def]
    if actor is None:
        return True
    day = timezone.localdate()
    return (
        Task.objects.filter(pk=task.pk).filter(task_scope_filter(actor, day, write=True)).exists()
    )


def may_act_as_issuer(actor, task: Task) -> bool:  # type: ignore[no-untyped-def]
    if actor is None:
        return True
    try:
        access_unit(actor, task.directive.issuer_id, write=True)
    except DomainError:
        return False
    return True


def _check(actor, task: Task, side: str) -> None:  # type: ignore[no-untyped-def]
    allowed = may_act_as_lead(actor, task) if side == LEAD else may_act_as_issuer(actor, task)
    if not allowed:
        if side == LEAD:
            raise Forbidden(_("Only the lead unit of task %(id)s may do this.") % {"id": task.pk})
        raise Forbidden(
            _("Only the body that issued the directive of task %(id)s may do this.")
            % {"id": task.pk}
        )


# -- the moves -------------------------------------------------------------------------------
LEAD = "lead"
ISSUER = "issuer"


@dataclass(frozen=True)
class Move:
    label: Any
    sources: tuple[str, ...]
    target: str | None  # None: the status stays
    side: str
    irreversible: bool = False


MOVES: dict[str, Move] = {
    "receive": Move(gettext_lazy("acknowledge receipt"), (TaskStatus.RECEIVED,), None, LEAD),
    "start": Move(
        gettext_lazy("start work"),
        (TaskStatus.RECEIVED, TaskStatus.RETURNED),
        TaskStatus.IN_PROGRESS,
        LEAD,
    ),
    "report": Move(
        gettext_lazy("report the result"),
        (TaskStatus.RECEIVED, TaskStatus.IN_PROGRESS, TaskStatus.RETURNED),
        TaskStatus.REPORTED,
        LEAD,
    ),
    "accept": Move(
        gettext_lazy("accept the report"), (TaskStatus.REPORTED,), TaskStatus.ACCEPTED, ISSUER, True
    ),
    "return": Move(
        gettext_lazy("return for more work"), (TaskStatus.REPORTED,), TaskStatus.RETURNED, ISSUER
    ),
}


# The history's other steps.
EVENT_LABELS = {
    "assign": gettext_lazy("assigned"),
    "comment": gettext_lazy("comment"),
    "delegate": gettext_lazy("delegated to a unit below"),
    "extension_request": gettext_lazy("asked for more time"),
    "extension_decide": gettext_lazy("decided on more time"),
    "merge": gettext_lazy("merged into another task (units merged)"),
}


def move_label(move: str) -> str:
    found = MOVES.get(move)
    return str(found.label if found else EVENT_LABELS.get(move, move))


def _illegal(task: Task, move: str) -> DomainError:
    return DomainError(
        _("Task %(id)s is %(status)s: it cannot %(move)s.")
        % {"id": task.pk, "status": TaskStatus(task.status).label, "move": move_label(move)},
        code="illegal_move",
        status=409,
    )


def _busy(task_id: int) -> DomainError:
    return DomainError(
        _("Task %(id)s is changing; try again.") % {"id": task_id}, code="busy", status=409
    )


def _last_move(task_id: int) -> str | None:
    return (
        TaskEvent.objects.filter(task_id=task_id)
        .exclude(move__in=("comment", "extension_request", "extension_decide", "delegate"))
        .order_by("-id")
        .values_list("move", flat=True)
        .first()
    )


def _event_unit(task: Task, side: str) -> int:
    return task.unit_id if side == LEAD else task.directive.issuer_id


def legal_moves(actor, task: Task) -> list[str]:  # type: ignore[no-untyped-def]
    """The moves the actor may make on the task now (a page shows these, and only these)."""
    lead = may_act_as_lead(actor, task)
    issuer = may_act_as_issuer(actor, task)
    found = []
    for name, move in MOVES.items():
        if task.status not in move.sources or not (lead if move.side == LEAD else issuer):
            continue
        if name == "receive" and _last_move(task.pk) == "receive":
            continue
        found.append(name)
    if lead and task.status in OPEN_TASK:
        found.append("delegate")
        found.append("extension_request")
    return found


def _transition(  # type: ignore[no-untyped-def]
    *,
    actor,
    task_id: int,
    move: str,
    note: str = "",
    file: UploadedFile | None = None,
    change: Callable[[Task, dt.datetime], dict[str, Any]] | None = None,
    data: dict[str, Any] | None = None,
) -> Task:
    rule = MOVES[move]
    note = _text(note, name="note", limit=NOTE_LIMIT, required=False)
    file = check_file(file)
    with transaction.atomic():
        for _attempt in range(5):
            task = access_task(actor, task_id)
            _check(actor, task, rule.side)
            target = rule.target or task.status
            if task.status == target and _last_move(task.pk) == move:
                return task  # the same click again: nothing to do
            if task.status not in rule.sources:
                raise _illegal(task, move)
            now = timezone.now()
            changes = change(task, now) if change else {}
            updated = Task.objects.filter(
                pk=task.pk, status=task.status, version=task.version
            ).update(status=target, version=F("version") + 1, **changes)
            if updated:
                _event(
                    task,
                    actor=actor,
                    move=move,
                    to_status=target,
                    unit_id=_event_unit(task, rule.side),
                    at=now,
                    note=note,
                    file=file,
                    data=data,
                )
                return Task.objects.select_related("directive").get(pk=task.pk)
        raise _busy(task_id)


def _event(  # type: ignore[no-untyped-def]
    task: Task,
    *,
    actor,
    move: str,
    to_status: str,
    unit_id: int,
    at: dt.datetime,
    note: str = "",
    file: UploadedFile | None = None,
    data: dict[str, Any] | None = None,
    from_status: str | None = None,
) -> TaskEvent:
    event = TaskEvent(
        task=task,
        move=move,
        from_status=task.status if from_status is None else from_status,
        to_status=to_status,
        actor=_user(actor),
        unit_id=unit_id,
        at=at,
        note=note,
        data=data or {},
    )
    if file is not None:
        event.file.save(PurePath(file.name or "file").name, file, save=False)
    event.save()
    return event


def task_receive(*, actor, task_id: int) -> Task:  # type: ignore[no-untyped-def]
    """The lead unit acknowledges the task (it stays "received"; the event dates the receipt)."""
    return _transition(actor=actor, task_id=task_id, move="receive")


def task_start(*, actor, task_id: int, note: str = "") -> Task:  # type: ignore[no-untyped-def]
    """The lead unit starts work (again, after a return)."""
    return _transition(actor=actor, task_id=task_id, move="start", note=note)


def task_report(  # type: ignore[no-untyped-def]
    *, actor, task_id: int, note: str, file: UploadedFile | None = None
) -> Task:
    """The lead unit reports the result, with a note (required) and a file."""
    _text(note, name="note", limit=NOTE_LIMIT)
    return _transition(
        actor=actor,
        task_id=task_id,
        move="report",
        note=note,
        file=file,
        change=lambda _task, now: {"reported_at": now},
    )


def task_accept(*, actor, task_id: int, note: str = "") -> Task:  # type: ignore[no-untyped-def]
    """The issuing body accepts the report: the task is done."""
    return _transition(
        actor=actor,
        task_id=task_id,
        move="accept",
        note=note,
        change=lambda _task, now: {"accepted_at": now},
    )


def task_return(*, actor, task_id: int, reason: str) -> Task:  # type: ignore[no-untyped-def]
    """The issuing body returns the report for more work, with its reason (required)."""
    _text(reason, name="reason", limit=NOTE_LIMIT)
    return _transition(
        actor=actor,
        task_id=task_id,
        move="return",
        note=reason,
        change=lambda _task, _now: {"reported_at": None},
    )


def task_comment(  # type: ignore[no-untyped-def]
    *, actor, task_id: int, note: str = "", file: UploadedFile | None = None
) -> TaskEvent:
    """A comment or a file on the task, by the lead unit, a cooperating unit or the issuing
    body; the status stays.
    The same text again right after is not written twice."""
    note = _text(note, name="note", limit=NOTE_LIMIT, required=file is None)
    file = check_file(file)
    with transaction.atomic():
        task = access_task(actor, task_id)
        lead = may_act_as_lead(actor, task)
        if not (lead or may_act_as_issuer(actor, task) or may_act_as_cooperator(actor, task)):
            raise Forbidden(
                _("Only the lead unit, the cooperating units or the issuing body may comment.")
            )
        last = TaskEvent.objects.filter(task=task).order_by("-id").first()
        if (
            file is None
            and last is not None
            and last.move == "comment"
            and last.note == note
            and last.actor_id == getattr(_user(actor), "pk", None)
        ):
            return last
        return _event(
            task,
            actor=actor,
            move="comment",
            to_status=task.status,
            unit_id=_commenting_unit(actor, task, lead=lead),
            at=timezone.now(),
            note=note,
            file=file,
        )


def _commenting_unit(actor, task: Task, *, lead: bool) -> int:  # type: ignore[no-untyped-def]
    """The unit a comment speaks for: the lead unit, else the issuing body, else the actor's
    cooperating unit."""
    if lead or may_act_as_issuer(actor, task):
        return _event_unit(task, LEAD if lead else ISSUER)
    found = TaskCooperator.objects.filter(
        task=task, unit_id__in=scope_units(actor, timezone.localdate(), write=True)
    ).values_list("unit_id", flat=True)
    return int(found.first() or task.unit_id)


def task_delegate(  # type: ignore[no-untyped-def]
    *, actor, task_id: int, unit_id: int, due: dt.date | None = None, note: str = ""
) -> Task:
    """The lead unit hands the task (or part of it) to a unit below it: a child task of the same
    directive, due no later than the task. Delegating to the same unit again returns the child
    already made."""
    note = _text(note, name="note", limit=NOTE_LIMIT, required=False)
    with transaction.atomic():
        task = access_task(actor, task_id)
        if task.status not in OPEN_TASK:
            raise _illegal(task, "delegate")
        _check(actor, task, LEAD)
        existing = Task.objects.filter(parent=task, unit_id=unit_id).first()
        if existing is not None:
            return existing
        today = timezone.localdate()
        below = units.subtree_depths([task.unit_id], today)
        if unit_id == task.unit_id or unit_id not in below:
            raise DomainError(
                _("Unit %(unit)s is not below the lead unit of task %(id)s.")
                % {"unit": unit_id, "id": task.pk},
                problems=[Problem(_("a unit below the lead unit"), field="unit")],
            )
        due = due or task.due
        if due > task.due:
            raise DomainError(
                _("A delegated task is due no later than its task (%(day)s).")
                % {"day": task.due.isoformat()},
                problems=[Problem(_("too late"), field="due")],
            )
        _due(due, today=today, name="due")
        version = units.version_on(unit_id, today)
        child = Task.objects.create(
            directive=task.directive,
            parent=task,
            unit_id=unit_id,
            province_id=version.province_id or task.province_id,
            title=task.title,
            report_required=task.report_required,
            due=due,
            synthetic=task.synthetic,
        )
        now = timezone.now()
        _event(
            child,
            actor=actor,
            move="assign",
            to_status=TaskStatus.RECEIVED,
            unit_id=task.unit_id,
            at=now,
            note=note,
            data={"parent": task.pk},
            from_status="",
        )
        _event(
            task,
            actor=actor,
            move="delegate",
            to_status=task.status,
            unit_id=task.unit_id,
            at=now,
            note=note,
            data={"child": child.pk, "unit": unit_id},
        )
        return child


def extension_request(  # type: ignore[no-untyped-def]
    *, actor, task_id: int, new_due: dt.date, reason: str
) -> Extension:
    """The lead unit asks for more time, with its reason. One request waits at a time: asking
    again the same while it waits returns it."""
    reason = _text(reason, name="reason", limit=NOTE_LIMIT)
    with transaction.atomic():
        task = access_task(actor, task_id)
        if task.status not in OPEN_TASK:
            raise _illegal(task, "extension_request")
        _check(actor, task, LEAD)
        pending = Extension.objects.filter(task=task, state=Extension.State.PENDING).first()
        if pending is not None:
            if pending.new_due == new_due and pending.reason == reason:
                return pending
            raise DomainError(
                _("Task %(id)s already has a request for more time waiting for a decision.")
                % {"id": task.pk},
                code="illegal_move",
                status=409,
            )
        if new_due <= task.due:
            raise DomainError(
                _("The new deadline must come after %(day)s.") % {"day": task.due.isoformat()},
                problems=[Problem(_("after the current deadline"), field="new_due")],
            )
        _due(new_due, today=timezone.localdate(), name="new_due")
        try:
            with transaction.atomic():
                extension = Extension.objects.create(
                    task=task, reason=reason, new_due=new_due, requested_by=_user(actor)
                )
        except IntegrityError as error:  # another click made one meanwhile
            raise _busy(task.pk) from error
        _event(
            task,
            actor=actor,
            move="extension_request",
            to_status=task.status,
            unit_id=task.unit_id,
            at=timezone.now(),
            note=reason,
            data={"extension": extension.pk, "new_due": new_due.isoformat()},
        )
        return extension


def extension_decide(  # type: ignore[no-untyped-def]
    *, actor, extension_id: int, approve: bool, note: str = ""
) -> Extension:
    """The issuing body approves (the task's deadline moves) or refuses a request for more time.
    Deciding the same again is harmless; deciding otherwise once decided is refused."""
    state = Extension.State.APPROVED if approve else Extension.State.REFUSED
    with transaction.atomic():
        extension = Extension.objects.filter(pk=extension_id).first()
        if extension is None:
            raise NotFound(_("No request for more time %(id)s.") % {"id": extension_id})
        task = access_task(actor, extension.task_id)
        _check(actor, task, ISSUER)
        # A refusal says why.
        note = _text(note, name="note", limit=NOTE_LIMIT, required=not approve)
        if extension.state == state:
            return extension
        if extension.state != Extension.State.PENDING:
            raise DomainError(
                _("This request for more time was already %(state)s.")
                % {"state": Extension.State(extension.state).label},
                code="illegal_move",
                status=409,
            )
        now = timezone.now()
        claimed = Extension.objects.filter(pk=extension.pk, state=Extension.State.PENDING).update(
            state=state, decided_by=_user(actor), decided_at=now, decision_note=note
        )
        if not claimed:
            raise _busy(task.pk)
        data: dict[str, Any] = {"extension": extension.pk, "approved": approve}
        if approve:
            data["from_due"] = task.due.isoformat()
            data["to_due"] = extension.new_due.isoformat()
            Task.objects.filter(pk=task.pk).update(due=extension.new_due, version=F("version") + 1)
        _event(
            task,
            actor=actor,
            move="extension_decide",
            to_status=task.status,
            unit_id=task.directive.issuer_id,
            at=now,
            note=note,
            data=data,
        )
        extension.refresh_from_db()
        return extension


def tasks_of(ids: Iterable[int]) -> list[Task]:
    return list(Task.objects.filter(pk__in=list(ids)).order_by("pk"))
