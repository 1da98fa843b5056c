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
from tinhgon.staffing.models import Official
from tinhgon.units.models import Unit

__all__ = ["ComplaintCounter", "FlagCounter", "FlagKind", "RedFlag"]

COUNTS = (
    "handled",
    "decided",
    "supplements",
    "repeated",
    "bounced",
    "late",
    "rated",
    "low_rated",
)


class FlagCounter(models.Model):
    """Counts for (official, unit, procedure): dossiers handled (the official acted on them),
        decided (approved or rejected), supplement requests, dossiers sent back for documents two
        times or more by the official, transfers back to a unit the dossier had left, late
        decisions, dossiers rated by their applicant and rated "not satisfied" (each counted for every
    official who handled the dossier, at the unit where they first acted on it)."""

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
    # Of the dossiers handled: those the applicant rated, and those rated "not satisfied".
    rated = models.IntegerField(default=0)
    low_rated = models.IntegerField(default=0)

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
    COMPLAINTS = "complaints", _("complaints and denunciations")


class ComplaintCounter(models.Model):
    """Complaints and denunciations received concerning one official of the personnel records
    (staffing.Official: a case names the person, not a user account), counted at the unit
    that handles them (the routing keeps them away from the official and those the official
    manages: a flag there tells no one what the routing hid)."""

    staff = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    complaints = models.IntegerField(default=0)
    denunciations = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("complaint counter")
        verbose_name_plural = _("complaint counters")
        constraints = [
            models.UniqueConstraint(fields=["staff", "unit"], name="complaint_counter_key")
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.unit_id}"


class RedFlag(models.Model):
    """A lead: the official, the unit, the kind (per procedure for the rates), a score, the
    dossiers behind it and the peers' figures; dismissed by an inspector with a reason (a
    dismissed flag stays dismissed when its figures change). The official is the user who acted
    on the dossiers, or, for complaints, the person of the personnel records (`staff`)."""

    official = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    staff = models.ForeignKey(
        Official, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
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
            models.UniqueConstraint(
                fields=["staff", "unit", "kind"],
                condition=Q(staff__isnull=False),
                name="red_flag_key_staff",
            ),
            models.CheckConstraint(
                condition=Q(official__isnull=True, staff__isnull=False)
                | Q(official__isnull=False, staff__isnull=True),
                name="red_flag_names_one_official",
            ),
        ]
        indexes = [models.Index(fields=["unit", "kind"], name="red_flag_unit_kind")]

    def __str__(self) -> str:
        return f"{self.official_id} {self.unit_id} {self.kind} {self.score}"
