"""The equipment figures page (/equipment/figures/): summary cards, the chart of shortfall and
surplus by item, the tables, and ?format=xlsx for the spreadsheet. The same reads as the API and
the command line (figures.py); the scope is checked through rebalance.province_version."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tinhgon.core.errors import DomainError
from tinhgon.core.views import render_refusal
from tinhgon.equipment import figures
from tinhgon.equipment.rebalance_views import own_province

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def figures_page(request: HttpRequest) -> HttpResponse:
    try:
        province, provinces = own_province(request)
    except DomainError as error:
        return render_refusal(request, error)
    if province is None:
        return render(request, "equipment/figures.html", {"data": None, "provinces": provinces})
    data = figures.province_figures(province)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(figures.figures_xlsx(data), content_type=XLSX)
        response["Content-Disposition"] = (
            f'attachment; filename="equipment-{province.code}-{data["as_of"]}.xlsx"'
        )
        return response
    names = figures.labels()
    return render(
        request,
        "equipment/figures.html",
        {
            "data": data,
            "province": province,
            "provinces": provinces,
            "cards": [(names[k], data[k]) for k in figures.SUMMARY_KEYS],
            "chart": figures.items_chart(data),
        },
    )
