from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from tinhgon.core.schemas import Day, QueryId, SearchText
from tinhgon.reports import staff_report
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


@router.get("/staff", summary="The Resolution 18 report of a province between two dates")
def staff_between(request: HttpRequest, province: SearchText, date_from: Day, date_to: Day) -> dict:
    """Each figure before → after, its change and change in percent (null: nothing before);
    per commune, against the communes it was formed from."""
    return staff_report.staff_report(
        request.user, province=province, day_from=date_from, day_to=date_to
    )
