"""Leaders against the norm: counts, the norm of a kind, and the five-year deadline of the
deputies a merger leaves above it (Decree 370/2025), with worked dates."""

from __future__ import annotations

import datetime as dt

import pytest

from tinhgon.conftest import unit
from tinhgon.core.errors import DomainError
from tinhgon.core.models import AuditEvent
from tinhgon.reorg import engine, planfile
from tinhgon.staffing import leaders
from tinhgon.staffing.models import Assignment, LeaderExcess, LeaderNorm, LeaderRole
from tinhgon.staffing.tests.factories import official, position
from tinhgon.units import selectors

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 1, 1)
EARLIER = dt.date(2025, 9, 1)
MERGE_TWO_WARDS = """
- action: consolidate
  sources: ['03646', '03667']
  target: {code: '03999', name: Phường Tô Chiềng, kind: ward, parent: '14'}
"""


def _plan() -> int:
    spec = planfile.load_yaml(
        f"title: Thử nghiệm\neffective_date: {DAY}\nlegal_basis: {{number: 02/NQ-HĐND}}\n"
        f"steps:\n{MERGE_TWO_WARDS}"
    )
    outcome = engine.apply_plan(spec)
    assert outcome.plan is not None
    return outcome.plan.pk


def _leader(unit_id: int, role: str, *, day: dt.date = EARLIER) -> int:
    """An official holding a leader position of the unit from `day`; returns the official."""
    person = official(unit_id, day=day)
    Assignment.objects.create(
        official_id=person,
        position_id=position(unit_id, day=day, leader_role=role, group="leadership"),
        unit_id=unit_id,
        valid_from=day,
    )
    return person


def test_the_seeded_norms_name_their_source():
    department = LeaderNorm.objects.get(kind="department")
    assert (department.heads, department.deputies) == (1, 3)
    assert "150/2025" in department.source


def test_a_department_is_counted_against_its_norm(son_la):
    department = (
        selectors.versions_on(EARLIER)
        .filter(province_id=son_la.unit_id, kind="department")
        .order_by("code")
        .first()
    )
    assert department is not None
    _leader(department.unit_id, LeaderRole.HEAD)
    for _ in range(4):
        _leader(department.unit_id, LeaderRole.DEPUTY)
    [row] = leaders.norm_report([department.unit_id], EARLIER)
    assert (row["heads"], row["deputies"]) == (1, 4)
    assert (row["norm_heads"], row["norm_deputies"]) == (1, 3)
    assert (row["above_heads"], row["above_deputies"]) == (0, 1)


def test_the_norm_of_a_kind_at_its_level_wins_over_the_bare_kind():
    LeaderNorm.objects.create(
        kind="peoples_committee", heads=1, deputies=4, valid_from=EARLIER, source="x"
    )
    commune, province = (
        leaders.norm_for("peoples_committee", 3, DAY),
        leaders.norm_for("peoples_committee", 1, DAY),
    )
    assert commune is not None and commune.deputies == 2  # the seeded ":3"
    assert province is not None and province.deputies == 4


def test_deputies_above_the_norm_after_a_merger_must_return_to_it_within_five_years():
    to_hieu, chieng_an = unit("Phường Tô Hiệu").unit_id, unit("Phường Chiềng An").unit_id
    # Each ward: a chairman and two vice-chairmen. Merged: 2 heads and 4 deputies against 1 + 2.
    people = {}
    for ward in (to_hieu, chieng_an):
        people[ward] = [_leader(ward, LeaderRole.HEAD)] + [
            _leader(ward, LeaderRole.DEPUTY, day=dt.date(2025, 10, day)) for day in (1, 2)
        ]
    plan_ref = _plan()
    new_ward = selectors.resolve("Phường Tô Chiềng", day=DAY).unit_id
    created = leaders.excess_record_after_plan(actor=None, plan_ref=plan_ref, effective=DAY)
    # 01/01/2026 + 5 years = 01/01/2031.
    assert {(e.role, e.deadline) for e in created} == {
        (LeaderRole.HEAD, dt.date(2031, 1, 1)),
        (LeaderRole.DEPUTY, dt.date(2031, 1, 1)),
    }
    assert sorted(e.role for e in created) == ["deputy", "deputy", "head"]
    assert {e.unit_id for e in created} == {new_ward}
    assert AuditEvent.objects.filter(action="staffing.excess_record", unit_id=new_ward).exists()
    # Again: nothing twice.
    assert leaders.excess_record_after_plan(actor=None, plan_ref=plan_ref, effective=DAY) == []
    listed = leaders.excess_list(unit_ids=[new_ward], today=dt.date(2026, 3, 1))
    assert [row["deadline"] for row in listed] == [dt.date(2031, 1, 1)] * 3
    assert listed[0]["days_left"] == (dt.date(2031, 1, 1) - dt.date(2026, 3, 1)).days

    # One deputy in excess leaves on 30/06/2026: one deputy still above the norm.
    leaving = created[[e.role for e in created].index("deputy")].official_id
    Assignment.objects.filter(official_id=leaving, valid_to__isnull=True).update(
        valid_to=dt.date(2026, 6, 30)
    )
    resolved = leaders.excess_refresh(actor=None, day=dt.date(2026, 7, 1), units=[new_ward])
    assert [r.official_id for r in resolved] == [leaving]
    # A second head and another deputy go: the ward is at the norm, nothing left open.
    others = LeaderExcess.objects.filter(resolved_on__isnull=True).values_list(
        "official_id", flat=True
    )
    Assignment.objects.filter(official_id__in=list(others), valid_to__isnull=True).update(
        valid_to=dt.date(2026, 12, 31)
    )
    leaders.excess_refresh(actor=None, day=dt.date(2027, 1, 1), units=[new_ward])
    assert not LeaderExcess.objects.filter(unit_id=new_ward, resolved_on__isnull=True).exists()
    [row] = leaders.norm_report([new_ward], dt.date(2027, 1, 1))
    assert (row["heads"], row["deputies"]) == (1, 2)


def test_a_unit_the_plan_did_not_form_is_refused_by_name():
    plan_ref = _plan()
    son_la = unit("Sơn La", level=1, province=None).unit_id
    with pytest.raises(DomainError, match=str(son_la)):
        leaders.excess_record_after_plan(
            actor=None, plan_ref=plan_ref, effective=DAY, units=[son_la]
        )


def test_five_years_after_29_february_is_28_february():
    assert leaders.years_after(dt.date(2028, 2, 29), 5) == dt.date(2033, 2, 28)
