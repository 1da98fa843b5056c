"""Reads of equipment and premises: the standard in force, the gaps (set-based SQL), the province
ranking, inventories, premises and the surplus premises after mergers.

Gaps. For every unit open on the day and every item type, `required` comes from the standards in
force for the unit (national or its province's own: the latest `valid_from` on or before the
day, the province's version over a national one of the same date), by kind and role (the code
suffix; a blank role applies to every unit of the kind, and a unit answers to both):
    fixed     quantity
    officer   quantity × the profile's officers (unknown: 0, and the report says so)
    counter   quantity × the profile's counters (unknown: the standard's own number of counters,
              its fixed "counter" line; else 0)
`available` is the sum of the unit's inventory lines not written off, `usable` of those in good
or usable condition; `shortfall` = max(required − usable, 0), `surplus` = max(usable − required,
0). One statement computes every row of a province.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.accounts.access import access_unit, scope_for, unit_filter
from tinhgon.carriers.contract import id_list, in_ids
from tinhgon.carriers.models import RecordMove
from tinhgon.core.errors import NotFound, invalid
from tinhgon.equipment.carriers import PremisesCarrier
from tinhgon.equipment.models import (
    EquipmentProfile,
    InventoryItem,
    ItemType,
    Premises,
    PremisesStatus,
    Standard,
    StandardItem,
    Transfer,
)
from tinhgon.units import selectors as units
from tinhgon.units.kinds import KINDS_BY_LEVEL, Level
from tinhgon.units.models import UnitVersion

USABLE = ("good", "usable")

_GAPS = """
WITH u AS (
  SELECT v.unit_id, v.kind, v.code, COALESCE(v.province_id, v.unit_id) AS province_id
  FROM units_unitversion v
  WHERE (v.valid_from IS NULL OR v.valid_from <= %(day)s)
    AND (v.valid_to IS NULL OR v.valid_to >= %(day)s) {units}
),
cand AS (
  SELECT u.unit_id, s.id AS standard_id,
    ROW_NUMBER() OVER (
      PARTITION BY u.unit_id, s.role
      ORDER BY s.valid_from DESC, CASE WHEN s.province_id IS NULL THEN 1 ELSE 0 END
    ) AS rn
  FROM u JOIN equipment_standard s ON s.kind = u.kind
    AND s.valid_from <= %(day)s
    AND (s.province_id IS NULL OR s.province_id = u.province_id)
    AND (s.role = '' OR (LENGTH(u.code) > LENGTH(s.role)
         AND SUBSTR(u.code, LENGTH(u.code) - LENGTH(s.role)) = '-' || s.role))
),
req AS (
  SELECT c.unit_id, si.item_type_id, SUM(si.quantity * CASE si.per
      WHEN 'fixed' THEN 1
      WHEN 'officer' THEN COALESCE(p.officers, 0)
      ELSE COALESCE(p.counters, (
        SELECT n.quantity FROM equipment_standarditem n
        JOIN equipment_itemtype nt ON nt.id = n.item_type_id
        WHERE n.standard_id = c.standard_id AND nt.code = 'counter' AND n.per = 'fixed'
      ), 0) END) AS required
  FROM cand c
  JOIN equipment_standarditem si ON si.standard_id = c.standard_id
  LEFT JOIN equipment_equipmentprofile p ON p.unit_id = c.unit_id
  WHERE c.rn = 1
  GROUP BY c.unit_id, si.item_type_id
),
held AS (
  SELECT i.unit_id, i.item_type_id, SUM(i.quantity) AS available,
    SUM(CASE WHEN i.condition IN ('good', 'usable') THEN i.quantity ELSE 0 END) AS usable
  FROM equipment_inventoryitem i JOIN u ON u.unit_id = i.unit_id
  WHERE i.written_off_on IS NULL
  GROUP BY i.unit_id, i.item_type_id
),
k AS (SELECT unit_id, item_type_id FROM req UNION SELECT unit_id, item_type_id FROM held)
SELECT k.unit_id, k.item_type_id, COALESCE(r.required, 0), COALESCE(h.available, 0),
  COALESCE(h.usable, 0)
FROM k
LEFT JOIN req r ON r.unit_id = k.unit_id AND r.item_type_id = k.item_type_id
LEFT JOIN held h ON h.unit_id = k.unit_id AND h.item_type_id = k.item_type_id
ORDER BY k.unit_id, k.item_type_id
"""


@dataclass
class Gap:
    unit_id: int
    item_type_id: int
    required: int
    available: int
    usable: int
    unit_code: str = ""
    unit_name: str = ""
    admin_unit_id: int | None = None
    item: str = ""
    item_name: str = ""
    measure: str = ""
    unit_price: int = 0
    # The per-officer requirement used no officer count (the profile does not say).
    officers_unknown: bool = False

    @property
    def shortfall(self) -> int:
        return max(self.required - self.usable, 0)

    @property
    def surplus(self) -> int:
        return max(self.usable - self.required, 0)

    @property
    def cost(self) -> int:
        """Estimated cost of buying the shortfall (VND)."""
        return self.shortfall * self.unit_price

    def as_json(self) -> dict[str, Any]:
        return {
            "unit": self.unit_code,
            "unit_name": self.unit_name,
            "item": self.item,
            "item_name": self.item_name,
            "unit_of_measure": self.measure,
            "required": self.required,
            "available": self.available,
            "usable": self.usable,
            "shortfall": self.shortfall,
            "surplus": self.surplus,
            "estimated_cost": self.cost,
            "officers_unknown": self.officers_unknown,
        }


def gaps(
    *,
    day: dt.date | None = None,
    province_id: int | None = None,
    unit_ids: list[int] | None = None,
) -> list[Gap]:
    """Every (unit, item type) row of the units open on `day` in `province_id` and/or among
    `unit_ids` that a standard requires or an inventory holds (see the module's docstring)."""
    day = day or timezone.localdate()
    params: dict[str, Any] = {"day": day}
    where = ""
    if province_id is not None:
        where += " AND (v.province_id = %(province)s OR v.unit_id = %(province)s)"
        params["province"] = province_id
    if unit_ids is not None:
        if not unit_ids:
            return []
        where += " AND " + in_ids("v.unit_id", "ids")
        params["ids"] = id_list(sorted(set(unit_ids)))
    with connection.cursor() as cursor:
        cursor.execute(_GAPS.format(units=where), params)
        found = [Gap(*row) for row in cursor.fetchall()]
    _describe(found, day)
    return found


def _describe(found: list[Gap], day: dt.date) -> None:
    """Names, codes, prices and the "officers unknown" flag, in three queries."""
    unit_ids = {g.unit_id for g in found}
    versions = {
        v.unit_id: v
        for v in units.versions_on(day)
        .filter(unit_id__in=unit_ids)
        .only("unit_id", "code", "name", "admin_unit_id")
    }
    types = {t.pk: t for t in ItemType.objects.filter(pk__in={g.item_type_id for g in found})}
    known = set(
        EquipmentProfile.objects.filter(unit_id__in=unit_ids, officers__isnull=False).values_list(
            "unit_id", flat=True
        )
    )
    per_officer = per_officer_items(day, unit_ids)
    for gap in found:
        version = versions.get(gap.unit_id)
        if version is not None:
            gap.unit_code, gap.unit_name = version.code, version.name
            gap.admin_unit_id = version.admin_unit_id
        item_type = types[gap.item_type_id]
        gap.item, gap.item_name = item_type.code, item_type.name
        gap.measure, gap.unit_price = item_type.unit_of_measure, item_type.unit_price
        gap.officers_unknown = (
            gap.unit_id not in known and (gap.unit_id, gap.item_type_id) in per_officer
        )


def per_officer_items(day: dt.date, unit_ids: set[int]) -> set[tuple[int, int]]:
    """(unit, item type) pairs some standard in force requires per officer (the same choice of
    standards as the gap statement, read through its own rows)."""
    found: set[tuple[int, int]] = set()
    for unit_id, standard in standards_in_force(day, unit_ids).items():
        for line in standard:
            if line.per == "officer":
                found.add((unit_id, line.item_type_id))
    return found


def _chosen(version: UnitVersion, candidates: list[Standard]) -> list[Standard]:
    """The standards in force for a unit among `candidates` (newest first): one per role that
    applies, the province's own over a national one of the same date."""
    province = version.province_id or version.unit_id
    chosen: dict[str, Standard] = {}
    for s in candidates:
        if s.kind != version.kind or s.province_id not in (None, province):
            continue
        if s.role and not version.code.endswith("-" + s.role):
            continue
        best = chosen.get(s.role)
        if best is None or (
            best.valid_from == s.valid_from and best.province_id is None and s.province_id
        ):
            chosen[s.role] = s
    return list(chosen.values())


def _candidates(day: dt.date, kinds: set[str]) -> list[Standard]:
    return list(
        Standard.objects.filter(kind__in=kinds, valid_from__lte=day)
        .prefetch_related("items__item_type")
        .order_by("-valid_from", "pk")
    )


def standards_in_force(day: dt.date, unit_ids: set[int]) -> dict[int, list[Any]]:
    """unit id -> the standard lines in force for it on `day` (see the module's docstring)."""
    versions = list(units.versions_on(day).filter(unit_id__in=unit_ids))
    candidates = _candidates(day, {v.kind for v in versions})
    found: dict[int, list[Any]] = defaultdict(list)
    for version in versions:
        for s in _chosen(version, candidates):
            found[version.unit_id] += list(s.items.all())
    return found


def standard_for(day: dt.date, version: UnitVersion) -> list[Standard]:
    """The standards in force for one unit on `day` (one per role that applies)."""
    return _chosen(version, _candidates(day, {version.kind}))


# -- who may read what --------------------------------------------------------------------------
def visible_unit_ids(actor, day: dt.date, *, province_id: int | None = None) -> list[int] | None:  # type: ignore[no-untyped-def]
    """The units whose equipment the actor reads (None: every unit; the operator or a
    superuser)."""
    if actor is None or scope_for(actor).everything:
        return None
    found = units.versions_on(day).filter(unit_filter(scope_for(actor), day))
    if province_id is not None:
        found = found.filter(Q(province_id=province_id) | Q(unit_id=province_id))
    return list(found.values_list("unit_id", flat=True))


def visible_provinces(actor) -> list[int]:  # type: ignore[no-untyped-def]
    """The provinces in which the actor reads some unit (their province's own standards)."""
    day = timezone.localdate()
    found = units.versions_on(day).filter(unit_filter(scope_for(actor), day))
    ids = set(found.values_list("province_id", flat=True).distinct())
    # A province itself (not its province-level bodies, whose province_id already names it).
    provinces = found.filter(level=Level.PROVINCE, admin_unit_id=F("unit_id"))
    ids |= set(provinces.values_list("unit_id", flat=True))
    return sorted(i for i in ids if i is not None)


def province_for(actor, province_id: int, day: dt.date | None = None) -> UnitVersion:  # type: ignore[no-untyped-def]
    """The province if the actor reads it whole (its administrators and the officials of its
    bodies; a commune's officials read their own units' pages instead)."""
    day = day or timezone.localdate()
    version = (
        access_unit(actor, province_id, day=day)
        if actor is not None
        else units.version_on(province_id, day)
    )
    if version.level != Level.PROVINCE or version.admin_unit_id != version.unit_id:
        raise invalid(_("%(name)s is not a province.") % {"name": version.name}, field="province")
    return version


def province_in_scope(actor, province_id: int, day: dt.date | None = None) -> UnitVersion:  # type: ignore[no-untyped-def]
    """The province if the actor reads some unit in it (a commune's officials read their own
    units' rows of a province's lists), else not found."""
    day = day or timezone.localdate()
    everything = actor is None or scope_for(actor).everything
    if not everything and province_id not in visible_provinces(actor):
        raise NotFound(
            _("Unit %(id)s does not exist or is not in your scope.") % {"id": province_id}
        )
    version = units.version_on(province_id, day)
    if version.level != Level.PROVINCE or version.admin_unit_id != version.unit_id:
        raise invalid(_("%(name)s is not a province.") % {"name": version.name}, field="province")
    return version


def unit_gaps(actor, unit_id: int, day: dt.date | None = None) -> list[Gap]:  # type: ignore[no-untyped-def]
    """The gap rows of one unit the actor reads."""
    day = day or timezone.localdate()
    if actor is not None:
        access_unit(actor, unit_id, day=day)
    return gaps(day=day, unit_ids=[unit_id])


def province_gaps(actor, province_id: int, day: dt.date | None = None) -> list[Gap]:  # type: ignore[no-untyped-def]
    day = day or timezone.localdate()
    province_for(actor, province_id, day)
    return gaps(
        day=day,
        province_id=province_id,
        unit_ids=visible_unit_ids(actor, day, province_id=province_id),
    )


@dataclass
class CommuneGaps:
    """A commune (with the agencies that serve it) against its standards."""

    unit_id: int
    code: str
    name: str
    lines: int = 0  # (unit, item) rows with a requirement
    lines_short: int = 0
    required: int = 0
    shortfall: int = 0
    cost: int = 0
    weight_required: int = 0
    weight_short: int = 0
    items_short: list[str] = field(default_factory=list)
    held_lines: int = 0  # rows with anything held: none means no inventory was recorded

    @property
    def inventoried(self) -> bool:
        return self.held_lines > 0

    @property
    def share(self) -> float:
        """The weighted share of the requirement missing, in percent (weights: unit prices; an
        item without a price weighs 1 VND)."""
        if not self.weight_required:
            return 0.0
        return round(100 * self.weight_short / self.weight_required, 1)

    def as_json(self) -> dict[str, Any]:
        return {
            "unit": self.code,
            "unit_name": self.name,
            "lines": self.lines,
            "lines_short": self.lines_short,
            "required": self.required,
            "shortfall": self.shortfall,
            "share_missing": self.share,
            "estimated_cost": self.cost,
            "items_short": self.items_short,
            "inventoried": self.inventoried,
        }


def ranking(found: list[Gap], day: dt.date) -> list[CommuneGaps]:
    """The communes of the gap rows (each unit counted at the commune it serves), those that
    fall short first: by weighted share missing, then estimated cost; the communes with no
    inventory recorded at all come last (their "shortfall" is the whole standard, unknown)."""
    communes = {
        v.unit_id: v
        for v in units.versions_on(day).filter(
            unit_id__in={g.admin_unit_id for g in found if g.admin_unit_id},
            kind__in=KINDS_BY_LEVEL[Level.COMMUNE],
        )
    }
    rows: dict[int, CommuneGaps] = {}
    for gap in found:
        commune = communes.get(gap.admin_unit_id or 0)
        if commune is None:
            continue
        row = rows.setdefault(
            commune.unit_id, CommuneGaps(commune.unit_id, commune.code, commune.name)
        )
        if gap.available:
            row.held_lines += 1
        if gap.required == 0:
            continue
        weight = gap.unit_price or 1
        row.lines += 1
        row.required += gap.required
        row.weight_required += gap.required * weight
        if gap.shortfall:
            row.lines_short += 1
            row.shortfall += gap.shortfall
            row.cost += gap.cost
            row.weight_short += gap.shortfall * weight
            if gap.item_name not in row.items_short:
                row.items_short.append(gap.item_name)
    return sorted(rows.values(), key=lambda r: (not r.inventoried, -r.share, -r.cost, r.code))


# -- lists --------------------------------------------------------------------------------------
def item_types_with_uses() -> QuerySet[ItemType]:
    """Every item type with how many inventory lines (written-off ones included), standard lines
    and transfers name it (`inventory_uses`, `standard_uses`, `transfer_uses`): one query."""

    def uses(model: Any) -> Coalesce:
        counted = (
            model.objects.filter(item_type=OuterRef("pk"))
            .order_by()
            .values("item_type")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(counted), 0)

    return ItemType.objects.annotate(
        inventory_uses=uses(InventoryItem),
        standard_uses=uses(StandardItem),
        transfer_uses=uses(Transfer),
    ).order_by("category", "code")


def inventory_of(unit_id: int, *, written_off: bool = False) -> QuerySet[InventoryItem]:
    found = InventoryItem.objects.filter(unit_id=unit_id).select_related("item_type", "premises")
    found = found.filter(written_off_on__isnull=not written_off)
    return found.order_by("item_type__category", "item_type__code", "pk")


def premises_of(unit_id: int) -> QuerySet[Premises]:
    return Premises.objects.filter(unit_id=unit_id).order_by("status", "name", "pk")


def profile_of(unit_id: int) -> EquipmentProfile | None:
    return EquipmentProfile.objects.filter(unit_id=unit_id).first()


SURPLUS_STATUSES = (PremisesStatus.SURPLUS, PremisesStatus.REPURPOSING, PremisesStatus.HANDED_OVER)


@dataclass
class SurplusPremises:
    premises: Premises
    unit_code: str
    unit_name: str
    came_from: str  # the closed unit it came from (its last name), or ""
    candidate: bool  # still "in use" after a merger, not the headquarters: to decide

    def as_json(self) -> dict[str, Any]:
        p = self.premises
        return {
            "id": p.pk,
            "unit": self.unit_code,
            "unit_name": self.unit_name,
            "name": p.name,
            "address": p.address,
            "area_m2": p.area_m2,
            "use": p.use,
            "status": p.status,
            "planned_use": p.planned_use,
            "merged_on": p.merged_on,
            "came_from": self.came_from,
            "candidate": self.candidate,
            "synthetic": p.synthetic,
        }


def surplus_premises(actor, province_id: int, day: dt.date | None = None) -> list[SurplusPremises]:  # type: ignore[no-untyped-def]
    """The premises the province must report after its mergers: those that came from a unit a
    plan closed and are not their unit's headquarters, and any declared surplus, being
    repurposed or handed over; of those, the ones the actor reads (a commune's officials, their
    own units')."""
    day = day or timezone.localdate()
    province_in_scope(actor, province_id, day)
    headquarters = EquipmentProfile.objects.filter(headquarters__isnull=False).values(
        "headquarters_id"
    )
    found = Premises.objects.filter(province_id=province_id).filter(
        Q(merged_on__isnull=False) & ~Q(pk__in=headquarters) | Q(status__in=SURPLUS_STATUSES)
    )
    visible = visible_unit_ids(actor, day, province_id=province_id)
    if visible is not None:
        found = found.filter(unit_id__in=visible)
    rows = list(found.order_by("unit_id", "name", "pk")[:2000])
    names = names_of({p.unit_id for p in rows}, day)
    origin = dict(
        RecordMove.objects.filter(carrier=PremisesCarrier.name, record_id__in=[p.pk for p in rows])
        .order_by("record_id", "id")
        .values_list("record_id", "from_unit_id")
    )
    origin_names = names_of(set(origin.values()), day)
    return [
        SurplusPremises(
            p,
            *names.get(p.unit_id, ("", "")),
            came_from=origin_names.get(origin[p.pk], ("", ""))[1] if p.pk in origin else "",
            candidate=p.status == PremisesStatus.IN_USE,
        )
        for p in rows
    ]


def names_of(unit_ids: set[int], day: dt.date) -> dict[int, tuple[str, str]]:
    """unit id -> (code, name) on `day`, or the latest version's for a unit closed by then."""
    found = {
        v.unit_id: (v.code, v.name)
        for v in units.versions_on(day).filter(unit_id__in=unit_ids).only("unit_id", "code", "name")
    }
    for unit_id in unit_ids - set(found):
        latest = (
            UnitVersion.objects.filter(unit_id=unit_id)
            .order_by(F("valid_from").desc(nulls_last=True))
            .first()
        )
        if latest is not None:
            found[unit_id] = (latest.code, latest.name)
    return found
