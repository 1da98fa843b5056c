from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Plan(models.Model):
    """A reorganization plan: its legal basis, effective date, status and steps.

    Draft -> approved -> applied. An approved plan whose date has come is applied by
    `tinhgon plan apply-due`; applying is refused once applied.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        APPLIED = "applied", _("Applied")

    title = models.CharField(_("title"), max_length=255)
    legal_basis_number = models.CharField(
        _("legal basis (document number)"), max_length=120, blank=True
    )
    legal_basis_date = models.DateField(_("legal basis date"), null=True, blank=True)
    legal_basis_issuer = models.CharField(_("issued by"), max_length=255, blank=True)
    effective_date = models.DateField(_("effective date"), db_index=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    # SHA-256 of the plan's canonical content: the same plan cannot be applied twice.
    checksum = models.CharField(max_length=64, db_index=True)
    spec = models.JSONField(_("steps"), help_text=_("The plan as written (see docs/plan-files.md)"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    report = models.JSONField(_("report"), null=True, blank=True)
    # Ids of the provinces whose units the plan touches: who may see and act on it.
    provinces = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("reorganization plan")
        verbose_name_plural = _("reorganization plans")
        ordering = ["-effective_date", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.effective_date})"


class RecordMove(models.Model):
    """History of a reorganization: one row per record a carrier moved, in the same transaction."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="moves")
    step = models.PositiveIntegerField(null=True, blank=True)
    carrier = models.CharField(max_length=64)
    record_id = models.BigIntegerField()
    from_unit_id = models.BigIntegerField()
    to_unit_id = models.BigIntegerField()

    class Meta:
        verbose_name = _("record move")
        verbose_name_plural = _("record moves")
        indexes = [
            models.Index(fields=["carrier", "record_id"]),
            models.Index(fields=["plan", "carrier"]),
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.record_id}: {self.from_unit_id} -> {self.to_unit_id}"


class Decision(models.Model):
    """A choice a person made for a record no rule routes: where it goes in this plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="decisions")
    carrier = models.CharField(max_length=64)
    record_id = models.BigIntegerField()
    # Where the record goes, as the plan names it ("03999", "new:T1"); the engine resolves it
    # to `to_unit_id` when it applies the plan.
    to_ref = models.CharField(max_length=60)
    to_unit_id = models.BigIntegerField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "carrier", "record_id"], name="one_decision_per_record"
            )
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.record_id} -> {self.to_unit_id}"
