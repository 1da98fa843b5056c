"""Discipline proceedings: from a case or an inspection finding to a disciplinary measure
(docs/integrity-discipline.md).

A proceeding is opened against an official, proposing a measure with its grounds; it ends
either decided (staffing records the measure, `staffing.DisciplinaryMeasure`, which forces that
year's evaluation to "did not complete duties") or dropped with a reason. The measure itself
belongs to staffing (it is part of the person's record); the proceeding keeps where it came from.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tinhgon.integrity.models.cases import Case
from tinhgon.integrity.models.inspections import Finding
from tinhgon.staffing.models import DisciplinaryMeasure, Measure, Official
from tinhgon.units.models import Unit

__all__ = ["Proceeding", "ProceedingStatus"]


class ProceedingStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    DECIDED = "decided", _("decided")
    DROPPED = "dropped", _("dropped")


class Proceeding(models.Model):
    official = models.ForeignKey(
        Official, on_delete=models.PROTECT, related_name="+", verbose_name=_("official")
    )
    # The unit that decides (the official's employing unit, or the level that manages them).
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("deciding unit")
    )
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", null=True)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    finding = models.ForeignKey(
        Finding, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    proposed_measure = models.CharField(
        _("proposed measure"), max_length=16, choices=Measure.choices
    )
    grounds = models.TextField(_("grounds"))
    # When the violation was committed: the statute of limitations runs from it.
    violation_on = models.DateField(_("violation committed on"), null=True, blank=True)
    # The official's own account, when they have one: it never reads the proceeding before the
    # proceeding is closed (officials and accounts are not linked elsewhere in tinhgon).
    concerned_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ProceedingStatus.choices,
        default=ProceedingStatus.PROPOSED,
    )
    measure = models.OneToOneField(
        DisciplinaryMeasure, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    dropped_reason = models.TextField(_("reason dropped"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    synthetic = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("discipline proceeding")
        verbose_name_plural = _("discipline proceedings")
        indexes = [models.Index(fields=["unit", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="decided") | Q(measure__isnull=False),
                name="a_decided_proceeding_has_its_measure",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.proposed_measure} ({self.status})"
