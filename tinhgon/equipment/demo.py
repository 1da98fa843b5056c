"""`tinhgon equipment demo`: a clearly labelled synthetic inventory and premises for the communes
of a province.

Every row made here carries `synthetic=True`; premises' names and inventory notes start with
"[Minh họa]", so no page can pass them off as real. For each commune open today: the profile of
its public administration service centre (TTHCC) and of its office (VP) (officers, counters),
inventory lines for every item their standards list (some communes short, some with surplus,
some items worn or broken), its headquarters, and one former headquarters per commune merged
into it in 2025 (from the lineage), some of them already declared surplus or being repurposed.
The same seed on the same registry gives the same set. Run again in a province that holds the
set, it is refused (naming the province and what it holds) and writes nothing, as every demo but
`services demo` is.

Needs the apparatus of the communes (`tinhgon generate-apparatus`): the standards are those of
the service centre and the office.
"""

from __future__ import annotations

import random
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.core import text
from tinhgon.core.errors import DomainError
from tinhgon.core.models import audit
from tinhgon.equipment.models import (
    Condition,
    EquipmentProfile,
    InventoryItem,
    Per,
    Premises,
    PremisesStatus,
    PremisesUse,
)
from tinhgon.equipment.selectors import standards_in_force
from tinhgon.units import selectors as units
from tinhgon.units.kinds import KINDS_BY_LEVEL, Level
from tinhgon.units.models import UnitLink

LABEL = "[Minh họa] "
ROLES = ("TTHCC", "VP")
# How well stocked a commune is (a factor of what its standard requires), with how often.
SUPPLY = [(0.4, 2), (0.7, 3), (1.0, 4), (1.4, 2)]
PLANNED = [
    "Chuyển giao cho trường mầm non",
    "Làm nhà văn hóa thôn",
    "Điểm tiếp nhận hồ sơ hành chính công",
    "Bán đấu giá theo quy định",
]


def summary(province_id: int) -> dict[str, Any]:
    items = InventoryItem.objects.filter(province_id=province_id, synthetic=True)
    premises = Premises.objects.filter(province_id=province_id, synthetic=True)
    return {
        "inventory_lines": items.count(),
        "premises": premises.count(),
        "surplus_premises": premises.exclude(status=PremisesStatus.IN_USE).count(),
    }


def demo(*, province: str, seed: int = 1) -> dict[str, Any]:
    """Make the demo set in the province and return what is there; refused, writing nothing, if
    the province holds one already."""
    today = timezone.localdate()
    version = units.resolve_province(province[:100], day=today)
    province_id = version.unit_id
    if InventoryItem.objects.filter(province_id=province_id, synthetic=True).exists():
        raise DomainError(
            _(
                "%(province)s already holds synthetic equipment data (%(inventory_lines)s "
                "inventory lines, %(premises)s premises): nothing was written."
            )
            % {
                "province": version.name,
                **{key: text.number(count) for key, count in summary(province_id).items()},
            },
            code="already_generated",
            status=409,
        )
    communes = list(
        units.versions_on(today)
        .filter(province_id=province_id, kind__in=KINDS_BY_LEVEL[Level.COMMUNE])
        .order_by("code", "unit_id")
    )
    agencies = {
        (v.admin_unit_id, v.code.rsplit("-", 1)[-1]): v
        for v in units.versions_on(today).filter(
            admin_unit_id__in=[c.unit_id for c in communes],
            code__regex=r"-(TTHCC|VP)$",
        )
    }
    if not agencies:
        raise DomainError(
            _(
                "%(province)s has no commune service centres or offices yet: generate the apparatus first (tinhgon generate-apparatus)."
            )
            % {"province": version.name},
            code="no_apparatus",
        )
    lines = standards_in_force(today, {v.unit_id for v in agencies.values()})
    predecessors: dict[int, list[int]] = {}
    for link in UnitLink.objects.filter(successor_id__in=[c.unit_id for c in communes]).order_by(
        "predecessor_id"
    ):
        predecessors.setdefault(link.successor_id, []).append(link.predecessor_id)
    old_names = units.versions_on(today.replace(year=2025, month=6, day=30)).filter(
        unit_id__in=[p for found in predecessors.values() for p in found]
    )
    old_name = {v.unit_id: v.name for v in old_names}
    rng = random.Random(seed)
    factors = [f for f, _w in SUPPLY]
    weights = [w for _f, w in SUPPLY]
    profiles: list[EquipmentProfile] = []
    items: list[InventoryItem] = []
    with transaction.atomic():
        for commune in communes:
            factor = rng.choices(factors, weights=weights)[0]
            for role in ROLES:
                agency = agencies.get((commune.unit_id, role))
                if agency is None:
                    continue
                officers = rng.randint(4, 9) if role == "TTHCC" else rng.randint(6, 14)
                counters = rng.randint(2, 5) if role == "TTHCC" else None
                profiles.append(
                    EquipmentProfile(
                        unit_id=agency.unit_id,
                        officers=officers,
                        counters=counters,
                        synthetic=True,
                    )
                )
                for line in lines.get(agency.unit_id, []):
                    need = line.quantity * (
                        officers
                        if line.per == Per.OFFICER
                        else (counters or 0)
                        if line.per == Per.COUNTER
                        else 1
                    )
                    have = round(need * factor * rng.uniform(0.8, 1.2))
                    broken = (
                        rng.randint(0, have // 4)
                        if have > 1 and line.item_type.code != "bandwidth"
                        else 0
                    )
                    price = line.item_type.unit_price
                    year = rng.randint(2012, today.year)
                    for quantity, condition in (
                        (have - broken, Condition.GOOD),
                        (broken, Condition.BROKEN),
                    ):
                        if quantity <= 0:
                            continue
                        items.append(
                            InventoryItem(
                                unit_id=agency.unit_id,
                                province_id=province_id,
                                item_type_id=line.item_type_id,
                                quantity=quantity,
                                condition=condition,
                                acquired_year=year,
                                value=quantity * price * rng.randint(40, 100) // 100,
                                location=LABEL.strip(),
                                note=LABEL + _("synthetic demonstration data"),
                                synthetic=True,
                            )
                        )
        EquipmentProfile.objects.bulk_create(profiles, ignore_conflicts=True)
        InventoryItem.objects.bulk_create(items, batch_size=2000)
        premises = _premises(communes, agencies, predecessors, old_name, province_id, rng)
        audit(
            actor=None,
            action="equipment_demo",
            unit=province_id,
            seed=seed,
            lines=len(items),
            premises=premises,
        )
    return {"province": version.name, "made": True, **summary(province_id)}


def _premises(communes, agencies, predecessors, old_name, province_id, rng) -> int:  # type: ignore[no-untyped-def]
    """The headquarters of each commune (held by its office) and the former headquarters of the
    communes merged into it."""
    made = 0
    for commune in communes:
        office = agencies.get((commune.unit_id, "VP"))
        if office is None:
            continue
        hq = Premises.objects.create(
            unit_id=office.unit_id,
            province_id=province_id,
            name=LABEL + f"Trụ sở {commune.name}",
            address=commune.name,
            area_m2=rng.randint(400, 1500),
            built_year=rng.randint(1995, 2020),
            use=PremisesUse.HEADQUARTERS,
            synthetic=True,
        )
        EquipmentProfile.objects.filter(unit_id=office.unit_id).update(headquarters=hq)
        made += 1
        for predecessor in predecessors.get(commune.unit_id, [])[1:]:
            status = rng.choice(
                [PremisesStatus.IN_USE, PremisesStatus.SURPLUS, PremisesStatus.REPURPOSING]
            )
            name = old_name.get(predecessor, "")
            Premises.objects.create(
                unit_id=office.unit_id,
                province_id=province_id,
                name=LABEL + f"Trụ sở cũ {name}".strip(),
                address=name,
                area_m2=rng.randint(200, 900),
                built_year=rng.randint(1990, 2015),
                use=PremisesUse.HEADQUARTERS,
                status=status,
                planned_use="" if status == PremisesStatus.IN_USE else rng.choice(PLANNED),
                merged_on=commune.valid_from,
                synthetic=True,
            )
            made += 1
    return made
