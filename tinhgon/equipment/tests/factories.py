"""Builders for the equipment tests: the Sơn La wards of the scenario and their agencies."""

from __future__ import annotations

import datetime as dt

from tinhgon.conftest import unit
from tinhgon.equipment import services
from tinhgon.equipment.models import InventoryItem, Premises, PremisesUse
from tinhgon.reorg import planfile
from tinhgon.units import selectors

DAY = dt.date(2026, 1, 1)
EARLIER = dt.date(2025, 9, 1)
WARDS = ("Phường Tô Hiệu", "Phường Chiềng An", "Phường Chiềng Sinh")
NEW_WARD = "Phường Ba Chiềng"


def wards() -> list[int]:
    return [unit(name).unit_id for name in WARDS]


def agency(ward_id: int, role: str, day: dt.date = EARLIER) -> int:
    """The ward's agency of a role (TTHCC: the service centre, VP: the office)."""
    code = selectors.version_on(ward_id, day).code
    return selectors.versions_on(day).get(code=f"{code}-{role}").unit_id


def merge_three_plan() -> planfile.PlanSpec:
    codes = ", ".join(f"'{selectors.version_on(w, EARLIER).code}'" for w in wards())
    return planfile.load_yaml(
        f"title: Hợp nhất ba phường\neffective_date: {DAY}\n"
        "legal_basis: {number: 05/NQ-HĐND}\nsteps:\n"
        f"- action: consolidate\n  sources: [{codes}]\n"
        "  target: {code: '03998', name: Phường Ba Chiềng, kind: ward, parent: '14'}\n"
    )


def item(unit_id: int, code: str, quantity: int, condition: str = "good", **more) -> InventoryItem:  # type: ignore[no-untyped-def]
    return services.inventory_add(
        actor=None, unit_id=unit_id, item=code, quantity=quantity, condition=condition, **more
    )


def premises(unit_id: int, name: str, **more) -> Premises:  # type: ignore[no-untyped-def]
    return services.premises_add(
        actor=None,
        unit_id=unit_id,
        name=name,
        use=more.pop("use", PremisesUse.HEADQUARTERS),
        **more,
    )


# -- the carrier contract suite's examples (carriers/tests/test_contract.py) --------------------
def inventory_example(unit_id: int) -> int:
    return item(unit_id, "scanner", 2).pk


def premises_example(unit_id: int) -> int:
    return premises(unit_id, "Trụ sở làm việc").pk
