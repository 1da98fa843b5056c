"""The figures of coordination in a province, as of today: per directive, per unit and per
provincial body, tasks on time, late and overdue; reports missing; obstacles open and their
answer times; communes and bodies ranked. Grouped queries (one per table and grouping), read
directly from the rows: the dashboard page, the API, the spreadsheet and `tinhgon coord figures`
share `province_figures`.

Definitions:
- a task is *open* while received, in progress, reported or returned; *overdue* while received,
  in progress or returned after its deadline; *on time* / *late* once reported, by whether it was
  reported by the end of its deadline (merged duplicates are not counted);
- a report is *missing* when its round's deadline has passed and the unit has not submitted it
  (or it was returned); *waiting* before the deadline;
- an obstacle is *open* until answered (escalated ones included); its answer time is counted in
  working days from the day it was raised to the day it was answered.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from tinhgon.accounts.access import access_unit
from tinhgon.coordination.models import (
    OPEN_TASK,
    Directive,
    DutyStatus,
    Obstacle,
    ObstacleStatus,
    ReportDuty,
    Task,
    TaskStatus,
)
from tinhgon.coordination.obstacles import OPEN as OBSTACLE_OPEN
from tinhgon.coordination.reports import WAITING, unit_names
from tinhgon.core.errors import invalid
from tinhgon.core.xlsx import append_row
from tinhgon.units import selectors as units
from tinhgon.units.kinds import KINDS_BY_LEVEL, Level
from tinhgon.units.models import UnitVersion
from tinhgon.workdays.calendar import local_time
from tinhgon.workdays.selectors import calendar_for

NOT_REPORTED = (TaskStatus.RECEIVED, TaskStatus.IN_PROGRESS, TaskStatus.RETURNED)
DONE = (TaskStatus.REPORTED, TaskStatus.ACCEPTED)
TASK_KEYS = ("tasks", "tasks_open", "tasks_overdue", "tasks_on_time", "tasks_late")


def province_for(
    actor, name_or_code: str | None = None, *, province_id: int | None = None
) -> UnitVersion:  # type: ignore[no-untyped-def]
    """The province asked for (by name, code or id), if the actor may read it whole; without
    one, the province of the actor's first unit."""
    today = timezone.localdate()
    if province_id is not None:
        version = units.version_on(province_id, today)
    elif name_or_code:
        version = units.resolve_province(name_or_code[:100], day=today)
    else:
        raise invalid(_("Name a province."), field="province")
    if version.level != Level.PROVINCE or version.admin_unit_id != version.unit_id:
        raise invalid(_("%(name)s is not a province.") % {"name": version.name}, field="province")
    if actor is not None:
        # A commune's officials do not read the province's own unit (nor its figures): only
        # the province's administrators and the officials of its bodies do.
        access_unit(actor, version.unit_id)
    return version


def _task_counts(tasks, key: str, today: dt.date) -> dict[int, dict[str, int]]:  # type: ignore[no-untyped-def]
    rows = (
        tasks.exclude(status=TaskStatus.MERGED)
        .values(key)
        .annotate(
            tasks=Count("pk"),
            tasks_open=Count("pk", filter=Q(status__in=OPEN_TASK)),
            tasks_overdue=Count("pk", filter=Q(status__in=NOT_REPORTED, due__lt=today)),
            tasks_on_time=Count("pk", filter=Q(status__in=DONE, reported_at__date__lte=F("due"))),
            tasks_late=Count("pk", filter=Q(status__in=DONE, reported_at__date__gt=F("due"))),
        )
        .order_by()
    )
    return {row[key]: {k: row[k] for k in TASK_KEYS} for row in rows}


def _answer_days(
    obstacles: Iterable[tuple[int, dt.datetime, dt.datetime | None]],
) -> dict[int, list[int]]:
    """Working days each answered obstacle took, by responsible body."""
    found = [(b, r, a) for b, r, a in obstacles if a is not None]
    if not found:
        return {}
    first = min(local_time(raised).year for _b, raised, _a in found)
    last = max(local_time(answered).year for _b, _r, answered in found)
    calendar = calendar_for(first, last)
    days: dict[int, list[int]] = defaultdict(list)
    for body, raised, answered in found:
        days[body].append(
            calendar.working_days_between(local_time(raised).date(), local_time(answered).date())
        )
    return days


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def province_figures(province: UnitVersion, *, today: dt.date | None = None) -> dict[str, Any]:
    """Everything the dashboard shows, as plain data (JSON can hold it)."""
    today = today or timezone.localdate()
    province_id = province.unit_id
    tasks = Task.objects.filter(province_id=province_id)
    by_unit = _task_counts(tasks, "unit_id", today)
    by_directive = _task_counts(tasks, "directive_id", today)
    by_issuer = _task_counts(tasks, "directive__issuer_id", today)
    totals = {k: sum(row[k] for row in by_unit.values()) for k in TASK_KEYS}

    duties = ReportDuty.objects.filter(province_id=province_id, status__in=WAITING)
    missing_by_unit = dict(
        duties.filter(round__due__lt=today)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
        .order_by()
    )
    waiting = duties.filter(round__due__gte=today).count()

    obstacles = Obstacle.objects.filter(province_id=province_id)
    open_q = Q(status__in=OBSTACLE_OPEN)
    obstacles_by_unit = dict(
        obstacles.filter(open_q)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
        .order_by()
    )
    by_body = {
        row["responsible_id"]: row
        for row in obstacles.values("responsible_id")
        .annotate(
            obstacles=Count("pk"),
            obstacles_open=Count("pk", filter=open_q),
            obstacles_late=Count("pk", filter=open_q & Q(due__lt=today)),
            obstacles_escalated=Count("pk", filter=Q(status=ObstacleStatus.ESCALATED)),
            obstacles_answered=Count(
                "pk", filter=Q(status__in=(ObstacleStatus.ANSWERED, ObstacleStatus.CLOSED))
            ),
        )
        .order_by()
    }
    answer_days = _answer_days(
        obstacles.filter(answered_at__isnull=False).values_list(
            "responsible_id", "raised_at", "answered_at"
        )
    )
    every_answer = [d for values in answer_days.values() for d in values]

    communes = list(
        units.versions_on(today)
        .filter(province_id=province_id, kind__in=KINDS_BY_LEVEL[Level.COMMUNE])
        .values_list("unit_id", "code", "name")
    )
    commune_ids = {c[0] for c in communes}
    empty = dict.fromkeys(TASK_KEYS, 0)
    commune_rows: list[dict[str, Any]] = []
    for unit_id, code, name in communes:
        counts = by_unit.get(unit_id, empty)
        commune_rows.append(
            {
                "unit": code,
                "name": name,
                **counts,
                "reports_missing": missing_by_unit.get(unit_id, 0),
                "obstacles_open": obstacles_by_unit.get(unit_id, 0),
                "behind": counts["tasks_overdue"] + missing_by_unit.get(unit_id, 0),
            }
        )
    commune_rows.sort(key=lambda r: (-r["behind"], -r["tasks_late"], r["unit"]))

    body_ids = (set(by_issuer) | set(by_body)) - commune_ids
    names = unit_names(body_ids, today)
    body_rows: list[dict[str, Any]] = []
    for body in body_ids:
        obstacle: dict[str, Any] = dict(by_body.get(body, {}))
        body_rows.append(
            {
                "unit": names[body][0],
                "name": names[body][1],
                **by_issuer.get(body, empty),
                "obstacles": obstacle.get("obstacles", 0),
                "obstacles_open": obstacle.get("obstacles_open", 0),
                "obstacles_late": obstacle.get("obstacles_late", 0),
                "obstacles_escalated": obstacle.get("obstacles_escalated", 0),
                "answer_days_mean": _mean(answer_days.get(body, [])),
            }
        )
    body_rows.sort(
        key=lambda r: (-(r["obstacles_late"] + r["tasks_overdue"]), -r["obstacles_open"], r["unit"])
    )

    directives = {
        d.pk: d
        for d in Directive.objects.filter(pk__in=list(by_directive)).only(
            "number", "issued_on", "subject"
        )
    }
    directive_rows = sorted(
        (
            {
                "directive": directives[pk].number,
                "issued_on": directives[pk].issued_on.isoformat(),
                "subject": directives[pk].subject,
                **counts,
            }
            for pk, counts in by_directive.items()
            if pk in directives
        ),
        key=lambda r: (r["issued_on"], r["directive"]),
        reverse=True,
    )
    return {
        "province": province.name,
        "province_code": province.code,
        "as_of": today.isoformat(),
        **totals,
        "reports_missing": sum(missing_by_unit.values()),
        "reports_waiting": waiting,
        "obstacles": sum(row["obstacles"] for row in by_body.values()),
        "obstacles_open": sum(row["obstacles_open"] for row in by_body.values()),
        "obstacles_late": sum(row["obstacles_late"] for row in by_body.values()),
        "obstacles_escalated": sum(row["obstacles_escalated"] for row in by_body.values()),
        "obstacles_answered": sum(row["obstacles_answered"] for row in by_body.values()),
        "answer_days_mean": _mean(every_answer),
        "communes": commune_rows,
        "bodies": body_rows,
        "directives": directive_rows,
    }


SUMMARY_KEYS = (
    "tasks",
    "tasks_open",
    "tasks_overdue",
    "tasks_on_time",
    "tasks_late",
    "reports_missing",
    "reports_waiting",
    "obstacles",
    "obstacles_open",
    "obstacles_late",
    "obstacles_escalated",
    "obstacles_answered",
    "answer_days_mean",
)


def labels() -> dict[str, str]:
    return {
        "tasks": _("Tasks"),
        "tasks_open": _("Tasks open"),
        "tasks_overdue": _("Tasks overdue"),
        "tasks_on_time": _("Reported on time"),
        "tasks_late": _("Reported late"),
        "reports_missing": _("Reports missing"),
        "reports_waiting": _("Reports not yet due"),
        "obstacles": _("Obstacles"),
        "obstacles_open": _("Obstacles open"),
        "obstacles_late": _("Obstacles past their deadline"),
        "obstacles_escalated": _("Obstacles escalated"),
        "obstacles_answered": _("Obstacles answered"),
        "answer_days_mean": _("Mean answer time (working days)"),
    }


def figures_xlsx(data: dict[str, Any]) -> bytes:
    """The figures as a spreadsheet: the summary, the communes, the bodies, the directives."""
    names = labels()
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = _("Summary")[:31]
    append_row(summary, [data["province"], data["as_of"]])
    for key in SUMMARY_KEYS:
        append_row(summary, [names[key], data[key]])
    communes = book.create_sheet(_("Communes")[:31])
    commune_keys = [*TASK_KEYS, "reports_missing", "obstacles_open"]
    append_row(communes, [_("Code"), _("Unit"), *(names[k] for k in commune_keys)])
    for row in data["communes"]:
        append_row(communes, [row["unit"], row["name"], *(row[k] for k in commune_keys)])
    bodies = book.create_sheet(_("Bodies")[:31])
    body_keys = [*TASK_KEYS, "obstacles", "obstacles_open", "obstacles_late", "answer_days_mean"]
    append_row(bodies, [_("Code"), _("Unit"), *(names[k] for k in body_keys)])
    for row in data["bodies"]:
        append_row(bodies, [row["unit"], row["name"], *(row[k] for k in body_keys)])
    directives = book.create_sheet(_("Directives")[:31])
    append_row(
        directives, [_("Number"), _("Issued on"), _("Subject"), *(names[k] for k in TASK_KEYS)]
    )
    for row in data["directives"]:
        append_row(
            directives,
            [row["directive"], row["issued_on"], row["subject"], *(row[k] for k in TASK_KEYS)],
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# The statuses a duty counts under, for the pages' legends.
DUTY_LABELS = {s.value: s.label for s in DutyStatus}
