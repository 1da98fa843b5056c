"""People follow their unit through a plan: the Sơn La scenario of issue 9.

Three wards of Sơn La (Tô Hiệu, Chiềng An, Chiềng Sinh) consolidate into a new ward on
2026-01-01; a fourth case splits Chiềng Sinh between its two neighbours instead.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from tinhgon.carriers.models import RecordMove
from tinhgon.conftest import unit
from tinhgon.reorg import engine, planfile, services
from tinhgon.staffing.models import (
    Assignment,
    Category,
    DisciplinaryMeasure,
    Evaluation,
    LeaderExcess,
    LeaderRole,
    Leaver,
    LeaverFormula,
    Measure,
    Official,
    Position,
    Quota,
    Rating,
    Status,
)
from tinhgon.staffing.tests import factories as staff
from tinhgon.units import selectors
from tinhgon.units.kinds import Level

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 1, 1)
EARLIER = dt.date(2025, 9, 1)
_serial = itertools.count(1)


def plan(steps: str) -> planfile.PlanSpec:
    return planfile.load_yaml(
        f"title: Sắp xếp phường\neffective_date: {DAY}\nlegal_basis: {{number: 05/NQ-HĐND}}\n"
        f"steps:\n{steps}"
    )


def wards() -> list[int]:
    return [
        unit(name).unit_id for name in ("Phường Tô Hiệu", "Phường Chiềng An", "Phường Chiềng Sinh")
    ]


def merge_three() -> str:
    codes = ", ".join(f"'{selectors.version_on(w, EARLIER).code}'" for w in wards())
    return (
        f"- action: consolidate\n  sources: [{codes}]\n"
        "  target: {code: '03998', name: Phường Ba Chiềng, kind: ward, parent: '14'}\n"
    )


def split_chieng_sinh() -> str:
    to_hieu, chieng_an, chieng_sinh = (selectors.version_on(w, EARLIER).code for w in wards())
    return (
        f"- action: split\n  unit: '{chieng_sinh}'\n  default: '{to_hieu}'\n"
        f"  targets: ['{to_hieu}', '{chieng_an}']\n"
    )


def new_ward() -> int:
    return selectors.resolve("Phường Ba Chiềng", day=DAY).unit_id


def son_la() -> int:
    return unit("Sơn La", level=Level.PROVINCE, province=None).unit_id


# -- builders of the rows this part carries (the lead's factories build the others) -------------
def quota(unit_id: int, *, year: int = 2026, count: int = 10, **fields: object) -> int:
    values: dict[str, object] = {"category": Category.CIVIL_SERVANT, "decision": "12/QĐ-UBND"}
    values.update(fields)
    province = selectors.version_on(unit_id, EARLIER).province_id or unit_id
    return Quota.objects.create(
        unit_id=unit_id, province_id=province, year=year, count=count, **values
    ).pk


def leader_excess(unit_id: int, *, resolved_on: dt.date | None = None) -> int:
    return LeaderExcess.objects.create(
        unit_id=unit_id,
        official_id=staff.official(unit_id),
        role=LeaderRole.DEPUTY,
        since=dt.date(2025, 7, 1),
        deadline=dt.date(2030, 7, 1),
        resolved_on=resolved_on,
    ).pk


def ended_assignment(unit_id: int) -> int:
    return Assignment.objects.create(
        official_id=staff.official(unit_id),
        position_id=staff.position(unit_id, valid_to=dt.date(2025, 10, 31)),
        unit_id=unit_id,
        valid_from=EARLIER,
        valid_to=dt.date(2025, 10, 31),
    ).pk


# -- the merger ------------------------------------------------------------------------------
def test_three_merged_wards_bring_their_people_positions_and_open_assignments_keeping_their_ids():
    open_assignments = [staff.assignment(w) for w in wards()]
    ended = [ended_assignment(w) for w in wards()]
    loose = [staff.official(w) for w in wards()]  # employed, holding no position yet
    vacant = [staff.position(w) for w in wards()]
    outcome = engine.apply_plan(plan(merge_three()))
    assert outcome.plan is not None
    new = new_ward()
    moved = Assignment.objects.filter(pk__in=open_assignments)
    assert {(a.unit_id, a.valid_from, a.valid_to) for a in moved} == {(new, EARLIER, None)}
    holders = Official.objects.filter(pk__in=[a.official_id for a in moved])
    seats = Position.objects.filter(pk__in=[a.position_id for a in moved])
    for rows in (holders, seats):
        assert {(r.unit_id, r.province_id) for r in rows} == {(new, son_la())}
    assert set(Official.objects.filter(pk__in=loose).values_list("unit_id", flat=True)) == {new}
    assert set(Position.objects.filter(pk__in=vacant).values_list("unit_id", flat=True)) == {new}
    history = RecordMove.objects.filter(plan_ref=outcome.plan.pk, carrier="officials")
    assert set(history.values_list("record_id", flat=True)) >= set(loose)
    # An assignment that ended before the plan is the old ward's history, and so is its post.
    stayed = Assignment.objects.filter(pk__in=ended)
    assert sorted(a.unit_id for a in stayed) == sorted(wards())
    assert sorted(
        Position.objects.filter(assignments__in=stayed).values_list("unit_id", flat=True)
    ) == sorted(wards())


def test_someone_who_has_left_and_the_evaluations_measures_and_leavers_of_a_merged_ward_stay():
    to_hieu = wards()[0]
    left = staff.official(to_hieu, status=Status.LEFT)
    working = staff.official(to_hieu)
    rated = Evaluation.objects.create(
        official_id=working, unit_id=to_hieu, year=2025, rating=Rating.GOOD
    )
    measure = DisciplinaryMeasure.objects.create(
        official_id=working,
        unit_id=to_hieu,
        measure=Measure.REPRIMAND,
        decision="3/QĐ-KL",
        decided_on=dt.date(2025, 10, 1),
        legal_basis="Nghị định 172/2020/NĐ-CP",
    )
    leaver = Leaver.objects.create(
        official_id=left,
        unit_id=to_hieu,
        kind=Leaver.Kind.EARLY_RETIREMENT,
        reason="Sắp xếp đơn vị hành chính",
        decided_on=dt.date(2025, 10, 1),
        leaves_on=dt.date(2025, 12, 1),
        formula=LeaverFormula.objects.create(
            version="test", valid_from=dt.date(2025, 1, 1), coefficients={}, source="test"
        ),
        breakdown={},
        total=0,
    )
    engine.apply_plan(plan(merge_three()))
    assert Official.objects.get(pk=left).unit_id == to_hieu
    assert Official.objects.get(pk=working).unit_id == new_ward()
    # Facts of the ward at the time: who rated, disciplined or let the person go.
    assert Evaluation.objects.get(pk=rated.pk).unit_id == to_hieu
    assert DisciplinaryMeasure.objects.get(pk=measure.pk).unit_id == to_hieu
    assert Leaver.objects.get(pk=leaver.pk).unit_id == to_hieu


def test_quotas_of_the_plans_year_add_up_at_the_new_ward_and_earlier_years_stay():
    for ward, count in zip(wards(), (10, 12, 8), strict=True):
        quota(ward, year=2026, count=count)
        quota(ward, year=2027, count=count - 1)
        quota(ward, year=2025, count=count + 5)
        quota(ward, year=2026, count=3, category=Category.CONTRACT)
    engine.apply_plan(plan(merge_three()))

    def total(unit_id: int, year: int, category: str = Category.CIVIL_SERVANT) -> int:
        rows = Quota.objects.filter(unit_id=unit_id, year=year, category=category)
        return sum(rows.values_list("count", flat=True))

    new = new_ward()
    assert total(new, 2026) == 30
    assert total(new, 2027) == 27
    assert total(new, 2026, Category.CONTRACT) == 9
    assert total(new, 2025) == 0
    assert [total(w, 2025) for w in wards()] == [15, 17, 13], "decided for the old wards"
    assert set(Quota.objects.filter(unit_id=new).values_list("province_id", flat=True)) == {
        son_la()
    }


def test_an_open_excess_of_deputies_follows_its_ward_with_its_deadline_and_a_resolved_one_stays():
    to_hieu = wards()[0]
    still = leader_excess(to_hieu)
    resolved = leader_excess(to_hieu, resolved_on=dt.date(2025, 11, 1))
    resolving_later = leader_excess(to_hieu, resolved_on=dt.date(2026, 3, 1))
    engine.apply_plan(plan(merge_three()))
    excesses = {e.pk: e for e in LeaderExcess.objects.all()}
    assert (excesses[still].unit_id, excesses[still].deadline) == (new_ward(), dt.date(2030, 7, 1))
    assert excesses[resolving_later].unit_id == new_ward(), "still open on the effective date"
    assert excesses[resolved].unit_id == to_hieu


# -- the split -------------------------------------------------------------------------------
def test_the_officials_of_a_split_ward_go_to_the_part_their_home_commune_lies_in():
    to_hieu, chieng_an, chieng_sinh = wards()
    home_an = staff.official(chieng_sinh, home_commune_id=chieng_an)
    home_hieu = staff.official(chieng_sinh, home_commune_id=to_hieu)
    home_far = staff.official(
        chieng_sinh, home_commune_id=unit("Phường Ba Đình", province="Hà Nội").unit_id
    )
    no_home = staff.official(chieng_sinh)
    position = staff.position(chieng_sinh)
    engine.apply_plan(plan(split_chieng_sinh()))
    where = dict(Official.objects.values_list("pk", "unit_id"))
    assert where[home_an] == chieng_an
    assert where[home_hieu] == to_hieu
    assert where[home_far] == where[no_home] == to_hieu, "the default part"
    assert Position.objects.get(pk=position).unit_id == to_hieu, "positions have no rule"


def test_a_decision_about_one_official_of_a_split_ward_beats_their_home_commune():
    to_hieu, chieng_an, chieng_sinh = wards()
    official = staff.official(chieng_sinh, home_commune_id=chieng_an)
    draft = services.plan_create(actor=None, spec=plan(split_chieng_sinh()))
    code = selectors.version_on(to_hieu, EARLIER).code
    services.decisions_record(actor=None, plan=draft, carrier="officials", choices={official: code})
    services.plan_approve(actor=None, plan=draft)
    services.plan_apply(actor=None, spec=services.spec_of(draft), plan=draft)
    assert Official.objects.get(pk=official).unit_id == to_hieu
