"""The annual evaluation (Decree 335/2025 from 2026): bands, the 20 % quota with worked numbers,
discipline forcing "did not complete duties", and the bulk list of a unit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tinhgon.core.errors import DomainError
from tinhgon.core.models import AuditEvent
from tinhgon.staffing import evaluation
from tinhgon.staffing.models import Evaluation, Rating
from tinhgon.staffing.tests.english import in_english  # noqa: F401
from tinhgon.staffing.tests.factories import official

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def _score(unit_id: int, total: int, *, year: int = 2026) -> int:
    """An official of the unit scored `total` of 100 (30 general at most, the rest task)."""
    person = official(unit_id)
    general = min(30, total)
    evaluation.evaluation_record(
        actor=None,
        official_id=person,
        year=year,
        general_points=general,
        task_points=total - general,
    )
    return person


def test_the_bands_are_90_70_and_50():
    assert evaluation.band(100) == evaluation.band(90) == Rating.OUTSTANDING
    assert evaluation.band(89) == evaluation.band(70) == Rating.GOOD
    assert evaluation.band(69) == evaluation.band(50) == Rating.COMPLETED
    assert evaluation.band(49) == evaluation.band(0) == Rating.NOT_COMPLETED


def test_points_record_the_band_of_their_sum_and_an_audit_row(chieng_an):
    person = official(chieng_an.unit_id)
    # 28 general + 60 task = 88 points: "well completed" (70 to under 90).
    row = evaluation.evaluation_record(
        actor=None, official_id=person, year=2026, general_points=28, task_points=60
    )
    assert (row.points, row.rating, row.forced_by) == (88, Rating.GOOD, "")
    assert row.unit_id == chieng_an.unit_id
    assert AuditEvent.objects.filter(
        action="staffing.evaluation_record", unit_id=chieng_an.unit_id
    ).exists()


def test_an_outstanding_beyond_20_percent_of_the_good_is_refused_naming_the_figures(chieng_an):
    # 10 rated "well completed": 10 x 20 % = 2 may be "excellently completed".
    for _ in range(10):
        _score(chieng_an.unit_id, 80)
    _score(chieng_an.unit_id, 95)
    _score(chieng_an.unit_id, 92)
    third = official(chieng_an.unit_id)
    with pytest.raises(DomainError) as refused:
        evaluation.evaluation_record(
            actor=None, official_id=third, year=2026, general_points=30, task_points=61
        )
    message = refused.value.message
    assert "Phường Chiềng An" in message and "2026" in message
    assert "10 rated well completed allow 2" in message and "2 already" in message
    assert not Evaluation.objects.filter(official_id=third).exists()
    dist = evaluation.distribution(unit_id=chieng_an.unit_id, year=2026)
    assert (dist.good, dist.outstanding, dist.allowed, dist.headroom) == (10, 2, 2, 0)


def test_nine_good_allow_one_outstanding_because_the_share_rounds_down(chieng_an):
    # 9 x 20 % = 1.8: one.
    for _ in range(9):
        _score(chieng_an.unit_id, 75)
    _score(chieng_an.unit_id, 90)
    with pytest.raises(DomainError, match="9 rated well completed allow 1"):
        _score(chieng_an.unit_id, 90)


def test_lowering_a_good_rating_that_the_outstanding_ones_need_is_refused(chieng_an):
    good = [_score(chieng_an.unit_id, 80) for _ in range(5)]
    _score(chieng_an.unit_id, 95)  # 5 good allow 1
    with pytest.raises(DomainError, match="4 rated well completed allow 0"):
        evaluation.evaluation_record(
            actor=None, official_id=good[0], year=2026, general_points=20, task_points=40
        )
    assert Evaluation.objects.get(official_id=good[0]).rating == Rating.GOOD


def test_a_measure_in_the_year_forces_not_completed_whatever_the_points(chieng_an):
    person = official(chieng_an.unit_id)
    evaluation.measure_record(
        actor=None,
        official_id=person,
        measure="reprimand",
        decision="12/QĐ-UBND",
        decided_on=dt.date(2026, 3, 2),
        legal_basis="Nghị định 172/2025/NĐ-CP",
    )
    row = evaluation.evaluation_record(
        actor=None, official_id=person, year=2026, general_points=30, task_points=65
    )
    assert row.points == 95
    assert row.rating == Rating.NOT_COMPLETED
    assert "12/QĐ-UBND" in row.forced_by


def test_a_measure_of_another_year_forces_nothing(chieng_an):
    person = official(chieng_an.unit_id)
    evaluation.measure_record(
        actor=None,
        official_id=person,
        measure="warning",
        decision="3/QĐ",
        decided_on=dt.date(2025, 12, 31),
        legal_basis="Nghị định 172/2025/NĐ-CP",
    )
    row = evaluation.evaluation_record(
        actor=None, official_id=person, year=2026, general_points=25, task_points=50
    )
    assert (row.rating, row.forced_by) == (Rating.GOOD, "")


def test_a_measure_recorded_after_the_evaluation_forces_it_again(chieng_an):
    person = _score(chieng_an.unit_id, 85)
    evaluation.measure_record(
        actor=None,
        official_id=person,
        measure="reprimand",
        decision="40/QĐ-UBND",
        decided_on=dt.date(2026, 11, 20),
        legal_basis="Nghị định 172/2025/NĐ-CP",
    )
    row = Evaluation.objects.get(official_id=person, year=2026)
    assert row.rating == Rating.NOT_COMPLETED and "40/QĐ-UBND" in row.forced_by
    assert row.points == 85  # the points stay, for the record


def test_before_2026_the_four_classes_are_given_without_points(chieng_an):
    person = official(chieng_an.unit_id)
    row = evaluation.evaluation_record(
        actor=None, official_id=person, year=2025, rating="outstanding"
    )
    assert (row.rating, row.points) == (Rating.OUTSTANDING, None)
    with pytest.raises(DomainError, match="no points"):
        evaluation.evaluation_record(
            actor=None, official_id=person, year=2025, general_points=20, task_points=50
        )


def test_from_2026_points_are_required_and_kept_in_range(chieng_an):
    person = official(chieng_an.unit_id)
    with pytest.raises(DomainError, match="general and task points"):
        evaluation.evaluation_record(actor=None, official_id=person, year=2026, rating="good")
    with pytest.raises(DomainError, match="from 0 to 70"):
        evaluation.evaluation_record(
            actor=None, official_id=person, year=2026, general_points=10, task_points=71
        )


def test_a_bulk_list_is_recorded_whole_or_not_at_all_with_the_row_named(chieng_an):
    people = [official(chieng_an.unit_id) for _ in range(3)]
    rows: list[dict[str, Any]] = [
        {"official": people[0], "general": 25, "task": 50},
        {"official": people[1], "general": 25, "task": "abc"},
        {"official": people[2], "general": 31, "task": 50},
    ]
    with pytest.raises(DomainError) as refused:
        evaluation.evaluations_record_bulk(
            actor=None, unit_id=chieng_an.unit_id, year=2026, rows=rows
        )
    problems = {(p.row, p.field) for p in refused.value.problems}
    assert problems == {(2, "task"), (3, "general")}
    assert not Evaluation.objects.filter(official_id__in=people).exists()


def test_a_bulk_list_checks_the_quota_on_the_whole_list_whatever_the_order(chieng_an, to_hieu):
    people = [official(chieng_an.unit_id) for _ in range(6)]
    # The outstanding one first: 5 good follow, which allow it (5 x 20 % = 1).
    rows = [{"official": people[0], "general": 30, "task": 65}] + [
        {"official": p, "general": 25, "task": 50} for p in people[1:]
    ]
    dist = evaluation.evaluations_record_bulk(
        actor=None, unit_id=chieng_an.unit_id, year=2026, rows=rows
    )
    assert (dist.outstanding, dist.good, dist.headroom) == (1, 5, 0)
    stranger = official(to_hieu.unit_id)
    with pytest.raises(DomainError) as refused:
        evaluation.evaluations_record_bulk(
            actor=None,
            unit_id=chieng_an.unit_id,
            year=2026,
            rows=[{"official": stranger, "rating": ""}],
        )
    assert refused.value.problems[0].row == 1
    assert "not employed" in refused.value.problems[0].message


def test_a_bulk_list_over_the_quota_is_refused_whole(chieng_an):
    people = [official(chieng_an.unit_id) for _ in range(5)]
    rows = [{"official": p, "general": 30, "task": 65} for p in people[:2]] + [
        {"official": p, "general": 25, "task": 50} for p in people[2:]
    ]
    with pytest.raises(DomainError, match="3 rated well completed allow 0"):
        evaluation.evaluations_record_bulk(
            actor=None, unit_id=chieng_an.unit_id, year=2026, rows=rows
        )
    assert not Evaluation.objects.filter(official_id__in=people).exists()
