"""The synthetic periodic reports and obstacles of `tinhgon coord demo` (demo.py, of the tasks
part, calls `reports_and_obstacles`).

Everything is made through the services, labelled: templates and obstacles carry
`synthetic=True` (the pages say so), the template's name says "dữ liệu minh họa". In the
province: the default obstacle routes; a monthly report for every commune whose last round is
past its deadline (most communes submitted, some did not, a few were returned) and a quarterly
one still open; obstacles in every state (open, escalated, answered, closed, some published).
Run twice, it makes nothing more.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from tinhgon.coordination import obstacles, reports
from tinhgon.coordination.models import (
    Obstacle,
    ObstacleCategory,
    ObstacleStatus,
    ReportDuty,
    ReportTemplate,
)
from tinhgon.units import selectors as units
from tinhgon.units.kinds import Kind

LABEL = "dữ liệu minh họa"
FIELDS: list[dict[str, Any]] = [
    {
        "key": "staff",
        "label": "Số cán bộ, công chức hiện có",
        "type": "number",
        "required": True,
        "min": 0,
        "max": 500,
        "integer": True,
    },
    {
        "key": "surplus",
        "label": "Số người dôi dư",
        "type": "number",
        "required": True,
        "min": 0,
        "max": 200,
        "integer": True,
    },
    {
        "key": "offices",
        "label": "Số trụ sở đang sử dụng",
        "type": "number",
        "min": 0,
        "max": 50,
        "integer": True,
    },
    {"key": "budget", "label": "Kinh phí đã chi (triệu đồng)", "type": "number", "min": 0},
    {
        "key": "progress",
        "label": "Tiến độ bàn giao tài sản",
        "type": "choice",
        "required": True,
        "choices": ["Đã xong", "Đang thực hiện", "Chưa bắt đầu"],
    },
    {"key": "note", "label": "Khó khăn, kiến nghị", "type": "text", "max_length": 1000},
]
OBSTACLES = [
    (
        "staff",
        "Thiếu công chức địa chính sau sắp xếp",
        "Sau khi hợp nhất, xã thiếu 2 công chức địa chính - xây dựng; đề nghị hướng dẫn biệt phái.",
        "Sở Nội vụ hướng dẫn biệt phái công chức từ các xã thừa biên chế theo Nghị định 170/2025.",
    ),
    (
        "finance",
        "Chưa có hướng dẫn chi hỗ trợ người nghỉ việc",
        "Chưa rõ nguồn kinh phí chi trả chế độ cho cán bộ nghỉ theo Nghị định 178.",
        "Kinh phí do ngân sách tỉnh bảo đảm; xã lập danh sách gửi Sở Tài chính trước ngày 15.",
    ),
    (
        "facilities",
        "Trụ sở cũ xuống cấp",
        "Trụ sở xã cũ dùng làm điểm phục vụ hành chính công bị dột, cần sửa chữa.",
        "Xã lập hồ sơ đề xuất sửa chữa; Sở Xây dựng thẩm định trong 10 ngày làm việc.",
    ),
    (
        "procedures",
        "Thủ tục cấp đổi giấy tờ theo địa giới mới",
        "Người dân hỏi có phải đổi giấy tờ có địa chỉ cũ không.",
        "Không bắt buộc đổi; giấy tờ đã cấp vẫn có giá trị sử dụng.",
    ),
    (
        "data",
        "Dữ liệu hộ tịch chưa chuyển về xã mới",
        "Phần mềm hộ tịch vẫn hiển thị tên đơn vị cũ.",
        "Sở Khoa học và Công nghệ cập nhật danh mục đơn vị hành chính trong tuần.",
    ),
    (
        "legal",
        "Con dấu của xã mới",
        "Xã chưa được cấp con dấu mới; văn bản ký bằng con dấu nào?",
        "Tiếp tục dùng con dấu của Ủy ban nhân dân xã được giữ tên đến khi có con dấu mới.",
    ),
    (
        "other",
        "Biển tên trụ sở",
        "Chưa có mẫu biển tên trụ sở thống nhất.",
        "Thực hiện theo mẫu tại Công văn hướng dẫn của Văn phòng Ủy ban nhân dân tỉnh.",
    ),
]


def _owner(province_id: int, day: dt.date) -> int:
    """Sở Nội vụ of the standard apparatus, else the people's committee, else the province."""
    province = units.version_on(province_id, day)
    found = (
        units.versions_on(day)
        .filter(province_id=province_id, kind=Kind.DEPARTMENT, code=f"{province.code}-SNV")
        .values_list("unit_id", flat=True)
        .first()
    )
    return int(found or obstacles.peoples_committee(province_id, day))


def _values(rng: random.Random) -> dict[str, Any]:
    staff = rng.randint(18, 60)
    return {
        "staff": staff,
        "surplus": rng.randint(0, staff // 4),
        "offices": rng.randint(1, 4),
        "budget": round(rng.uniform(50, 900), 1),
        "progress": rng.choice(FIELDS[4]["choices"]),
        "note": rng.choice(["", "Thiếu phương tiện đi lại", "Cần tập huấn phần mềm mới"]),
    }


def _months_back(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


@transaction.atomic
def reports_and_obstacles(*, province_id: int, rng: random.Random) -> dict[str, int]:
    """Make a labelled synthetic set of report rounds, submissions and obstacles in the province;
    return what was made ({"report_rounds": n, "submissions": n, "obstacles": n, ...})."""
    today = timezone.localdate()
    made = {"obstacle_routes": obstacles.routes_seed_defaults(actor=None, province_id=province_id)}
    if ReportTemplate.objects.filter(province_id=province_id, synthetic=True).exists():
        return {**made, "report_rounds": 0, "submissions": 0, "obstacles": 0}
    owner = _owner(province_id, today)
    monthly = reports.template_create(
        actor=None,
        owner_id=owner,
        name=f"Báo cáo tình hình sau sắp xếp ({LABEL})",
        period="monthly",
        fields=FIELDS,
        synthetic=True,
    )
    quarterly = reports.template_create(
        actor=None,
        owner_id=owner,
        name=f"Báo cáo quý về tổ chức bộ máy ({LABEL})",
        period="quarterly",
        fields=FIELDS[:3] + FIELDS[4:],
        synthetic=True,
    )
    last_month = _months_back(today, 1)
    month_end = _months_back(today, 0) - dt.timedelta(days=1)
    past = reports.round_open(
        actor=None,
        template_id=monthly.pk,
        label=f"{last_month:%m/%Y}",
        starts=last_month,
        ends=month_end,
        due=month_end + dt.timedelta(days=5)
        if month_end + dt.timedelta(days=5) < today
        else today - dt.timedelta(days=1),
        every="communes",
    )
    quarter_start = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    current = reports.round_open(
        actor=None,
        template_id=quarterly.pk,
        label=f"Q{(today.month - 1) // 3 + 1}/{today.year}",
        starts=quarter_start,
        ends=_months_back(quarter_start, -3) - dt.timedelta(days=1),
        due=today + dt.timedelta(days=10),
        every="communes",
    )
    submissions = 0
    for round_, share in ((past, 0.85), (current, 0.4)):
        for duty in ReportDuty.objects.filter(round=round_).order_by("pk"):
            if rng.random() >= share:
                continue
            values = _values(rng)
            if round_ is current:
                values.pop("budget")
            reports.submission_save(actor=None, duty_id=duty.pk, values=values)
            submissions += 1
            if round_ is past:
                roll = rng.random()
                if roll < 0.6:
                    reports.duty_decide(actor=None, duty_id=duty.pk, accept=True)
                elif roll < 0.68:
                    reports.duty_decide(actor=None, duty_id=duty.pk, accept=False)
    communes = list(ReportDuty.objects.filter(round=past).values_list("unit_id", flat=True))
    raised = 0
    states = ["open", "escalated", "answered", "closed", "published", "published", "open"]
    for (category, subject, body, answer), state in zip(OBSTACLES * 2, states * 2, strict=True):
        obstacle = obstacles.obstacle_raise(
            actor=None,
            unit_id=rng.choice(communes),
            category=ObstacleCategory(category),
            subject=subject,
            body=body,
            synthetic=True,
        )
        raised += 1
        if state == "escalated":
            Obstacle.objects.filter(pk=obstacle.pk).update(
                status=ObstacleStatus.ESCALATED,
                due=today - dt.timedelta(days=2),
                escalated_to_id=obstacles.peoples_committee(province_id, today),
                escalated_at=timezone.now(),
            )
        if state in ("answered", "closed", "published"):
            obstacles.obstacle_answer(actor=None, obstacle_id=obstacle.pk, answer=answer)
        if state == "closed":
            obstacles.obstacle_close(actor=None, obstacle_id=obstacle.pk)
        if state == "published":
            obstacles.obstacle_publish(actor=None, obstacle_id=obstacle.pk)
    return {**made, "report_rounds": 2, "submissions": submissions, "obstacles": raised}
