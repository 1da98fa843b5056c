"""Inspections: the yearly plan, inspection decisions, findings, recommendations and their
follow-up, and public service inspections that sample a unit's dossiers
(docs/integrity-inspections.md).

Since 1 July 2025 inspection has two levels (Law on Inspection 84/2025): the Government
Inspectorate and the provincial inspectorate. An inspection is led by an inspecting unit (the
province's inspectorate, or a body it names) and has a subject unit; while open it follows its
subject unit through a reorganization, and an open recommendation follows the unit that must
implement it (integrity/inspections_setup.py registers the carriers).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tinhgon.publicservices.models import Dossier
from tinhgon.staffing.models import Official
from tinhgon.units.models import Unit

__all__ = [
    "OPEN_INSPECTION",
    "OPEN_RECOMMENDATION",
    "Finding",
    "Inspection",
    "InspectionKind",
    "InspectionPlan",
    "InspectionStatus",
    "Recommendation",
    "RecommendationStatus",
    "SampleVerdict",
    "SampledDossier",
    "Severity",
    "TeamMember",
    "TeamRole",
]


class InspectionPlan(models.Model):
    """The yearly inspection plan of a province's inspectorate: approved once, then its planned
    inspections are decided one by one (an inspection outside the plan is "ad hoc")."""

    province = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    decision_number = models.CharField(_("decision number"), max_length=80, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    synthetic = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="one_inspection_plan_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.title}"


class InspectionKind(models.TextChoices):
    ADMINISTRATIVE = "administrative", _("administrative inspection")
    PUBLIC_SERVICE = "public_service", _("public service inspection")
    THEMATIC = "thematic", _("thematic inspection")


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    DECIDED = "decided", _("decided")
    UNDERWAY = "underway", _("underway")
    CONCLUDED = "concluded", _("concluded")
    CLOSED = "closed", _("closed")


# Open: not yet concluded. A concluded inspection stays with the units of its time; its open
# recommendations are what still follows a unit.
OPEN_INSPECTION = (InspectionStatus.PLANNED, InspectionStatus.DECIDED, InspectionStatus.UNDERWAY)


class Inspection(models.Model):
    """One inspection: the decision (number, date, team, subject unit, period, scope), its
    conduct and its conclusion."""

    plan = models.ForeignKey(
        InspectionPlan,
        on_delete=models.PROTECT,
        related_name="inspections",
        null=True,
        blank=True,
        verbose_name=_("plan"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=InspectionKind.choices)
    title = models.CharField(_("title"), max_length=300)
    inspecting_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("inspecting unit")
    )
    subject_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("subject unit")
    )
    subject_province = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", null=True
    )
    period_from = models.DateField(_("period inspected from"))
    period_to = models.DateField(_("period inspected to"))
    scope = models.TextField(_("scope"))
    decision_number = models.CharField(_("decision number"), max_length=80, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InspectionStatus.choices,
        default=InspectionStatus.PLANNED,
    )
    conclusion = models.TextField(_("conclusion"), blank=True)
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    synthetic = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [
            models.Index(fields=["subject_unit", "status"]),
            models.Index(fields=["inspecting_unit", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_from__lte=models.F("period_to")),
                name="an_inspection_period_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.decision_number or f"#{self.pk} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_INSPECTION


class TeamRole(models.TextChoices):
    HEAD = "head", _("head of the team")
    DEPUTY = "deputy", _("deputy head")
    MEMBER = "member", _("member")


class TeamMember(models.Model):
    """A member of an inspection team: an official of the registry where known, else a name."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="team")
    official = models.ForeignKey(
        Official, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=8, choices=TeamRole.choices)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["inspection_id", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"


class Severity(models.TextChoices):
    NOTE = "note", _("observation")
    SHORTCOMING = "shortcoming", _("shortcoming")
    VIOLATION = "violation", _("violation")


class Finding(models.Model):
    """What an inspection found; may name the official responsible and the dossier behind it."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    text = models.TextField(_("finding"))
    severity = models.CharField(_("severity"), max_length=12, choices=Severity.choices)
    official = models.ForeignKey(
        Official,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("official responsible"),
    )
    dossier_code = models.CharField(_("dossier"), max_length=64, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["inspection_id", "id"]

    def __str__(self) -> str:
        return f"{self.inspection_id}: {self.severity}"


class RecommendationStatus(models.TextChoices):
    OPEN = "open", _("open")
    IMPLEMENTED = "implemented", _("implemented")
    ESCALATED = "escalated", _("escalated")
    WITHDRAWN = "withdrawn", _("withdrawn")


# Open: someone still owes an answer (an escalated one is still to be implemented, one level up
# watching it).
OPEN_RECOMMENDATION = (RecommendationStatus.OPEN, RecommendationStatus.ESCALATED)


class Recommendation(models.Model):
    """What the conclusion asks a unit to do, by a date; followed up until implemented (with
    evidence) or escalated to the level above."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="recommendations"
    )
    finding = models.ForeignKey(
        Finding, on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    text = models.TextField(_("recommendation"))
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit to implement")
    )
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", null=True)
    due = models.DateField(_("due"), db_index=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.OPEN,
    )
    implemented_on = models.DateField(_("implemented on"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    escalated_to = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("escalated to"),
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["unit", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="implemented") | Q(implemented_on__isnull=False),
                name="an_implemented_recommendation_has_its_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id}/{self.pk}: {self.status}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_RECOMMENDATION


class SampleVerdict(models.TextChoices):
    PENDING = "pending", _("not yet examined")
    COMPLIANT = "compliant", _("compliant")
    IRREGULAR = "irregular", _("irregular")


class SampledDossier(models.Model):
    """A dossier a public service inspection drew from its subject unit, and what the inspector
    found in it. The code is kept as drawn: the dossier may later follow a reorganization."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="samples")
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("dossier"), max_length=64)
    verdict = models.CharField(
        _("verdict"), max_length=10, choices=SampleVerdict.choices, default=SampleVerdict.PENDING
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("sampled dossier")
        verbose_name_plural = _("sampled dossiers")
        ordering = ["inspection_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "dossier"], name="a_dossier_is_sampled_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id}: {self.code}"
