"""Directives and tasks for tests (the carriers' contract suite uses `open_task`)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from tinhgon.coordination import services
from tinhgon.coordination.models import Task
from tinhgon.units import selectors

_serial = itertools.count(1)


def province_of(unit_id: int, day: dt.date | None = None) -> int:
    version = selectors.version_on(unit_id, day or timezone.localdate())
    return int(version.province_id or version.unit_id)


def directive(  # type: ignore[no-untyped-def]
    *,
    unit_ids=(),
    every: str = "",
    due: dt.date | None = None,
    actor=None,
    issuer_id: int | None = None,
    cooperator_ids=(),
    number: str | None = None,
):
    """A directive of the province (its own people's committee: the province unit) with one
    task spec."""
    today = timezone.localdate()
    first = next(iter(unit_ids), None)
    province = issuer_id or province_of(first) if first else issuer_id
    if province is None:
        raise ValueError("give unit_ids or issuer_id")
    return services.directive_issue(
        actor=actor,
        issuer_id=province,
        number=number or f"{next(_serial)}/CT-UBND",
        issued_on=today,
        subject="Rà soát trụ sở sau sắp xếp",
        tasks=[
            services.TaskSpec(
                title="Báo cáo rà soát trụ sở",
                due=due or today + dt.timedelta(days=30),
                unit_ids=list(unit_ids),
                every=every,
                report_required="Danh sách trụ sở dôi dư",
                cooperator_ids=list(cooperator_ids),
            )
        ],
    )


def open_task(unit_id: int) -> int:
    """One open task at the unit, of a directive of its own (the contract suite's example)."""
    made = directive(unit_ids=[unit_id])
    return int(Task.objects.get(directive=made).pk)


def cooperator(unit_id: int) -> int:
    """A cooperating unit's row on an open task led by the unit's province."""
    province = province_of(unit_id)
    made = directive(unit_ids=[province], cooperator_ids=[unit_id], issuer_id=province)
    task = Task.objects.get(directive=made)
    return int(task.cooperators.get(unit_id=unit_id).pk)


def open_task_due(unit_id: int, due: dt.date) -> int:
    made = directive(unit_ids=[unit_id], due=due)
    return int(Task.objects.get(directive=made).pk)


def reported_with_file(unit_id: int) -> tuple[Task, int]:
    """An open task of the unit whose report carries a file: (task, the report event's id)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    task = Task.objects.get(pk=open_task(unit_id))
    services.task_report(
        actor=None,
        task_id=task.pk,
        note="Báo cáo",
        file=SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.7"),
    )
    return task, int(task.events.get(move="report").pk)


def pending_extension(unit_id: int) -> int:
    """A request for more time, waiting, on an open task of the unit."""
    task = Task.objects.get(pk=open_task(unit_id))
    asked = services.extension_request(
        actor=None, task_id=task.pk, new_due=task.due + dt.timedelta(days=7), reason="Chờ số liệu"
    )
    return int(asked.pk)


def directive_with_document(unit_id: int) -> int:
    """A directive of the unit's province, with its document, that gives the unit a task."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    today = timezone.localdate()
    made = services.directive_issue(
        actor=None,
        issuer_id=province_of(unit_id),
        number=f"{next(_serial)}/KH-UBND",
        issued_on=today,
        subject="Kế hoạch sắp xếp",
        file=SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.7"),
        tasks=[
            services.TaskSpec(
                title="Triển khai", due=today + dt.timedelta(days=30), unit_ids=[unit_id]
            )
        ],
    )
    return int(made.pk)
