"""The routing table of a plan and the history of every record it moved.

Unit and plan references are plain ids: the contract sits below the engine that owns plans, and
its statements join these tables on integers only.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Priority(models.IntegerChoices):
    """Which route a record takes when several match: the lowest number that matches wins. A
    person's decision beats the carrier's rule, which beats the default successor.

    PLACE is not a move: the unit stays, but its province or administrative unit changed, and the
    denormalized columns of its records follow.
    """

    PLACE = 0, _("placement changed")
    RECORD = 1, _("decision about one record")
    GROUP = 2, _("decision about one group (a value of the routing rule)")
    CARRIER = 3, _("decision about every record of one kind")
    RULE = 4, _("routing rule")
    DEFAULT = 5, _("default successor")


class Route(models.Model):
    """Where the records attached to a unit closed by a plan go.

    Written by the engine after the units of the plan are opened and closed; read by every
    carrier's set-based statements. `carrier` is empty for routes that hold for every carrier;
    `key` and `record_id` are 0 when the route does not depend on them (0 is never an id), so a
    unique index can say that a record matches at most one route of each priority.
    """

    plan_ref = models.BigIntegerField()
    priority = models.PositiveSmallIntegerField(choices=Priority.choices)
    carrier = models.CharField(max_length=64, blank=True)
    from_unit_id = models.BigIntegerField()
    key = models.BigIntegerField(default=0)
    record_id = models.BigIntegerField(default=0)
    to_unit_id = models.BigIntegerField()
    # Placement of `to_unit` on the effective date, for the records' denormalized columns.
    to_province_id = models.BigIntegerField(null=True)
    to_admin_unit_id = models.BigIntegerField(null=True)
    step = models.PositiveIntegerField(null=True)
    # True while the plan is applying in batches: reads resolve `from_unit` to `to_unit`.
    in_transit = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("route")
        verbose_name_plural = _("routes")
        constraints = [
            models.UniqueConstraint(
                fields=["plan_ref", "priority", "carrier", "from_unit_id", "key", "record_id"],
                name="route_once",
            ),
        ]
        indexes = [
            models.Index(fields=["from_unit_id", "plan_ref"]),
            models.Index(
                fields=["to_unit_id"], name="route_in_transit", condition=Q(in_transit=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.carrier or '*'} {self.from_unit_id} -> {self.to_unit_id} ({self.priority})"


class RecordMove(models.Model):
    """History of a reorganization: one row per record a carrier moved, written in the same
    statement or transaction as the move itself."""

    plan_ref = models.BigIntegerField()
    step = models.PositiveIntegerField(null=True, blank=True)
    carrier = models.CharField(max_length=64)
    record_id = models.BigIntegerField()
    from_unit_id = models.BigIntegerField()
    to_unit_id = models.BigIntegerField()

    class Meta:
        verbose_name = _("record move")
        verbose_name_plural = _("record moves")
        indexes = [
            models.Index(fields=["carrier", "record_id"]),
            models.Index(fields=["plan_ref", "carrier"]),
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.record_id}: {self.from_unit_id} -> {self.to_unit_id}"
