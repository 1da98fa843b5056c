"""Pending report duties and open obstacles follow their unit when two wards of Sơn La merge:
two duties of one round landing in one ward are one duty (the other merged into it), with the
history of both."""

from __future__ import annotations

import datetime as dt

import pytest

from tinhgon.carriers.models import RecordMove
from tinhgon.carriers.tests.test_contract import MERGE_TWO_WARDS, plan
from tinhgon.coordination import reports
from tinhgon.coordination.models import DutyStatus, Obstacle, ObstacleStatus, ReportDuty
from tinhgon.coordination.tests.reports_factories import obstacle, template
from tinhgon.reorg import engine
from tinhgon.units import selectors

pytestmark = pytest.mark.django_db


def _new_ward() -> int:
    return selectors.resolve("Phường Tô Chiềng", day=dt.date(2026, 1, 1)).unit_id


def test_two_duties_of_one_round_land_as_one_and_the_other_is_merged_into_it(
    son_la, chieng_an, to_hieu
):
    made = template(son_la.unit_id)
    round_ = reports.round_open(
        actor=None,
        template_id=made.pk,
        label="12/2025",
        starts=dt.date(2025, 12, 1),
        ends=dt.date(2025, 12, 31),
        due=dt.date(2026, 1, 10),
        every="communes",
    )
    submitted = round_.duties.get(unit_id=to_hieu.unit_id)
    reports.submission_save(
        actor=None, duty_id=submitted.pk, values={"staff": 3, "progress": "Xong"}
    )
    waiting = round_.duties.get(unit_id=chieng_an.unit_id)
    engine.apply_plan(plan(MERGE_TWO_WARDS))
    ward = _new_ward()
    at_ward = ReportDuty.objects.filter(round=round_, unit_id=ward)
    assert at_ward.count() == 2
    kept = at_ward.get(status=DutyStatus.SUBMITTED)
    merged = at_ward.get(status=DutyStatus.MERGED)
    assert (kept.pk, merged.pk, merged.merged_into_id) == (submitted.pk, waiting.pk, submitted.pk)
    assert kept.submissions.count() == 1  # the history stays with its duty
    assert set(
        RecordMove.objects.filter(carrier="report_duties").values_list("record_id", flat=True)
    ) == {submitted.pk, waiting.pk}
    # 74 duties now, one submitted: the merged duty is not missing.
    assert len(reports.missing(round_)) == 73
    assert reports.consolidated(round_)["duties"] == 74


def test_an_accepted_duty_stays_with_the_unit_that_submitted_it(son_la, to_hieu):
    made = template(son_la.unit_id)
    round_ = reports.round_open(
        actor=None,
        template_id=made.pk,
        label="11/2025",
        starts=dt.date(2025, 11, 1),
        ends=dt.date(2025, 11, 30),
        due=dt.date(2025, 12, 10),
        unit_ids=[to_hieu.unit_id],
    )
    duty = round_.duties.get()
    reports.submission_save(actor=None, duty_id=duty.pk, values={"staff": 1, "progress": "Xong"})
    reports.duty_decide(actor=None, duty_id=duty.pk, accept=True)
    engine.apply_plan(plan(MERGE_TWO_WARDS))
    duty.refresh_from_db()
    assert duty.unit_id == to_hieu.unit_id


def test_open_obstacles_follow_their_raising_unit_and_closed_ones_stay(chieng_an, to_hieu):
    open_one = obstacle(chieng_an.unit_id)
    closed = Obstacle.objects.get(pk=obstacle(to_hieu.unit_id))
    Obstacle.objects.filter(pk=closed.pk).update(status=ObstacleStatus.CLOSED)
    engine.apply_plan(plan(MERGE_TWO_WARDS))
    assert Obstacle.objects.get(pk=open_one).unit_id == _new_ward()
    assert Obstacle.objects.get(pk=closed.pk).unit_id == to_hieu.unit_id
