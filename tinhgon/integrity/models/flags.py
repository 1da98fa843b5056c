"""Red flags from the dossiers' history (docs/integrity-flags.md).

`FlagCounter`: what one official did on one procedure's dossiers at one unit, kept current by
the public services effects hook (`integrity.flags.follow`, in the transaction of every dossier
transition) and recomputed from the events by `integrity.flags.rebuild`. `RedFlag`: a lead for
an inspector (not a verdict), recomputed for the official and procedure a change touched only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tinhgon.publicservices.models import Procedure
from tinhgon.units.models import Unit

__all__ = ["FlagCounter", "FlagKind", "RedFlag"]

COUNTS = ("handled", "decided", "supplements", "repeated", "bounced", "late")


class FlagCounter(models.Model):
    """Counts for (official, unit, procedure): dossiers handled (the official acted on them),
    decided (approved or rejected), supplement requests, dossiers sent back for documents two
    times or more by the official, transfers back to a unit the dossier had left, late
    decisions."""

    official = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="+")
    handled = models.IntegerField(default=0)
    decided = models.IntegerField(default=0)
    supplements = models.IntegerField(default=0)
    repeated = models.IntegerField(default=0)
    bounced = models.IntegerField(default=0)
    late = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("red flag counter")
        verbose_name_plural = _("red flag counters")
        constraints = [
            models.UniqueConstraint(
                fields=["official", "unit", "procedure"], name="flag_counter_key"
            )
        ]
        # Peers on a procedure: one index range.
        indexes = [models.Index(fields=["procedure", "official"], name="flag_counter_procedure")]

    def __str__(self) -> str:
        return f"{self.official_id} {self.unit_id} {self.procedure_id}"


class FlagKind(models.TextChoices):
    REPEATED_SUPPLEMENTS = "repeated_supplements", _("the same dossier sent back repeatedly")
    SUPPLEMENT_RATE = "supplement_rate", _("supplement requests far above peers")
    IDLE = "idle", _("dossiers left idle")
    BOUNCING_TRANSFERS = "bouncing_transfers", _("transfers bounced back")
    LATE_RATE = "late_rate", _("late decisions far above peers")
    LOW_RATINGS = "low_ratings", _("low ratings")


class RedFlag(models.Model):
    """A lead: the official, the unit, the kind (per procedure for the rates), a score, the
    dossiers behind it and the peers' figures; dismissed by an inspector with a reason (a
    dismissed flag stays dismissed when its figures change)."""

    official = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=32, choices=FlagKind.choices)
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    score = models.FloatField(_("score"))
    dossiers = models.JSONField(_("dossiers"), default=list)
    explanation = models.CharField(_("explanation"), max_length=1000)
    peers = models.JSONField(_("peers"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))
    dismissed_at = models.DateTimeField(_("dismissed at"), null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dismissed_reason = models.CharField(_("reason for dismissal"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("red flag")
        verbose_name_plural = _("red flags")
        ordering = ["unit_id", "-score", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["official", "unit", "kind", "procedure"],
                condition=Q(procedure__isnull=False),
                name="red_flag_key_procedure",
            ),
            models.UniqueConstraint(
                fields=["official", "unit", "kind"],
                condition=Q(procedure__isnull=True),
                name="red_flag_key",
            ),
        ]
        indexes = [models.Index(fields=["unit", "kind"], name="red_flag_unit_kind")]

    def __str__(self) -> str:
        return f"{self.official_id} {self.unit_id} {self.kind} {self.score}"
