"""Builders for the cases part's tests: a unit's leader, a received case."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tinhgon.integrity import cases
from tinhgon.integrity.models import Case, CaseKind, Channel
from tinhgon.staffing.models import Assignment, LeaderRole
from tinhgon.staffing.tests import factories as staff
from tinhgon.units import selectors
from tinhgon.units.kinds import Kind
from tinhgon.workdays.calendar import VIETNAM

RECEIVED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VIETNAM)  # a Monday
RECEIVED_DAY = RECEIVED.date()
BEFORE_MERGE = dt.datetime(2025, 12, 1, 9, 0, tzinfo=VIETNAM)
AUTHOR = "Lò Thị Mẩy"
CONTACT = "0912 345 678"


def committee_of(admin_unit_id: int, day: dt.date = RECEIVED_DAY) -> int:
    return (
        selectors.versions_on(day)
        .filter(parent_id=admin_unit_id, kind=Kind.PEOPLES_COMMITTEE)
        .values_list("unit_id", flat=True)
        .get()
    )


def leader(unit_id: int, role: str = LeaderRole.HEAD) -> int:
    """An official holding the head (or deputy) position of `unit_id`."""
    official = staff.official(unit_id)
    position = staff.position(unit_id, title="Chủ tịch", leader_role=role)
    Assignment.objects.create(
        official_id=official, position_id=position, unit_id=unit_id, valid_from=staff.EARLIER
    )
    return official


def receive(unit_id: int, **fields: Any) -> Case:
    values: dict[str, Any] = {
        "actor": None,
        "kind": CaseKind.DENUNCIATION,
        "subject": "Sách nhiễu khi giải quyết hồ sơ",
        "body": "Cán bộ yêu cầu bổ sung giấy tờ nhiều lần.",
        "channel": Channel.ONLINE,
        "unit_id": unit_id,
        "received_at": RECEIVED,
        "author_name": AUTHOR,
        "author_contact": CONTACT,
    }
    values.update(fields)
    return cases.case_receive(**values)


def open_case(unit_id: int) -> int:
    """An open case concerning `unit_id` and handled there (for the carriers' contract suite)."""
    case = receive(unit_id, received_at=BEFORE_MERGE)
    Case.objects.filter(pk=case.pk).update(handler_unit_id=unit_id)
    return case.pk
