"""A rebalancing run: the transfers proposed for one province as of one day, with the gaps
before and after them and the purchase list of what they leave missing (equipment.rebalance).

Imported by models.py so that Django registers them with the equipment app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tinhgon.units.models import Unit


class RunStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    APPROVED = "approved", _("approved")
    # A newer proposal for the province replaced it, or the inventory changed under it.
    SUPERSEDED = "superseded", _("superseded")


class RebalanceRun(models.Model):
    """One proposal: its transfers are `Transfer` rows linked through `RunTransfer`.

    `gaps_before` / `gaps_after`: {"total": shortfall, "items": {item code: shortfall}};
    `purchases`: [{"unit", "item", "quantity", "unit_price", "cost"}] (unit: id); `solver`: the
    optimum's and the nearest-first greedy's figures on the same instance."""

    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("gaps as of"))
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.PROPOSED
    )
    max_km = models.PositiveIntegerField(_("longest transfer (km)"), null=True, blank=True)
    gaps_before = models.JSONField(default=dict)
    gaps_after = models.JSONField(default=dict)
    purchases = models.JSONField(default=list)
    cost = models.BigIntegerField(_("estimated cost of purchases (VND)"), default=0)
    solver = models.JSONField(default=dict)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("rebalancing run")
        verbose_name_plural = _("rebalancing runs")
        indexes = [models.Index(fields=["province", "status"])]

    def __str__(self) -> str:
        return f"{self.pk}: {self.province_id} {self.day:%d/%m/%Y} {self.status}"


class RunTransfer(models.Model):
    """A transfer belongs to one run."""

    run = models.ForeignKey(RebalanceRun, on_delete=models.CASCADE, related_name="lines")
    transfer = models.OneToOneField(
        "equipment.Transfer", on_delete=models.CASCADE, related_name="run_line"
    )

    class Meta:
        verbose_name = _("transfer of a run")
        verbose_name_plural = _("transfers of runs")

    def __str__(self) -> str:
        return f"{self.run_id}: {self.transfer_id}"
