"""Builders for the inspections part's tests: the province's inspectorate, an inspection in each
state, an open one for the carriers' contract suite."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tinhgon.integrity import inspections
from tinhgon.integrity.models import Inspection, InspectionKind, Recommendation
from tinhgon.units import selectors
from tinhgon.units.kinds import Kind

PERIOD_FROM = dt.date(2025, 7, 1)
PERIOD_TO = dt.date(2025, 10, 31)
HEAD = {"name": "Nguyễn Văn Thanh", "role": "head"}
MEMBER = {"name": "Lò Văn Tra", "role": "member"}


def province_of(unit_id: int, day: dt.date | None = None) -> int:
    version = selectors.version_on(unit_id, day or timezone.localdate())
    return version.province_id or version.unit_id


def inspectorate(province_id: int, day: dt.date | None = None) -> int:
    day = day or timezone.localdate()
    committee = (
        selectors.versions_on(day)
        .filter(parent_id=province_id, kind=Kind.PEOPLES_COMMITTEE)
        .values_list("unit_id", flat=True)
        .get()
    )
    return (
        selectors.versions_on(day)
        .filter(parent_id=committee, kind=Kind.DEPARTMENT, name__startswith="Thanh tra")
        .values_list("unit_id", flat=True)
        .get()
    )


def create(subject_unit_id: int, **fields: Any) -> Inspection:
    values: dict[str, Any] = {
        "actor": None,
        "kind": InspectionKind.ADMINISTRATIVE,
        "title": "Thanh tra việc giải quyết thủ tục hành chính",
        "inspecting_unit_id": inspectorate(province_of(subject_unit_id)),
        "subject_unit_id": subject_unit_id,
        "period_from": PERIOD_FROM,
        "period_to": PERIOD_TO,
        "scope": "Việc tiếp nhận và giải quyết hồ sơ trong kỳ.",
    }
    values.update(fields)
    return inspections.inspection_create(**values)


def decided(subject_unit_id: int, **fields: Any) -> Inspection:
    inspection = create(subject_unit_id, **fields)
    today = timezone.localdate()
    return inspections.inspection_decide(
        actor=None,
        inspection_id=inspection.pk,
        decision_number=f"{inspection.pk}/QĐ-TTr",
        decided_on=today - dt.timedelta(days=30),
        team=[HEAD, MEMBER],
    )


def underway(subject_unit_id: int, **fields: Any) -> Inspection:
    inspection = decided(subject_unit_id, **fields)
    return inspections.inspection_start(
        actor=None,
        inspection_id=inspection.pk,
        starts_on=timezone.localdate() - dt.timedelta(days=20),
    )


def concluded(subject_unit_id: int, *, due: dt.date | None = None, **fields: Any):  # type: ignore[no-untyped-def]
    """A concluded inspection with one recommendation to its subject unit."""
    inspection = underway(subject_unit_id, **fields)
    recommendation = inspections.recommendation_add(
        actor=None,
        inspection_id=inspection.pk,
        text="Chấn chỉnh việc yêu cầu bổ sung hồ sơ nhiều lần.",
        due=due or timezone.localdate() + dt.timedelta(days=30),
    )
    inspection = inspections.inspection_conclude(
        actor=None,
        inspection_id=inspection.pk,
        conclusion="Đơn vị còn để hồ sơ quá hạn.",
        concluded_on=timezone.localdate() - dt.timedelta(days=5),
    )
    return inspection, recommendation


def open_inspection(unit_id: int) -> int:
    """An open (decided) inspection of `unit_id` (for the carriers' contract suite)."""
    return decided(unit_id).pk


def open_recommendation(unit_id: int) -> int:
    """An open recommendation `unit_id` must implement (for the carriers' contract suite)."""
    _inspection, recommendation = concluded(unit_id)
    assert isinstance(recommendation, Recommendation)
    return recommendation.pk
