"""Emails: the applicant's at each change of their dossier, the officials' reminders.

An email is first a `Notification` row written in the transaction of what it tells, then sent
after that transaction commits (`transaction.on_commit`): a change rolled back sends nothing,
and a mail server that fails does not undo the change: the row stays, with its error, and the
scheduled job (`tinhgon jobs run`) sends it again with the outbox's backoff. Texts are
Vietnamese, from templates/services/email/; none carries the applicant's identity number.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation

from tinhgon.publicservices import effects, inserts, outbox
from tinhgon.publicservices.models import Dossier, DossierEvent, Notification, Status
from tinhgon.workdays.calendar import local_time

log = logging.getLogger(__name__)

SUBJECT_LIMIT = 300
# The moves whose note is the reason the applicant must read (a refusal, a request, a stop).
REASONED = frozenset({"refuse", "request_supplement", "stop", "reject"})
APOLOGIZE = "apologize"


def moment(value: dt.datetime | None) -> str:
    """dd/mm/yyyy HH:MM in Vietnam's time (the active language's short format)."""
    if value is None:
        return ""
    return formats.date_format(local_time(value).replace(tzinfo=None), "SHORT_DATETIME_FORMAT")


def tracking_link(code: str) -> str:
    """The portal's tracking page, the code filled in (the phone digits are still asked)."""
    try:
        path = reverse("portal:track")
    except NoReverseMatch:
        path = "/dich-vu-cong/tra-cuu/"
    return f"{settings.TINHGON_SITE_URL}{path}?{urlencode({'code': code})}"


def _render(name: str, context: dict[str, object]) -> tuple[str, str]:
    with translation.override("vi"):
        subject = render_to_string(f"services/email/{name}_subject.txt", context)
        body = render_to_string(f"services/email/{name}_body.txt", context)
    return " ".join(subject.split())[:SUBJECT_LIMIT], body.strip() + "\n"


def queue(
    *,
    dossier: Dossier,
    event: DossierEvent | None,
    kind: str,
    recipients: Sequence[str],
    template: str,
    context: dict[str, object],
) -> Notification:
    """Write the email in the current transaction; it is sent when that transaction commits."""
    subject, body = _render(template, context)
    now = timezone.now()
    notification = inserts.insert(
        Notification,
        dossier=dossier,
        event=event,
        kind=kind,
        recipients=list(recipients),
        subject=subject,
        body=body,
        created_at=now,
        next_attempt_at=now,
    )
    # robust: whatever goes wrong in sending (the database included) is logged, never raised
    # into the request whose change has committed already; the job sends the row later.
    transaction.on_commit(lambda: send(notification.pk), robust=True)
    return notification


@effects.register
def notify_applicant(dossier: Dossier, event: DossierEvent) -> None:
    """Tell the applicant of each change of their dossier, when they gave an email address."""
    if not dossier.applicant_email:
        return
    with translation.override("vi"):
        context: dict[str, object] = {
            "applicant": dossier.applicant_name,
            "code": dossier.code,
            "procedure": dossier.procedure.name,
            "status": str(Status(dossier.status).label),
            "status_code": dossier.status,
            "move": event.move,
            "due": moment(dossier.due_at) if dossier.is_open else "",
            "reason": event.note if event.move in REASONED else "",
            "promised": moment(dossier.promised_at) if event.move == APOLOGIZE else "",
            "apology": event.note if event.move == APOLOGIZE else "",
            "link": tracking_link(dossier.code),
        }
    queue(
        dossier=dossier,
        event=event,
        kind="status",
        recipients=[dossier.applicant_email],
        template="status",
        context=context,
    )


def send(pk: int) -> bool:
    """One attempt at sending the notification; True when it went. A failure is logged and
    kept for the job to retry; it never reaches the caller (the change it tells is done)."""
    now = timezone.now()
    if not outbox.claim(Notification, pk, now):
        return False  # sent already, or another runner is sending it
    notification = Notification.objects.get(pk=pk)
    try:
        send_mail(
            notification.subject,
            notification.body,
            settings.DEFAULT_FROM_EMAIL,
            notification.recipients,
        )
    except Exception as error:  # whatever the backend raises, the row keeps it
        log.warning("email %s about dossier %s not sent: %s", pk, notification.dossier_id, error)
        outbox.failed(Notification, pk, f"{type(error).__name__}: {error}", retry=True)
        return False
    Notification.objects.filter(pk=pk).update(sent_at=timezone.now(), claimed_until=None)
    return True


def retry(*, batch: int = 100) -> int:
    """Send the emails whose time has come (failed before, or never tried because the process
    stopped between commit and send); how many went."""
    now = timezone.now()
    due = (
        Notification.objects.filter(outbox.pending(), outbox.unclaimed(now))
        .filter(next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:batch]
    )
    return sum(send(pk) for pk in list(due))
