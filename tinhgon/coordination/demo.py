"""`tinhgon coord demo`: a clearly labelled synthetic set of directives and tasks in every state.

Every row made here carries `synthetic=True`; directive numbers start with "DEMO-" and subjects
with "[Minh họa]", so no page can pass them off as real. The same seed on the same registry
gives the same set (units in a fixed order, one `random.Random(seed)`). Everything goes through
the services, so the history of each task reads as if people had done it. Then the reports and
obstacles part adds its own (`demo_parts.reports_and_obstacles`).

Run again in a province that holds the set, it is refused (naming the province and what it
holds) and writes nothing, as every demo but `services demo` is.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.coordination import demo_parts, services
from tinhgon.coordination.models import Directive, Extension, Task, TaskStatus
from tinhgon.coordination.services import TargetKind, TaskSpec
from tinhgon.core import text
from tinhgon.core.errors import DomainError
from tinhgon.units import selectors as units
from tinhgon.units.kinds import KINDS_BY_LEVEL, Level

LABEL = "[Minh họa] "
SUBJECTS = [
    "Rà soát, sắp xếp trụ sở làm việc sau hợp nhất",
    "Báo cáo tình hình bố trí cán bộ, công chức cấp xã",
    "Triển khai dịch vụ công trực tuyến toàn trình",
    "Kiểm kê tài sản công của đơn vị hành chính cũ",
    "Chuyển đổi dữ liệu hộ tịch, đất đai sang đơn vị mới",
]
# The state each demo task ends in, with how often.
STATES = [
    ("received", 3),
    ("started", 3),
    ("reported", 3),
    ("accepted", 3),
    ("returned", 1),
    ("extension_pending", 1),
    ("extension_approved", 1),
]


def _state(rng: random.Random) -> str:
    names = [name for name, _weight in STATES]
    return rng.choices(names, weights=[weight for _name, weight in STATES])[0]


def _advance(task: Task, state: str) -> None:
    """Take the task to `state` through the services (actor None: the operator)."""
    moves: dict[str, list[str]] = {
        "received": [],
        "started": ["receive", "start"],
        "reported": ["receive", "start", "report"],
        "accepted": ["receive", "start", "report", "accept"],
        "returned": ["receive", "report", "return"],
    }
    for move in moves.get(state, []):
        if move == "receive":
            services.task_receive(actor=None, task_id=task.pk)
        elif move == "start":
            services.task_start(actor=None, task_id=task.pk)
        elif move == "report":
            services.task_report(actor=None, task_id=task.pk, note="Đã thực hiện (minh họa).")
        elif move == "accept":
            services.task_accept(actor=None, task_id=task.pk)
        elif move == "return":
            services.task_return(actor=None, task_id=task.pk, reason="Cần bổ sung số liệu.")
    if state.startswith("extension"):
        today = timezone.localdate()
        asked = services.extension_request(
            actor=None,
            task_id=task.pk,
            new_due=max(task.due, today) + dt.timedelta(days=14),
            reason="Chờ hướng dẫn của sở (minh họa).",
        )
        if state == "extension_approved":
            services.extension_decide(actor=None, extension_id=asked.pk, approve=True)


def summary(province_id: int) -> dict[str, Any]:
    tasks = Task.objects.filter(province_id=province_id, synthetic=True)
    return {
        "directives": Directive.objects.filter(province_id=province_id, synthetic=True).count(),
        "tasks": tasks.count(),
        "by_status": {
            status.value: tasks.filter(status=status).count()
            for status in TaskStatus
            if status != TaskStatus.MERGED
        },
        "extensions": Extension.objects.filter(task__in=tasks).count(),
    }


def demo(*, province: str, seed: int = 1) -> dict[str, Any]:
    """Make the demo set in the province and return what is there; refused, writing nothing, if
    the province holds one already."""
    today = timezone.localdate()
    version = units.resolve_province(province, day=today)
    province_id = version.unit_id
    if Directive.objects.filter(province_id=province_id, synthetic=True).exists():
        held = summary(province_id)
        raise DomainError(
            _(
                "%(province)s already holds synthetic coordination data (%(directives)s "
                "directives, %(tasks)s tasks): nothing was written."
            )
            % {
                "province": version.name,
                "directives": text.number(held["directives"]),
                "tasks": text.number(held["tasks"]),
            },
            code="already_generated",
            status=409,
        )
    rng = random.Random(seed)
    communes = list(
        units.versions_on(today)
        .filter(province_id=province_id, kind__in=KINDS_BY_LEVEL[Level.COMMUNE])
        .order_by("code", "unit_id")
        .values_list("unit_id", flat=True)
    )
    with transaction.atomic():
        made: list[Directive] = []
        for index, subject in enumerate(SUBJECTS):
            issued = today - dt.timedelta(days=rng.randint(5, 60))
            # Some deadlines have passed already: overdue tasks to look at.
            due = issued + dt.timedelta(days=rng.choice([10, 20, 45, 90]))
            if index == 1:
                spec = TaskSpec(title=subject, due=due, every=TargetKind.DEPARTMENTS)
            elif index == 3 and communes:
                chosen = sorted(rng.sample(communes, min(10, len(communes))))
                spec = TaskSpec(
                    title=subject,
                    due=due,
                    unit_ids=chosen,
                    cooperator_ids=[province_id],
                    report_required="Biên bản kiểm kê",
                )
            else:
                spec = TaskSpec(
                    title=subject,
                    due=due,
                    every=TargetKind.COMMUNES,
                    report_required="Báo cáo kết quả thực hiện",
                )
            made.append(
                services.directive_issue(
                    actor=None,
                    issuer_id=province_id,
                    number=f"DEMO-{index + 1:02d}/CT-UBND",
                    issued_on=issued,
                    subject=LABEL + subject,
                    tasks=[spec],
                    synthetic=True,
                )
            )
        for directive in made:
            for task in Task.objects.filter(directive=directive).order_by("pk"):
                _advance(task, _state(rng))
        others = demo_parts.reports_and_obstacles(province_id=province_id, rng=rng)
    return {"province": version.name, "made": True, **summary(province_id), **others}
