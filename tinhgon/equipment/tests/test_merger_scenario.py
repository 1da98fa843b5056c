"""Issue 12, Done when: three Sơn La wards merge through a real plan; their inventories pool at
the successor; the gap report of the new ward is right (exact numbers from the rows made here);
the premises of the closed wards, other than the chosen headquarters, are the surplus list."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from tinhgon.carriers import contract
from tinhgon.carriers.models import RecordMove
from tinhgon.equipment import selectors, services
from tinhgon.equipment.models import InventoryItem, Premises, PremisesStatus
from tinhgon.equipment.tests.factories import (
    DAY,
    NEW_WARD,
    agency,
    item,
    merge_three_plan,
    premises,
    wards,
)
from tinhgon.reorg import engine
from tinhgon.units import selectors as units

pytestmark = pytest.mark.django_db


def _inventories() -> dict[str, list[InventoryItem]]:
    to_hieu, chieng_an, chieng_sinh = (agency(w, "TTHCC") for w in wards())
    return {
        "to_hieu": [
            item(to_hieu, "scanner", 2),
            item(to_hieu, "computer", 3),
            item(to_hieu, "computer", 1, "broken"),
            item(to_hieu, "counter", 2),
        ],
        "chieng_an": [
            item(chieng_an, "scanner", 1, "usable"),
            item(chieng_an, "queue-system", 1, "broken"),
            item(chieng_an, "counter", 1),
            item(chieng_an, "bandwidth", 40),
        ],
        "chieng_sinh": [
            item(chieng_sinh, "computer", 2),
            item(chieng_sinh, "document-camera", 1),
            item(chieng_sinh, "bandwidth", 30),
            item(chieng_sinh, "cctv", 4),
        ],
    }


def _gaps(unit_id: int) -> dict[str, tuple[int, int, int, int]]:
    return {
        g.item: (g.required, g.available, g.usable, g.shortfall)
        for g in selectors.gaps(day=DAY, unit_ids=[unit_id])
    }


def test_three_wards_merge_their_inventories_pool_at_the_successor_and_its_gaps_are_exact(
    son_la,
):
    made = _inventories()
    written_off = services.inventory_write_off(
        actor=None, item_id=made["to_hieu"][0].pk, quantity=1, reason="Hỏng không sửa được"
    )

    outcome = engine.apply_plan(merge_three_plan())
    assert outcome.plan is not None

    ward = units.resolve(NEW_WARD, day=DAY)
    centre = units.versions_on(DAY).get(code=f"{ward.code}-TTHCC").unit_id
    pooled = InventoryItem.objects.filter(unit_id=centre, written_off_on__isnull=True)
    assert pooled.count() == 12, "every live line of the three centres moved, none summed away"
    assert set(pooled.values_list("province_id", flat=True)) == {son_la.unit_id}
    # The written-off line stays with the centre that wrote it off: it is its record.
    written_off.refresh_from_db()
    assert written_off.unit_id == agency(wards()[0], "TTHCC")
    moves = RecordMove.objects.filter(plan_ref=outcome.plan.pk, carrier="equipment_inventory")
    assert moves.count() == 12 and set(moves.values_list("to_unit_id", flat=True)) == {centre}

    # No profile yet: counters come from the standard (3 counters), officers are unknown (0).
    before = _gaps(centre)
    assert before["scanner"] == (3, 2, 2, 1)  # 1 per counter × 3; 2 left (1 written off)
    assert before["computer"] == (0, 6, 5, 0)
    assert next(
        g for g in selectors.gaps(day=DAY, unit_ids=[centre]) if g.item == "computer"
    ).officers_unknown

    services.profile_set(actor=None, unit_id=centre, officers=9, counters=4)
    after = _gaps(centre)
    assert after == {
        # item: (required, available, usable, shortfall)
        "counter": (3, 3, 3, 0),
        "queue-system": (1, 1, 0, 1),
        "scanner": (4, 2, 2, 2),
        "document-camera": (4, 1, 1, 3),
        "rating-device": (4, 0, 0, 4),
        "printer": (4, 0, 0, 4),
        "kiosk": (1, 0, 0, 1),
        "computer": (9, 6, 5, 4),
        "bandwidth": (100, 70, 70, 30),
        "cctv": (2, 4, 4, 0),
    }
    # The command scripts read says the same.
    out = io.StringIO()
    call_command(
        "equipment",
        "gaps",
        "--province",
        "Sơn La",
        "--unit",
        f"{ward.code}-TTHCC",
        "--as-of",
        DAY.isoformat(),
        "--format",
        "json",
        stdout=out,
    )
    rows = {r["item"]: r for r in json.loads(out.getvalue())}
    assert (rows["computer"]["required"], rows["computer"]["available"]) == (9, 6)
    assert rows["computer"]["usable"] == 5 and rows["computer"]["shortfall"] == 4
    assert rows["cctv"]["surplus"] == 2 and rows["cctv"]["unit"] == f"{ward.code}-TTHCC"
    assert rows["printer"]["estimated_cost"] == 4 * 7_000_000

    # Idempotent: the carrier run again moves nothing.
    carrier = contract.get("equipment_inventory")
    assert carrier is not None
    assert carrier.move(contract.Context(outcome.plan.pk, DAY)) == 0


def test_the_premises_of_the_closed_wards_other_than_the_chosen_headquarters_are_the_surplus_list(
    son_la, province_admin
):
    offices = [agency(w, "VP") for w in wards()]
    old = [premises(o, f"Trụ sở {i}", address=f"Số {i}") for i, o in enumerate(offices)]
    handed = premises(offices[2], "Nhà kho cũ", use="warehouse")
    services.premises_update(actor=None, premises_id=handed.pk, status=PremisesStatus.SURPLUS)
    services.premises_update(actor=None, premises_id=handed.pk, status=PremisesStatus.HANDED_OVER)

    outcome = engine.apply_plan(merge_three_plan())
    assert outcome.plan is not None
    ward = units.resolve(NEW_WARD, day=DAY)
    office = units.versions_on(DAY).get(code=f"{ward.code}-VP").unit_id
    moved = Premises.objects.filter(unit_id=office)
    assert set(moved.values_list("pk", flat=True)) == {p.pk for p in old}
    assert set(moved.values_list("merged_on", flat=True)) == {DAY}
    handed.refresh_from_db()
    assert handed.unit_id == offices[2], "premises handed over stay where they were"

    services.profile_set(
        actor=None, unit_id=office, officers=12, counters=None, headquarters_id=old[1].pk
    )
    listed = selectors.surplus_premises(None, son_la.unit_id, DAY)
    candidates = {s.premises.pk: s for s in listed if s.premises.unit_id == office}
    assert set(candidates) == {old[0].pk, old[2].pk}, "the headquarters is not surplus"
    assert all(s.candidate for s in candidates.values())
    assert candidates[old[0].pk].came_from.endswith("phường Tô Hiệu")

    decided = services.premises_update(
        actor=province_admin.user,
        premises_id=old[0].pk,
        status=PremisesStatus.SURPLUS,
        planned_use="Chuyển giao cho trường mầm non",
    )
    assert decided.status == PremisesStatus.SURPLUS
    out = io.StringIO()
    call_command(
        "equipment", "premises", "--province", "Sơn La", "--surplus", "--format", "json", stdout=out
    )
    rows = {r["id"]: r for r in json.loads(out.getvalue())}
    assert rows[old[0].pk]["status"] == "surplus"
    assert rows[old[0].pk]["planned_use"] == "Chuyển giao cho trường mầm non"
    assert rows[old[2].pk]["candidate"] is True
    assert old[1].pk not in rows
    assert rows[handed.pk]["status"] == "handed_over"
