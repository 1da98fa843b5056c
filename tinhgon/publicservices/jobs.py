"""The scheduled job: reminders and escalations of dossiers about to be late, and one round of
everything `tinhgon jobs run` does (push the portal's outbox, remind, retry failed emails).

Only dossiers whose clock runs (received, being processed) are reminded: one waiting for its
applicant has no deadline running, one processed has met it. The rules, in Vietnam's time:

- remind: due by the close of the next working day, no apology yet (`promised_at` empty): its
  assignee, or without one the officials of its unit, once per due date;
- escalate: due today, from noon, still without an apology: the provincial administrators of its
  province (without any, the officials of its unit) and its assignee, once per due date;
- overdue: past its due date, without an apology or past the date the apology promised: the
  same people, once per working day.

Each one sent is a `Reminder` row (dossier, kind, day) under a unique constraint: the insert is
the claim, so two runners at once, or two rounds, never send it twice. The emails go out through
`Notification` rows like the applicants' (sent after commit, retried when they fail).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from tinhgon.accounts.models import WRITE_ROLES, Membership, Role
from tinhgon.core import jobs as core_jobs
from tinhgon.core import throttle
from tinhgon.core.errors import NotFound
from tinhgon.publicservices import notifications, outbox, sync
from tinhgon.publicservices.models import (
    Dossier,
    Notification,
    PortalOutbox,
    Reminder,
    ReminderKind,
    Status,
)
from tinhgon.units import selectors as units
from tinhgon.workdays.calendar import CLOSE, VIETNAM, Calendar, local_time
from tinhgon.workdays.selectors import calendar_for

log = logging.getLogger(__name__)

# The clock runs in these: a deadline can be missed.
RUNNING = (Status.RECEIVED, Status.PROCESSING)
# From this time of the due day a dossier without an apology is escalated.
ESCALATE_FROM = dt.time(12, 0)
RECIPIENT_LIMIT = 50
BATCH = 500


def _calendar(day: dt.date) -> Calendar:
    """The working days around `day`: last year (what is overdue since) to next year."""
    return calendar_for(day.year - 1, day.year + 1)


def horizon(now: dt.datetime, calendar: Calendar | None = None) -> dt.datetime:
    """The close of business of the next working day after `now`'s day: what is due by then is
    due "within the next working day"."""
    today = local_time(now).date()
    calendar = calendar or _calendar(today)
    day = today + dt.timedelta(days=1)
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, CLOSE, tzinfo=VIETNAM)


def _without_apology(now: dt.datetime) -> Q:
    return Q(promised_at__isnull=True) | Q(promised_at__lt=now)


def at_risk(unit_ids: Iterable[int], *, now: dt.datetime | None = None) -> QuerySet[Dossier]:
    """The units' dossiers about to be late (due by the close of the next working day) or
    overdue, with no apology that still holds, soonest due first. One indexed range
    (dossier_open_due) per call: a dashboard may show it on every view."""
    now = now or timezone.now()
    return (
        Dossier.objects.filter(
            unit_id__in=list(unit_ids), status__in=RUNNING, due_at__lte=horizon(now)
        )
        .filter(_without_apology(now))
        .order_by("due_at", "id")
    )


def at_risk_counts(unit_ids: Iterable[int], *, now: dt.datetime | None = None) -> dict[str, int]:
    """How many of the units' dossiers are due soon (by the next working day's close) and how
    many are overdue, without an apology that still holds."""
    now = now or timezone.now()
    risky = at_risk(unit_ids, now=now)
    return {
        "due_soon": risky.filter(due_at__gte=now).count(),
        "overdue": risky.filter(due_at__lt=now).count(),
    }


# -- reminders and escalations ---------------------------------------------------------------
def _in_force(day: dt.date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


Cache = dict[tuple[int, tuple[str, ...], dt.date], list[str]]


def _emails(
    unit_id: int, roles: Iterable[str], day: dt.date, cache: Cache | None = None
) -> list[str]:
    """The email addresses of the unit's members in those roles on the day (a round asks the
    same unit many times: the cache keeps one query per unit and roles)."""
    key = (unit_id, tuple(sorted(roles)), day)
    if cache is not None and key in cache:
        return cache[key]
    found = (
        Membership.objects.filter(
            _in_force(day), unit_id=unit_id, role__in=list(roles), user__is_active=True
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    emails = sorted(set(found))[:RECIPIENT_LIMIT]
    if cache is not None:
        cache[key] = emails
    return emails


def _assignee_email(dossier: Dossier) -> list[str]:
    user = dossier.assignee
    return [user.email] if user is not None and user.is_active and user.email else []


def recipients(dossier: Dossier, kind: str, day: dt.date, cache: Cache | None = None) -> list[str]:
    """Who is told: a reminder goes to the assignee (or the unit's officials); an escalation to
    the province's administrators (or the unit's officials) and the assignee."""
    unit_officials = sorted(WRITE_ROLES)
    if kind == ReminderKind.REMIND:
        return _assignee_email(dossier) or _emails(dossier.unit_id, unit_officials, day, cache)
    above = _emails(dossier.province_id, [Role.PROVINCE_ADMIN], day, cache) or _emails(
        dossier.unit_id, unit_officials, day, cache
    )
    return sorted(set(above + _assignee_email(dossier)))[:RECIPIENT_LIMIT]


def _staff_link(code: str) -> str:
    try:
        path = reverse("services:detail", args=[code])
    except NoReverseMatch:  # the staff's pages not mounted: their address all the same
        path = f"/services/{code}/"
    return f"{settings.TINHGON_SITE_URL}{path}"


def _context(dossier: Dossier, kind: str, today: dt.date, calendar: Calendar) -> dict[str, Any]:
    assert dossier.due_at is not None
    due_day = local_time(dossier.due_at).date()
    try:
        unit = units.version_on(dossier.unit_id, today).name
    except NotFound:
        unit = ""
    assignee = dossier.assignee
    with translation.override("vi"):
        return {
            "kind": kind,
            "code": dossier.code,
            "procedure": dossier.procedure.name,
            "unit": unit,
            "due": notifications.moment(dossier.due_at),
            "due_time": local_time(dossier.due_at).strftime("%H:%M"),
            # Overdue since before last year: counted from the calendar's first day.
            "days": calendar.working_days_between(
                max(due_day, dt.date(calendar.first_year, 1, 1)), today
            ),
            "status": str(Status(dossier.status).label),
            "assignee": (assignee.get_full_name() or assignee.get_username()) if assignee else "",
            "link": _staff_link(dossier.code),
        }


def _send(
    dossier: Dossier,
    kind: str,
    day: dt.date,
    now: dt.datetime,
    calendar: Calendar,
    cache: Cache | None = None,
) -> bool:
    """Record the reminder and queue its email, once: False when it was recorded already."""
    today = local_time(now).date()
    to = recipients(dossier, kind, today, cache)
    try:
        with transaction.atomic():
            Reminder.objects.create(dossier=dossier, kind=kind, day=day, sent_at=now, recipients=to)
            if to:
                notifications.queue(
                    dossier=dossier,
                    event=None,
                    kind=kind,
                    recipients=to,
                    template="reminder",
                    context=_context(dossier, kind, today, calendar),
                )
    except IntegrityError:
        return False  # another runner recorded it first
    return True


def _not_yet(kind: str, day: Any) -> Any:
    return ~Exists(Reminder.objects.filter(dossier=OuterRef("pk"), kind=kind, day=day))


def send_reminders(*, now: dt.datetime | None = None, batch: int = BATCH) -> dict[str, int]:
    """Remind and escalate what the rules above say, each once; how many of each were sent."""
    now = now or timezone.now()
    local = local_time(now)
    today = local.date()
    calendar = _calendar(today)
    running = (
        Dossier.objects.filter(status__in=RUNNING, due_at__isnull=False)
        .annotate(due_day=TruncDate("due_at", tzinfo=VIETNAM))
        .select_related("procedure", "assignee")
    )
    end_of_today = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=VIETNAM)
    plans: list[tuple[str, QuerySet[Dossier], bool]] = [
        (
            ReminderKind.REMIND,
            running.filter(
                promised_at__isnull=True, due_at__gt=now, due_at__lte=horizon(now, calendar)
            ),
            True,
        ),
        (
            ReminderKind.ESCALATE,
            running.filter(promised_at__isnull=True, due_at__gt=now, due_at__lt=end_of_today),
            local.time() >= ESCALATE_FROM,
        ),
        (
            ReminderKind.OVERDUE,
            running.filter(_without_apology(now), due_at__lt=now),
            calendar.is_working_day(today),
        ),
    ]
    sent = {}
    cache: Cache = {}
    for kind, candidates, applies in plans:
        sent[str(kind)] = 0
        if not applies:
            continue
        day_of = OuterRef("due_day") if kind != ReminderKind.OVERDUE else today
        for dossier in candidates.filter(_not_yet(kind, day_of)).order_by("due_at", "id")[:batch]:
            day = today if kind == ReminderKind.OVERDUE else local_time(dossier.due_at).date()  # type: ignore[arg-type]
            sent[str(kind)] += _send(dossier, kind, day, now, calendar, cache)
    return sent


# -- one round of the scheduled job ----------------------------------------------------------
def purge_sent() -> int:
    """Delete the portal rows and emails sent more than TINHGON_SENT_KEEP_DAYS ago."""
    before = timezone.now() - dt.timedelta(days=settings.TINHGON_SENT_KEEP_DAYS)
    return outbox.purge(PortalOutbox, before=before) + outbox.purge(Notification, before=before)


def run_round(*, batch: int = 200) -> dict[str, Any]:
    """Push the portal's outbox, send reminders and escalations, retry failed emails. A part
    that fails is logged and reported; the others still run (a mail server down must not stop
    the portal's sync). Holds no lock between rounds."""
    report: dict[str, Any] = {"errors": []}
    parts = {
        "portal": lambda: sync.push(batch=batch).as_dict(),
        "reminders": lambda: send_reminders(batch=batch),
        "emails_sent": lambda: notifications.retry(batch=batch),
        "purged": purge_sent,
        "throttles_purged": throttle.purge,
        **core_jobs.parts(),
    }
    for name, part in parts.items():
        try:
            report[name] = part()
        except Exception as error:  # one part's failure is reported, not fatal
            log.exception("jobs: %s failed", name)
            report["errors"].append(f"{name}: {type(error).__name__}: {error}"[:500])
    return report
