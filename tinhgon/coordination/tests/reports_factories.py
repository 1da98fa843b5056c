"""Records of the reports and obstacles part, for tests (the carrier contract's EXAMPLES too)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tinhgon.coordination import obstacles, reports
from tinhgon.coordination.models import ReportTemplate
from tinhgon.units import selectors

FIELDS: list[dict[str, Any]] = [
    {
        "key": "staff",
        "label": "Số cán bộ",
        "type": "number",
        "required": True,
        "min": 0,
        "max": 500,
        "integer": True,
    },
    {"key": "budget", "label": "Kinh phí (triệu đồng)", "type": "number", "min": 0},
    {
        "key": "progress",
        "label": "Tiến độ",
        "type": "choice",
        "required": True,
        "choices": ["Xong", "Đang làm", "Chưa làm"],
    },
    {"key": "note", "label": "Ghi chú", "type": "text", "max_length": 200},
]


def body(province_id: int, suffix: str) -> int:
    """A body of the province's standard apparatus (units.template), by its suffix: SNV, VP."""
    province = selectors.latest_version(province_id)
    return int(
        selectors.versions_on(timezone.localdate())
        .get(code=f"{province.code}-{suffix}", province_id=province_id)
        .unit_id
    )


def province_of(unit_id: int) -> int:
    version = selectors.latest_version(unit_id)
    return int(version.province_id or version.unit_id)


def template(province_id: int, fields: list[dict[str, Any]] | None = None) -> ReportTemplate:
    return reports.template_create(
        actor=None,
        owner_id=body(province_id, "SNV"),
        name="Báo cáo tình hình sắp xếp",
        period="monthly",
        fields=fields or FIELDS,
    )


_serial = iter(range(1, 100_000))


def report_duty(unit_id: int) -> int:
    """A waiting duty of `unit_id` (the carrier contract's example)."""
    made = template(province_of(unit_id))
    start = dt.date(2025, 9, 1)
    round_ = reports.round_open(
        actor=None,
        template_id=made.pk,
        label=f"T{next(_serial)}",
        starts=start,
        ends=start + dt.timedelta(days=29),
        due=start + dt.timedelta(days=40),
        unit_ids=[unit_id],
    )
    return int(round_.duties.get().pk)


def obstacle(unit_id: int) -> int:
    """An open obstacle raised by `unit_id` (the carrier contract's example)."""
    return obstacles.obstacle_raise(
        actor=None,
        unit_id=unit_id,
        category="staff",
        subject="Thiếu công chức địa chính",
        body="Sau sáp nhập xã thiếu 2 công chức địa chính.",
    ).pk
