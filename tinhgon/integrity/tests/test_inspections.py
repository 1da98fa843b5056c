"""Inspections: the yearly plan and who approves it, the decision and its moves, who acts and
who reads, findings and recommendations with their follow-up, the reminder and escalation job
under a frozen clock, and open inspections and recommendations following a merger."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from tinhgon.accounts.models import Role
from tinhgon.conftest import make_persona, unit
from tinhgon.core import jobs as core_jobs
from tinhgon.core.errors import DomainError
from tinhgon.core.models import AuditEvent
from tinhgon.integrity import inspections, inspections_setup
from tinhgon.integrity import inspections_selectors as read
from tinhgon.integrity.models import (
    Inspection,
    InspectionStatus,
    Recommendation,
    RecommendationStatus,
    TeamMember,
)
from tinhgon.integrity.tests import inspections_factories as make
from tinhgon.integrity.tests.cases_factories import committee_of
from tinhgon.units import selectors
from tinhgon.workdays.calendar import VIETNAM

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspector(son_la):
    """An official of the province's inspectorate."""
    return make_persona("inspector", make.inspectorate(son_la.unit_id), Role.UNIT_OFFICIAL).user


@pytest.fixture
def health_official(son_la):
    """An official of another provincial department (Sở Y tế)."""
    department = (
        selectors.versions_on(timezone.localdate())
        .filter(
            parent_id=committee_of(son_la.unit_id, timezone.localdate()), name__startswith="Sở Y tế"
        )
        .values_list("unit_id", flat=True)
        .get()
    )
    return make_persona("health-official", department, Role.UNIT_OFFICIAL).user


# -- the plan -----------------------------------------------------------------------------------


def test_the_inspectorate_drafts_and_approves_the_year_s_plan_once(son_la, inspector):
    plan = inspections.plan_create(
        actor=inspector, province_id=son_la.unit_id, year=2026, title="Kế hoạch thanh tra 2026"
    )
    again = inspections.plan_create(
        actor=inspector, province_id=son_la.unit_id, year=2026, title="Kế hoạch thanh tra 2026"
    )
    assert again.pk == plan.pk
    approved = inspections.plan_approve(
        actor=inspector,
        plan_id=plan.pk,
        decision_number="12/QĐ-UBND",
        approved_on=dt.date(2026, 1, 5),
    )
    assert approved.approved_on == dt.date(2026, 1, 5) and approved.approved_by_id == inspector.pk
    inspections.plan_approve(
        actor=inspector,
        plan_id=plan.pk,
        decision_number="99/QĐ-UBND",
        approved_on=dt.date(2026, 2, 1),
    )
    approved.refresh_from_db()
    assert approved.decision_number == "12/QĐ-UBND"
    assert AuditEvent.objects.filter(action="inspection_plan_approve").count() == 1


def test_a_commune_or_another_department_may_not_approve_the_plan(
    son_la, inspector, commune_official, health_official
):
    plan = inspections.plan_create(
        actor=inspector, province_id=son_la.unit_id, year=2026, title="Kế hoạch thanh tra 2026"
    )
    for outsider in (commune_official.user, health_official):
        with pytest.raises(DomainError) as refused:
            inspections.plan_approve(
                actor=outsider,
                plan_id=plan.pk,
                decision_number="1/QĐ",
                approved_on=dt.date(2026, 1, 5),
            )
        assert refused.value.code == "forbidden"
    plan.refresh_from_db()
    assert plan.approved_on is None


def test_a_planned_inspection_is_decided_only_once_its_plan_is_approved(son_la, chieng_an):
    plan = inspections.plan_create(
        actor=None, province_id=son_la.unit_id, year=2026, title="Kế hoạch thanh tra 2026"
    )
    inspection = make.create(chieng_an.unit_id, plan_id=plan.pk)
    with pytest.raises(DomainError) as refused:
        inspections.inspection_decide(
            actor=None,
            inspection_id=inspection.pk,
            decision_number="5/QĐ-TTr",
            decided_on=dt.date(2026, 3, 2),
            team=[make.HEAD],
        )
    assert refused.value.problems[0].field == "plan"
    inspections.plan_approve(
        actor=None, plan_id=plan.pk, decision_number="12/QĐ-UBND", approved_on=dt.date(2026, 1, 5)
    )
    decided = inspections.inspection_decide(
        actor=None,
        inspection_id=inspection.pk,
        decision_number="5/QĐ-TTr",
        decided_on=dt.date(2026, 3, 2),
        team=[make.HEAD],
    )
    assert decided.status == InspectionStatus.DECIDED


# -- the decision and its moves -----------------------------------------------------------------


def test_an_inspection_runs_planned_decided_underway_concluded_closed_with_audit_rows(
    chieng_an, inspector
):
    inspection = make.create(chieng_an.unit_id, actor=inspector)
    assert inspection.plan_id is None and inspection.status == InspectionStatus.PLANNED
    inspection = inspections.inspection_decide(
        actor=inspector,
        inspection_id=inspection.pk,
        decision_number="7/QĐ-TTr",
        decided_on=dt.date(2026, 3, 2),
        team=[make.HEAD, make.MEMBER, {"name": "Cầm Thị Phó", "role": "deputy"}],
    )
    assert [m.role for m in TeamMember.objects.filter(inspection=inspection)] == [
        "head",
        "member",
        "deputy",
    ]
    inspection = inspections.inspection_start(
        actor=inspector, inspection_id=inspection.pk, starts_on=dt.date(2026, 3, 9)
    )
    finding = inspections.finding_add(
        actor=inspector, inspection_id=inspection.pk, text="Hồ sơ trễ hạn", severity="shortcoming"
    )
    recommendation = inspections.recommendation_add(
        actor=inspector,
        inspection_id=inspection.pk,
        text="Chấn chỉnh",
        due=dt.date(2026, 6, 30),
        finding_id=finding.pk,
    )
    assert recommendation.unit_id == chieng_an.unit_id
    inspection = inspections.inspection_conclude(
        actor=inspector,
        inspection_id=inspection.pk,
        conclusion="Kết luận thanh tra",
        concluded_on=dt.date(2026, 4, 1),
    )
    with pytest.raises(DomainError) as refused:
        inspections.inspection_close(actor=inspector, inspection_id=inspection.pk)
    assert refused.value.code == "recommendations_open"
    inspections.recommendation_withdraw(
        actor=inspector, recommendation_id=recommendation.pk, reason="Đã chấn chỉnh trong kỳ"
    )
    inspection = inspections.inspection_close(actor=inspector, inspection_id=inspection.pk)
    assert inspection.status == InspectionStatus.CLOSED
    actions = list(
        AuditEvent.objects.filter(data__inspection=inspection.pk)
        .order_by("id")
        .values_list("action", "actor")
    )
    assert [a for a, _ in actions] == [
        "inspection_create",
        "inspection_decide",
        "inspection_start",
        "inspection_finding",
        "inspection_recommendation",
        "inspection_conclude",
        "recommendation_withdraw",
        "inspection_close",
    ]
    assert {actor for _, actor in actions} == {inspector.pk}


def test_a_team_needs_exactly_one_head_and_no_one_twice(chieng_an):
    inspection = make.create(chieng_an.unit_id)
    for team in (
        [make.MEMBER],
        [make.HEAD, make.HEAD],
        [make.HEAD, {"name": "", "role": "member"}],
    ):
        with pytest.raises(DomainError) as refused:
            inspections.inspection_decide(
                actor=None,
                inspection_id=inspection.pk,
                decision_number="1/QĐ",
                decided_on=dt.date(2026, 3, 2),
                team=team,
            )
        assert refused.value.problems[0].field == "team"
    assert Inspection.objects.get(pk=inspection.pk).status == InspectionStatus.PLANNED
    assert not TeamMember.objects.filter(inspection=inspection).exists()


def test_bad_input_is_refused_naming_the_field_and_writes_nothing(chieng_an):
    before = Inspection.objects.count()
    refusals: list[tuple[dict[str, Any], str]] = [
        ({"kind": "surprise"}, "kind"),
        ({"title": " "}, "title"),
        ({"scope": ""}, "scope"),
        ({"period_from": dt.date(2025, 12, 1), "period_to": dt.date(2025, 11, 1)}, "period_to"),
        ({"inspecting_unit_id": chieng_an.unit_id}, "subject_unit_id"),
    ]
    for fields, name in refusals:
        with pytest.raises(DomainError) as refused:
            make.create(chieng_an.unit_id, **fields)
        assert refused.value.problems[0].field == name
    assert Inspection.objects.count() == before


def test_an_illegal_move_is_refused_a_repeated_one_does_nothing_a_stale_one_is_refused(chieng_an):
    inspection = make.create(chieng_an.unit_id)
    with pytest.raises(DomainError) as refused:
        inspections.inspection_start(
            actor=None, inspection_id=inspection.pk, starts_on=dt.date(2026, 3, 2)
        )
    assert refused.value.code == "illegal_move"
    decided = make.decided(chieng_an.unit_id)
    again = inspections.inspection_decide(
        actor=None,
        inspection_id=decided.pk,
        decision_number="other",
        decided_on=dt.date(2026, 3, 2),
        team=[make.HEAD],
        version=1,
    )
    assert (again.version, again.decision_number) == (decided.version, decided.decision_number)
    assert TeamMember.objects.filter(inspection=decided).count() == 2
    with pytest.raises(DomainError) as stale:
        inspections.inspection_start(
            actor=None, inspection_id=decided.pk, starts_on=timezone.localdate(), version=1
        )
    assert stale.value.code == "stale"


# -- who acts, who reads ------------------------------------------------------------------------


def test_the_subject_unit_reads_its_decided_inspection_but_does_not_conduct_it(
    chieng_an, commune_official, other_commune_official, inspector
):
    planned = make.create(chieng_an.unit_id)
    decided = make.decided(chieng_an.unit_id)
    subject = commune_official.user
    assert set(read.visible_inspections(subject).values_list("pk", flat=True)) >= {decided.pk}
    assert planned.pk not in read.visible_inspections(subject).values_list("pk", flat=True)
    assert {planned.pk, decided.pk} <= set(
        read.visible_inspections(inspector).values_list("pk", flat=True)
    )
    assert not read.visible_inspections(other_commune_official.user).filter(pk=decided.pk).exists()
    with pytest.raises(DomainError) as refused:
        inspections.inspection_start(
            actor=subject, inspection_id=decided.pk, starts_on=timezone.localdate()
        )
    assert refused.value.code == "forbidden"


def test_the_unit_reports_implementation_and_the_inspectorate_accepts_or_sends_it_back(
    chieng_an, commune_official, other_commune_official, inspector
):
    _inspection, recommendation = make.concluded(chieng_an.unit_id)
    today = timezone.localdate()
    with pytest.raises(DomainError) as refused:
        inspections.recommendation_report(
            actor=other_commune_official.user,
            recommendation_id=recommendation.pk,
            implemented_on=today,
            evidence="Công văn số 1",
        )
    assert refused.value.code == "forbidden"
    reported = inspections.recommendation_report(
        actor=commune_official.user,
        recommendation_id=recommendation.pk,
        implemented_on=today,
        evidence="Công văn số 1",
    )
    assert reported.status == RecommendationStatus.OPEN and reported.implemented_on == today
    # The unit may not accept its own report.
    with pytest.raises(DomainError) as own:
        inspections.recommendation_accept(
            actor=commune_official.user, recommendation_id=recommendation.pk
        )
    assert own.value.code == "forbidden"
    back = inspections.recommendation_reject(
        actor=inspector, recommendation_id=recommendation.pk, reason="Chưa có văn bản chấn chỉnh"
    )
    assert back.implemented_on is None and back.status == RecommendationStatus.OPEN
    inspections.recommendation_report(
        actor=commune_official.user,
        recommendation_id=recommendation.pk,
        implemented_on=today,
        evidence="Văn bản chấn chỉnh số 2",
    )
    done = inspections.recommendation_accept(actor=inspector, recommendation_id=recommendation.pk)
    assert done.status == RecommendationStatus.IMPLEMENTED
    assert done.evidence == "Văn bản chấn chỉnh số 2"
    assert (
        inspections.recommendation_accept(
            actor=inspector, recommendation_id=recommendation.pk
        ).version
        == done.version
    )
    moves = list(
        AuditEvent.objects.filter(
            data__recommendation=recommendation.pk, action__startswith="recommendation_"
        )
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert moves == [
        "recommendation_report",
        "recommendation_reject",
        "recommendation_report",
        "recommendation_accept",
    ]


def test_accepting_without_a_report_is_refused(chieng_an, inspector):
    _inspection, recommendation = make.concluded(chieng_an.unit_id)
    with pytest.raises(DomainError) as refused:
        inspections.recommendation_accept(actor=inspector, recommendation_id=recommendation.pk)
    assert refused.value.code == "illegal_move"


def test_findings_are_recorded_only_while_underway_or_at_the_conclusion(chieng_an):
    decided = make.decided(chieng_an.unit_id)
    with pytest.raises(DomainError) as refused:
        inspections.finding_add(
            actor=None, inspection_id=decided.pk, text="Sớm quá", severity="note"
        )
    assert refused.value.code == "illegal_move"
    underway = inspections.inspection_start(
        actor=None, inspection_id=decided.pk, starts_on=timezone.localdate()
    )
    first = inspections.finding_add(
        actor=None, inspection_id=underway.pk, text="Trễ hạn", severity="violation"
    )
    again = inspections.finding_add(
        actor=None, inspection_id=underway.pk, text="Trễ hạn", severity="violation"
    )
    assert first.pk == again.pk


# -- reminders and escalation -------------------------------------------------------------------


class FrozenClock:
    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def now(self) -> dt.datetime:
        return self.at.astimezone(dt.UTC)


def test_an_overdue_recommendation_is_reminded_once_then_escalated_to_the_province_committee(
    monkeypatch, django_capture_on_commit_callbacks, son_la, chieng_an, settings
):
    settings.TINHGON_INSP_ESCALATE_DAYS = 3
    clock = FrozenClock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=VIETNAM))  # a Monday
    monkeypatch.setattr(timezone, "now", clock.now)
    make_persona(
        "ward-official", chieng_an.unit_id, Role.UNIT_OFFICIAL
    ).user.__class__.objects.filter(username="ward-official").update(email="phuong@example.vn")
    committee = committee_of(son_la.unit_id, dt.date(2026, 3, 2))
    make_persona("province-committee", committee, Role.UNIT_OFFICIAL).user.__class__.objects.filter(
        username="province-committee"
    ).update(email="ubnd@example.vn")
    _inspection, overdue = make.concluded(chieng_an.unit_id, due=dt.date(2026, 3, 10))
    _other, reported = make.concluded(unit("Phường Tô Hiệu").unit_id, due=dt.date(2026, 3, 10))
    inspections.recommendation_report(
        actor=None,
        recommendation_id=reported.pk,
        implemented_on=dt.date(2026, 3, 2),
        evidence="Đã làm",
    )

    def run() -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            return core_jobs.parts()["integrity_recommendations"]()

    assert run() == {"reminded": 0, "escalated": 0}  # not yet due
    clock.at = dt.datetime(2026, 3, 11, 7, 0, tzinfo=VIETNAM)  # Wednesday: a day late
    assert run() == {"reminded": 1, "escalated": 0}
    assert run() == {"reminded": 0, "escalated": 0}, "reminded once"
    assert [m.to for m in mail.outbox] == [["phuong@example.vn"]]
    clock.at = dt.datetime(2026, 3, 12, 7, 0, tzinfo=VIETNAM)  # Thursday: 2 working days late
    assert run() == {"reminded": 0, "escalated": 0}
    clock.at = dt.datetime(2026, 3, 13, 7, 0, tzinfo=VIETNAM)  # Friday: 3 working days late
    assert run() == {"reminded": 0, "escalated": 1}
    assert run() == {"reminded": 0, "escalated": 0}, "escalated once"
    overdue.refresh_from_db()
    assert overdue.status == RecommendationStatus.ESCALATED
    assert overdue.escalated_to_id == committee
    assert overdue.due == dt.date(2026, 3, 10)
    assert mail.outbox[-1].to == ["ubnd@example.vn"]
    reported.refresh_from_db()
    assert reported.status == RecommendationStatus.OPEN and reported.reminded_at is None
    # Escalated is still owed: the inspection cannot close, and the unit still reports.
    assert overdue.is_open
    assert AuditEvent.objects.filter(
        action="recommendation_escalate", data__recommendation=overdue.pk
    ).exists()


def test_a_provincial_department_s_overdue_recommendation_goes_to_the_province_committee(son_la):
    today = timezone.localdate()
    committee = committee_of(son_la.unit_id, today)
    department = (
        selectors.versions_on(today)
        .filter(parent_id=committee, name__startswith="Sở Y tế")
        .values_list("unit_id", flat=True)
        .get()
    )
    assert inspections.level_above(department, today) == committee


# -- reorganization -----------------------------------------------------------------------------


def test_open_inspections_and_recommendations_of_merged_wards_continue_at_the_successor():
    from tinhgon.carriers.tests.test_contract import MERGE_TWO_WARDS, plan
    from tinhgon.reorg import engine

    to_hieu, chieng_an = unit("Phường Tô Hiệu").unit_id, unit("Phường Chiềng An").unit_id
    open_one = make.decided(to_hieu)
    concluded, recommendation = make.concluded(chieng_an)
    closed, done = make.concluded(to_hieu)
    inspections.recommendation_withdraw(actor=None, recommendation_id=done.pk, reason="Xong")
    inspections.inspection_close(actor=None, inspection_id=closed.pk)

    outcome = engine.apply_plan(plan(MERGE_TWO_WARDS))
    assert outcome.plan is not None
    successor = selectors.resolve("Phường Tô Chiềng", day=dt.date(2026, 1, 1))
    moved = Inspection.objects.get(pk=open_one.pk)
    assert (moved.subject_unit_id, moved.status) == (successor.unit_id, InspectionStatus.DECIDED)
    assert moved.subject_province_id == (successor.province_id or successor.unit_id)
    followed = Recommendation.objects.get(pk=recommendation.pk)
    assert (followed.unit_id, followed.due, followed.status) == (
        successor.unit_id,
        recommendation.due,
        RecommendationStatus.OPEN,
    )
    # A concluded inspection stays with the ward of its time; so do closed ones and what they
    # asked that is done.
    assert Inspection.objects.get(pk=concluded.pk).subject_unit_id == chieng_an
    assert Inspection.objects.get(pk=closed.pk).subject_unit_id == to_hieu
    assert Recommendation.objects.get(pk=done.pk).unit_id == to_hieu


def test_the_job_part_and_the_carriers_are_registered():
    from tinhgon.carriers import contract

    assert core_jobs.parts()["integrity_recommendations"] is inspections_setup.run
    assert contract.get("inspections") is not None and contract.get("recommendations") is not None
