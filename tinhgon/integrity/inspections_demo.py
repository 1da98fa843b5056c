"""The inspections of `tinhgon integrity demo`: a labelled synthetic plan for the year and a few
inspections in every state (demo.py calls `plant`).

Everything made here is synthetic (`synthetic=True`) and its title starts with "[Minh họa]". It
goes through the services, so the moves, audit rows and checks are the real ones: the plan is
approved; the wards of the province (then its communes, in code order) are inspected, one
planned, one decided, one underway with findings, one concluded with recommendations (one
overdue, one reported and waiting for the inspectors, one implemented), one closed, and one
public service inspection that samples the ward's dossiers (when it has some) with verdicts.
A province that already has a plan for the year gets nothing new.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from tinhgon.integrity import inspections
from tinhgon.integrity.models import (
    Inspection,
    InspectionKind,
    InspectionPlan,
    SampleVerdict,
    Severity,
)
from tinhgon.units import selectors as units
from tinhgon.units.kinds import KINDS_BY_LEVEL, Kind, Level

LABEL = "[Minh họa] "
TEAM = [
    {"name": "Trưởng đoàn minh họa", "role": "head"},
    {"name": "Phó đoàn minh họa", "role": "deputy"},
    {"name": "Thành viên minh họa", "role": "member"},
]
SUBJECTS = 6
TOPICS = [
    "Thanh tra việc giải quyết thủ tục hành chính",
    "Thanh tra công tác quản lý đất đai",
    "Thanh tra việc thực hiện chính sách an sinh xã hội",
    "Thanh tra công tác tiếp công dân",
]


def _subjects(province_id: int, today: dt.date) -> list[int]:
    """The province's wards, then its communes, in code order."""
    found = units.versions_on(today).filter(
        province_id=province_id, kind__in=KINDS_BY_LEVEL[Level.COMMUNE]
    )
    wards = list(found.filter(kind=Kind.WARD).order_by("code").values_list("unit_id", flat=True))
    others = list(found.exclude(kind=Kind.WARD).order_by("code").values_list("unit_id", flat=True))
    return (wards + others)[:SUBJECTS]


def plant(*, province_id: int, rng: random.Random) -> dict[str, Any]:
    """Make the year's synthetic plan and its inspections (once a year per province)."""
    today = timezone.localdate()
    if InspectionPlan.objects.filter(province_id=province_id, year=today.year).exists():
        return {"made": False, "inspections": 0}
    bodies = inspections.provincial_bodies(province_id, today)
    if len(bodies) < 2:
        return {"made": False, "inspections": 0}  # no inspectorate in this registry
    inspectorate = bodies[1]
    plan = inspections.plan_create(
        actor=None,
        province_id=province_id,
        year=today.year,
        title=f"{LABEL}Kế hoạch thanh tra năm {today.year}",
        synthetic=True,
    )
    inspections.plan_approve(
        actor=None,
        plan_id=plan.pk,
        decision_number=f"{LABEL}01/QĐ-UBND",
        approved_on=min(today, dt.date(today.year, 1, 5)),
    )
    made = 0
    last_year = (dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31))
    for step, subject in enumerate(_subjects(province_id, today)):
        public = step == 5
        inspection = inspections.inspection_create(
            actor=None,
            kind=InspectionKind.PUBLIC_SERVICE if public else InspectionKind.ADMINISTRATIVE,
            title=LABEL + ("Thanh tra công vụ, chọn mẫu hồ sơ" if public else rng.choice(TOPICS)),
            inspecting_unit_id=inspectorate,
            subject_unit_id=subject,
            period_from=today - dt.timedelta(days=365) if public else last_year[0],
            period_to=today if public else last_year[1],
            scope="Phạm vi minh họa: việc tiếp nhận, giải quyết và trả kết quả trong kỳ.",
            plan_id=plan.pk if step != 4 else None,  # one ad hoc
            synthetic=True,
        )
        made += 1
        _advance(inspection, step, today, rng)
    return {"made": True, "inspections": made}


def _advance(inspection: Inspection, step: int, today: dt.date, rng: random.Random) -> None:
    if step == 0:
        return  # planned
    decided_on = today - dt.timedelta(days=120 - 10 * step)
    inspections.inspection_decide(
        actor=None,
        inspection_id=inspection.pk,
        decision_number=f"{LABEL}{inspection.pk:02d}/QĐ-TTr",
        decided_on=decided_on,
        team=TEAM,
    )
    if step == 1:
        return  # decided
    starts_on = decided_on + dt.timedelta(days=7)
    inspections.inspection_start(actor=None, inspection_id=inspection.pk, starts_on=starts_on)
    if step == 5:
        _sample(inspection, rng)
        return
    inspections.finding_add(
        actor=None,
        inspection_id=inspection.pk,
        text="Một số hồ sơ bị yêu cầu bổ sung nhiều lần không đúng quy định (minh họa).",
        severity=Severity.VIOLATION,
    )
    inspections.finding_add(
        actor=None,
        inspection_id=inspection.pk,
        text="Chưa niêm yết đầy đủ thủ tục tại bộ phận một cửa (minh họa).",
        severity=Severity.SHORTCOMING,
    )
    if step == 2:
        return  # underway
    asked = [
        ("Chấn chỉnh việc yêu cầu bổ sung hồ sơ (minh họa).", today - dt.timedelta(days=20)),
        ("Niêm yết đầy đủ thủ tục hành chính (minh họa).", today + dt.timedelta(days=30)),
        ("Kiểm điểm trách nhiệm cá nhân liên quan (minh họa).", today + dt.timedelta(days=60)),
    ]
    made = [
        inspections.recommendation_add(actor=None, inspection_id=inspection.pk, text=text, due=due)
        for text, due in asked
    ]
    inspections.inspection_conclude(
        actor=None,
        inspection_id=inspection.pk,
        conclusion="Kết luận minh họa: đơn vị còn để hồ sơ trễ hạn, phải chấn chỉnh.",
        concluded_on=starts_on + dt.timedelta(days=30),
    )
    inspections.recommendation_report(
        actor=None,
        recommendation_id=made[1].pk,
        implemented_on=today - dt.timedelta(days=3),
        evidence="Văn bản báo cáo minh họa số 12/BC.",
    )
    inspections.recommendation_report(
        actor=None,
        recommendation_id=made[2].pk,
        implemented_on=today - dt.timedelta(days=5),
        evidence="Biên bản kiểm điểm minh họa.",
    )
    inspections.recommendation_accept(actor=None, recommendation_id=made[2].pk)
    if step == 4:  # closed: everything implemented or withdrawn
        inspections.recommendation_accept(actor=None, recommendation_id=made[1].pk)
        inspections.recommendation_withdraw(
            actor=None, recommendation_id=made[0].pk, reason="Đã chấn chỉnh trong kỳ (minh họa)."
        )
        inspections.inspection_close(actor=None, inspection_id=inspection.pk)


def _sample(inspection: Inspection, rng: random.Random) -> None:
    samples = inspections.sample_draw(
        actor=None, inspection_id=inspection.pk, size=10, seed=rng.randint(0, 2**31 - 1)
    )
    for n, sample in enumerate(samples[:6]):
        irregular = n % 3 == 0
        inspections.sample_verdict(
            actor=None,
            sample_id=sample.pk,
            verdict=SampleVerdict.IRREGULAR if irregular else SampleVerdict.COMPLIANT,
            note="Yêu cầu bổ sung nhiều lần (minh họa)." if irregular else "",
        )
