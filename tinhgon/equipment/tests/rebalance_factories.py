"""Builders for the rebalancing tests: the service centres (TTHCC) of Sơn La wards, their
profiles and inventories, as of today."""

from __future__ import annotations

from django.utils import timezone

from tinhgon.conftest import unit
from tinhgon.equipment import rebalance, services
from tinhgon.equipment.models import InventoryItem
from tinhgon.units import selectors


def centre(ward: str) -> int:
    """The public administration service centre (TTHCC) of a Sơn La ward or commune, today."""
    code = unit(ward).code
    return selectors.versions_on(timezone.localdate()).get(code=f"{code}-TTHCC").unit_id


def stock(unit_id: int, code: str, quantity: int, condition: str = "good", **more) -> InventoryItem:  # type: ignore[no-untyped-def]
    return services.inventory_add(
        actor=None, unit_id=unit_id, item=code, quantity=quantity, condition=condition, **more
    )


def profile(unit_id: int, *, officers: int = 0, counters: int = 3) -> None:
    services.profile_set(actor=None, unit_id=unit_id, officers=officers, counters=counters)


def usable(unit_id: int, code: str) -> int:
    """What the unit holds of an item in usable condition, today."""
    rows = rebalance.holdings(
        int(selectors.version_on(unit_id, timezone.localdate()).province_id or 0),
        timezone.localdate(),
    )
    return next((r.usable for r in rows if r.unit_id == unit_id and r.item == code), 0)
