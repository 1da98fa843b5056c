"""The carrier contract: every registered carrier passes the same suite, and the declared bases
keep derived columns, routing rules and later-dated rows right.

The scenario is small and real: two wards of Sơn La consolidate on 2026-01-01 (plus, where a
test says so, a province absorbed or split).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tinhgon.accounts.models import Membership, Role
from tinhgon.carriers import contract
from tinhgon.carriers.models import Priority, RecordMove, Route
from tinhgon.carriers.tests.testapp.carriers import ParcelsCarrier
from tinhgon.carriers.tests.testapp.models import Parcel, Posting
from tinhgon.commendations.tests import factories as commendations
from tinhgon.conftest import db_checksum, unit
from tinhgon.coordination.tests import reports_factories as coord_reports
from tinhgon.coordination.tests import tasks_factories as coordination
from tinhgon.core import text
from tinhgon.core.errors import DomainError
from tinhgon.equipment.tests import factories as equipment
from tinhgon.integrity.tests import cases_factories as integrity_cases
from tinhgon.integrity.tests import flags_factories as integrity_flags
from tinhgon.integrity.tests import inspections_factories as integrity_inspections
from tinhgon.publicservices.tests.factories import open_dossier
from tinhgon.reorg import engine, planfile, services
from tinhgon.reorg.models import Plan
from tinhgon.reorg.tests.test_engine import SPLIT_SON_LA
from tinhgon.staffing.tests import factories as staff
from tinhgon.staffing.tests.test_carriers import leader_excess, quota
from tinhgon.units import selectors
from tinhgon.units import services as unit_services
from tinhgon.units.kinds import Kind, Level

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 1, 1)
EARLIER = dt.date(2025, 9, 1)
LATER = dt.date(2026, 6, 1)

MERGE_TWO_WARDS = """
- action: consolidate
  sources: ['03646', '03667']
  target: {code: '03999', name: Phường Tô Chiềng, kind: ward, parent: '14'}
"""


def plan(steps: str) -> planfile.PlanSpec:
    return planfile.load_yaml(
        f"title: Thử nghiệm\neffective_date: {DAY}\nlegal_basis: {{number: 02/NQ-HĐND}}\n"
        f"steps:\n{steps}"
    )


def _province_of(unit_id: int) -> int:
    version = selectors.version_on(unit_id, EARLIER)
    return version.province_id or version.unit_id


_serial = iter(range(1, 10_000))


def _division(unit_id: int) -> int:
    return unit_services.unit_create(
        actor=None,
        code=f"T-{next(_serial)}",
        name="Tổ công tác",
        kind=Kind.DIVISION,
        parent_id=unit_id,
        valid_from=EARLIER,
    ).unit_id


def _membership(unit_id: int) -> int:
    from django.contrib.auth.models import User

    user = User.objects.create(username=f"member-{next(_serial)}")
    return Membership.objects.create(
        user=user, unit_id=unit_id, role=Role.UNIT_OFFICIAL, valid_from=EARLIER
    ).pk


def _parcel(unit_id: int) -> int:
    return Parcel.objects.create(
        unit_id=unit_id, province_id=_province_of(unit_id), admin_unit_id=unit_id, label="p"
    ).pk


def _posting(unit_id: int) -> int:
    return Posting.objects.create(
        unit_id=unit_id, province_id=_province_of(unit_id), valid_from=EARLIER, label="p"
    ).pk


# One example record per carrier: a new capability adds its own here, or the first test fails.
EXAMPLES: dict[str, Callable[[int], int]] = {
    "child_units": _division,
    "dossiers": open_dossier,
    "memberships": _membership,
    "parcels": _parcel,
    "postings": _posting,
    "positions": staff.position,
    "officials": staff.official,
    "assignments": staff.assignment,
    "quotas": quota,  # of the plan's year: it moves
    "leader_excesses": leader_excess,  # still open: it moves
    "tasks": coordination.open_task,
    "task_cooperators": coordination.cooperator,
    "report_duties": coord_reports.report_duty,
    "obstacles": coord_reports.obstacle,
    "cases": integrity_cases.open_case,
    "case_handlers": integrity_cases.open_case,
    "equipment_inventory": equipment.inventory_example,
    "equipment_premises": equipment.premises_example,
    "red_flags": integrity_flags.red_flag,
    "flag_counters": integrity_flags.flag_counter,
    "complaint_counters": integrity_flags.complaint_counter,
    "inspections": integrity_inspections.open_inspection,
    "recommendations": integrity_inspections.open_recommendation,
    "commendation_proposals": commendations.open_proposal,
    "commendation_campaigns": commendations.open_campaign,  # still open: it moves
}
CARRIERS = sorted(c.name for c in contract.registered())
RECORD_CARRIERS = sorted(c.name for c in contract.registered() if not c.registry)


def _wards() -> tuple[int, int]:
    return unit("Phường Tô Hiệu").unit_id, unit("Phường Chiềng An").unit_id


def _new_ward() -> int:
    return selectors.resolve("Phường Tô Chiềng", day=DAY).unit_id


def test_every_registered_carrier_has_an_example_for_the_contract_suite():
    assert set(CARRIERS) <= set(EXAMPLES), "add an example record for the new carrier above"


@pytest.mark.parametrize("name", CARRIERS)
def test_a_carriers_table_is_indexed_on_its_unit_column(name):
    carrier = contract.get(name)
    assert isinstance(carrier, contract.UnitRowsCarrier)
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, carrier.table)
    assert any(c["index"] and c["columns"][:1] == [carrier.unit] for c in constraints.values())


@pytest.mark.parametrize("name", CARRIERS)
def test_a_carrier_moves_exactly_what_the_preview_counted_and_the_preview_writes_nothing(name):
    records = [EXAMPLES[name](ward) for ward in _wards()]
    with CaptureQueriesContext(connection) as queries:
        preview = engine.preview(plan(MERGE_TWO_WARDS))
    statements = [q["sql"].lstrip().split(None, 1)[0].upper() for q in queries.captured_queries]
    assert set(statements) <= {"SELECT", "WITH"}, statements
    outcome = engine.apply_plan(plan(MERGE_TWO_WARDS))
    assert outcome.plan is not None
    assert outcome.report["carriers"][name] == preview["carriers"][name] >= 2
    history = RecordMove.objects.filter(
        plan_ref=outcome.plan.pk, carrier=name, record_id__in=records
    )
    assert set(history.values_list("record_id", flat=True)) == set(records)
    assert set(history.values_list("to_unit_id", flat=True)) == {_new_ward()}
    ctx = contract.Context(outcome.plan.pk, DAY)
    carrier = contract.get(name)
    assert carrier is not None and carrier.pending(ctx) == 0
    assert carrier.move(ctx) == 0, "a second run moves nothing"


@pytest.mark.parametrize("crash", ["after_batch:1", "after_batch:3", "after_batch:5"])
@pytest.mark.parametrize("name", RECORD_CARRIERS)
def test_a_carrier_moving_in_batches_resumes_after_a_crash_and_moves_each_record_once(name, crash):
    records = [EXAMPLES[name](ward) for ward in _wards() for _ in range(3)]
    spec = plan(MERGE_TWO_WARDS)
    with pytest.raises(RuntimeError):
        engine.apply_plan(spec, batch_rows=1, inject_failure=crash)
    stopped = Plan.objects.get(checksum=engine.checksum(spec))
    assert stopped.status == Plan.Status.APPLYING
    assert Route.objects.filter(plan_ref=stopped.pk, in_transit=True).exists()
    with pytest.raises(DomainError) as refused:
        engine.apply_plan(plan(MERGE_TWO_WARDS.replace("03999", "03998")))
    assert refused.value.code == "busy"
    resumed = engine.apply_plan(spec, batch_rows=1)
    assert resumed.plan is not None and resumed.plan.pk == stopped.pk
    assert resumed.plan.status == Plan.Status.APPLIED
    assert not Route.objects.filter(plan_ref=stopped.pk, in_transit=True).exists()
    history = list(
        RecordMove.objects.filter(plan_ref=stopped.pk, carrier=name, record_id__in=records)
        .values_list("record_id", flat=True)
        .order_by("record_id")
    )
    assert history == sorted(records), "each record moved exactly once"
    assert contract.get(name).pending(contract.Context(stopped.pk, DAY)) == 0  # type: ignore[union-attr]


def test_a_second_apply_while_a_process_moves_batches_is_refused_and_a_silent_one_taken_over():
    _parcels = [_parcel(ward) for ward in _wards() for _ in range(2)]
    spec = plan(MERGE_TWO_WARDS)
    with pytest.raises(RuntimeError):
        engine.apply_plan(spec, batch_rows=1, inject_failure="after_batch")
    stopped = Plan.objects.get(checksum=engine.checksum(spec))
    # As if another process were still at work: it spoke a moment ago.
    busy = {**(stopped.progress or {}), "worker": "another", "beat": timezone.now().isoformat()}
    Plan.objects.filter(pk=stopped.pk).update(progress=busy)
    with pytest.raises(DomainError) as refused:
        engine.apply_plan(spec, batch_rows=1)
    assert refused.value.code == "busy" and str(stopped.pk) in refused.value.message
    silent = {**busy, "beat": (timezone.now() - engine.WORKER_SILENCE).isoformat()}
    Plan.objects.filter(pk=stopped.pk).update(progress=silent)
    resumed = engine.apply_plan(spec, batch_rows=1)
    assert resumed.plan is not None and resumed.plan.status == Plan.Status.APPLIED
    assert not Parcel.objects.filter(pk__in=_parcels, unit_id__in=_wards()).exists()


def test_a_process_whose_plan_was_taken_over_stops_before_its_next_batch():
    parcels = [_parcel(ward) for ward in _wards() for _ in range(3)]
    spec = plan(MERGE_TWO_WARDS)

    def another_process_takes_over(carrier: str, done: int, total: int) -> None:
        stopped = Plan.objects.get(checksum=engine.checksum(spec))
        progress = {**(stopped.progress or {}), "worker": "another"}
        Plan.objects.filter(pk=stopped.pk).update(progress=progress)

    with pytest.raises(DomainError) as stopped:
        engine.apply_plan(spec, batch_rows=1, on_progress=another_process_takes_over)
    assert stopped.value.code == "busy"
    history = RecordMove.objects.filter(carrier="parcels", record_id__in=parcels)
    assert history.count() <= 1, "at most the one batch it ran before it was taken over"


def test_a_decision_that_no_longer_fits_the_registry_refuses_the_plan_untouched():
    son_la = unit("Sơn La", level=Level.PROVINCE, province=None)
    communes = selectors.versions_on(DAY).filter(parent_id=son_la.unit_id, level=Level.COMMUNE)
    parcel = Parcel.objects.create(unit_id=son_la.unit_id)
    draft = services.plan_create(actor=None, spec=plan(SPLIT_SON_LA))
    services.decisions_record(
        actor=None,
        plan=draft,
        carrier="child_units",
        choices={c.unit_id: "new:T1" for c in communes},
    )
    services.decisions_record(
        actor=None, plan=draft, carrier="parcels", choices={parcel.pk: "new:T2"}
    )
    services.plan_approve(actor=None, plan=draft)
    # Meanwhile a service hands the parcel to a ward of Hà Nội, which the plan does not touch.
    Parcel.objects.filter(pk=parcel.pk).update(
        unit_id=unit("Phường Ba Đình", province="Hà Nội").unit_id
    )
    before = db_checksum()
    with pytest.raises(DomainError) as refused:
        services.plan_apply(actor=None, spec=services.spec_of(draft), plan=draft)
    assert refused.value.code == "stale_decision"
    assert f"parcels #{parcel.pk}" in str(refused.value)
    assert db_checksum() == before


def test_records_to_re_place_count_as_work_and_move_in_batches_readable_meanwhile():
    from tinhgon.accounts.access import Root, Scope, records_filter

    dien_bien = unit("Điện Biên", level=Level.PROVINCE, province=None)
    commune = (
        selectors.versions_on(DAY)
        .filter(parent_id=dien_bien.unit_id, level=Level.COMMUNE)
        .order_by("code")
        .first()
    )
    assert commune is not None
    parcels = [_parcel(commune.unit_id) for _ in range(4)]
    spec = plan(f"- {{action: absorb, into: '14', sources: ['{dien_bien.code}']}}")
    with pytest.raises(RuntimeError):  # nothing moves but the province column: still batched
        engine.apply_plan(spec, batch_rows=1, inject_failure="after_batch:1")
    stopped = Plan.objects.get(checksum=engine.checksum(spec))
    assert stopped.status == Plan.Status.APPLYING
    assert stopped.progress is not None and stopped.progress["total"]["parcels"] == 4
    son_la = unit("Sơn La", level=Level.PROVINCE, province=None).unit_id
    stale = Parcel.objects.filter(pk__in=parcels).exclude(province_id=son_la)
    assert stale.exists(), "not all re-placed yet"
    admin = Scope(everything=False, roots=(Root(son_la, Level.PROVINCE, True),))
    seen = Parcel.objects.filter(records_filter(admin, DAY, province_field="province"))
    assert set(seen.values_list("pk", flat=True)) >= set(parcels)
    engine.apply_plan(spec, batch_rows=1)
    assert set(Parcel.objects.filter(pk__in=parcels).values_list("province_id", flat=True)) == {
        son_la
    }


def test_a_unit_in_the_middle_of_a_plan_moving_records_cannot_be_changed_meanwhile():
    [_parcel(ward) for ward in _wards() for _ in range(2)]
    spec = plan(MERGE_TWO_WARDS)
    with pytest.raises(RuntimeError):
        engine.apply_plan(spec, batch_rows=1, inject_failure="after_batch")
    with pytest.raises(DomainError) as refused:
        unit_services.unit_close(actor=None, unit_id=_new_ward(), last_day=LATER)
    assert refused.value.code == "busy"
    engine.apply_plan(spec, batch_rows=1)
    unit_services.unit_change(actor=None, unit_id=_new_ward(), effective=LATER, name="Phường Mới")


def test_while_a_plan_applies_in_batches_records_not_yet_moved_are_read_at_the_successor():
    from tinhgon.accounts.access import Root, Scope, records_filter

    to_hieu, chieng_an = _wards()
    parcels = [_parcel(ward) for ward in (to_hieu, chieng_an) for _ in range(3)]
    with pytest.raises(RuntimeError):
        engine.apply_plan(plan(MERGE_TWO_WARDS), batch_rows=1, inject_failure="after_batch")
    new_ward = Scope(everything=False, roots=(Root(_new_ward(), Level.COMMUNE, True),))
    left_behind = Parcel.objects.filter(unit_id__in=[to_hieu, chieng_an])
    assert left_behind.exists(), "the crash left records at the closed wards"
    by_subquery = records_filter(new_ward, DAY)
    by_columns = records_filter(
        new_ward, DAY, admin_unit_field="admin_unit", province_field="province"
    )
    for condition in (by_subquery, by_columns):
        seen = Parcel.objects.filter(condition)
        assert set(seen.values_list("pk", flat=True)) == set(parcels)
    other_ward = Scope(
        everything=False, roots=(Root(unit("Phường Chiềng Sinh").unit_id, Level.COMMUNE, True),)
    )
    assert not Parcel.objects.filter(records_filter(other_ward, DAY)).exists()


def test_records_keep_their_province_right_when_their_province_is_absorbed():
    dien_bien = unit("Điện Biên", level=Level.PROVINCE, province=None)
    commune = (
        selectors.versions_on(DAY)
        .filter(parent_id=dien_bien.unit_id, level=Level.COMMUNE)
        .order_by("code")
        .first()
    )
    assert commune is not None
    at_commune, at_province = _parcel(commune.unit_id), _parcel(dien_bien.unit_id)
    posting = _posting(commune.unit_id)
    son_la = unit("Sơn La", level=Level.PROVINCE, province=None)
    engine.apply_plan(plan(f"- {{action: absorb, into: '14', sources: ['{dien_bien.code}']}}"))
    parcel = Parcel.objects.get(pk=at_commune)
    assert (parcel.unit_id, parcel.province_id) == (commune.unit_id, son_la.unit_id)
    moved = Parcel.objects.get(pk=at_province)
    assert (moved.unit_id, moved.province_id) == (son_la.unit_id, son_la.unit_id)
    assert Parcel.objects.filter(province_id=son_la.unit_id).count() == 2
    # The posting keeps its history: Điện Biên until the day before, Sơn La from the date.
    postings = Posting.objects.filter(unit_id=commune.unit_id).order_by("valid_from")
    assert [(p.province_id, p.valid_from, p.valid_to) for p in postings] == [
        (dien_bien.unit_id, EARLIER, DAY - dt.timedelta(days=1)),
        (son_la.unit_id, DAY, None),
    ]
    assert postings[0].pk == posting
    assert not RecordMove.objects.filter(carrier="parcels", record_id=at_commune).exists()


def test_a_later_version_under_a_unit_placed_elsewhere_gets_the_new_province_too():
    chieng_an = unit("Phường Chiềng An")
    dien_bien = unit("Điện Biên", level=Level.PROVINCE, province=None)
    division = _division(chieng_an.unit_id)
    unit_services.unit_change(actor=None, unit_id=division, effective=LATER, name="Tổ mới")
    engine.apply_plan(plan(f"- {{action: move, unit: '03667', parent: '{dien_bien.code}'}}"))
    for day in (DAY, LATER):
        assert selectors.version_on(division, day).province_id == dien_bien.unit_id, day


def test_records_of_a_moved_commune_take_the_province_it_moves_to():
    chieng_an = unit("Phường Chiềng An")
    dien_bien = unit("Điện Biên", level=Level.PROVINCE, province=None)
    parcel = _parcel(chieng_an.unit_id)
    engine.apply_plan(plan(f"- {{action: move, unit: '03667', parent: '{dien_bien.code}'}}"))
    assert Parcel.objects.get(pk=parcel).province_id == dien_bien.unit_id


def test_records_of_a_split_unit_follow_their_rule_then_decisions_then_the_default():
    son_la = unit("Sơn La", level=Level.PROVINCE, province=None)
    communes = list(
        selectors.versions_on(DAY)
        .filter(parent_id=son_la.unit_id, level=Level.COMMUNE)
        .order_by("code")
    )
    north, south = communes[:40], communes[40:]
    lives_north = Parcel.objects.create(unit_id=son_la.unit_id, home_id=north[0].unit_id)
    lives_south = Parcel.objects.create(unit_id=son_la.unit_id, home_id=south[0].unit_id)
    decided = Parcel.objects.create(unit_id=son_la.unit_id, home_id=south[1].unit_id)
    lives_elsewhere = Parcel.objects.create(
        unit_id=son_la.unit_id, home_id=unit("Phường Ba Đình", province="Hà Nội").unit_id
    )
    nobody = Parcel.objects.create(unit_id=son_la.unit_id)
    grouped = Parcel.objects.create(unit_id=son_la.unit_id, home_id=north[1].unit_id)
    draft = services.plan_create(actor=None, spec=plan(SPLIT_SON_LA))
    services.decisions_record(
        actor=None,
        plan=draft,
        carrier="child_units",
        choices={c.unit_id: "new:T1" for c in north} | {c.unit_id: "new:T2" for c in south},
    )
    services.decisions_record(
        actor=None, plan=draft, carrier="parcels", choices={decided.pk: "new:T1"}
    )
    call_command(  # everyone whose home is north[1] goes south, against the rule
        "plan", "decide", str(draft.pk), "--carrier", "parcels",
        "--group", f"{son_la.unit_id}:{north[1].unit_id}=new:T2", stdout=io.StringIO(),
    )  # fmt: skip
    with pytest.raises(CommandError, match="T3"):
        call_command(
            "plan", "decide", str(draft.pk), "--carrier", "parcels",
            "--group", f"{son_la.unit_id}:*=new:T3",
        )  # fmt: skip
    preview = services.plan_preview(actor=None, spec=services.spec_of(draft), plan=draft)
    flows = {(m["to"], m["carrier"]): m["records"] for m in preview["moves"]}
    assert flows[("T2 Tỉnh Sơn La Nam", "parcels")] == 2
    assert flows[("T1 Tỉnh Sơn La Bắc", "parcels")] == 4
    services.plan_approve(actor=None, plan=draft)
    services.plan_apply(actor=None, spec=services.spec_of(draft), plan=draft)
    t1, t2 = selectors.resolve("Sơn La Bắc", day=DAY), selectors.resolve("Sơn La Nam", day=DAY)
    where = dict(Parcel.objects.values_list("pk", "unit_id"))
    assert where[lives_north.pk] == t1.unit_id
    assert where[lives_south.pk] == t2.unit_id
    assert where[decided.pk] == t1.unit_id, "a decision about the record beats the rule"
    assert where[lives_elsewhere.pk] == where[nobody.pk] == t1.unit_id, "the default"
    assert where[grouped.pk] == t2.unit_id, "a decision about the group beats the rule"
    keyed = Route.objects.filter(carrier="parcels", priority=Priority.RULE)
    assert keyed.count() >= 2


def test_a_plan_closing_a_unit_renamed_from_a_later_date_is_refused_by_name():
    chieng_an = unit("Phường Chiềng An")
    unit_services.unit_change(
        actor=None, unit_id=chieng_an.unit_id, effective=LATER, name="Phường Chiềng An Mới"
    )
    before = db_checksum()
    with pytest.raises(DomainError) as refused:
        engine.apply_plan(plan(MERGE_TWO_WARDS))
    assert refused.value.code == "invalid_plan"
    problem = refused.value.problems[0]
    assert problem.step == 1 and "Phường Chiềng An" in problem.message
    assert text.day(LATER) in problem.message  # as the active language writes dates
    assert db_checksum() == before


def test_later_dated_rows_under_a_closed_unit_follow_it_with_their_placement():
    chieng_an = unit("Phường Chiềng An")
    division = _division(chieng_an.unit_id)
    unit_services.unit_change(actor=None, unit_id=division, effective=LATER, name="Tổ công tác mới")
    later_posting = Posting.objects.create(
        unit_id=chieng_an.unit_id, province_id=chieng_an.province_id, valid_from=LATER
    )
    engine.apply_plan(plan(MERGE_TWO_WARDS))
    new = _new_ward()
    for day in (DAY, LATER, dt.date(2030, 1, 1)):
        version = selectors.version_on(division, day)
        assert (version.parent_id, version.admin_unit_id) == (new, new), day
    assert selectors.version_on(division, LATER).name == "Tổ công tác mới"
    assert Posting.objects.get(pk=later_posting.pk).unit_id == new


class _BrokenCarrier(ParcelsCarrier):
    """Carries parcels by their home commune, and moves none of them."""

    name = "broken_parcels"
    unit_field = "home"
    rule_field: str | None = None

    def move(self, ctx, batch=None):  # type: ignore[no-untyped-def]
        return 0


def test_a_carrier_that_leaves_records_behind_fails_the_apply_and_nothing_is_written():
    chieng_an = unit("Phường Chiềng An").unit_id
    Parcel.objects.create(unit_id=chieng_an, home_id=chieng_an)
    before = db_checksum()
    contract.register(_BrokenCarrier())
    try:
        with pytest.raises(DomainError) as refused:
            engine.apply_plan(plan(MERGE_TWO_WARDS))
    finally:
        contract.unregister("broken_parcels")
    assert refused.value.code == "invariant"
    assert "broken_parcels" in str(refused.value)
    assert db_checksum() == before
