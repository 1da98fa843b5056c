"""The scheduled job's part for cases (`tinhgon jobs run`, part "integrity_cases"): a reminder
before the due date and an escalation once it has passed.

In Vietnam's time, for open cases (received, accepted):

- remind: due within the next TINHGON_CASE_REMIND_DAYS working days (default 3), today
  included: an email to the members of the handler unit (and the handler who accepted it);
- escalate: past its due date: an email to the level above the handler unit (the inspectorate
  above it for complaints and denunciations, the people's committee above it for feedback; above
  a provincial body, the province's people's committee), and an event on the case.

Each is recorded once per due date as a CaseEvent (move "remind" or "escalate", data["due"]): an
extension moves the date, and the new one is reminded again. The case row is locked while its
event is checked and written (`select_for_update`), so two runners never send one twice.

No email names the author, nor the subject or content of the case (they may name the author):
the case's number, kind, handler unit and due date, and the address of its page. No email goes
to anyone who may not read the case (`cases.visible_cases`, the reading rule itself: for a
denunciation, never an account at a unit the official concerned leads, nor the account linked
to them): `Readers` decides it with one query per recipient per round, not per case.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from tinhgon.accounts.models import Membership, Role
from tinhgon.core.jobs import register_part
from tinhgon.core.models import audit
from tinhgon.integrity import cases
from tinhgon.integrity.models import OPEN_CASE, Case, CaseEvent, CaseKind
from tinhgon.units import selectors
from tinhgon.units.kinds import Kind
from tinhgon.workdays.calendar import VIETNAM, local_time
from tinhgon.workdays.selectors import calendar_for

log = logging.getLogger(__name__)

REMIND, ESCALATE = "remind", "escalate"
RECIPIENT_LIMIT = 50
SUBJECT_LIMIT = 300


def remind_days() -> int:
    return int(getattr(settings, "TINHGON_CASE_REMIND_DAYS", 3))


def _horizon(today: dt.date, working_days: int) -> dt.date:
    """The last day of the `working_days` working days from today (today counts if working)."""
    calendar = calendar_for(today.year - 1, today.year + 1)
    day, left = today, working_days
    while True:
        if calendar.is_working_day(day):
            left -= 1
            if left <= 0:
                return day
        day += dt.timedelta(days=1)


def _start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=VIETNAM)


def windows(now: dt.datetime) -> dict[str, Q]:
    """Which open cases each move concerns now, as filters on the indexed due date."""
    today = local_time(now).date()
    end = _start(_horizon(today, remind_days()) + dt.timedelta(days=1))
    return {REMIND: Q(due__gte=now, due__lt=end), ESCALATE: Q(due__lt=now)}


def _in_force(day: dt.date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def _holding(day: dt.date, **membership: Any) -> list[Any]:
    """The active users with an email holding a membership in force so described, by email (at
    most RECIPIENT_LIMIT)."""
    held = Membership.objects.filter(_in_force(day), user=OuterRef("pk"), **membership)
    found = get_user_model().objects.filter(Exists(held), is_active=True).exclude(email="")
    return list(found.order_by("email", "pk")[:RECIPIENT_LIMIT])


def _members(unit_id: int, day: dt.date) -> list[Any]:
    """The officials of a unit (of its administrative unit too, when the unit is a people's
    committee: they act for it, as `cases.is_handler` reads it)."""
    units = [unit_id]
    version = selectors.versions_on(day).filter(unit_id=unit_id).first()
    if version is not None and version.kind == Kind.PEOPLES_COMMITTEE and version.parent_id:
        units.append(version.parent_id)
    return _holding(day, unit_id__in=units, role=Role.UNIT_OFFICIAL)


def level_above(case: Case, day: dt.date) -> int | None:
    """The unit above the handler unit that hears of an overdue case."""
    handler = selectors.versions_on(day).filter(unit_id=case.handler_unit_id).first()
    if handler is None:
        return None
    admin = selectors.versions_on(day).filter(unit_id=handler.admin_unit_id).first()
    parent_admin = admin.parent_id if admin is not None else None
    while parent_admin is not None:
        version = selectors.versions_on(day).filter(unit_id=parent_admin).first()
        if version is None or version.kind in cases.ADMIN_KINDS:
            break
        parent_admin = version.parent_id
    if parent_admin is not None:
        return cases.above(case.kind, parent_admin, day)
    # The handler is a provincial body: the province's people's committee, unless it is that
    # committee itself (then no one above it in the registry: the province's administrators).
    committee = cases.committee_of(handler.admin_unit_id, day)
    return committee if committee != case.handler_unit_id else None


class Readers:
    """Which of a round's cases each user may read, by the reading rule itself
    (`cases.visible_cases` on the day): one query per user the round would mail, over all the
    round's cases at once, not one per recipient per case. Read once per round: a membership or
    a link changed while the round runs counts from the next round."""

    def __init__(self, cases_of_round: QuerySet[Case], day: dt.date) -> None:
        self.cases = cases_of_round
        self.day = day
        self.read: dict[int, set[int]] = {}

    def of(self, case_id: int, users: list[Any]) -> list[Any]:
        """The users who may read the case."""
        for user in users:
            if user.pk not in self.read:
                readable = cases.visible_cases(user, day=self.day).filter(
                    pk__in=self.cases.values("pk")
                )
                self.read[user.pk] = set(readable.values_list("pk", flat=True))
        return [user for user in users if case_id in self.read[user.pk]]


def recipients(
    case: Case, move: str, day: dt.date, readers: Readers | None = None
) -> tuple[list[str], int | None]:
    """Who hears of the case (their emails), and the unit they act for: of those the move
    names, only who may read the case (`Readers`; none given: this case alone)."""
    found, unit = _recipients(case, move, day)
    readers = readers or Readers(Case.objects.filter(pk=case.pk), day)
    told = readers.of(case.pk, found)
    if not told and move != REMIND:
        # The level above may not read it (a ward's denunciation is read only up its own tree,
        # not by the provincial inspectorate beside it): the province's administrators, who
        # stand above every unit of the province, are told instead, if they may read it.
        province = case.handler_province_id or case.handler_unit_id
        if unit != province:
            admins = _holding(day, unit_id=province, role=Role.PROVINCE_ADMIN)
            told, unit = readers.of(case.pk, admins), province
    return sorted({user.email for user in told})[:RECIPIENT_LIMIT], unit


def _recipients(case: Case, move: str, day: dt.date) -> tuple[list[Any], int | None]:
    if move == REMIND:
        found = _members(case.handler_unit_id, day)
        handler = case.handler
        if handler is not None and handler.email and handler.is_active and handler not in found:
            found.append(handler)
        return found, case.handler_unit_id
    above = level_above(case, day)
    if above is not None:
        return _members(above, day), above
    province = case.handler_province_id or case.handler_unit_id
    return _holding(day, unit_id=province, role=Role.PROVINCE_ADMIN), province


def _send(subject: str, body: str, to: list[str]) -> None:
    try:
        send_mail(subject, body, None, to)
    except Exception:  # a mail server down must not undo the round: the event says it was due
        log.exception("case reminder not sent to %d recipients", len(to))


def _message(case: Case, move: str) -> tuple[str, str]:
    names = dict(
        selectors.versions_on(local_time(case.due).date())
        .filter(unit_id=case.handler_unit_id)
        .values_list("unit_id", "name")
    )
    context = {
        "case": case,
        "move": move,
        "kind": CaseKind(case.kind).label,
        "handler": names.get(case.handler_unit_id, ""),
        "path": f"/integrity/cases/{case.pk}/",
    }
    with translation.override("vi"):
        subject = render_to_string("integrity/cases/email/reminder_subject.txt", context)
        body = render_to_string("integrity/cases/email/reminder_body.txt", context)
    return " ".join(subject.split())[:SUBJECT_LIMIT], body.strip() + "\n"


def due_key(due: dt.datetime) -> str:
    """The due date as events record it: ISO 8601 in UTC, whatever zone it was read in."""
    return due.astimezone(dt.UTC).isoformat()


def _sent(case: Case, move: str) -> Q:
    """Whether the move was made for the case's current due date: an escalation made after it
    passed; a reminder that names it."""
    if move == ESCALATE:
        return Q(case=case, move=move, at__gt=case.due)
    return Q(case=case, move=move, data__due=due_key(case.due))


def _one(case_id: int, move: str, now: dt.datetime, readers: Readers) -> bool:
    """Record and send one reminder or escalation; False if another runner did, or the case
    moved out of the window meanwhile."""
    today = local_time(now).date()
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .filter(windows(now)[move], pk=case_id, status__in=OPEN_CASE)
            .select_related("handler")
            .first()
        )
        if case is None:
            return False
        if CaseEvent.objects.filter(_sent(case, move)).exists():
            return False
        to, unit = recipients(case, move, today, readers)
        CaseEvent.objects.create(
            case=case,
            move=move,
            from_status=case.status,
            to_status=case.status,
            actor=None,
            unit_id=unit,
            at=now,
            data={"due": due_key(case.due), "recipients": len(to)},
        )
        audit(actor=None, action=f"case_{move}", unit=unit, case=case.pk, kind=case.kind)
        if to:
            subject, body = _message(case, move)
            transaction.on_commit(partial(_send, subject, body, to))
    return True


def run(*, now: dt.datetime | None = None) -> dict[str, Any]:
    """One round: today's reminders and escalations. Returns how many of each were made."""
    now = now or timezone.now()
    made = {REMIND: 0, ESCALATE: 0}
    found = windows(now)
    readers = Readers(
        Case.objects.filter(found[REMIND] | found[ESCALATE], status__in=OPEN_CASE),
        local_time(now).date(),
    )
    for move, window in found.items():
        candidates = Case.objects.filter(window, status__in=OPEN_CASE)
        if move == ESCALATE:
            # Set-based: every overdue case already escalated after its due date is left out.
            escalated = CaseEvent.objects.filter(
                case=OuterRef("pk"), move=ESCALATE, at__gt=OuterRef("due")
            )
            candidates = candidates.exclude(Exists(escalated))
        # Reminders: the cases due in the next few working days, a handful a day; each checked
        # again under its lock.
        for case_id in candidates.values_list("pk", flat=True).iterator():
            made[move] += _one(case_id, move, now, readers)
    return made


def register_all() -> None:
    register_part("integrity_cases", run)
