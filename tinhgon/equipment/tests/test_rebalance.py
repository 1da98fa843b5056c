"""Rebalancing a province: the proposal (transfers, gaps before and after, purchases), its
approval (the inventory moves once, audited), and what is refused."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tinhgon.core.errors import DomainError, Forbidden, NotFound
from tinhgon.core.models import AuditEvent
from tinhgon.equipment import rebalance
from tinhgon.equipment.models import InventoryItem, ItemType, Transfer, TransferStatus
from tinhgon.equipment.rebalance_models import RebalanceRun, RunStatus
from tinhgon.equipment.tests.rebalance_factories import (
    centre,
    profile,
    stock,
    usable,
)
from tinhgon.units import selectors

pytestmark = pytest.mark.django_db

# Three neighbouring wards of the city of Sơn La, each with 4 officers in its service centre, which
# needs a computer per officer: Tô Hiệu has computers to spare, Chiềng An lacks them, Chiềng Sinh
# holds exactly its standard. No other centre of the province has a profile: with no officers
# known, none of them needs a computer, so Chiềng An is the only one short of them.
GIVER, TAKER, EXACT = "Phường Tô Hiệu", "Phường Chiềng An", "Phường Chiềng Sinh"


@pytest.fixture
def centres(son_la):  # type: ignore[no-untyped-def]
    found = {name: centre(name) for name in (GIVER, TAKER, EXACT)}
    for unit_id in found.values():
        profile(unit_id, officers=4, counters=3)
    return found


def computers(centres, giver: int = 6, taker: int = 2, exact: int = 4):  # type: ignore[no-untyped-def]
    lines = {}
    if giver:
        lines[GIVER] = stock(centres[GIVER], "computer", giver, value=giver * 10_000_000)
    if taker:
        lines[TAKER] = stock(centres[TAKER], "computer", taker)
    if exact:
        lines[EXACT] = stock(centres[EXACT], "computer", exact)
    return lines


def moved(run: RebalanceRun, code: str) -> dict[tuple[int, int], int]:
    return {
        (t.from_unit_id, t.to_unit_id): t.quantity
        for t in Transfer.objects.filter(run_line__run=run, item_type__code=code)
    }


def test_a_proposal_moves_the_surplus_to_the_unit_short_of_it_and_prices_what_is_left(
    son_la, centres
):
    computers(centres)
    run = rebalance.rebalance_propose(actor=None, province_id=son_la.unit_id)

    assert run.status == RunStatus.PROPOSED
    assert moved(run, "computer") == {(centres[GIVER], centres[TAKER]): 2}
    transfer = Transfer.objects.get(run_line__run=run, item_type__code="computer")
    assert transfer.status == TransferStatus.PROPOSED
    assert transfer.province_id == son_la.unit_id
    assert transfer.distance_km is not None
    assert 0 < float(transfer.distance_km) < 20, "two wards of one city"
    data = rebalance.run_data(run)
    first_to = data["transfers"][0]["to"]
    assert data["gaps_by_item"]["computer"] == {"before": 2, "after": 0}
    assert data["gaps_before"] - data["gaps_after"] == sum(t["quantity"] for t in data["transfers"])
    assert not [p for p in data["purchases"] if p["item"] == "computer"], "nothing left to buy"
    # The taker still lacks scanners (1 per counter, 3 counters) and no one has any to give.
    price = ItemType.objects.get(code="scanner").unit_price
    taker = [p for p in data["purchases"] if p["item"] == "scanner" and p["unit"] == first_to]
    assert [(p["quantity"], p["unit_price"], p["cost"]) for p in taker] == [(3, price, 3 * price)]
    assert all(p["cost"] == p["quantity"] * p["unit_price"] for p in data["purchases"])
    assert data["cost"] == sum(p["cost"] for p in data["purchases"]) == run.cost
    event = AuditEvent.objects.get(action="equipment_rebalance_propose", data__run=run.pk)
    assert event.unit_id == son_la.unit_id
    assert event.data["transfers"] == run.lines.count()


def test_approval_moves_the_items_once_and_a_second_approval_is_refused(
    son_la, centres, province_admin
):
    lines = computers(centres)
    run = rebalance.rebalance_propose(actor=province_admin.user, province_id=son_la.unit_id)
    transfers = run.lines.count()

    approved = rebalance.rebalance_approve(actor=province_admin.user, run_id=run.pk)

    assert approved.status == RunStatus.APPROVED
    assert approved.approved_by == province_admin.user
    assert usable(centres[GIVER], "computer") == 4, "the giver keeps exactly its standard"
    assert usable(centres[TAKER], "computer") == 4
    assert usable(centres[EXACT], "computer") == 4
    # The giver's line of 6 (60 million) is split: 4 stay with 40 million, 2 go with 20 million.
    lines[GIVER].refresh_from_db()
    assert (lines[GIVER].quantity, lines[GIVER].value) == (4, 40_000_000)
    arrived = InventoryItem.objects.get(
        unit_id=centres[TAKER], item_type__code="computer", pk__gt=lines[EXACT].pk
    )
    assert (arrived.quantity, arrived.value, arrived.province_id) == (2, 20_000_000, son_la.unit_id)
    assert set(Transfer.objects.filter(run_line__run=run).values_list("status", flat=True)) == {
        TransferStatus.DONE
    }
    event = AuditEvent.objects.get(action="equipment_rebalance_approve")
    assert (event.actor, event.data["run"], event.data["transfers"]) == (
        province_admin.user,
        run.pk,
        transfers,
    )

    with pytest.raises(DomainError) as refused:
        rebalance.rebalance_approve(actor=province_admin.user, run_id=run.pk)
    assert refused.value.code == "already_approved" and refused.value.status == 409
    assert usable(centres[TAKER], "computer") == 4, "nothing moved twice"
    assert AuditEvent.objects.filter(action="equipment_rebalance_approve").count() == 1


def test_a_unit_holding_exactly_its_standard_gives_nothing(son_la, centres):
    computers(centres, giver=0, taker=2, exact=4)
    run = rebalance.rebalance_propose(actor=None, province_id=son_la.unit_id)
    assert all(giver != centres[EXACT] for giver, _to in moved(run, "computer"))


def test_a_giver_whose_inventory_changed_refuses_the_approval_and_nothing_moves(son_la, centres):
    from tinhgon.equipment import services

    lines = computers(centres)
    run = rebalance.rebalance_propose(actor=None, province_id=son_la.unit_id)
    services.inventory_write_off(actor=None, item_id=lines[GIVER].pk, quantity=1, reason="Hỏng")

    with pytest.raises(DomainError) as refused:
        rebalance.rebalance_approve(actor=None, run_id=run.pk)

    assert refused.value.code == "stale" and refused.value.status == 409
    assert "holds only 1 above its standard" in str(refused.value)
    run.refresh_from_db()
    assert run.status == RunStatus.PROPOSED, "the refusal rolled the claim back"
    assert usable(centres[TAKER], "computer") == 2


def test_a_newer_proposal_supersedes_the_older_whose_approval_is_then_refused(son_la, centres):
    computers(centres)
    old = rebalance.rebalance_propose(actor=None, province_id=son_la.unit_id)
    new = rebalance.rebalance_propose(actor=None, province_id=son_la.unit_id)

    old.refresh_from_db()
    assert old.status == RunStatus.SUPERSEDED
    assert set(Transfer.objects.filter(run_line__run=old).values_list("status", flat=True)) == {
        TransferStatus.CANCELLED
    }
    with pytest.raises(DomainError) as refused:
        rebalance.rebalance_approve(actor=None, run_id=old.pk)
    assert refused.value.code == "superseded"
    assert rebalance.rebalance_approve(actor=None, run_id=new.pk).status == RunStatus.APPROVED


def test_bandwidth_is_bought_not_carried(son_la, centres):
    stock(centres[GIVER], "bandwidth", 300)
    run = rebalance.rebalance_propose(actor=None, province_id=son_la.unit_id)
    assert moved(run, "bandwidth") == {}
    data = rebalance.run_data(run)
    code = selectors.version_on(centres[TAKER], timezone.localdate()).code
    taker = [p for p in data["purchases"] if p["item"] == "bandwidth" and p["unit"] == code]
    assert [(p["quantity"], p["cost"]) for p in taker] == [(100, 100 * 50_000)]


def test_an_item_type_marked_not_movable_is_never_transferred_while_a_movable_one_is(
    son_la, centres
):
    computers(centres)  # Tô Hiệu has 2 computers to spare, Chiềng An lacks 2
    stock(centres[GIVER], "scanner", 6)  # 3 counters: 3 scanners to spare, to the nearest
    ItemType.objects.filter(code="computer").update(movable=False)
    run = rebalance.rebalance_propose(actor=None, province_id=son_la.unit_id)

    assert moved(run, "computer") == {}
    scanners = moved(run, "scanner")
    assert sum(scanners.values()) == 3
    assert {giver for giver, _taker in scanners} == {centres[GIVER]}
    data = rebalance.run_data(run)
    code = selectors.version_on(centres[TAKER], timezone.localdate()).code
    bought = {(p["item"], p["quantity"]) for p in data["purchases"] if p["unit"] == code}
    assert ("computer", 2) in bought, "what cannot be carried is bought"


def test_a_run_whose_item_type_was_marked_not_movable_since_is_refused_and_moves_nothing(
    son_la, centres
):
    lines = computers(centres)
    run = rebalance.rebalance_propose(actor=None, province_id=son_la.unit_id)
    assert moved(run, "computer")
    ItemType.objects.filter(code="computer").update(movable=False)
    with pytest.raises(DomainError) as refused:
        rebalance.rebalance_approve(actor=None, run_id=run.pk)
    assert refused.value.code == "stale"
    assert "computer is no longer movable" in refused.value.problems[0].message
    assert InventoryItem.objects.get(pk=lines[GIVER].pk).unit_id == centres[GIVER]
    run.refresh_from_db()
    assert run.status == RunStatus.PROPOSED


def test_the_seeded_bandwidth_is_marked_not_movable_and_nothing_else_is():
    assert list(ItemType.objects.filter(movable=False).values_list("code", flat=True)) == [
        "bandwidth"
    ]


def test_a_limit_on_distance_keeps_far_units_apart(son_la, centres):
    computers(centres)
    run = rebalance.rebalance_propose(actor=None, province_id=son_la.unit_id, max_km=1)
    assert moved(run, "computer") == {}
    with pytest.raises(DomainError) as refused:
        rebalance.rebalance_propose(actor=None, province_id=son_la.unit_id, max_km=0)
    assert refused.value.problems[0].field == "max_km"


def test_only_a_manager_of_the_province_proposes_and_approves(
    son_la, centres, province_admin, commune_official, ha_noi_admin, django_user_model
):
    from tinhgon.accounts import services as accounts
    from tinhgon.accounts.models import Role

    computers(centres)
    with pytest.raises(NotFound):
        rebalance.rebalance_propose(actor=commune_official.user, province_id=son_la.unit_id)
    with pytest.raises(NotFound):
        rebalance.rebalance_propose(actor=ha_noi_admin.user, province_id=son_la.unit_id)
    official = django_user_model.objects.create_user("home-affairs")
    home_affairs = selectors.versions_on(timezone.localdate()).get(code="14-SNV")
    accounts.membership_add(
        actor=None, user=official, unit_id=home_affairs.unit_id, role=Role.UNIT_OFFICIAL
    )
    with pytest.raises(Forbidden):
        rebalance.rebalance_propose(actor=official, province_id=son_la.unit_id)
    run = rebalance.rebalance_propose(actor=province_admin.user, province_id=son_la.unit_id)
    assert rebalance.access_run(official, run.pk) == run, "the department reads the run"
    with pytest.raises(NotFound):
        rebalance.access_run(commune_official.user, run.pk)
    with pytest.raises(Forbidden):
        rebalance.rebalance_approve(actor=official, run_id=run.pk)
    assert RebalanceRun.objects.get(pk=run.pk).status == RunStatus.PROPOSED


def _command(*args: str) -> str:
    out = io.StringIO()
    call_command("equipment", *args, stdout=out)
    return out.getvalue()


def test_the_command_proposes_and_approves_what_scripts_read(son_la, centres):
    computers(centres)
    data = json.loads(_command("rebalance", "--province", "Sơn La", "--format", "json"))
    assert {"transfers", "gaps_before", "gaps_after", "purchases", "cost"} <= set(data)
    first = next(t for t in data["transfers"] if t["item"] == "computer")
    assert set(first) >= {"from", "to", "item", "quantity", "distance_km"}
    assert first["from"].endswith("-TTHCC") and first["quantity"] == 2
    assert first["to_name"].endswith("Chiềng An")
    assert data["gaps_after"] < data["gaps_before"]

    approved = json.loads(_command("rebalance", "--approve", str(data["run"]), "--format", "json"))
    assert approved["status"] == "approved"
    with pytest.raises(DomainError, match="already approved"):
        _command("rebalance", "--approve", str(data["run"]))
    with pytest.raises(CommandError, match="Name a province"):
        _command("rebalance")
    with pytest.raises(DomainError, match="No such rebalancing run"):
        _command("rebalance", "--approve", "999999")


def test_the_giver_hands_over_its_newest_good_items_first_a_whole_line_keeping_its_identity(
    son_la, centres
):
    newest = stock(centres[GIVER], "computer", 1, acquired_year=2024, value=15_000_000)
    older = stock(centres[GIVER], "computer", 4, acquired_year=2019, value=40_000_000)
    worn = stock(centres[GIVER], "computer", 1, "usable", acquired_year=2022, value=2_000_000)
    stock(centres[TAKER], "computer", 2)
    stock(centres[EXACT], "computer", 4)
    run = rebalance.rebalance_propose(actor=None, province_id=son_la.unit_id)
    assert moved(run, "computer") == {(centres[GIVER], centres[TAKER]): 2}

    rebalance.rebalance_approve(actor=None, run_id=run.pk)

    newest.refresh_from_db()
    older.refresh_from_db()
    worn.refresh_from_db()
    assert (newest.unit_id, newest.quantity, newest.value) == (centres[TAKER], 1, 15_000_000)
    assert "transfer" in newest.note
    assert (older.unit_id, older.quantity, older.value) == (centres[GIVER], 3, 30_000_000)
    assert worn.unit_id == centres[GIVER], "the worn computer stays: the good ones go first"
    split = InventoryItem.objects.get(
        unit_id=centres[TAKER], acquired_year=2019, item_type__code="computer"
    )
    assert (split.quantity, split.value, split.condition) == (1, 10_000_000, "good")
    assert usable(centres[GIVER], "computer") == 4 and usable(centres[TAKER], "computer") == 4
