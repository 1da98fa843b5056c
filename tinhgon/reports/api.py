from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from tinhgon.core.schemas import Day, QueryId, SearchText
from tinhgon.reports.selectors import apparatus_change
from tinhgon.reports.service import resolve_area, scoped_figures

router = Router(tags=["reports"])


@router.get(
    "/apparatus", summary="Apparatus figures as of a date (whole scope, a province or a subtree)"
)
def apparatus(
    request: HttpRequest,
    as_of: Day,
    province: SearchText | None = None,
    unit_id: QueryId | None = None,
) -> dict:
    area = resolve_area(request.user, day=as_of, province=province, unit_id=unit_id)
    return scoped_figures(request.user, as_of, area)


@router.get("/apparatus/change", summary="Apparatus figures on two dates and their difference")
def apparatus_between(
    request: HttpRequest,
    date_from: Day,
    date_to: Day,
    province: SearchText | None = None,
    unit_id: QueryId | None = None,
) -> dict:
    before = scoped_figures(
        request.user,
        date_from,
        resolve_area(request.user, day=date_from, province=province, unit_id=unit_id),
    )
    after = scoped_figures(
        request.user,
        date_to,
        resolve_area(request.user, day=date_to, province=province, unit_id=unit_id),
    )
    return apparatus_change(before, after)
