"""Discipline proceedings: opened by the official's managers from a decided case (or directly),
decided through staffing (the measure forces that year's evaluation), dropped with a reason;
the official concerned never reads it before it is closed; the law's limits refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tinhgon.accounts.models import Role
from tinhgon.conftest import make_persona
from tinhgon.core.errors import DomainError, Forbidden, NotFound
from tinhgon.core.models import AuditEvent
from tinhgon.integrity import cases, discipline
from tinhgon.integrity.models import Proceeding, ProceedingStatus
from tinhgon.integrity.tests.cases_factories import committee_of, receive
from tinhgon.staffing import user_link
from tinhgon.staffing.evaluation import evaluation_record
from tinhgon.staffing.models import DisciplinaryMeasure, Evaluation, Measure, Rating
from tinhgon.staffing.tests import factories as staff
from tinhgon.workdays.calendar import VIETNAM

pytestmark = pytest.mark.django_db

OPENED_2025 = dt.datetime(2025, 10, 1, 9, 0, tzinfo=VIETNAM)
GROUNDS = "Yêu cầu người dân bổ sung giấy tờ không có trong thành phần hồ sơ, 4 lần."


@pytest.fixture
def official(chieng_an) -> int:
    """A civil servant of the ward's people's committee."""
    return staff.official(committee_of(chieng_an.unit_id), full_name="Cầm Văn Bổ")


def _open(actor, official: int, **fields) -> Proceeding:  # type: ignore[no-untyped-def]
    values: dict[str, Any] = {
        "measure": Measure.REPRIMAND,
        "grounds": GROUNDS,
        "opened_at": OPENED_2025,
    }
    values.update(fields)
    return discipline.proceeding_open(actor=actor, official_id=official, **values)


def test_a_decided_measure_in_2025_forces_the_officials_2025_evaluation_to_not_completed(
    official, commune_official
):
    evaluation_record(actor=None, official_id=official, year=2025, rating=Rating.GOOD)
    proceeding = _open(commune_official.user, official)
    decided = discipline.proceeding_decide(
        actor=commune_official.user,
        proceeding_id=proceeding.pk,
        measure=Measure.WARNING,
        decision="15/QĐ-UBND",
        decided_on=dt.date(2025, 11, 20),
        legal_basis="Nghị định 172/2025/NĐ-CP, Điều 9",
    )
    assert decided.status == ProceedingStatus.DECIDED and decided.closed_at is not None
    measure = DisciplinaryMeasure.objects.get(official_id=official)
    assert decided.measure_id == measure.pk and measure.measure == Measure.WARNING
    evaluation = Evaluation.objects.get(official_id=official, year=2025)
    assert evaluation.rating == Rating.NOT_COMPLETED
    assert "15/QĐ-UBND" in evaluation.forced_by
    assert AuditEvent.objects.filter(action="staffing.measure_record").exists()
    assert AuditEvent.objects.filter(action="discipline_decide", data__proceeding=decided.pk)


def test_the_same_decision_again_changes_nothing_and_another_is_refused(official, commune_official):
    proceeding = _open(commune_official.user, official)
    fields = {
        "actor": commune_official.user,
        "proceeding_id": proceeding.pk,
        "measure": Measure.REPRIMAND,
        "decision": "16/QĐ-UBND",
        "decided_on": dt.date(2025, 11, 20),
        "legal_basis": "Nghị định 172/2025/NĐ-CP",
    }
    discipline.proceeding_decide(**fields)
    again = discipline.proceeding_decide(**fields)
    assert again.version == 2
    assert DisciplinaryMeasure.objects.filter(official_id=official).count() == 1
    with pytest.raises(DomainError, match="cannot be") as refused:
        discipline.proceeding_decide(**{**fields, "decision": "17/QĐ-UBND"})
    assert refused.value.status == 409
    with pytest.raises(DomainError, match="cannot be"):
        discipline.proceeding_drop(
            actor=commune_official.user, proceeding_id=proceeding.pk, reason="Nhầm"
        )


def test_a_stale_decision_records_no_measure(official, commune_official):
    proceeding = _open(commune_official.user, official)
    with pytest.raises(DomainError, match="changed since you read it"):
        discipline.proceeding_decide(
            actor=commune_official.user,
            proceeding_id=proceeding.pk,
            measure=Measure.REPRIMAND,
            decision="18/QĐ-UBND",
            decided_on=dt.date(2025, 11, 20),
            legal_basis="Nghị định 172/2025/NĐ-CP",
            version=7,
        )
    assert not DisciplinaryMeasure.objects.filter(official_id=official).exists()


def test_a_proceeding_is_dropped_with_its_reason_and_no_measure(official, commune_official):
    proceeding = _open(commune_official.user, official)
    with pytest.raises(DomainError, match="needs its reason"):
        discipline.proceeding_drop(
            actor=commune_official.user, proceeding_id=proceeding.pk, reason=" "
        )
    dropped = discipline.proceeding_drop(
        actor=commune_official.user,
        proceeding_id=proceeding.pk,
        reason="Hội đồng kỷ luật kết luận không có vi phạm",
    )
    assert dropped.status == ProceedingStatus.DROPPED and dropped.measure_id is None
    assert "không có vi phạm" in dropped.dropped_reason
    assert not DisciplinaryMeasure.objects.filter(official_id=official).exists()


def test_demotion_is_refused_from_july_2025_and_the_statute_of_limitations_is_checked(
    official, commune_official
):
    with pytest.raises(DomainError, match="Demotion is no longer"):
        _open(commune_official.user, official, measure=Measure.DEMOTION)
    with pytest.raises(DomainError, match="statute of limitations for a reprimand ran out"):
        _open(commune_official.user, official, violation_on=dt.date(2020, 3, 1))
    # Ten years for a warning: the same violation may still be handled.
    kept = _open(
        commune_official.user, official, measure=Measure.WARNING, violation_on=dt.date(2020, 3, 1)
    )
    with pytest.raises(DomainError, match="ran out on 01/03/2025"):
        discipline.proceeding_decide(
            actor=commune_official.user,
            proceeding_id=kept.pk,
            measure=Measure.REPRIMAND,
            decision="19/QĐ-UBND",
            decided_on=dt.date(2025, 11, 20),
            legal_basis="Nghị định 172/2025/NĐ-CP",
        )
    assert discipline.due_on(kept) == dt.date(2025, 12, 30)


def test_only_the_officials_managers_open_and_read_a_proceeding(
    official, commune_official, observer, other_commune_official, province_admin, ha_noi_admin
):
    with pytest.raises(Forbidden):
        _open(observer.user, official)
    with pytest.raises(NotFound):
        _open(other_commune_official.user, official)
    proceeding = _open(commune_official.user, official)
    readers = {
        persona.user.username: discipline.visible_proceedings(persona.user)
        .filter(pk=proceeding.pk)
        .exists()
        for persona in (commune_official, province_admin, observer, other_commune_official)
    }
    assert readers == {
        "chieng-an-official": True,
        "province-admin": True,
        "chieng-an-observer": False,  # reads the ward's officials, manages none
        "to-hieu-official": False,
    }
    assert not discipline.visible_proceedings(ha_noi_admin.user).exists()


def test_the_official_concerned_never_reads_the_proceeding_before_it_is_closed(
    chieng_an, official, commune_official
):
    own = make_persona("cam-van-bo", chieng_an.unit_id, Role.UNIT_OFFICIAL)
    proceeding = _open(commune_official.user, official, concerned_username="cam-van-bo")
    # Their account manages the ward's officials, but not their own proceeding.
    assert not discipline.visible_proceedings(own.user).filter(pk=proceeding.pk).exists()
    with pytest.raises(NotFound):
        discipline.readable_proceeding(own.user, proceeding.pk)
    with pytest.raises(NotFound):
        discipline.proceeding_drop(actor=own.user, proceeding_id=proceeding.pk, reason="Tự hủy")
    discipline.proceeding_decide(
        actor=commune_official.user,
        proceeding_id=proceeding.pk,
        measure=Measure.REPRIMAND,
        decision="20/QĐ-UBND",
        decided_on=dt.date(2025, 11, 20),
        legal_basis="Nghị định 172/2025/NĐ-CP",
    )
    assert discipline.readable_proceeding(own.user, proceeding.pk).status == "decided"
    with pytest.raises(Forbidden):
        _open(own.user, official, concerned_username="cam-van-bo")


def test_a_proceeding_takes_the_official_s_account_from_their_staff_record_when_linked(
    chieng_an, official, commune_official
):
    own = make_persona("cam-van-bo", chieng_an.unit_id, Role.UNIT_OFFICIAL)
    make_persona("nguoi-khac", chieng_an.unit_id, Role.UNIT_OFFICIAL)
    user_link.official_link_user(actor=None, official_id=official, username="cam-van-bo")
    proceeding = _open(commune_official.user, official)  # no user name typed
    assert proceeding.concerned_user_id == own.user.pk
    assert not discipline.visible_proceedings(own.user).filter(pk=proceeding.pk).exists()
    assert _open(commune_official.user, official, concerned_username="cam-van-bo")
    with pytest.raises(DomainError) as refused:
        _open(commune_official.user, official, concerned_username="nguoi-khac")
    assert refused.value.problems[0].field == "concerned_user"
    with pytest.raises(Forbidden):  # their own account does not open one against them
        _open(own.user, official)


def test_an_account_linked_after_the_opening_reads_the_open_proceeding_no_more(
    chieng_an, official, commune_official
):
    own = make_persona("cam-van-bo", chieng_an.unit_id, Role.UNIT_OFFICIAL)
    proceeding = _open(commune_official.user, official)
    assert proceeding.concerned_user_id is None
    assert discipline.visible_proceedings(own.user).filter(pk=proceeding.pk).exists()
    user_link.official_link_user(actor=None, official_id=official, username="cam-van-bo")
    with pytest.raises(NotFound):
        discipline.readable_proceeding(own.user, proceeding.pk)
    with pytest.raises(NotFound):
        discipline.proceeding_drop(actor=own.user, proceeding_id=proceeding.pk, reason="Tự hủy")


def test_a_proceeding_follows_a_decided_case_about_the_same_official(
    chieng_an, official, commune_official
):
    case = receive(chieng_an.unit_id, received_at=None, official_id=official)
    with pytest.raises(DomainError, match="not decided"):
        _open(commune_official.user, official, case_id=case.pk, opened_at=None)
    handler = case.handler_unit_id
    member = make_persona("handler", handler, Role.UNIT_OFFICIAL).user
    cases.case_accept(actor=member, case_id=case.pk)
    cases.case_decide(actor=member, case_id=case.pk, decision="Tố cáo đúng")
    other = staff.official(committee_of(chieng_an.unit_id))
    with pytest.raises(DomainError, match="concerns another official"):
        _open(commune_official.user, other, case_id=case.pk, opened_at=None)
    made = _open(commune_official.user, official, case_id=case.pk, opened_at=None)
    assert made.case_id == case.pk and made.unit_id == committee_of(chieng_an.unit_id)
    assert not AuditEvent.objects.filter(data__grounds__isnull=False).exists()
