"""The scheduled job's part for tasks (`tinhgon jobs run`): reminders before the deadline, on
overdue, and escalation to the issuing body.

Only tasks still waiting for their lead unit's report are reminded (received, in progress,
returned): one reported waits for the issuer, one accepted is done. In Vietnam's time:

- before: due within the next TINHGON_COORD_REMIND_DAYS working days (default 2), today
  included: the officials of the lead unit, once per due date;
- overdue: past its due date: the officials of the lead unit, once per due date;
- escalate: TINHGON_COORD_ESCALATE_DAYS working days (default 3) or more past its due date: the
  officials of the issuing body and the provincial administrators, once per due date.

"Once per due date": an approved extension moves the date, and the new one is reminded again.
Each one sent is a `Reminder` row (task, kind, day) under a unique constraint: the insert is the
claim (written set-based, conflicts ignored), and `sent_at` is set by a conditional update, so
two runners at once, or two rounds, never send one twice. Emails go out with Django's mail
after the transaction commits; the home page shows the reminders of the reader's units
(dashboard.py).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from tinhgon.accounts.models import WRITE_ROLES, Role
from tinhgon.coordination import mail
from tinhgon.coordination.models import Reminder, Task, TaskStatus
from tinhgon.workdays.calendar import Calendar, local_time
from tinhgon.workdays.selectors import calendar_for

log = logging.getLogger(__name__)

WAITING = (TaskStatus.RECEIVED, TaskStatus.IN_PROGRESS, TaskStatus.RETURNED)
BEFORE, OVERDUE, ESCALATE = "before", "overdue", "escalate"
KINDS = (BEFORE, OVERDUE, ESCALATE)


def remind_days() -> int:
    return int(getattr(settings, "TINHGON_COORD_REMIND_DAYS", 2))


def escalate_days() -> int:
    return int(getattr(settings, "TINHGON_COORD_ESCALATE_DAYS", 3))


def _shift(day: dt.date, working_days: int, calendar: Calendar) -> dt.date:
    """The day `working_days` working days after `day` (before it when negative)."""
    step = 1 if working_days >= 0 else -1
    left = abs(working_days)
    while left:
        day += dt.timedelta(days=step)
        if calendar.is_working_day(day):
            left -= 1
    return day


def windows(today: dt.date) -> dict[str, Q]:
    """Which waiting tasks each kind reminds today, as filters on the indexed due date."""
    calendar = calendar_for(today.year - 1, today.year + 1)
    horizon = _shift(today, remind_days(), calendar)
    late_since = _shift(today, -escalate_days(), calendar)
    return {
        BEFORE: Q(due__gte=today, due__lte=horizon),
        OVERDUE: Q(due__lt=today),
        ESCALATE: Q(due__lte=late_since),
    }


def recipients(task: Task, kind: str, day: dt.date) -> list[str]:
    if kind != ESCALATE:
        return mail.member_emails([task.unit_id], day, roles=WRITE_ROLES)
    issuer = mail.member_emails([task.directive.issuer_id], day, roles=WRITE_ROLES)
    admins = mail.member_emails([task.directive.province_id], day, roles=[Role.PROVINCE_ADMIN])
    return sorted(set(issuer) | set(admins))[: mail.RECIPIENT_LIMIT]


def _message(task: Task, kind: str) -> tuple[str, str]:
    context = {"task": task, "directive": task.directive, "kind": kind}
    with translation.override("vi"):
        subject = render_to_string("coordination/tasks/email/reminder_subject.txt", context)
        body = render_to_string("coordination/tasks/email/reminder_body.txt", context)
    return " ".join(subject.split())[: mail.SUBJECT_LIMIT], body.strip() + "\n"


def run(*, now: dt.datetime | None = None) -> dict[str, Any]:
    """One round: claim and send today's reminders and escalations. Returns how many of each."""
    now = now or timezone.now()
    today = local_time(now).date()
    sent = dict.fromkeys(KINDS, 0)
    for kind, window in windows(today).items():
        due_tasks = Task.objects.filter(window, status__in=WAITING)
        fresh = due_tasks.exclude(
            Exists(Reminder.objects.filter(task=OuterRef("pk"), kind=kind, day=OuterRef("due")))
        ).values_list("pk", "due")
        # The claim rows, set-based; a row another runner inserted first is skipped.
        Reminder.objects.bulk_create(
            [Reminder(task_id=pk, kind=kind, day=due) for pk, due in fresh.iterator()],
            ignore_conflicts=True,
            batch_size=500,
        )
        unsent = Reminder.objects.filter(
            kind=kind, sent_at__isnull=True, task__in=due_tasks
        ).select_related("task__directive")
        for reminder in unsent.iterator():
            task = reminder.task
            assert task is not None
            if reminder.day != task.due:
                continue  # an older due date, moved since: the new one is reminded
            to = recipients(task, kind, today)
            with transaction.atomic():
                claimed = Reminder.objects.filter(pk=reminder.pk, sent_at__isnull=True).update(
                    sent_at=now, recipients=to
                )
                if not claimed:
                    continue  # another runner sent it
                if to:
                    subject, body = _message(task, kind)
                    mail.send_after_commit(subject, body, to)
            sent[kind] += 1
    return sent


def recent(unit_ids: Iterable[int], *, today: dt.date, days: int = 14) -> list[Reminder]:
    """The reminders sent in the last `days` days about the units' tasks (the home page)."""
    since = today - dt.timedelta(days=days)
    return list(
        Reminder.objects.filter(
            task__unit_id__in=list(unit_ids),
            sent_at__isnull=False,
            sent_at__date__gte=since,
            task__status__in=WAITING,
        )
        .select_related("task__directive")
        .order_by("-sent_at")[:20]
    )
