"""Province–commune coordination: directives that become tasks, periodic reports, obstacles.

A task, a report duty and an obstacle belong to a unit and follow it through a reorganization
(carriers.py): when communes merge, the successor holds one task per directive, not one per
predecessor, with the history of all of them (`Task.merged_into`). Events are history and stay
as they were written (who did what, at which unit). Synthetic rows made by `tinhgon coord demo`
carry `synthetic=True` and say so on every page.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tinhgon.units.models import Unit


class Directive(models.Model):
    """A provincial document (plan, instruction, official letter) that assigns tasks."""

    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    issuer = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("issuer")
    )
    number = models.CharField(_("number"), max_length=60)
    issued_on = models.DateField(_("issued on"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("content"), blank=True)
    file = models.FileField(_("document"), upload_to="coordination/directives/%Y/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    synthetic = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "number", "issued_on"], name="one_directive_per_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.issued_on:%d/%m/%Y})"


class TaskStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    IN_PROGRESS = "in_progress", _("in progress")
    REPORTED = "reported", _("reported")
    ACCEPTED = "accepted", _("accepted")
    RETURNED = "returned", _("returned for more work")
    # A duplicate of another task of the same directive, absorbed when their units merged.
    MERGED = "merged", _("merged into another task")


OPEN_TASK = (TaskStatus.RECEIVED, TaskStatus.IN_PROGRESS, TaskStatus.REPORTED, TaskStatus.RETURNED)


class Task(models.Model):
    """What a directive asks of one lead unit by a deadline; "overdue" is not a status but an
    open task past its `due` date without a report (selectors compute it from the indexed
    columns)."""

    directive = models.ForeignKey(Directive, on_delete=models.PROTECT, related_name="tasks")
    # Delegated down the hierarchy: the task it was delegated from.
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="delegated"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("lead unit")
    )
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", null=True)
    title = models.CharField(_("task"), max_length=300)
    report_required = models.TextField(_("what must be reported"), blank=True)
    due = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.RECEIVED
    )
    # Bumped by every transition: two clicks at once cannot both apply.
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="absorbed"
    )
    synthetic = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(fields=["unit", "status", "due"]),
            models.Index(fields=["directive", "unit"]),
            models.Index(fields=["province", "status", "due"]),
        ]

    def __str__(self) -> str:
        return self.title


class TaskCooperator(models.Model):
    """A unit that cooperates with the lead unit on a task."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="cooperators")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("cooperating unit of a task")
        verbose_name_plural = _("cooperating units of tasks")
        indexes = [models.Index(fields=["unit"])]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="cooperates_once"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} + {self.unit_id}"


class TaskEvent(models.Model):
    """One step of a task: who, at which unit, when, from which status to which, with what."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    move = models.CharField(_("move"), max_length=32)
    from_status = models.CharField(max_length=16, choices=TaskStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=TaskStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", null=True)
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"), blank=True)
    file = models.FileField(_("file"), upload_to="coordination/tasks/%Y/", blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["task_id", "id"]
        indexes = [models.Index(fields=["task", "id"])]

    def __str__(self) -> str:
        return f"{self.task_id} {self.move}"


class Extension(models.Model):
    """A request for more time on a task, with its reason, approved or refused."""

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="extensions")
    reason = models.TextField(_("reason"))
    new_due = models.DateField(_("new deadline"))
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["task"], condition=Q(state="pending"), name="one_pending_extension"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_id} → {self.new_due}"


class Reminder(models.Model):
    """A reminder or escalation sent once (the scheduled job) about a task, an obstacle or a
    report duty: before the deadline, on it, overdue, escalated to the issuer."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, null=True, related_name="+")
    obstacle = models.ForeignKey("Obstacle", on_delete=models.CASCADE, null=True, related_name="+")
    duty = models.ForeignKey("ReportDuty", on_delete=models.CASCADE, null=True, related_name="+")
    kind = models.CharField(max_length=16)
    day = models.DateField()
    recipients = models.JSONField(default=list)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "kind", "day"], name="task_reminded_once"),
            models.UniqueConstraint(
                fields=["obstacle", "kind", "day"], name="obstacle_reminded_once"
            ),
            models.UniqueConstraint(fields=["duty", "kind", "day"], name="duty_reminded_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.day}"


class Period(models.TextChoices):
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    AD_HOC = "ad_hoc", _("ad hoc")


class ReportTemplate(models.Model):
    """A periodic report the province asks of units: typed fields (number, text, choice, file),
    each with its label, bounds and whether it is required (`fields`, validated on save)."""

    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    period = models.CharField(_("period"), max_length=16, choices=Period.choices)
    fields = models.JSONField(_("fields"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    synthetic = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.name


class ReportRound(models.Model):
    """One period of a template: the units that must submit (their duties) and the deadline."""

    template = models.ForeignKey(ReportTemplate, on_delete=models.PROTECT, related_name="rounds")
    label = models.CharField(_("period"), max_length=60)
    starts = models.DateField(_("from"))
    ends = models.DateField(_("to"))
    due = models.DateField(_("deadline"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["template", "label"], name="one_round_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.template_id} {self.label}"


class DutyStatus(models.TextChoices):
    PENDING = "pending", _("not submitted")
    SUBMITTED = "submitted", _("submitted")
    ACCEPTED = "accepted", _("accepted")
    RETURNED = "returned", _("returned")
    MERGED = "merged", _("merged into another unit's duty")


class ReportDuty(models.Model):
    """A unit's duty to submit one round of a report."""

    round = models.ForeignKey(ReportRound, on_delete=models.PROTECT, related_name="duties")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", null=True)
    status = models.CharField(max_length=12, choices=DutyStatus.choices, default="pending")
    submitted_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="absorbed"
    )

    class Meta:
        verbose_name = _("report duty")
        verbose_name_plural = _("report duties")
        indexes = [
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["round", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.unit_id} {self.status}"


class Submission(models.Model):
    """The values a unit submitted for a duty (the latest one counts; earlier ones stay)."""

    duty = models.ForeignKey(ReportDuty, on_delete=models.CASCADE, related_name="submissions")
    values = models.JSONField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["duty", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.duty_id} {self.submitted_at:%Y-%m-%d}"


class SubmissionFile(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    field = models.CharField(max_length=60)
    file = models.FileField(upload_to="coordination/reports/%Y/", max_length=200)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.name


class ObstacleCategory(models.TextChoices):
    STAFF = "staff", _("staff")
    FINANCE = "finance", _("finance")
    FACILITIES = "facilities", _("facilities")
    PROCEDURES = "procedures", _("procedures")
    DATA = "data", _("data")
    LEGAL = "legal", _("legal")
    OTHER = "other", _("other")


class ObstacleRoute(models.Model):
    """Which provincial body answers obstacles of a category, and within how many working days."""

    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=16, choices=ObstacleCategory.choices)
    body = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    answer_days = models.PositiveSmallIntegerField(_("working days to answer"), default=10)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["province", "category"], name="one_route_a_category")
        ]

    def __str__(self) -> str:
        return f"{self.category} → {self.body_id}"


class ObstacleStatus(models.TextChoices):
    OPEN = "open", _("waiting for an answer")
    ESCALATED = "escalated", _("escalated")
    ANSWERED = "answered", _("answered")
    CLOSED = "closed", _("closed")


class Obstacle(models.Model):
    """A difficulty a unit raises about a reorganization or a service, routed to the responsible
    provincial body, answered by a deadline, escalated when late; an answer may be published as
    guidance every commune can search."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("raised by")
    )
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", null=True)
    category = models.CharField(_("category"), max_length=16, choices=ObstacleCategory.choices)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("description"))
    # What it is about, where known: a reorganization plan, a dossier.
    plan_ref = models.BigIntegerField(null=True, blank=True)
    dossier_code = models.CharField(max_length=64, blank=True)
    responsible = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("responsible body")
    )
    due = models.DateField(_("answer due"))
    status = models.CharField(
        max_length=12, choices=ObstacleStatus.choices, default=ObstacleStatus.OPEN
    )
    version = models.PositiveIntegerField(default=0)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    raised_at = models.DateTimeField()
    escalated_to = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Published guidance: searchable by every unit of the province (folded text for search).
    published = models.BooleanField(_("published as guidance"), default=False)
    search_text = models.TextField(blank=True, editable=False)
    synthetic = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("obstacle")
        verbose_name_plural = _("obstacles")
        indexes = [
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["responsible", "status", "due"]),
            models.Index(fields=["province", "published"]),
        ]

    def __str__(self) -> str:
        return self.subject
