"""Reads of directives and tasks, always through the reader's scope (tinhgon.accounts.access).

"Overdue" is computed from the indexed columns, never stored: an open task (received, in
progress, returned) whose due date has passed without a report.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from tinhgon.coordination.models import OPEN_TASK, Directive, Task, TaskEvent, TaskStatus
from tinhgon.coordination.services import scope_units, task_read_filter

# Open and still waiting for the lead unit's report: what can be overdue.
UNREPORTED = (TaskStatus.RECEIVED, TaskStatus.IN_PROGRESS, TaskStatus.RETURNED)


def overdue_q(today: dt.date) -> Q:
    return Q(status__in=UNREPORTED, due__lt=today)


def overdue(tasks: QuerySet[Task], *, today: dt.date | None = None) -> QuerySet[Task]:
    """The tasks open and past their due date without a report."""
    return tasks.filter(overdue_q(today or timezone.localdate()))


def visible_tasks(actor, *, day: dt.date | None = None) -> QuerySet[Task]:  # type: ignore[no-untyped-def]
    """The tasks the actor may read: those of units in its scope, of directives issued by a body
    in its scope, or with a cooperating unit in its scope (the province sees the province; a
    commune its own tasks and those it cooperates on, never another commune's). Actor None:
    the operator, everything."""
    qs = Task.objects.select_related("directive")
    if actor is None:
        return qs
    return qs.filter(task_read_filter(actor, day or timezone.localdate()))


def visible_directives(actor, *, day: dt.date | None = None) -> QuerySet[Directive]:  # type: ignore[no-untyped-def]
    """Directives issued by a body in the actor's scope, or with a task it may read."""
    qs = Directive.objects.all()
    if actor is None:
        return qs
    day = day or timezone.localdate()
    return qs.filter(
        Q(issuer_id__in=scope_units(actor, day))
        | Q(pk__in=visible_tasks(actor, day=day).values("directive_id"))
    )


def annotated(tasks: QuerySet[Task], *, today: dt.date | None = None) -> QuerySet[Task]:
    """Each task with `is_open` and `is_overdue` (1/0), open first, then by due date."""
    today = today or timezone.localdate()
    return tasks.annotate(
        is_open=Case(
            When(status__in=OPEN_TASK, then=Value(1)), default=Value(0), output_field=IntegerField()
        ),
        is_overdue=Case(
            When(overdue_q(today), then=Value(1)), default=Value(0), output_field=IntegerField()
        ),
    ).order_by("-is_open", "-is_overdue", "due", "pk")


def unit_tasks(  # type: ignore[no-untyped-def]
    actor, *, unit_id: int, open_only: bool = False, day: dt.date | None = None
) -> QuerySet[Task]:
    """A unit's tasks as its lead unit, open first (overdue first among them); tasks absorbed
    into another in a merger are left out."""
    qs = visible_tasks(actor, day=day).filter(unit_id=unit_id).exclude(status=TaskStatus.MERGED)
    if open_only:
        qs = qs.filter(status__in=OPEN_TASK)
    return annotated(qs, today=day)


def progress(directive: Directive, *, today: dt.date | None = None) -> dict[str, int]:
    """How a directive's tasks stand, in one grouped query: per status, and overdue."""
    today = today or timezone.localdate()
    rows = (
        Task.objects.filter(directive=directive)
        .exclude(status=TaskStatus.MERGED)
        .aggregate(
            total=Count("pk"),
            overdue=Count("pk", filter=overdue_q(today)),
            **{status.value: Count("pk", filter=Q(status=status)) for status in TaskStatus},
        )
    )
    counts = {key: int(value or 0) for key, value in rows.items()}
    counts.pop(TaskStatus.MERGED.value, None)
    done = counts.get(TaskStatus.ACCEPTED.value, 0)
    counts["percent_done"] = round(100 * done / counts["total"]) if counts["total"] else 0
    return counts


def progress_of(
    directive_ids: list[int], *, today: dt.date | None = None
) -> dict[int, dict[str, int]]:
    """`progress` of many directives in one grouped query (the directives list)."""
    today = today or timezone.localdate()
    rows = (
        Task.objects.filter(directive_id__in=directive_ids)
        .exclude(status=TaskStatus.MERGED)
        .values("directive_id")
        .annotate(
            total=Count("pk"),
            overdue=Count("pk", filter=overdue_q(today)),
            accepted=Count("pk", filter=Q(status=TaskStatus.ACCEPTED)),
        )
    )
    found: dict[int, dict[str, int]] = {}
    for row in rows:
        total = int(row["total"])
        found[row["directive_id"]] = {
            "total": total,
            "overdue": int(row["overdue"]),
            "accepted": int(row["accepted"]),
            "percent_done": round(100 * int(row["accepted"]) / total) if total else 0,
        }
    return found


def history(task: Task) -> QuerySet[TaskEvent]:
    """The task's events with those of the tasks absorbed into it when their units merged: the
    history of both, in time order, each event naming its own task, actor and unit."""
    absorbed = Task.objects.filter(merged_into=task).values("pk")
    return (
        TaskEvent.objects.filter(Q(task=task) | Q(task_id__in=absorbed))
        .select_related("actor", "unit")
        .order_by("at", "id")
    )
