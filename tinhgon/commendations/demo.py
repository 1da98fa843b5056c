"""`tinhgon commendations demo`: a clearly labelled synthetic set of campaigns, proposals and
decisions in a province.

Every row made here carries `synthetic=True`; campaign themes, decision numbers and reasons start
with "[Minh họa]". The same seed on the same registry gives the same set (units in a fixed order,
one `random.Random(seed)`), and everything goes through the services, so rules, quotas and the
council's review are the real ones:

- a 2023 decision of the province's chairman, recorded from paper, commending collectives that a
  2025 merger closed (their successors' pages show it through the lineage);
- a campaign "implementing Resolution 18" open today, with quotas; proposals of communes (the
  commune itself, and synthetic officials serving there when staffing's demo made some),
  submitted, reviewed by the council (one item rejected with its note) and decided under one
  number.

Run again in a province that holds the set, it is refused (naming the province and what it
holds) and writes nothing, as every demo but `services demo` is.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.commendations import decisions, services
from tinhgon.commendations.models import (
    Authority,
    Campaign,
    Commendation,
    Decision,
    Proposal,
    ProposalItem,
)
from tinhgon.core import text
from tinhgon.core.errors import DomainError
from tinhgon.staffing.models import Official, Status
from tinhgon.units import selectors as units
from tinhgon.units.kinds import KINDS_BY_LEVEL, Level
from tinhgon.units.models import UnitLink

LABEL = "[Minh họa] "
CODE = "demo-nq18"
PAST_DAY = dt.date(2023, 12, 20)
MAX_PAST = 5
MAX_PROPOSERS = 6
REASONS = [
    "Hoàn thành xuất sắc nhiệm vụ năm 2023",
    "Có thành tích xuất sắc trong thực hiện sắp xếp tổ chức bộ máy",
    "Dẫn đầu phong trào thi đua của tỉnh",
    "Có thành tích tiêu biểu trong cải cách hành chính",
]


def _closed_by_merger(province_id: int, rng: random.Random) -> list[int]:
    """Communes of the province's past that a reorganization closed into a successor."""
    past = units.versions_on(PAST_DAY).filter(
        province_id=province_id, kind__in=KINDS_BY_LEVEL[Level.COMMUNE]
    )
    closed = sorted(
        set(
            UnitLink.objects.filter(
                predecessor_id__in=past.values("unit_id"), is_default=True
            ).values_list("predecessor_id", flat=True)
        )
    )
    return sorted(rng.sample(closed, min(MAX_PAST, len(closed))))


def _proposers(province_id: int, day: dt.date) -> list[int]:
    found = (
        units.versions_on(day)
        .filter(province_id=province_id, kind__in=KINDS_BY_LEVEL[Level.COMMUNE])
        .order_by("code")
        .values_list("unit_id", flat=True)
    )
    return list(found[:MAX_PROPOSERS])


def summary(province_id: int) -> dict[str, Any]:
    return {
        "campaigns": Campaign.objects.filter(province_id=province_id, synthetic=True).count(),
        "proposals": Proposal.objects.filter(province_id=province_id, synthetic=True).count(),
        "decisions": Decision.objects.filter(province_id=province_id, synthetic=True).count(),
        "commendations": Commendation.objects.filter(
            province_id=province_id, synthetic=True
        ).count(),
    }


@transaction.atomic
def demo(*, province: str, seed: int = 1) -> dict[str, Any]:
    today = timezone.localdate()
    found = units.resolve_province(province, day=today)
    province_id = found.unit_id
    if Campaign.objects.filter(province_id=province_id, code=CODE).exists():
        raise DomainError(
            _(
                "%(province)s already holds synthetic commendations (%(campaigns)s campaigns, "
                "%(decisions)s decisions, %(commendations)s commendations): nothing was written."
            )
            % {
                "province": found.name,
                **{key: text.number(count) for key, count in summary(province_id).items()},
            },
            code="already_generated",
            status=409,
        )
    rng = random.Random(seed)
    past = _closed_by_merger(province_id, rng)
    if past:
        decisions.decision_record(
            actor=None,
            province_id=province_id,
            number=f"{LABEL}2345/QĐ-UBND",
            date=PAST_DAY,
            authority=Authority.PROVINCE,
            signed_by="Chủ tịch Ủy ban nhân dân tỉnh (minh họa)",
            rows=[
                decisions.RecordedRow(
                    form="bang-khen-chu-tich-tinh", unit_id=unit_id, reason=LABEL + REASONS[0]
                )
                for unit_id in past
            ],
            synthetic=True,
        )
    campaign = services.campaign_create(
        actor=None,
        province_id=province_id,
        code=CODE,
        theme=LABEL + "Thi đua thực hiện Nghị quyết số 18-NQ/TW về sắp xếp tổ chức bộ máy",
        opens=today - dt.timedelta(days=60),
        closes=today + dt.timedelta(days=60),
        quotas={
            "bang-khen-chu-tich-tinh": 20,
            "tap-the-lao-dong-xuat-sac": 4,
            "co-thi-dua-tinh": 1,
        },
        synthetic=True,
    )
    decided = 0
    for n, unit_id in enumerate(_proposers(province_id, today)):
        items = [
            services.ItemIn(
                form="bang-khen-chu-tich-tinh" if n % 3 else "tap-the-lao-dong-xuat-sac",
                unit_id=unit_id,
                reason=LABEL + rng.choice(REASONS[1:]),
            )
        ]
        if n == 1:
            items.append(
                services.ItemIn(form="co-thi-dua-tinh", unit_id=unit_id, reason=LABEL + REASONS[2])
            )
        officials = Official.objects.filter(
            unit_id__in=units.subtree_ids([unit_id], today), status=Status.ACTIVE, synthetic=True
        ).order_by("id")[:2]
        items += [
            services.ItemIn(
                form="bang-khen-chu-tich-tinh",
                official_id=official.pk,
                reason=LABEL + rng.choice(REASONS[1:]),
            )
            for official in officials
        ]
        proposal = services.proposal_create(
            actor=None,
            unit_id=unit_id,
            campaign_id=campaign.pk,
            title=LABEL + "Đề nghị khen thưởng thực hiện Nghị quyết 18",
            items=items,
            synthetic=True,
        )
        services.proposal_submit(actor=None, proposal_id=proposal.pk)
        # The second proposal's last item is rejected by the council, with its note.
        ids = list(
            ProposalItem.objects.filter(proposal=proposal)
            .order_by("id")
            .values_list("id", flat=True)
        )
        verdicts = [services.Verdict(item_id=i, accept=True) for i in ids]
        if n == 1:
            verdicts[-1] = services.Verdict(
                item_id=ids[-1], accept=False, note=LABEL + "Chưa đủ thành tích tiêu biểu cấp tỉnh"
            )
        services.proposal_review(actor=None, proposal_id=proposal.pk, verdicts=verdicts)
        decided += 1
    if decided:
        decisions.decision_make(
            actor=None,
            campaign_id=campaign.pk,
            number=f"{LABEL}1018/QĐ-UBND",
            date=today,
            authority=Authority.PROVINCE,
            signed_by="Chủ tịch Ủy ban nhân dân tỉnh (minh họa)",
        )
    return {"province": found.name, "made": True, **summary(province_id)}
