"""Placement after a merger, on a Sơn La scenario: Phường Tô Hiệu, Phường Chiềng An and Phường
Chiềng Cơi consolidate into Phường Tô Chiềng on 2026-01-01; their officials arrive there and are
placed onto the new ward's positions.

Officials, in id order (the greedy order), all civil servants unless said:
- A: master's, administration, chaired Tô Hiệu (a leader before);
- T1: master's, administration; T2: bachelor's, administration; D: bachelor's, land (no home
  commune on record: distance 0, said in the explanation);
- E: college (below every position), F: contract worker, G: public employee;
- C: continues in position Z (an assignment from the effective date).
Positions of the new ward: chair (head, bachelor's, administration), X (bachelor's,
administration), Y (master's, law), Z (bachelor's, land, 2 seats, one held by C), W (contract,
secondary, other). Greedily A takes X (cheaper than the chair for someone without the double
weight of evaluation), and D ends in the chair; the optimum seats A in the chair.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from tinhgon.accounts.models import Role
from tinhgon.conftest import make_persona, unit
from tinhgon.core.errors import DomainError
from tinhgon.core.models import AuditEvent
from tinhgon.reorg import engine, planfile
from tinhgon.staffing import placement
from tinhgon.staffing.models import (
    Assignment,
    Category,
    Field,
    Group,
    LeaderRole,
    Official,
    PlacementRow,
    PlacementRun,
    Position,
    Qualification,
    Quota,
)
from tinhgon.staffing.tests import factories as staff
from tinhgon.units import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():  # type: ignore[no-untyped-def]
    """The messages are matched as written (English source strings)."""
    with translation.override("en"):
        yield


DAY = dt.date(2026, 1, 1)
EARLIER = dt.date(2025, 9, 1)
WARDS = ("Phường Tô Hiệu", "Phường Chiềng An", "Phường Chiềng Cơi")


def merge_plan_text() -> str:
    codes = ", ".join(f"'{unit(name).code}'" for name in WARDS)
    return (
        f"title: Hợp nhất ba phường\neffective_date: {DAY}\n"
        "legal_basis: {number: 03/NQ-HĐND}\nsteps:\n"
        "- action: consolidate\n"
        f"  sources: [{codes}]\n"
        "  target: {code: '03999', name: Phường Tô Chiềng, kind: ward, parent: '14'}\n"
    )


@dataclass
class Scenario:
    ward: int
    plan_ref: int
    officials: dict[str, int]
    positions: dict[str, int]


def _old_seat(ward: int, official: int, **fields) -> None:  # type: ignore[no-untyped-def]
    Assignment.objects.create(
        official_id=official,
        position_id=staff.position(ward, **fields),
        unit_id=ward,
        valid_from=EARLIER,
    )


def build(*, quota: int = 5) -> Scenario:
    """The three wards' officials, the plan applied, then the new ward's positions and quotas."""
    to_hieu, chieng_an, chieng_coi = (unit(name).unit_id for name in WARDS)
    admin: dict[str, Any] = {"field": Field.ADMINISTRATION}
    people = {
        "A": staff.official(to_hieu, level=Qualification.MASTER, home_commune_id=to_hieu, **admin),
        "T1": staff.official(
            chieng_an, level=Qualification.MASTER, home_commune_id=chieng_an, **admin
        ),
        "T2": staff.official(chieng_coi, home_commune_id=chieng_coi, **admin),
        "D": staff.official(chieng_an, field=Field.LAND),  # no home commune on record
        "E": staff.official(chieng_coi, level=Qualification.COLLEGE, **admin),
        "F": staff.official(
            to_hieu,
            category=Category.CONTRACT,
            level=Qualification.SECONDARY,
            field=Field.OTHER,
        ),
        "G": staff.official(chieng_an, category=Category.PUBLIC_EMPLOYEE),
        "C": staff.official(chieng_an, field=Field.LAND),
    }
    _old_seat(to_hieu, people["A"], group=Group.LEADERSHIP, leader_role=LeaderRole.HEAD)
    for name in ("T1", "T2", "D", "E"):
        _old_seat(chieng_an, people[name])
    outcome = engine.apply_plan(planfile.load_yaml(merge_plan_text()))
    assert outcome.plan is not None
    ward = selectors.resolve("Phường Tô Chiềng", day=DAY).unit_id
    # The new ward's own positions replace the old ones from the effective date.
    Position.objects.filter(unit_id=ward, valid_from__lt=DAY).update(
        valid_to=DAY - dt.timedelta(days=1)
    )
    positions = {
        "chair": staff.position(
            ward,
            day=DAY,
            title="Chủ tịch",
            group=Group.LEADERSHIP,
            leader_role=LeaderRole.HEAD,
            **{"field_required": Field.ADMINISTRATION},
        ),
        "X": staff.position(ward, day=DAY, field_required=Field.ADMINISTRATION),
        "Y": staff.position(
            ward, day=DAY, level_required=Qualification.MASTER, field_required=Field.LAW
        ),
        "Z": staff.position(ward, day=DAY, field_required=Field.LAND, seats=2),
        "W": staff.position(
            ward,
            day=DAY,
            group=Group.SUPPORT,
            category=Category.CONTRACT,
            level_required=Qualification.SECONDARY,
            field_required=Field.OTHER,
        ),
    }
    Assignment.objects.create(
        official_id=people["C"], position_id=positions["Z"], unit_id=ward, valid_from=DAY
    )
    for category, count in ((Category.CIVIL_SERVANT, quota), (Category.CONTRACT, 0)):
        Quota.objects.create(
            unit_id=ward, year=2026, category=category, count=count, decision="01/QĐ-UBND"
        )
    return Scenario(ward, outcome.plan.pk, people, positions)


def rows(run: PlacementRun) -> dict[int, PlacementRow]:
    return {row.official_id: row for row in PlacementRow.objects.filter(run=run)}


def test_the_officials_of_three_merged_wards_are_each_placed_or_left_out_with_a_reason():
    s = build()
    units, effective = placement.plan_units(s.plan_ref)
    assert s.ward in units and effective == DAY  # with the agencies the plan merged
    run = placement.placement_start(actor=None, unit_ids=units, effective=DAY, plan_ref=s.plan_ref)
    placed = rows(run)
    by_name = {name: placed.get(pk) for name, pk in s.officials.items()}
    assert by_name["C"] is None, "the continuing holder is not placed again"
    arriving = {pk for name, pk in s.officials.items() if name != "C"}
    assert set(placed) == arriving
    assert all(row.position_id or row.unplaced_reason for row in placed.values())
    assert {n: r.position_id for n, r in by_name.items() if r and r.position_id} == {
        "A": s.positions["chair"],
        "T1": s.positions["Y"],
        "T2": s.positions["X"],
        "D": s.positions["Z"],
    }
    reasons = {n: r.unplaced_reason for n, r in by_name.items() if r and not r.position_id}
    assert set(reasons) == {"E", "F", "G"}
    assert "qualification is below every open position" in reasons["E"]
    assert "quota" in reasons["F"]
    assert "No position of their category" in reasons["G"]
    chair = by_name["A"]
    assert chair is not None
    assert chair.explanation["leadership"] == {"position": True, "held_before": True, "cost": 0}
    assert chair.explanation["qualification"]["cost"] == placement.WEIGHTS["over_level"]
    assert chair.explanation["distance"]["km"] is not None  # located through the lineage
    land = by_name["D"]
    assert land is not None and land.explanation["distance"]["km"] is None
    assert land.explanation["distance"]["cost"] == 0
    assert "home commune" in land.explanation["distance"]["note"]


def test_the_optimum_beats_the_greedy_placement_on_total_cost():
    s = build()
    run = placement.placement_start(actor=None, unit_ids=[s.ward], effective=DAY)
    assert run.cost is not None and run.greedy_cost is not None
    assert run.cost < run.greedy_cost
    stored = sum(r.cost or 0 for r in PlacementRow.objects.filter(run=run))
    assert stored == run.cost, "the run's cost is the sum of its rows' (penalties included)"


def test_the_quota_is_never_exceeded_counting_the_continuing_holders():
    s = build(quota=4)  # C continues: three more civil servants at most
    run = placement.placement_start(actor=None, unit_ids=[s.ward], effective=DAY)
    placed = PlacementRow.objects.filter(
        run=run, position__isnull=False, position__category=Category.CIVIL_SERVANT
    )
    assert placed.count() == 3
    left = PlacementRow.objects.filter(
        run=run, position__isnull=True, official__category=Category.CIVIL_SERVANT
    ).exclude(official_id=s.officials["E"])
    assert left.count() == 1
    assert left.get().unplaced_reason


def test_approval_writes_dated_assignments_and_ends_the_previous_ones_the_day_before():
    s = build()
    run = placement.placement_start(actor=None, unit_ids=[s.ward], effective=DAY)
    written = placement.placement_approve(actor=None, run_id=run.pk)
    assert written == 4
    new = Assignment.objects.filter(placement=run)
    assert set(new.values_list("official_id", "position_id")) == {
        (s.officials["A"], s.positions["chair"]),
        (s.officials["T1"], s.positions["Y"]),
        (s.officials["T2"], s.positions["X"]),
        (s.officials["D"], s.positions["Z"]),
    }
    assert set(new.values_list("valid_from", flat=True)) == {DAY}
    old = Assignment.objects.filter(official_id=s.officials["A"], valid_from=EARLIER).get()
    assert old.valid_to == DAY - dt.timedelta(days=1)
    # An arriving official left unplaced leaves the seat carried over too (the solve counted
    # it free); the continuing holder is untouched.
    assert Assignment.objects.get(official_id=s.officials["E"]).valid_to == DAY - dt.timedelta(
        days=1
    )
    assert Assignment.objects.get(official_id=s.officials["C"]).valid_to is None
    run.refresh_from_db()
    assert run.state == PlacementRun.State.APPROVED and run.approved_at is not None
    assert AuditEvent.objects.filter(action="placement_approve", data__run=run.pk).exists()


def test_a_second_approval_is_refused_and_changes_nothing():
    s = build()
    run = placement.placement_start(actor=None, unit_ids=[s.ward], effective=DAY)
    placement.placement_approve(actor=None, run_id=run.pk)
    count = Assignment.objects.count()
    with pytest.raises(DomainError) as refused:
        placement.placement_approve(actor=None, run_id=run.pk)
    assert refused.value.code == "already_approved"
    assert Assignment.objects.count() == count


def test_an_override_into_a_full_seat_or_another_category_is_refused():
    s = build()
    run = placement.placement_start(actor=None, unit_ids=[s.ward], effective=DAY)
    with pytest.raises(DomainError, match="no free seat"):
        placement.placement_override(  # Z: C continues, D was placed
            actor=None, run_id=run.pk, official_id=s.officials["T2"], position_id=s.positions["Z"]
        )
    with pytest.raises(DomainError, match=r"position .* is for a"):
        placement.placement_override(
            actor=None, run_id=run.pk, official_id=s.officials["T2"], position_id=s.positions["W"]
        )
    with pytest.raises(DomainError, match="qualification is below"):
        placement.placement_override(
            actor=None, run_id=run.pk, official_id=s.officials["E"], position_id=s.positions["Z"]
        )
    assert not PlacementRow.objects.filter(run=run, overridden=True).exists()


def test_an_override_into_the_quota_is_refused_when_it_is_full():
    s = build(quota=4)
    run = placement.placement_start(actor=None, unit_ids=[s.ward], effective=DAY)
    left = PlacementRow.objects.exclude(official_id=s.officials["E"]).get(
        run=run, position__isnull=True, official__category=Category.CIVIL_SERVANT
    )
    free = set(s.positions.values()) - set(
        PlacementRow.objects.filter(run=run).values_list("position_id", flat=True)
    )
    target = next(p for p in free if Position.objects.get(pk=p).category == Category.CIVIL_SERVANT)
    with pytest.raises(DomainError, match="quota"):
        placement.placement_override(
            actor=None, run_id=run.pk, official_id=left.official_id, position_id=target
        )


def test_an_official_moved_or_left_out_by_hand_is_marked_overridden_and_approved_as_such():
    s = build()
    run = placement.placement_start(actor=None, unit_ids=[s.ward], effective=DAY)
    placement.placement_override(
        actor=None, run_id=run.pk, official_id=s.officials["A"], position_id=None, reason="nghỉ"
    )
    row = placement.placement_override(
        actor=None, run_id=run.pk, official_id=s.officials["T2"], position_id=s.positions["chair"]
    )
    assert row.overridden and row.explanation["leadership"]["held_before"] is False
    placement.placement_override(
        actor=None, run_id=run.pk, official_id=s.officials["A"], position_id=s.positions["X"]
    )
    placement.placement_approve(actor=None, run_id=run.pk)
    assert (
        Assignment.objects.get(placement=run, official_id=s.officials["T2"]).position_id
        == (s.positions["chair"])
    )
    assert Official.objects.get(pk=s.officials["A"]).unit_id == s.ward


def _staff(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("staff", *args, stdout=out, stderr=err)
    except CommandError as error:
        return 1, out.getvalue(), str(error)
    return 0, out.getvalue(), err.getvalue()


def test_staff_place_by_plan_id_prints_placed_unplaced_cost_and_greedy_cost():
    s = build()
    status, out, _err = _staff("place", "--plan", str(s.plan_ref), "--format", "json")
    assert status == 0
    figures = json.loads(out)
    assert figures["placed"] == 4 and figures["unplaced"] == 3
    assert figures["cost"] < figures["greedy_cost"]
    assert {row["reason"] for row in figures["unplaced_officials"]} and figures[
        "plan"
    ] == s.plan_ref


def test_staff_place_reads_the_units_of_a_plan_file(tmp_path):
    s = build()
    plan_file = tmp_path / "hop-nhat.yaml"
    plan_file.write_text(merge_plan_text(), encoding="utf-8")
    status, out, _err = _staff("place", "--plan", str(plan_file), "--format", "json")
    assert status == 0
    figures = json.loads(out)
    assert s.ward in figures["units"] and figures["plan"] == s.plan_ref


def test_staff_place_refuses_a_plan_not_applied_in_one_line(tmp_path):
    plan_file = tmp_path / "hop-nhat.yaml"
    plan_file.write_text(merge_plan_text(), encoding="utf-8")
    with pytest.raises(DomainError, match="apply the plan first"):
        _staff("place", "--plan", str(plan_file))
    with pytest.raises(DomainError, match="apply it first"):
        _staff("place", "--plan", "999999")
    status, _out, err = _staff("place", "--plan", "no-such-file.yaml")
    assert status == 1 and "neither a plan id nor a file" in err


def test_the_pages_start_show_override_and_approve_a_placement_after_confirmation(province_admin):
    s = build()
    browser = province_admin.browser()
    response = browser.post("/staff/placement/", {"plan": s.plan_ref})
    assert response.status_code == 302
    run = PlacementRun.objects.get(plan_ref=s.plan_ref)
    page = browser.get(response["Location"]).content.decode()
    reason = PlacementRow.objects.get(run=run, official_id=s.officials["E"]).unplaced_reason
    assert "Chủ tịch" in page and reason and reason in page
    refused = browser.post(
        f"/staff/placement/{run.pk}/override/",
        {"official": s.officials["T2"], "position": s.positions["W"]},
    )
    with translation.override("vi"):
        mismatch = str(translation.gettext("category does not match"))
    assert refused.status_code == 400 and mismatch in refused.content.decode()
    confirm = browser.get(f"/staff/placement/{run.pk}/approve/")
    assert confirm.status_code == 200 and 'name="confirmed"' in confirm.content.decode()
    assert not Assignment.objects.filter(placement=run).exists(), "nothing before confirming"
    done = browser.post(f"/staff/placement/{run.pk}/approve/", {"confirmed": "on"})
    assert done.status_code == 302
    assert Assignment.objects.filter(placement=run).count() == 4
    run.refresh_from_db()
    assert run.approved_by == province_admin.user
    again = browser.post(f"/staff/placement/{run.pk}/approve/", {"confirmed": "on"})
    assert again.status_code == 409


def test_the_api_places_a_plan_and_refuses_an_override_that_breaks_the_quota(province_admin):
    s = build(quota=4)
    api = province_admin.api()
    started = api.post(
        "/api/staff/placement", {"plan": s.plan_ref}, content_type="application/json"
    )
    assert started.status_code == 201
    body = started.json()
    assert body["placed"] == 3 and body["cost"] < body["greedy_cost"]
    left = next(
        row["official"]
        for row in body["unplaced_officials"]
        if row["official"] != s.officials["E"]
        and Official.objects.get(pk=row["official"]).category == Category.CIVIL_SERVANT
    )
    free = next(
        p
        for p in (s.positions["X"], s.positions["Y"], s.positions["chair"], s.positions["Z"])
        if p not in {row["position"] for row in body["placements"]}
    )
    refused = api.post(
        f"/api/staff/placement/{body['run']}/override",
        {"official_id": left, "position_id": free},
        content_type="application/json",
    )
    assert refused.status_code == 400
    with translation.override("vi"):
        full = str(translation.gettext("quota full"))
    assert full in str(refused.json()["error"])


def test_an_official_of_another_commune_cannot_open_the_placement():
    s = build()
    outsider = make_persona(
        "chieng-sinh-official", unit("Phường Chiềng Sinh").unit_id, Role.UNIT_OFFICIAL
    )
    run = placement.placement_start(actor=None, unit_ids=[s.ward], effective=DAY)
    assert outsider.api().get(f"/api/staff/placement/{run.pk}").status_code == 404
    assert outsider.browser().get(f"/staff/placement/{run.pk}/").status_code == 404


def test_a_unit_with_nobody_to_place_gives_an_empty_run():
    ward = unit("Phường Tô Hiệu").unit_id
    run = placement.placement_start(actor=None, unit_ids=[ward], effective=dt.date(2026, 3, 1))
    assert run.cost == 0 == run.greedy_cost
    assert not PlacementRow.objects.filter(run=run).exists()
