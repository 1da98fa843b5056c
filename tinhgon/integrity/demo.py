"""`tinhgon integrity demo`: a clearly labelled synthetic set of cases in a province.

Every case made here carries `synthetic=True` and a subject starting with "[Minh họa]"; its
author, when named, is "Người dân minh họa N". The same seed on the same registry gives the same
set (communes in a fixed order, one `random.Random(seed)`), and every case goes through the
services, so routing, deadlines and events are the real ones. Some denunciations concern the
chairman of a commune's people's committee when the registry holds one (a synthetic official
in a head position), and so land above the commune.

Then, if the red flags part is present, its own synthetic histories are planted
(`tinhgon.integrity.flags_demo.plant(province_id=..., rng=...)`), found by import so that this
part needs nothing from that one.

Run again in a province that holds the set, it is refused (naming the province and what it
holds) and writes nothing, as every demo but `services demo` is.
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.core import text
from tinhgon.core.errors import DomainError
from tinhgon.integrity import cases
from tinhgon.integrity.models import Case, CaseKind, Channel, Variant
from tinhgon.staffing.models import Assignment, LeaderRole
from tinhgon.units import selectors as units
from tinhgon.units.kinds import KINDS_BY_LEVEL, Kind, Level
from tinhgon.workdays.calendar import VIETNAM

LABEL = "[Minh họa] "
SUBJECTS = {
    CaseKind.FEEDBACK: [
        "Thủ tục cấp giấy khai sinh yêu cầu giấy tờ không có trong quy định",
        "Đề nghị công khai thời gian trả kết quả tại bộ phận một cửa",
    ],
    CaseKind.COMPLAINT: [
        "Khiếu nại quyết định từ chối cấp giấy chứng nhận quyền sử dụng đất",
        "Khiếu nại việc thu phí không đúng quy định",
    ],
    CaseKind.DENUNCIATION: [
        "Tố cáo cán bộ yêu cầu bổ sung hồ sơ nhiều lần để gây khó khăn",
        "Tố cáo hành vi nhận tiền để giải quyết hồ sơ nhanh",
    ],
}
PER_COMMUNE = 3
MAX_COMMUNES = 12


def _chairman(commune_id: int, day: dt.date) -> int | None:
    committee = (
        units.versions_on(day)
        .filter(parent_id=commune_id, kind=Kind.PEOPLES_COMMITTEE)
        .values_list("unit_id", flat=True)
        .first()
    )
    if committee is None:
        return None
    return (
        Assignment.objects.filter(
            unit_id=committee,
            position__leader_role=LeaderRole.HEAD,
            valid_from__lte=day,
            valid_to__isnull=True,
        )
        .values_list("official_id", flat=True)
        .order_by("id")
        .first()
    )


def demo(*, province: str, seed: int = 1) -> dict[str, Any]:
    """Make the set and return what the province holds; refused, writing nothing, if the
    province holds one already."""
    today = timezone.localdate()
    found = units.resolve_province(province, day=today)
    existing = Case.objects.filter(synthetic=True, province_id=found.unit_id)
    if existing.exists():
        raise DomainError(
            _("%(province)s already holds synthetic cases (%(cases)s cases): nothing was written.")
            % {"province": found.name, "cases": text.number(existing.count())},
            code="already_generated",
            status=409,
        )
    with transaction.atomic():
        _make(found.unit_id, seed=seed, today=today)
    return {
        "province": found.name,
        "made": True,
        "cases": existing.count(),
        "open": existing.filter(status__in=[s.value for s in cases.OPEN_CASE]).count(),
    }


def _make(province_id: int, *, seed: int, today: dt.date) -> None:
    rng = random.Random(seed)
    communes = list(
        units.versions_on(today)
        .filter(province_id=province_id, kind__in=KINDS_BY_LEVEL[Level.COMMUNE])
        .order_by("code")
        .values_list("unit_id", flat=True)[:MAX_COMMUNES]
    )
    serial = 0
    for commune in communes:
        chairman = _chairman(commune, today)
        for _n in range(PER_COMMUNE):
            serial += 1
            kind = rng.choice(list(CaseKind))
            anonymous = kind == CaseKind.DENUNCIATION and rng.random() < 0.3
            days_ago = rng.randint(1, 40)
            received = dt.datetime.combine(
                today - dt.timedelta(days=days_ago), dt.time(9, 0), tzinfo=VIETNAM
            )
            case = cases.case_receive(
                actor=None,
                kind=kind,
                variant=Variant.NORMAL,
                subject=LABEL + rng.choice(SUBJECTS[kind]),
                body="Nội dung minh họa, không phải đơn thật.",
                channel=rng.choice(list(Channel)),
                unit_id=commune,
                received_at=received,
                official_id=chairman if kind == CaseKind.DENUNCIATION and chairman else None,
                anonymous=anonymous,
                author_name="" if anonymous else f"Người dân minh họa {serial}",
                author_contact="" if anonymous else f"09{serial:08d}",
                synthetic=True,
            )
            if rng.random() < 0.6:
                cases.case_accept(actor=None, case_id=case.pk)
                if rng.random() < 0.4:
                    cases.case_decide(actor=None, case_id=case.pk, decision="Kết luận minh họa.")
    _plant_flags(province_id, rng)
    importlib.import_module("tinhgon.integrity.inspections_demo").plant(
        province_id=province_id, rng=rng
    )


def _plant_flags(province_id: int, rng: random.Random) -> None:
    try:
        flags_demo = importlib.import_module("tinhgon.integrity.flags_demo")
    except ModuleNotFoundError as missing:
        if missing.name != "tinhgon.integrity.flags_demo":
            raise  # the module is there but something it needs is not: say so
        return
    flags_demo.plant(province_id=province_id, rng=rng)
