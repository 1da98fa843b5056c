"""The figures of dossiers (Decision 766) over the API."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from tinhgon.core.schemas import Day, QueryId, SearchText
from tinhgon.publicservices import figures

router = Router(tags=["services"])


@router.get("", summary="Decision 766 figures of a unit or a province over a period")
def figures_read(
    request: HttpRequest,
    unit_id: QueryId | None = None,
    province: SearchText | None = None,
    date_from: Day | None = None,
    date_to: Day | None = None,
) -> dict:
    """Shares are fractions from 0 to 1 (null: nothing to count); the period is counted in whole
    months (the months of date_from through date_to); open and overdue are as of now. Without a
    unit or a province: the user's own unit, when it has one."""
    date_from, date_to = figures.period(date_from, date_to)
    area = figures.area_for(request.user, date_to=date_to, unit_id=unit_id, province=province)
    return figures.dashboard(area, date_from, date_to)
