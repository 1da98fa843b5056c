"""Placement after a merger applied through the engine, as a new user does it: three wards of
Sơn La consolidate into Phường Tô Chiềng on 2026-01-01 and nothing is ended by hand. The carriers
move the officials, their positions and their open assignments in place to the new ward; the
officials the plan brought there are ARRIVING: their carried-over assignments hold no seat for
the solve, and approval ends them the day before.

Numbers worked by hand: two officials per ward, each holding one seat of their ward (six seats,
bachelor's, administration, one seat each), and in Chiềng An one more official with no seat:
seven arriving officials, six seats, so six placed and one unplaced (every seat taken)."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation

from tinhgon.conftest import unit
from tinhgon.reorg import engine, planfile
from tinhgon.staffing import placement
from tinhgon.staffing.models import Assignment, Category, Field, Official, PlacementRow, Quota
from tinhgon.staffing.tests import factories as staff
from tinhgon.units import selectors

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 1, 1)
EARLIER = dt.date(2025, 9, 1)
WARDS = ("Phường Tô Hiệu", "Phường Chiềng An", "Phường Chiềng Cơi")
ADMIN: dict[str, Any] = {"field": Field.ADMINISTRATION}


@pytest.fixture(autouse=True)
def in_english():  # type: ignore[no-untyped-def]
    """The messages are matched as written (English source strings)."""
    with translation.override("en"):
        yield


def plan_text() -> str:
    codes = ", ".join(f"'{unit(name).code}'" for name in WARDS)
    return (
        f"title: Hợp nhất ba phường\neffective_date: {DAY}\n"
        "legal_basis: {number: 03/NQ-HĐND}\nsteps:\n"
        "- action: consolidate\n"
        f"  sources: [{codes}]\n"
        "  target: {code: '03999', name: Phường Tô Chiềng, kind: ward, parent: '14'}\n"
    )


def seated(ward: int) -> int:
    """An official of `ward` holding a seat of one of its positions since EARLIER."""
    official = staff.official(ward, home_commune_id=ward, **ADMIN)
    Assignment.objects.create(
        official_id=official,
        position_id=staff.position(ward, field_required=Field.ADMINISTRATION),
        unit_id=ward,
        valid_from=EARLIER,
    )
    return official


def merge() -> tuple[int, int, set[int]]:
    """Two seated officials per ward and one without a seat, the plan applied by the engine:
    (the plan's id, the new ward, the officials)."""
    wards = [unit(name).unit_id for name in WARDS]
    people = {seated(ward) for ward in wards for _ in range(2)}
    people.add(staff.official(wards[1], **ADMIN))
    outcome = engine.apply_plan(planfile.load_yaml(plan_text()))
    assert outcome.plan is not None
    ward = selectors.resolve("Phường Tô Chiềng", day=DAY).unit_id
    return outcome.plan.pk, ward, people


def staff_place(*args: str) -> str:
    out = io.StringIO()
    call_command("staff", "place", *args, stdout=out)
    return out.getvalue()


def test_after_a_merger_the_officials_the_plan_brought_are_placed_on_the_seats_it_carried():
    plan_ref, ward, people = merge()
    # The carriers moved everything in place: the old seats are open seats of the new ward.
    assert set(Official.objects.filter(pk__in=people).values_list("unit_id", flat=True)) == {ward}
    assert Assignment.objects.filter(official_id__in=people, valid_to=None).count() == 6

    figures = json.loads(staff_place("--plan", str(plan_ref), "--format", "json"))

    assert (figures["placed"], figures["unplaced"]) == (6, 1)
    listed = {row["official"] for row in figures["placements"]} | {
        row["official"] for row in figures["unplaced_officials"]
    }
    assert listed == people, "every official the plan brought is placed or unplaced"
    assert all(row["reason"] for row in figures["unplaced_officials"])


def test_a_unit_formed_by_a_plan_places_the_officials_the_plan_brought_there():
    _plan_ref, _ward, people = merge()

    figures = json.loads(
        staff_place("--unit", "03999", "--effective", DAY.isoformat(), "--format", "json")
    )

    assert (figures["placed"], figures["unplaced"]) == (6, 1)
    assert {row["official"] for row in figures["unplaced_officials"]} <= people


def test_approval_ends_the_carried_over_assignments_the_day_before_and_a_new_run_finds_nobody():
    plan_ref, ward, people = merge()
    units, _day = placement.plan_units(plan_ref)
    run = placement.placement_start(actor=None, unit_ids=units, effective=DAY, plan_ref=plan_ref)

    assert placement.placement_approve(actor=None, run_id=run.pk) == 6

    carried = Assignment.objects.filter(official_id__in=people, valid_from=EARLIER)
    assert set(carried.values_list("valid_to", flat=True)) == {DAY - dt.timedelta(days=1)}
    assert Assignment.objects.filter(placement=run, valid_to=None).count() == 6
    # Placed since the plan: they have arrived; only the one left out arrives still.
    again = placement.placement_start(actor=None, unit_ids=[ward], effective=DAY)
    assert PlacementRow.objects.filter(run=again).count() == 1


def test_the_quota_of_the_province_above_binds_the_new_ward_with_the_seats_held_elsewhere(son_la):
    plan_ref, _ward, _people = merge()
    elsewhere = unit("Phường Chiềng Sinh").unit_id
    for _ in range(3):
        seated(elsewhere)  # three continuing holders under the province
    Quota.objects.create(
        unit_id=son_la.unit_id,
        year=2026,
        category=Category.CIVIL_SERVANT,
        count=5,
        decision="01/QĐ-UBND",
    )

    figures = json.loads(staff_place("--plan", str(plan_ref), "--format", "json"))

    # 5 for the whole province, 3 held in Chiềng Sinh: 2 seats for the seven arriving.
    assert (figures["placed"], figures["unplaced"]) == (2, 5)
    assert any("quota" in row["reason"] for row in figures["unplaced_officials"])


def test_the_wards_own_quota_binds_before_the_provinces(son_la):
    plan_ref, ward, _people = merge()
    for unit_id, count in ((son_la.unit_id, 1000), (ward, 4)):
        Quota.objects.create(
            unit_id=unit_id,
            year=2026,
            category=Category.CIVIL_SERVANT,
            count=count,
            decision="01/QĐ-UBND",
        )

    figures = json.loads(staff_place("--plan", str(plan_ref), "--format", "json"))

    assert (figures["placed"], figures["unplaced"]) == (4, 3)


def test_when_nobody_is_to_be_placed_the_command_says_so_in_one_sentence():
    ward = unit("Phường Tô Hiệu").code

    out = staff_place("--unit", ward, "--effective", "2026-03-01")

    assert "Nobody is to be placed" in out
    assert "Everyone is placed" not in out


def test_when_nobody_is_to_be_placed_the_page_says_so_in_one_sentence(province_admin):
    ward = unit("Phường Tô Hiệu").unit_id
    run = placement.placement_start(actor=None, unit_ids=[ward], effective=dt.date(2026, 3, 1))

    page = province_admin.browser().get(f"/staff/placement/{run.pk}/").content.decode()

    with translation.override("vi"):
        sentence = str(placement.nobody_to_place(0, 0))
    assert sentence in page.replace("&#x27;", "'")
    with translation.override("vi"):
        assert str(translation.gettext("Everyone is placed.")) not in page


def test_a_ward_absorbing_another_keeps_its_own_officials_in_their_seats():
    to_hieu, chieng_an = unit("Phường Tô Hiệu"), unit("Phường Chiềng An")
    staying = {seated(chieng_an.unit_id) for _ in range(2)}
    arriving = {seated(to_hieu.unit_id) for _ in range(2)}
    outcome = engine.apply_plan(
        planfile.load_yaml(
            f"title: Sáp nhập\neffective_date: {DAY}\nlegal_basis: {{number: 04/NQ-HĐND}}\n"
            f"steps:\n- {{action: absorb, sources: ['{to_hieu.code}'], into: '{chieng_an.code}'}}\n"
        )
    )
    assert outcome.plan is not None

    figures = json.loads(staff_place("--plan", str(outcome.plan.pk), "--format", "json"))

    assert {row["official"] for row in figures["placements"]} == arriving
    assert figures["unplaced"] == 0
    run = figures["run"]
    placement.placement_approve(actor=None, run_id=run)
    kept = Assignment.objects.filter(official_id__in=staying)
    assert set(kept.values_list("valid_to", flat=True)) == {None}, "the continuing holders stay"
