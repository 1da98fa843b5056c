"""Helpers of the commendation tests: a campaign open today in Sơn La, a ward's proposal."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tinhgon.commendations import services
from tinhgon.commendations.models import Campaign, Proposal


def campaign(
    province_id: int, *, code: str = "nq18", quotas: dict[str, int] | None = None
) -> Campaign:
    today = timezone.localdate()
    return services.campaign_create(
        actor=None,
        province_id=province_id,
        code=code,
        theme="Thi đua thực hiện Nghị quyết 18",
        opens=today - dt.timedelta(days=10),
        closes=today + dt.timedelta(days=10),
        quotas=quotas if quotas is not None else {"bang-khen-chu-tich-tinh": 2},
    )


def proposal(
    unit_id: int, campaign_id: int, *, form: str = "bang-khen-chu-tich-tinh", officials=()
) -> Proposal:  # type: ignore[no-untyped-def]
    items = [services.ItemIn(form=form, unit_id=unit_id, reason="Hoàn thành xuất sắc nhiệm vụ")]
    items += [
        services.ItemIn(form=form, official_id=o, reason="Có thành tích xuất sắc")
        for o in officials
    ]
    return services.proposal_create(
        actor=None,
        unit_id=unit_id,
        campaign_id=campaign_id,
        title="Đề nghị khen thưởng",
        items=items,
    )


# -- the carrier contract suite's example (carriers/tests/test_contract.py) --------------------


_serial = iter(range(1, 100_000))


def open_campaign(unit_id: int) -> int:
    """A campaign still open whose province column names `unit_id` (the contract suite's
    example: it follows the unit the plan closes)."""
    return campaign(unit_id, code=f"contract-{next(_serial)}", quotas={}).pk


def open_proposal(unit_id: int) -> int:
    """A draft proposal of the unit in a campaign of its province (one campaign, reused)."""
    from tinhgon.units import selectors

    version = selectors.version_on(unit_id, timezone.localdate())
    made = campaign(version.province_id or version.unit_id, code="contract", quotas={})
    return proposal(unit_id, made.pk).pk
