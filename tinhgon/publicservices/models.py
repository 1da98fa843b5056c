"""The procedure catalogue (versioned) and the dossiers of the one-stop workflow.

A dossier's `status` is the national portal's dossier status code (1-10), stored as it is sent:
docs/public-services.md gives the table and its source. A dossier keeps the procedure version
in force on the day it was received (its limit, fees and clock policy), whatever the catalogue
says later.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tinhgon.units.models import Unit
from tinhgon.workdays.calendar import local_time


class Level(models.TextChoices):
    COMMUNE = "commune", _("commune level")
    PROVINCE = "province", _("province level")


class Online(models.TextChoices):
    FULL = "full", _("fully online")
    PARTIAL = "partial", _("partly online")


class Clock(models.TextChoices):
    """What the clock does while the dossier waits for the applicant to supplement it."""

    PAUSE = "pause", _("pauses, then goes on")
    RESTART = "restart", _("starts again from the supplement")


class Procedure(models.Model):
    """An administrative procedure by its national code (Cổng Dịch vụ công quốc gia)."""

    code = models.CharField(_("national code"), max_length=32, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ProcedureVersion(models.Model):
    """The rules of a procedure over [valid_from, valid_to] (NULL: still in force)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions")
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=500)
    field = models.CharField(_("field"), max_length=200)
    level = models.CharField(_("competent level"), max_length=16, choices=Level.choices)
    authority = models.CharField(_("competent authority"), max_length=200)
    days = models.PositiveSmallIntegerField(_("time limit (working days)"))
    # [{"name": ..., "amount": VND or null (set locally), "note": ...}]
    fees = models.JSONField(_("fees"), default=list, blank=True)
    documents = models.JSONField(_("required documents"), default=list, blank=True)
    online = models.CharField(_("online level"), max_length=16, choices=Online.choices)
    result = models.CharField(_("result"), max_length=300)
    clock = models.CharField(
        _("clock while waiting for the applicant"), max_length=16, choices=Clock.choices
    )
    source = models.CharField(_("source"), max_length=1000)

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure__code", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "valid_from"], name="procedure_version_starts_once"
            ),
            models.UniqueConstraint(
                fields=["procedure"],
                condition=Q(valid_to__isnull=True),
                name="procedure_one_open_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} {self.name} ({self.valid_from:%Y-%m-%d})"


class Status(models.IntegerChoices):
    """The national portal's dossier status codes (docs/public-services.md)."""

    REGISTERED = 1, _("newly registered")
    RECEIVED = 2, _("received")
    NOT_RECEIVED = 3, _("not received")
    PROCESSING = 4, _("being processed")
    SUPPLEMENT = 5, _("documents requested")
    PAYMENT = 6, _("payment requested")
    WITHDRAWN = 7, _("withdrawn by the applicant")
    STOPPED = 8, _("processing stopped")
    DONE = 9, _("processed")
    RETURNED = 10, _("result returned")


# Statuses with work left: these follow their unit through a reorganization.
OPEN = (
    Status.REGISTERED,
    Status.RECEIVED,
    Status.PROCESSING,
    Status.SUPPLEMENT,
    Status.PAYMENT,
    Status.DONE,
)
# The clock stands still in these (waiting for the applicant).
WAITING = (Status.SUPPLEMENT, Status.PAYMENT)
# Received and not yet processed: the clock runs or waits; within the deadline or overdue.
ON_CLOCK = (Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.PAYMENT)


class ApplicantKind(models.TextChoices):
    CITIZEN = "citizen", _("citizen")
    BUSINESS = "business", _("business")


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    ONLINE = "online", _("online")
    POSTAL = "postal", _("by post")


class Outcome(models.TextChoices):
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class Rating(models.IntegerChoices):
    """The applicant's rating of the service (the satisfaction indicator of Decision 766)."""

    UNSATISFIED = 1, _("not satisfied")
    SATISFIED = 2, _("satisfied")
    VERY_SATISFIED = 3, _("very satisfied")


class Timeliness(models.TextChoices):
    """Finished dossiers are early, on time or late; open ones within deadline or overdue."""

    EARLY = "early", _("early")
    ON_TIME = "on_time", _("on time")
    LATE = "late", _("late")
    WITHIN = "within", _("within deadline")
    OVERDUE = "overdue", _("overdue")


# A dossier code as typed or sent: letters, digits, dots, dashes, underscores (a NUL byte or a
# space would be refused by PostgreSQL or match nothing: it is simply not a code).
CODE_RE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._/-]{0,63}")


def is_code(text: str) -> bool:
    return CODE_RE.fullmatch(text or "") is not None


class Dossier(models.Model):
    """One application. `unit` is the competent unit (it moves with reorganizations and
    transfers); `receiving_unit` is where it was filed (a fact, it never moves)."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    procedure = models.ForeignKey(
        ProcedureVersion, on_delete=models.PROTECT, related_name="dossiers"
    )
    status = models.PositiveSmallIntegerField(_("status"), choices=Status.choices)
    # Bumped by every transition: a transition updates the row only if it still holds the
    # status and version it read, so two clicks at once cannot both apply.
    version = models.PositiveIntegerField(default=0)
    applicant_kind = models.CharField(
        _("applicant kind"), max_length=16, choices=ApplicantKind.choices
    )
    applicant_name = models.CharField(_("applicant"), max_length=200)
    # The identity number is never stored: a keyed HMAC finds the applicant's dossiers, and the
    # last digits show it masked (********1234).
    applicant_id_digest = models.CharField(max_length=64, db_index=True)
    applicant_id_last = models.CharField(max_length=4)
    # Where the applicant is told of each change (optional), and the last four digits of the
    # phone number: the second factor that lets the applicant track the dossier by its code.
    applicant_email = models.EmailField(_("applicant's email"), blank=True)
    applicant_phone_last = models.CharField(_("last digits of the phone"), max_length=4, blank=True)
    applicant_commune = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("applicant's commune")
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    client_ref = models.CharField(max_length=64, null=True, blank=True, unique=True)
    receiving_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("receiving centre")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("competent unit")
    )
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    admin_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    # Counting starts here: the receipt, or the supplement under a "restart" policy.
    clock_from = models.DateTimeField(null=True, blank=True)
    # Closed pauses since clock_from: [[start ISO, end ISO], ...]; paused_at while one runs.
    pauses = models.JSONField(default=list, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    fees_due = models.PositiveIntegerField(_("fees due (VND)"), default=0)
    fees_paid = models.PositiveIntegerField(_("fees paid (VND)"), default=0)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    # The new date promised in the latest apology (Apology); due_at stays the legal due date.
    promised_at = models.DateTimeField(_("new date promised"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, choices=Rating.choices
    )
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        indexes = [
            # A unit's dossiers by status (the work list, the figures).
            models.Index(fields=["unit", "status"], name="dossier_unit_status"),
            # Open dossiers by due date (what falls due next); finished ones stay out of it.
            models.Index(
                fields=["due_at"],
                condition=Q(status__in=[int(s) for s in OPEN]),
                name="dossier_open_due",
            ),
            models.Index(fields=["province", "status"], name="dossier_province_status"),
            models.Index(fields=["admin_unit", "status"], name="dossier_admin_unit_status"),
            # A unit's dossiers on the clock by due date: its overdue count and the dossiers at
            # risk are one index range, whatever the size of the table (figures.py).
            models.Index(
                # The assignee last: the count per official is read from the index alone.
                fields=["unit", "due_at", "assignee"],
                condition=Q(status__in=[int(s) for s in ON_CLOCK]),
                name="dossier_unit_clock_due",
            ),
            # A unit's ratings by date, read from the index alone (the satisfaction figure).
            models.Index(
                fields=["unit", "rated_at", "rating"],
                condition=Q(rating__isnull=False),
                name="dossier_unit_rated",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def applicant_id_masked(self) -> str:
        return "*" * 8 + self.applicant_id_last

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def timeliness(self, now: dt.datetime) -> Timeliness | None:
        """Early (finished before the due day), on time (by the due time), late; open: within
        the deadline or overdue. None while the clock has not started (not yet received), and
        for a dossier withdrawn or stopped (no result was due)."""
        if self.due_at is None or self.status in (Status.WITHDRAWN, Status.STOPPED):
            return None  # no result was due: neither early nor late
        if self.status in OPEN and self.status != Status.DONE:
            return Timeliness.WITHIN if now <= self.due_at else Timeliness.OVERDUE
        if self.finished_at is None:
            return None
        if local_time(self.finished_at).date() < local_time(self.due_at).date():
            return Timeliness.EARLY
        return Timeliness.ON_TIME if self.finished_at <= self.due_at else Timeliness.LATE


class DossierCounter(models.Model):
    """The last sequence number a receiving unit gave on a day (dossier codes)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="dossier_counter_unit_day")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day:%Y-%m-%d} {self.last}"


class DossierEvent(models.Model):
    """One transition of a dossier: who, at which unit, when, from which status to which."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    move = models.CharField(_("move"), max_length=32)
    from_status = models.PositiveSmallIntegerField(null=True, blank=True, choices=Status.choices)
    to_status = models.PositiveSmallIntegerField(choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))
    note = models.CharField(_("note"), max_length=1000, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
        ordering = ["dossier_id", "id"]
        indexes = [models.Index(fields=["dossier", "id"], name="dossier_event_order")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.move} {self.at:%Y-%m-%d %H:%M}"


class Apology(models.Model):
    """A written apology with a new date, due before the dossier's due date passes (Decision
    766 counts the dossier late all the same: due_at does not move)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="apologies")
    new_due_at = models.DateTimeField(_("new date"))
    reason = models.CharField(_("reason"), max_length=1000)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("apology")
        verbose_name_plural = _("apologies")
        ordering = ["dossier_id", "at"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.new_due_at:%Y-%m-%d}"


# -- what follows a change: the portal's outbox, the applicant's emails, reminders ------------
ERROR_LIMIT = 1000


PENDING = Q(sent_at__isnull=True, failed_at__isnull=True)


class Delivery(models.Model):
    """Something to deliver later, written in the transaction of what it tells: pending while
    sent_at and failed_at are NULL; tried at next_attempt_at, again after a backoff when it
    fails (publicservices/outbox.py); failed when no retry can mend it or the attempts ran out,
    kept with its error."""

    created_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    # A runner owns the row until claimed_until (then another may take it over): two runners
    # at once never deliver the same row twice.
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=ERROR_LIMIT, blank=True)

    class Meta:
        abstract = True


class PortalOutbox(Delivery):
    """One change of a dossier to tell the national portal, written in the transaction that
    made it (publicservices/outbox.py) and pushed later in order per dossier (sync.py); once
    sent, `lag_ms` = sent_at − the change's time (an indicator)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(DossierEvent, on_delete=models.CASCADE, related_name="+")
    event_at = models.DateTimeField()
    payload = models.JSONField()
    lag_ms = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("portal outbox row")
        verbose_name_plural = _("portal outbox")
        ordering = ["id"]
        indexes = [
            # What is due next; sent and failed rows stay out of it.
            models.Index(
                fields=["next_attempt_at", "id"], condition=PENDING, name="outbox_pending_due"
            ),
            models.Index(fields=["dossier", "id"], name="outbox_dossier_order"),
            models.Index(fields=["sent_at"], name="outbox_sent_at"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.event_id}"


class Notification(Delivery):
    """An email, written in the transaction of what it tells (a change of status, a reminder)
    and sent after commit (publicservices/notifications.py); one that failed is retried by the
    scheduled job. Never holds the applicant's identity number."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(
        DossierEvent, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16)  # "status" or a Reminder kind
    recipients = models.JSONField()  # [email, ...]
    subject = models.CharField(max_length=300)
    body = models.TextField()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=PENDING,
                name="notification_pending_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind} {self.subject}"


class ReminderKind(models.TextChoices):
    REMIND = "remind", _("due within the next working day")
    ESCALATE = "escalate", _("due within hours")
    OVERDUE = "overdue", _("overdue")


class Reminder(models.Model):
    """A reminder or escalation sent about a dossier: once per kind and `day` (the due day for
    reminders and escalations, so a due date moved by a supplement is reminded again; the day
    of sending for overdue dossiers, once per working day). The unique constraint is the claim:
    two runners at once cannot both send it."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=ReminderKind.choices)
    day = models.DateField()
    sent_at = models.DateTimeField()
    recipients = models.JSONField(default=list)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "kind", "day"], name="reminder_once_per_kind_and_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind} {self.day:%Y-%m-%d}"


class Tally(models.Model):
    """What a unit's dossiers did in a month, by the procedure's online level and whether the
    dossier was filed online: kept current at each transition by `figures.count` (an effect),
    recomputed from the dossiers by `figures.rebuild`. Months are Vietnam's calendar months.

    A dossier's counts belong to the unit that has it: a transfer or a plan takes an open
    dossier's counts with it; a finished dossier never moves, so its counts stay where it was
    decided. What changes with the clock (open, overdue) is not here: it is read from the
    dossiers' indexes."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", db_index=False)
    month = models.DateField()
    online = models.CharField(max_length=16, choices=Online.choices)
    filed_online = models.BooleanField()
    received = models.IntegerField(default=0)  # by the month of receipt
    paid = models.IntegerField(default=0)  # received that month, fees paid since
    refused = models.IntegerField(default=0)  # the rest by the month they happened
    processed = models.IntegerField(default=0)
    early = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    late = models.IntegerField(default=0)
    stopped = models.IntegerField(default=0)
    withdrawn = models.IntegerField(default=0)
    returned = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("tally of dossiers")
        verbose_name_plural = _("tallies of dossiers")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "month", "online", "filed_online"], name="tally_unit_month_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%Y-%m} {self.online} {self.filed_online}"


class Stage(models.TextChoices):
    """When a document came: with the filing, as a supplement asked for, or as the result."""

    FILED = "filed", _("filed with the dossier")
    SUPPLEMENT = "supplement", _("supplement")
    RESULT = "result", _("result")


def document_path(document: Document, filename: str) -> str:
    """dossiers/<yyyy>/<mm>/<random>.<ext>: nothing of the applicant's file name reaches the
    disk (the original name is kept in the row), and names cannot be guessed."""
    import secrets

    day = document.uploaded_at or dt.datetime.now(dt.UTC)
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"dossiers/{day:%Y}/{day:%m}/{secrets.token_hex(16)}.{extension}"


class Document(models.Model):
    """A file of a dossier (PDF, JPEG or PNG, checked by its first bytes). Never served as
    public media: downloads go through a view that checks the reader's scope or the
    applicant's second factor (tinhgon.publicservices.documents)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to=document_path, max_length=200)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    uploaded_at = models.DateTimeField(_("uploaded at"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["dossier_id", "id"]
        indexes = [models.Index(fields=["dossier", "id"], name="document_dossier_order")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.name}"
