"""People: positions, quotas, officials and their assignments, training, evaluations,
discipline, leaders against the norm, leavers, and the placements that follow a merger.

A position, a quota, an official (the unit that employs them) and an open assignment follow
their unit through a reorganization (carriers.py); an evaluation, a disciplinary measure and a
leaver record name the unit *at the time* and never move: they are facts of that unit's record.
Synthetic rows made for demos and benchmarks carry `synthetic=True` and say so on every page.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tinhgon.units.models import Unit


class Group(models.TextChoices):
    """Kinds of job position (Decree 62/2020 for civil servants, 106/2020 for public employees)."""

    LEADERSHIP = "leadership", _("leadership and management")
    PROFESSIONAL = "professional", _("professional")
    SHARED = "shared", _("shared professional")
    SUPPORT = "support", _("support and service")


class LeaderRole(models.TextChoices):
    NONE = "", _("not a leader")
    HEAD = "head", _("head")
    DEPUTY = "deputy", _("deputy")


class Category(models.TextChoices):
    CIVIL_SERVANT = "civil_servant", _("civil servant")
    PUBLIC_EMPLOYEE = "public_employee", _("public employee")
    CONTRACT = "contract", _("contract worker")


class Qualification(models.IntegerChoices):
    """Highest level of training, in order: a position requiring level N accepts N or above."""

    SECONDARY = 1, _("upper secondary")
    VOCATIONAL = 2, _("intermediate vocational")
    COLLEGE = 3, _("college")
    BACHELOR = 4, _("university")
    MASTER = 5, _("master")
    DOCTOR = 6, _("doctorate")


class Field(models.TextChoices):
    """Fields of training as positions ask for them (a coarse grouping of the national list)."""

    ADMINISTRATION = "administration", _("public administration")
    LAW = "law", _("law")
    ECONOMICS = "economics", _("economics, finance and accounting")
    IT = "it", _("information technology")
    AGRICULTURE = "agriculture", _("agriculture and forestry")
    LAND = "land", _("land, natural resources and environment")
    CONSTRUCTION = "construction", _("construction and transport")
    CULTURE = "culture", _("culture, society and ethnic affairs")
    EDUCATION = "education", _("education")
    HEALTH = "health", _("health")
    SECURITY = "security", _("defence and security")
    OTHER = "other", _("other")


class Gender(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")


def live(day: dt.date) -> Q:
    """Dated rows in force on `day`."""
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class Position(models.Model):
    """A job position of a unit: what it requires and how many people may hold it."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", null=True)
    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    group = models.CharField(_("kind of position"), max_length=16, choices=Group.choices)
    leader_role = models.CharField(
        _("leadership"), max_length=8, choices=LeaderRole.choices, blank=True, default=""
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    level_required = models.PositiveSmallIntegerField(
        _("qualification required"), choices=Qualification.choices
    )
    field_required = models.CharField(_("field required"), max_length=16, choices=Field.choices)
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    synthetic = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        indexes = [models.Index(fields=["unit", "valid_to"])]
        constraints = [
            models.CheckConstraint(condition=Q(seats__gte=1), name="position_has_a_seat"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="position_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Quota(models.Model):
    """A staffing quota: how many people of a category a unit may employ in a year, and the
    decision that set it. The quota of a unit, year and category is the sum of its rows (a merged
    unit inherits its predecessors' until a new decision replaces them)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", null=True)
    year = models.PositiveSmallIntegerField(_("year"))
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    count = models.PositiveIntegerField(_("quota"))
    decision = models.CharField(_("decision"), max_length=120)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    synthetic = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("staffing quota")
        verbose_name_plural = _("staffing quotas")
        indexes = [models.Index(fields=["unit", "year", "category"])]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.category}: {self.count}"


class Status(models.TextChoices):
    ACTIVE = "active", _("working")
    LEFT = "left", _("left")


class Official(models.Model):
    """A cadre, civil servant, public employee or contract worker, employed by `unit`.

    The identity number is stored encrypted (`protect.seal`), found by its keyed digest and shown
    masked except to those who manage the person (`staffing.access`)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", null=True)
    full_name = models.CharField(_("full name"), max_length=120)
    national_id_digest = models.CharField(max_length=64, unique=True)
    national_id_sealed = models.TextField()
    national_id_last = models.CharField(max_length=4)
    birth_date = models.DateField(_("date of birth"))
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=40)
    home_commune = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    level = models.PositiveSmallIntegerField(_("qualification"), choices=Qualification.choices)
    field = models.CharField(_("field"), max_length=16, choices=Field.choices)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    rank = models.CharField(_("rank or professional title"), max_length=120, blank=True)
    salary_coefficient = models.DecimalField(
        _("salary coefficient"), max_digits=4, decimal_places=2
    )
    hire_date = models.DateField(_("hired on"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    synthetic = models.BooleanField(default=False)
    # The person's own user account, linked by those who manage them (services.official_link_user):
    # integrity keeps what concerns the person from it. PROTECT, not SET_NULL: the link is undone
    # only by official_unlink_user, with its audit row, never as a side effect of deleting the
    # account (tinhgon deactivates accounts; the admin refuses to delete a linked one).
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="official",
        verbose_name=_("user account"),
    )

    class Meta:
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def national_id_masked(self) -> str:
        return "********" + self.national_id_last


class Assignment(models.Model):
    """An official holds a position from `valid_from` to `valid_to` (open: still holds it).
    `unit` is the position's unit, kept with it (the carriers move both)."""

    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="assignments")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=120, blank=True)
    # Set when a placement wrote this assignment.
    placement = models.ForeignKey(
        "PlacementRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [
            models.Index(fields=["unit", "valid_to"]),
            models.Index(fields=["official", "valid_to"]),
            models.Index(fields=["position", "valid_to"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="assignment_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.official_id} → {self.position_id} ({self.valid_from})"


class Training(models.Model):
    """A course an official took, against the qualification gaps of their position."""

    class Result(models.TextChoices):
        ONGOING = "ongoing", _("ongoing")
        PASSED = "passed", _("passed")
        FAILED = "failed", _("not passed")

    official = models.ForeignKey(Official, on_delete=models.CASCADE, related_name="trainings")
    course = models.CharField(_("course"), max_length=200)
    field = models.CharField(_("field"), max_length=16, choices=Field.choices)
    # The qualification the course confers, when it confers one.
    level = models.PositiveSmallIntegerField(
        _("qualification"), choices=Qualification.choices, null=True, blank=True
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=8, choices=Result.choices)

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")

    def __str__(self) -> str:
        return self.course


class Rating(models.TextChoices):
    """The four classes of the annual evaluation (Decree 335/2025, bands 90 / 70 / 50)."""

    OUTSTANDING = "outstanding", _("excellently completed duties")
    GOOD = "good", _("well completed duties")
    COMPLETED = "completed", _("completed duties")
    NOT_COMPLETED = "not_completed", _("did not complete duties")


class Evaluation(models.Model):
    """One official's classification for one year, in the unit that rated them."""

    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="evaluations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    general_points = models.PositiveSmallIntegerField(_("general criteria (of 30)"), null=True)
    task_points = models.PositiveSmallIntegerField(_("task results (of 70)"), null=True)
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices)
    # Why the rating is not the band of the points (a disciplinary measure), when it is not.
    forced_by = models.CharField(max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    synthetic = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(fields=["official", "year"], name="one_evaluation_a_year"),
            models.CheckConstraint(
                condition=Q(general_points__isnull=True) | Q(general_points__lte=30),
                name="general_points_of_30",
            ),
            models.CheckConstraint(
                condition=Q(task_points__isnull=True) | Q(task_points__lte=70),
                name="task_points_of_70",
            ),
        ]
        indexes = [models.Index(fields=["unit", "year"])]

    def __str__(self) -> str:
        return f"{self.official_id} {self.year}: {self.rating}"

    @property
    def points(self) -> int | None:
        if self.general_points is None or self.task_points is None:
            return None
        return self.general_points + self.task_points


class Measure(models.TextChoices):
    REPRIMAND = "reprimand", _("reprimand")
    WARNING = "warning", _("warning")
    DEMOTION = "demotion", _("demotion")
    DISMISSAL = "dismissal", _("dismissal")


class DisciplinaryMeasure(models.Model):
    """A disciplinary measure decided against an official; one in a year forces that year's
    evaluation to "did not complete duties"."""

    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="measures")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    measure = models.CharField(_("measure"), max_length=16, choices=Measure.choices)
    decision = models.CharField(_("decision"), max_length=120)
    decided_on = models.DateField(_("decided on"))
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("disciplinary measure")
        verbose_name_plural = _("disciplinary measures")
        indexes = [models.Index(fields=["official", "decided_on"])]

    def __str__(self) -> str:
        return f"{self.decision} ({self.measure})"


class LeaderNorm(models.Model):
    """How many heads and deputies a unit of a kind may have (Decree 150/2025 and the like)."""

    kind = models.CharField(_("kind of unit"), max_length=32)
    heads = models.PositiveSmallIntegerField(_("heads"))
    deputies = models.PositiveSmallIntegerField(_("deputies"))
    valid_from = models.DateField(_("valid from"))
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("leaders norm")
        verbose_name_plural = _("leaders norms")
        constraints = [
            models.UniqueConstraint(fields=["kind", "valid_from"], name="one_norm_a_kind_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.heads} + {self.deputies}"


class LeaderExcess(models.Model):
    """A leader above the norm of their unit after a reorganization: allowed until `deadline`
    (five years from the plan, Decree 370/2025), by which the unit must return to the norm."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=8, choices=LeaderRole.choices)
    plan_ref = models.BigIntegerField(null=True, blank=True)
    since = models.DateField(_("since"))
    deadline = models.DateField(_("return to the norm by"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)

    class Meta:
        verbose_name = _("leader above the norm")
        verbose_name_plural = _("leaders above the norm")
        indexes = [models.Index(fields=["unit", "resolved_on"])]

    def __str__(self) -> str:
        return f"{self.official_id} at {self.unit_id} until {self.deadline}"


class LeaverFormula(models.Model):
    """A version of the formula for the amounts paid to those who leave because of a
    reorganization; its coefficients are data an administrator edits (docs/staffing.md)."""

    version = models.CharField(_("version"), max_length=40, unique=True)
    valid_from = models.DateField(_("valid from"))
    coefficients = models.JSONField(_("coefficients"))
    source = models.CharField(_("source"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("leaver formula")
        verbose_name_plural = _("leaver formulas")

    def __str__(self) -> str:
        return self.version


class Leaver(models.Model):
    class Kind(models.TextChoices):
        EARLY_RETIREMENT = "early_retirement", _("early retirement")
        RESIGNATION = "resignation", _("resignation")

    class Payment(models.TextChoices):
        PENDING = "pending", _("to be paid")
        PAID = "paid", _("paid")

    official = models.OneToOneField(Official, on_delete=models.PROTECT, related_name="leaver")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=300)
    decided_on = models.DateField(_("decided on"))
    leaves_on = models.DateField(_("leaves on"))
    formula = models.ForeignKey(LeaverFormula, on_delete=models.PROTECT, related_name="+")
    # Every input and partial amount of the formula, so the total can be checked by hand.
    breakdown = models.JSONField(_("breakdown"))
    total = models.DecimalField(_("total (VND)"), max_digits=14, decimal_places=0)
    payment = models.CharField(
        _("payment"), max_length=8, choices=Payment.choices, default=Payment.PENDING
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        verbose_name = _("leaver")
        verbose_name_plural = _("leavers")

    def __str__(self) -> str:
        return f"{self.official_id} ({self.kind})"


class PlacementRun(models.Model):
    """One optimal placement of the officials arriving at reorganized units onto their positions:
    a draft until approved, when it writes dated assignments."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        APPROVED = "approved", _("approved")

    plan_ref = models.BigIntegerField(null=True, blank=True, db_index=True)
    units = models.JSONField(default=list)  # the unit ids placed
    effective = models.DateField(_("effective"))
    state = models.CharField(max_length=8, choices=State.choices, default=State.DRAFT)
    cost = models.BigIntegerField(null=True)
    greedy_cost = models.BigIntegerField(null=True)
    solve_s = models.FloatField(null=True)
    weights = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")

    def __str__(self) -> str:
        return f"placement {self.pk} ({self.state})"


class PlacementRow(models.Model):
    """Where the placement puts one official (or why it leaves them unplaced)."""

    run = models.ForeignKey(PlacementRun, on_delete=models.CASCADE, related_name="rows")
    official = models.ForeignKey(Official, on_delete=models.CASCADE, related_name="+")
    position = models.ForeignKey(
        Position, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    cost = models.IntegerField(null=True)
    # The parts of the cost ({"qualification": .., "field": .., "distance_km": .., ...}).
    explanation = models.JSONField(default=dict)
    overridden = models.BooleanField(default=False)
    unplaced_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "official"], name="one_row_per_official")
        ]

    def __str__(self) -> str:
        return f"{self.official_id} → {self.position_id}"
