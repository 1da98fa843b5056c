"""Cases: feedback, complaints and denunciations, their handling and their statutory time limits.

A case names the unit it concerns and the unit that handles it; while open it follows both
through a reorganization (cases_setup.py registers the carriers), keeping its due date. Its
author's name and contact are sealed (`author_sealed`, encrypted with the field key): only the
handler reads them (integrity/cases.py, `author_for`); no page, answer, export, log or audit row
carries them for anyone else, administrators and superusers included.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tinhgon.staffing.models import Official
from tinhgon.units.models import Unit

__all__ = [
    "OPEN_CASE",
    "Case",
    "CaseEvent",
    "CaseKind",
    "CaseStatus",
    "Channel",
    "TimeLimit",
    "Variant",
]


class CaseKind(models.TextChoices):
    FEEDBACK = "feedback", _("feedback or recommendation")
    COMPLAINT = "complaint", _("complaint")
    DENUNCIATION = "denunciation", _("denunciation")


class Channel(models.TextChoices):
    ONLINE = "online", _("online")
    DESK = "desk", _("at a desk")


class Variant(models.TextChoices):
    NORMAL = "normal", _("normal")
    COMPLEX = "complex", _("complex")
    REMOTE = "remote", _("remote area")


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    ACCEPTED = "accepted", _("accepted for handling")
    DECIDED = "decided", _("decided")
    CLOSED = "closed", _("closed")


OPEN_CASE = (CaseStatus.RECEIVED, CaseStatus.ACCEPTED)


class TimeLimit(models.Model):
    """A statutory time limit: how many working days a case of a kind and variant has, how long
    one extension adds and how many are allowed, and the article that says so. Seeded by the
    migration 0002_cases_time_limits; data, not code, so a new law is a new row."""

    kind = models.CharField(_("kind"), max_length=16, choices=CaseKind.choices)
    variant = models.CharField(_("variant"), max_length=8, choices=Variant.choices)
    days = models.PositiveSmallIntegerField(_("working days"))
    extension_days = models.PositiveSmallIntegerField(_("days of one extension"), default=0)
    max_extensions = models.PositiveSmallIntegerField(_("extensions allowed"), default=0)
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")
        constraints = [
            models.UniqueConstraint(fields=["kind", "variant"], name="one_time_limit_per_variant")
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.variant}: {self.days}"


class Case(models.Model):
    """A feedback, complaint or denunciation, from receipt to its decision."""

    kind = models.CharField(_("kind"), max_length=16, choices=CaseKind.choices)
    variant = models.CharField(
        _("variant"), max_length=8, choices=Variant.choices, default=Variant.NORMAL
    )
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("content"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"))
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit concerned")
    )
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", null=True)
    official = models.ForeignKey(
        Official,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("official concerned"),
    )
    dossier_code = models.CharField(_("dossier"), max_length=40, blank=True)
    handler_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("handler")
    )
    handler_province = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", null=True
    )
    # The person who accepted the case: from then on the only one who reads its author.
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.RECEIVED
    )
    due = models.DateTimeField(_("due"), db_index=True)
    extensions = models.PositiveSmallIntegerField(_("extensions"), default=0)
    decision = models.TextField(_("decision"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    # Fernet token of {"name": ..., "contact": ...}; empty when anonymous.
    author_sealed = models.TextField(blank=True, default="")
    version = models.PositiveIntegerField(default=1)
    synthetic = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["handler_unit", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(author_sealed=""),
                name="an_anonymous_case_has_no_author",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CASE


class CaseEvent(models.Model):
    """One step of a case: who, at which handler unit, when, from which status to which. Never
    holds the author's identity."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    move = models.CharField(_("move"), max_length=16)
    from_status = models.CharField(max_length=10, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=CaseStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", null=True)
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["case_id", "id"]
        indexes = [models.Index(fields=["case", "id"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.move}"
