"""Issue 12, Done when (rebalancing): three Sơn La wards merge through a real plan, their
inventories pool at the successor; the plan's preview shows the gap before and after pooling;
rebalancing then closes gaps without leaving any unit below a standard it met.

The service centres (TTHCC) of Tô Hiệu, Chiềng An and Chiềng Sinh each need, with no profile
recorded (3 counters from the standard, officers unknown): 3 counters, 1 queue system, 3 scanners,
3 document cameras, 3 rating devices, 3 printers, 1 kiosk, 100 Mbps, 2 cameras (119 in all).
Merged, the new centre needs that once: what the three held twice over becomes surplus, which
rebalancing offers the province's other centres, short of everything.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tinhgon.conftest import unit
from tinhgon.equipment import rebalance, selectors
from tinhgon.equipment.preview import PANEL
from tinhgon.equipment.rebalance_models import RunStatus
from tinhgon.equipment.tests.rebalance_factories import stock
from tinhgon.reorg import engine, planfile
from tinhgon.units import selectors as units

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 1, 1)
EARLIER = dt.date(2025, 9, 1)
WARDS = ("Phường Tô Hiệu", "Phường Chiềng An", "Phường Chiềng Sinh")


def old_centres() -> list[int]:
    return [
        units.versions_on(EARLIER).get(code=f"{unit(name).code}-TTHCC").unit_id for name in WARDS
    ]


def merge_three() -> planfile.PlanSpec:
    codes = ", ".join(f"'{unit(name).code}'" for name in WARDS)
    return planfile.load_yaml(
        f"title: Hợp nhất ba phường\neffective_date: {DAY}\n"
        "legal_basis: {number: 05/NQ-HĐND}\nsteps:\n"
        f"- action: consolidate\n  sources: [{codes}]\n"
        "  target: {code: '03998', name: Phường Ba Chiềng, kind: ward, parent: '14'}\n"
    )


def stock_the_three() -> None:
    to_hieu, chieng_an, chieng_sinh = old_centres()
    for code, n in (("queue-system", 1), ("scanner", 3), ("kiosk", 1), ("computer", 4)):
        stock(to_hieu, code, n)
    stock(to_hieu, "printer", 2, "broken")  # held, not usable: counts for nothing
    for code, n in (("queue-system", 1), ("scanner", 2), ("kiosk", 1)):
        stock(chieng_an, code, n)
    for code, n in (("queue-system", 1), ("scanner", 2), ("counter", 3)):
        stock(chieng_sinh, code, n)


def test_the_preview_shows_the_new_centre_short_of_less_after_pooling(son_la):
    stock_the_three()
    report = engine.preview(merge_three())
    [panel] = [p for p in report["panels"] if p["name"] == PANEL]
    pooled = [row for row in panel["rows"] if row[1] == 3 and "TTHCC" in row[0]]
    assert len(pooled) == 1, panel["rows"]
    _label, _units, before, after, surplus, cost = pooled[0]
    # Each alone: 119 less what it holds usable (Tô Hiệu 5, Chiềng An 4, Chiềng Sinh 6).
    assert before == 114 + 115 + 113
    # Pooled: 3 queue systems, 7 scanners, 2 kiosks, 3 counters meet the standard once; still
    # short of 3 document cameras, 3 rating devices, 3 printers, 100 Mbps, 2 cameras.
    assert after == 3 + 3 + 3 + 100 + 2
    assert surplus == 2 + 4 + 1 + 4  # queue systems, scanners, kiosk, computers (none required)
    assert cost == 3 * 9_000_000 + 3 * 4_000_000 + 3 * 7_000_000 + 100 * 50_000 + 2 * 3_000_000


def test_merged_inventories_pool_and_rebalancing_leaves_no_unit_below_a_standard_it_met(son_la):
    stock_the_three()
    outcome = engine.apply_plan(merge_three())
    assert outcome.plan is not None
    ward = units.resolve("Phường Ba Chiềng", day=DAY)
    centre = units.versions_on(DAY).get(code=f"{ward.code}-TTHCC").unit_id
    today = timezone.localdate()

    before = {(g.unit_id, g.item): g for g in selectors.gaps(day=today, province_id=son_la.unit_id)}
    pooled = {item: g for (u, item), g in before.items() if u == centre}
    assert (pooled["queue-system"].usable, pooled["queue-system"].required) == (3, 1)
    assert (pooled["scanner"].usable, pooled["scanner"].required) == (7, 3)
    assert sum(g.shortfall for g in pooled.values()) == 111  # as the preview said

    run = rebalance.rebalance_propose(actor=None, province_id=son_la.unit_id)
    data = rebalance.run_data(run)
    assert data["gaps_after"] < data["gaps_before"]
    given: dict[str, int] = {}
    for t in data["transfers"]:
        if t["from"] == f"{ward.code}-TTHCC":
            given[t["item"]] = given.get(t["item"], 0) + t["quantity"]
    # The new centre gives exactly its surplus of what others lack (computers: nobody needs one).
    assert given == {"queue-system": 2, "scanner": 4, "kiosk": 1}
    assert rebalance.rebalance_approve(actor=None, run_id=run.pk).status == RunStatus.APPROVED

    after = {(g.unit_id, g.item): g for g in selectors.gaps(day=today, province_id=son_la.unit_id)}
    for key, was in before.items():
        now = after.get(key)
        usable_now = now.usable if now else 0
        assert usable_now >= min(was.usable, was.required), (key, was.usable, usable_now)
    for item in ("queue-system", "scanner", "kiosk"):
        assert (
            after[(centre, item)].usable == after[(centre, item)].required == pooled[item].required
        )
    total_before = sum(g.shortfall for g in before.values())
    total_after = sum(g.shortfall for g in after.values())
    assert (
        total_after == total_before - 7 == data["gaps_after"] + (total_before - data["gaps_before"])
    )


def test_a_plan_that_moves_no_inventory_has_no_equipment_panel(son_la):
    report = engine.preview(merge_three())
    assert [p for p in report["panels"] if p["name"] == PANEL] == []
