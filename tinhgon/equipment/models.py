"""Equipment and premises of the apparatus, against the standards that say what a unit needs.

- `ItemType`: a kind of equipment (a scanner, a queue display, a car, a connection's bandwidth)
  with its unit of measure and an estimated unit price for purchase lists; national (shared by
  every province, a superuser's to write); movable between units or not (rebalancing).
- `Standard` + `StandardItem`: what a unit of one kind (and role: the code suffix the apparatus
  template gives an agency, "TTHCC" for a commune public administration service centre, "VP"
  for the office of the commune's council and committee; blank for every unit of the kind)
  must have, from `valid_from` on. A change is a new version: the gaps as of a date use the
  version in force on that date. Each line carries its legal or provincial source.
- `EquipmentProfile`: the figures of a unit the standard multiplies by (officers, counters) and
  its chosen headquarters.
- `InventoryItem`: a line of equipment held by a unit (quantity, condition, year, value).
  Written-off lines stay as history (`written_off_on`) and count for nothing.
- `Premises`: headquarters and other buildings, with their status (in use, surplus, being
  repurposed, handed over) and planned use.
- `Transfer`: equipment proposed, approved and moved from one unit to another (rebalancing).

Items and premises follow their unit through a reorganization (carriers.py). Synthetic rows
made by `tinhgon equipment demo` carry `synthetic=True` and say so on every page. Quantities are
integers; money is integer VND.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tinhgon.units.kinds import Kind
from tinhgon.units.models import Unit


class Category(models.TextChoices):
    IT = "it", _("computers and peripherals")
    NETWORK = "network", _("network and connection")
    SERVICE = "service", _("public service desk equipment")
    MEETING = "meeting", _("meeting room equipment")
    VEHICLE = "vehicle", _("vehicles")
    FURNITURE = "furniture", _("furniture")
    OTHER = "other", _("other")


class ItemType(models.Model):
    """A kind of equipment the standards and inventories speak of."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=20)
    # Estimated price of one unit of measure, for purchase lists (0: not estimated).
    unit_price = models.BigIntegerField(_("estimated unit price (VND)"), default=0)
    source = models.CharField(_("source"), max_length=255, blank=True)
    # Rebalancing transfers only movable items; what is bought for the place (a connection's
    # bandwidth) goes straight to the purchase list.
    movable = models.BooleanField(
        _("can be moved between units"),
        default=True,
        help_text=_(
            "Untick for what is bought for the place and cannot be carried to another unit "
            "(a connection's bandwidth): rebalancing never transfers it."
        ),
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("item type")
        verbose_name_plural = _("item types")
        ordering = ["category", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="item_price_not_negative")
        ]

    def __str__(self) -> str:
        return self.name


class Standard(models.Model):
    """One version of what units of a kind (and role) must have, in force from `valid_from`
    until the next version of the same kind and role. A national standard (`province` NULL)
    applies everywhere; a province's own version applies to its units from its date on, over
    the national one of the same date or earlier."""

    # NULL: the national default (a superuser's to change); else the province's own version.
    province = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    kind = models.CharField(_("unit kind"), max_length=32, choices=Kind.choices)
    # The suffix of the unit's code after its administrative unit's code ("TTHCC" in
    # "03646-TTHCC"); blank: every unit of the kind.
    role = models.CharField(_("role (code suffix)"), max_length=16, blank=True)
    valid_from = models.DateField(_("valid from"))
    title = models.CharField(_("title"), max_length=255)
    source = models.CharField(_("source"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("equipment standard")
        verbose_name_plural = _("equipment standards")
        ordering = ["kind", "role", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "role", "valid_from"],
                condition=Q(province__isnull=True),
                name="one_standard_version_per_day",
            ),
            models.UniqueConstraint(
                fields=["province", "kind", "role", "valid_from"],
                condition=Q(province__isnull=False),
                name="one_province_standard_version_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.valid_from:%d/%m/%Y})"


class Per(models.TextChoices):
    FIXED = "fixed", _("per unit")
    OFFICER = "officer", _("per officer")
    COUNTER = "counter", _("per service counter")


class StandardItem(models.Model):
    """A line of a standard: `quantity` of an item type, fixed or per officer or per counter."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="items")
    item_type = models.ForeignKey(ItemType, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    per = models.CharField(_("per"), max_length=8, choices=Per.choices, default=Per.FIXED)
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("standard line")
        verbose_name_plural = _("standard lines")
        constraints = [
            models.UniqueConstraint(fields=["standard", "item_type"], name="standard_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.item_type_id} × {self.quantity} ({self.per})"


class Condition(models.TextChoices):
    GOOD = "good", _("good")
    USABLE = "usable", _("usable, worn")
    BROKEN = "broken", _("broken")


class PremisesUse(models.TextChoices):
    HEADQUARTERS = "headquarters", _("headquarters")
    SERVICE_CENTRE = "service_centre", _("public administration service point")
    MEETING_HALL = "meeting_hall", _("meeting hall")
    CULTURAL_HOUSE = "cultural_house", _("cultural house")
    WAREHOUSE = "warehouse", _("archive or warehouse")
    HOUSING = "housing", _("official housing")
    OTHER = "other", _("other")


class PremisesStatus(models.TextChoices):
    IN_USE = "in_use", _("in use")
    SURPLUS = "surplus", _("surplus")
    REPURPOSING = "repurposing", _("being repurposed")
    HANDED_OVER = "handed_over", _("handed over")


class Premises(models.Model):
    """A building or site a unit holds. Premises that came from a unit closed by a merger carry
    the date (`merged_on`): unless they are the successor's headquarters, the province must
    decide what becomes of them (surplus premises after mergers)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", null=True)
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    area_m2 = models.PositiveIntegerField(_("floor area (m²)"), null=True, blank=True)
    land_m2 = models.PositiveIntegerField(_("land area (m²)"), null=True, blank=True)
    built_year = models.PositiveSmallIntegerField(_("year built"), null=True, blank=True)
    use = models.CharField(_("use"), max_length=16, choices=PremisesUse.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=PremisesStatus.choices, default=PremisesStatus.IN_USE
    )
    planned_use = models.CharField(_("planned use"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)
    # Set by the carrier when the premises came from a unit closed by a plan.
    merged_on = models.DateField(_("came from a merger on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    synthetic = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("premises")
        verbose_name_plural = _("premises")
        indexes = [
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["province", "status"]),
        ]

    def __str__(self) -> str:
        return self.name


class EquipmentProfile(models.Model):
    """The figures of a unit its standard multiplies by, and its chosen headquarters.

    `officers` is recorded here rather than read from staffing (a capability of the same layer):
    the equipment office keeps it with the inventory. Unknown figures (NULL) count as zero and
    the gap report says so."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="+")
    officers = models.PositiveIntegerField(_("officers"), null=True, blank=True)
    counters = models.PositiveIntegerField(_("service counters"), null=True, blank=True)
    headquarters = models.ForeignKey(
        Premises,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("headquarters"),
    )
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    synthetic = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("equipment profile")
        verbose_name_plural = _("equipment profiles")

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.officers} / {self.counters}"


class InventoryItem(models.Model):
    """A line of the inventory: `quantity` items of one type, in one condition, at a unit."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", null=True)
    item_type = models.ForeignKey(ItemType, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    condition = models.CharField(
        _("condition"), max_length=8, choices=Condition.choices, default=Condition.GOOD
    )
    acquired_year = models.PositiveSmallIntegerField(_("year acquired"), null=True, blank=True)
    value = models.BigIntegerField(_("value (VND)"), default=0)
    premises = models.ForeignKey(
        Premises, on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    written_off_on = models.DateField(_("written off on"), null=True, blank=True)
    write_off_reason = models.CharField(_("reason for write-off"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    synthetic = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("inventory item")
        verbose_name_plural = _("inventory items")
        indexes = [
            models.Index(fields=["unit", "item_type"]),
            models.Index(fields=["province", "item_type"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="inventory_quantity_positive"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="inventory_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.item_type_id} × {self.quantity}"


class TransferStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    APPROVED = "approved", _("approved")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class Transfer(models.Model):
    """Equipment moved from one unit to another (suggested by rebalancing, approved, done)."""

    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", null=True)
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    item_type = models.ForeignKey(ItemType, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    distance_km = models.DecimalField(
        _("distance (km)"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=TransferStatus.choices,
        default=TransferStatus.PROPOSED,
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    synthetic = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("equipment transfer")
        verbose_name_plural = _("equipment transfers")
        indexes = [
            models.Index(fields=["province", "status"]),
            models.Index(fields=["from_unit", "status"]),
            models.Index(fields=["to_unit", "status"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="transfer_quantity_positive"),
            models.CheckConstraint(
                condition=~Q(from_unit=models.F("to_unit")), name="transfer_between_two_units"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_unit_id} → {self.to_unit_id}: {self.item_type_id} × {self.quantity}"


# The rebalancing runs live in the rebalancing part's own module; importing it registers them.
from tinhgon.equipment import rebalance_models  # noqa: E402, F401
