"""The apparatus registry: units, their dated versions, and their lineage.

A `Unit` is an identity that lives through renames, reclassifications and moves. What it is
called, what kind it is and where it hangs are properties of a `UnitVersion`, valid over a closed
date interval [valid_from, valid_to]; `valid_from` NULL means "in force before the registry's
records begin", `valid_to` NULL means "still in force". A unit is open on date D when one of its
versions is valid on D; versions of one unit never overlap.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tinhgon.units.kinds import Kind, Level


class Unit(models.Model):
    # Stable key of the source a unit was imported or generated from, for idempotent imports
    # ("legacy:commune:03646", "official:ward:03667", "template:14:department:noi-vu").
    source_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        version = self.versions.order_by("-valid_from").first()
        return version.name if version else f"unit {self.pk}"


class UnitVersionQuerySet(models.QuerySet["UnitVersion"]):
    def as_of(self, day: dt.date) -> UnitVersionQuerySet:
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def vietnamese_order(self) -> UnitVersionQuerySet:
        return self.order_by("name_sort", "code", "unit_id")


class Source(models.TextChoices):
    LEGACY = "vietnamadminunits", _("vietnamadminunits (legacy units)")
    OFFICIAL = "vietnam-provinces", _("vietnam-provinces (official list from 2025-07-01)")
    TEMPLATE = "template", _("Generated from the standard apparatus template")
    EXCEL = "excel", _("Imported from an Excel sheet")
    MANUAL = "manual", _("Entered by hand")
    PLAN = "plan", _("Opened or changed by a reorganization plan")


class UnitVersion(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="versions")
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    code = models.CharField(_("code"), max_length=40, db_index=True)
    name = models.CharField(_("name"), max_length=255)
    # Derived from `name` by the services: diacritic-free for search, digit-encoded for
    # Vietnamese alphabetical order (see tinhgon.core.text).
    name_folded = models.CharField(max_length=255, db_index=True, editable=False)
    name_sort = models.CharField(max_length=1100, editable=False)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(
        _("level"), choices=Level.choices, help_text=_("Level of the administrative unit served")
    )
    parent = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="child_versions"
    )
    # The administrative unit this unit serves (itself, for an administrative unit), and the
    # province that one belongs to: high-volume records carry it so they can be partitioned.
    admin_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="served_by_versions"
    )
    province = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("source"), max_length=32, choices=Source.choices)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = UnitVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit version")
        verbose_name_plural = _("unit versions")
        indexes = [
            models.Index(fields=["parent", "valid_from", "valid_to"]),
            models.Index(fields=["province", "kind", "valid_from", "valid_to"]),
            models.Index(fields=["admin_unit", "valid_from"]),
            models.Index(fields=["kind", "valid_from", "valid_to"]),
            models.Index(fields=["unit", "valid_from"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_version_interval_ordered",
            ),
            models.UniqueConstraint(fields=["unit", "valid_from"], name="unit_version_one_start"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class LinkEvent(models.TextChoices):
    CONSOLIDATE = "consolidate", _("Consolidated into a new unit")
    ABSORB = "absorb", _("Absorbed into an existing unit")
    SPLIT = "split", _("Split")
    PARTIAL = "partial", _("Part moved")
    DISSOLVE = "dissolve", _("Dissolved; records received")
    LEVEL_ABOLISHED = "level_abolished", _("Level abolished")


class UnitLink(models.Model):
    """Lineage: `predecessor` (wholly or partly) became `successor` on `effective_date`."""

    predecessor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="successor_links")
    successor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="predecessor_links")
    event = models.CharField(_("event"), max_length=32, choices=LinkEvent.choices)
    effective_date = models.DateField(_("effective date"))
    # For a unit divided between several successors: the one that takes what no rule routes.
    is_default = models.BooleanField(_("default successor"), default=True)
    # The reorganization plan and step that wrote the link (plain ids: the registry does not
    # depend on the engine).
    plan_ref = models.BigIntegerField(null=True, blank=True, db_index=True)
    step = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("lineage link")
        verbose_name_plural = _("lineage links")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor", "effective_date"], name="unit_link_once"
            ),
            # A closed unit has one default successor: two plans closing it cannot both apply.
            models.UniqueConstraint(
                fields=["predecessor"], condition=Q(is_default=True), name="unit_link_one_default"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} -> {self.successor_id} ({self.event})"


class ImportConflict(models.Model):
    """A disagreement between the data packages, and how the import treated it."""

    class Status(models.TextChoices):
        RESOLVED = "resolved", _("Resolved")
        OPEN = "open", _("Open")

    # The columns of the import report, in the order people read them.
    REPORT_FIELDS = (
        "category",
        "status",
        "province_code",
        "official_code",
        "official_name",
        "other_code",
        "other_name",
        "resolution",
        "detail",
    )

    key = models.CharField(max_length=200, unique=True)
    category = models.CharField(_("category"), max_length=48, db_index=True)
    province_code = models.CharField(max_length=8, blank=True)
    official_code = models.CharField(max_length=16, blank=True)
    official_name = models.CharField(max_length=255, blank=True)
    other_code = models.CharField(max_length=16, blank=True)
    other_name = models.CharField(max_length=255, blank=True)
    detail = models.TextField(blank=True)
    resolution = models.TextField(_("resolution"))
    status = models.CharField(max_length=16, choices=Status.choices)

    class Meta:
        verbose_name = _("import conflict")
        verbose_name_plural = _("import conflicts")
        ordering = ["category", "province_code", "official_code", "other_code"]

    def __str__(self) -> str:
        return f"{self.category}: {self.official_name or self.other_name}"
