"""Who coordination's emails go to, and how they leave: after the transaction commits (a change
rolled back sends nothing), and a mail server that fails does not undo the change (the log says
why). Used by the tasks' reminders (jobs.py), the reports' (reports_jobs.py) and the obstacles'
notices (obstacles.py)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q

from tinhgon.accounts.models import Membership

log = logging.getLogger(__name__)

RECIPIENT_LIMIT = 50
SUBJECT_LIMIT = 300


def member_emails(
    unit_ids: Iterable[int], day: dt.date, *, roles: Iterable[str] | None = None
) -> list[str]:
    """The addresses of the active members of the units on `day` (of those roles: None, any)."""
    members = Membership.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day),
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        unit_id__in=list(unit_ids),
        user__is_active=True,
    ).exclude(user__email="")
    if roles is not None:
        members = members.filter(role__in=list(roles))
    return sorted(set(members.values_list("user__email", flat=True)))[:RECIPIENT_LIMIT]


def send_now(subject: str, body: str, to: list[str]) -> None:
    try:
        send_mail(" ".join(subject.split())[:SUBJECT_LIMIT], body, settings.DEFAULT_FROM_EMAIL, to)
    except Exception:  # the change stands; the log says why the mail failed
        log.exception("coordination email not sent to %s", to)


def send_after_commit(subject: str, body: str, to: list[str]) -> None:
    if to:
        transaction.on_commit(lambda: send_now(subject, body, to))
