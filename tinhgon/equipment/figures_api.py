"""Equipment API: the figures of a province (/api/equipment/figures), and as a spreadsheet.
Thin: the scope is checked by rebalance.province_version (the province's readers)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from tinhgon.core.schemas import Day, QueryId, SearchText
from tinhgon.equipment import figures
from tinhgon.equipment.rebalance import province_version

router = Router(tags=["equipment"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("", summary="Equipment figures of a province: gaps, inventory value, premises")
def figures_read(
    request: HttpRequest,
    province: SearchText | None = None,
    province_id: QueryId | None = None,
    day: Day | None = None,
) -> dict[str, Any]:
    version = province_version(request.user, province_id, name=province)
    return figures.province_figures(version, day=day)


@router.get("/xlsx", summary="The equipment figures as a spreadsheet")
def figures_xlsx(
    request: HttpRequest,
    province: SearchText | None = None,
    province_id: QueryId | None = None,
    day: Day | None = None,
) -> HttpResponse:
    version = province_version(request.user, province_id, name=province)
    data = figures.province_figures(version, day=day)
    response = HttpResponse(figures.figures_xlsx(data), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="equipment-{version.code}-{data["as_of"]}.xlsx"'
    )
    return response
