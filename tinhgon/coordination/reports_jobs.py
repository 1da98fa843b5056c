"""The scheduled job's part for periodic reports: a unit that has not submitted a report is told
by email before the round's deadline and again once it has passed.

Duties waiting for the unit (not submitted, or returned for correction) are reminded, in Vietnam's
time, with the windows of the tasks' reminders (`jobs.windows`):

- before: the round is due within the next TINHGON_COORD_REMIND_DAYS working days (default 2),
  today included: the officials of the unit, once per due date;
- overdue: the deadline has passed: the officials of the unit and of the body that asked for the
  report, once per due date.

As for tasks, each one sent is a `Reminder` row (duty, kind, day) under a unique constraint: the
insert is the claim (set-based, conflicts ignored) and `sent_at` is set by a conditional update,
so two runners never send one twice. Emails leave after the transaction commits.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tinhgon.accounts.models import WRITE_ROLES
from tinhgon.coordination import mail
from tinhgon.coordination.jobs import BEFORE, OVERDUE, windows
from tinhgon.coordination.models import DutyStatus, Reminder, ReportDuty, ReportRound
from tinhgon.core import text
from tinhgon.workdays.calendar import local_time

WAITING = (DutyStatus.PENDING, DutyStatus.RETURNED)
KINDS = (BEFORE, OVERDUE)


def _message(duty: ReportDuty, kind: str) -> tuple[str, str]:
    round_ = duty.round
    values = {
        "report": round_.template.name,
        "period": round_.label,
        "due": text.day(round_.due),
    }
    with translation.override("vi"):
        if kind == BEFORE:
            subject = _("Report due %(due)s: %(report)s, %(period)s") % values
            body = _(
                "Your unit has not yet submitted the report %(report)s for %(period)s; "
                "the deadline is %(due)s."
            )
        else:
            subject = _("Report overdue: %(report)s, %(period)s") % values
            body = _(
                "The deadline of the report %(report)s for %(period)s was %(due)s and your unit "
                "has not submitted it."
            )
        body = body % values
        if round_.template.synthetic:
            body += "\n" + _("Synthetic demonstration data.")
    return subject[:300], body + "\n"


def _recipients(duty: ReportDuty, kind: str, day: dt.date) -> list[str]:
    units = [duty.unit_id]
    if kind == OVERDUE:
        units.append(duty.round.template.owner_id)
    return mail.member_emails(units, day, roles=WRITE_ROLES)


def run(*, now: dt.datetime | None = None) -> dict[str, int]:
    """One round: claim and send today's reminders about reports. Returns how many of each."""
    now = now or timezone.now()
    today = local_time(now).date()
    sent = dict.fromkeys(KINDS, 0)
    every = windows(today)
    for kind in KINDS:
        window = every[kind]
        duties = ReportDuty.objects.filter(status__in=WAITING, round__in=_rounds(window))
        fresh = duties.exclude(
            Exists(
                Reminder.objects.filter(duty=OuterRef("pk"), kind=kind, day=OuterRef("round__due"))
            )
        ).values_list("pk", "round__due")
        Reminder.objects.bulk_create(
            [Reminder(duty_id=pk, kind=kind, day=due) for pk, due in fresh.iterator()],
            ignore_conflicts=True,
            batch_size=500,
        )
        unsent = Reminder.objects.filter(
            kind=kind, sent_at__isnull=True, duty__in=duties
        ).select_related("duty__round__template")
        for reminder in unsent.iterator():
            duty = reminder.duty
            assert duty is not None
            if reminder.day != duty.round.due:
                continue
            to = _recipients(duty, kind, today)
            with transaction.atomic():
                claimed = Reminder.objects.filter(pk=reminder.pk, sent_at__isnull=True).update(
                    sent_at=now, recipients=to
                )
                if not claimed:
                    continue
                if to:
                    subject, body = _message(duty, kind)
                    mail.send_after_commit(subject, body, to)
            sent[kind] += 1
    return sent


def _rounds(window):  # type: ignore[no-untyped-def]
    """The rounds whose deadline lies in a window of `jobs.windows` (a filter on `due`)."""
    return ReportRound.objects.filter(window).values("pk")
