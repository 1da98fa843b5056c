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
        # Units opened and closed; large carriers still moving their records in batches.
        APPLYING = "applying", _("Applying")
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
    # The last preview (counts only, nothing written), shown by the plan page until refreshed.
    preview = models.JSONField(_("preview"), null=True, blank=True)
    previewed_at = models.DateTimeField(null=True, blank=True)
    # While applying in batches: records moved so far per carrier, and the totals to move.
    progress = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("reorganization plan")
        verbose_name_plural = _("reorganization plans")
        ordering = ["-effective_date", "-id"]
        constraints = [
            # The same content is applied once, whatever the race.
            models.UniqueConstraint(
                fields=["checksum"],
                condition=models.Q(status__in=["applying", "applied"]),
                name="plan_applied_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.effective_date})"


class Decision(models.Model):
    """A choice a person made: where records of a unit the plan closes go.

    About one record (`record_id`), about one group of a carrier's records in a unit (those whose
    rule column holds `key`), or about every record of the carrier in the unit (neither).
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="decisions")
    carrier = models.CharField(max_length=64)
    record_id = models.BigIntegerField(null=True, blank=True)
    from_unit_id = models.BigIntegerField(null=True, blank=True)
    key = models.BigIntegerField(null=True, blank=True)
    # Where the records go, as the plan names it ("03999", "new:T1"); the engine writes it into
    # the plan's routing table (carriers.Route) when it applies the plan.
    to_ref = models.CharField(max_length=60)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "carrier", "record_id"],
                condition=models.Q(record_id__isnull=False),
                name="one_decision_per_record",
            ),
            models.UniqueConstraint(
                fields=["plan", "carrier", "from_unit_id", "key"],
                condition=models.Q(record_id__isnull=True, key__isnull=False),
                name="one_decision_per_group",
            ),
            models.UniqueConstraint(
                fields=["plan", "carrier", "from_unit_id"],
                condition=models.Q(record_id__isnull=True, key__isnull=True),
                name="one_decision_per_unit",
            ),
        ]

    def __str__(self) -> str:
        what = self.record_id or f"{self.from_unit_id}/{self.key or '*'}"
        return f"{self.carrier} {what} -> {self.to_ref}"
