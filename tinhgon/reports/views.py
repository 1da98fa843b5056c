from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date

from tinhgon.core.errors import DomainError
from tinhgon.core.views import render_refusal
from tinhgon.reports.exports import figures_workbook
from tinhgon.reports.selectors import apparatus_change, figure_label, figure_rows
from tinhgon.reports.service import resolve_area, scoped_figures


@login_required
def apparatus(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    day_from = parse_date(request.GET.get("from", "") or "") or None
    day_to = parse_date(request.GET.get("to", "") or "") or today
    province = request.GET.get("province", "").strip() or None
    try:
        after = scoped_figures(
            request.user, day_to, resolve_area(request.user, day=day_to, province=province)
        )
        change = None
        if day_from:
            before = scoped_figures(
                request.user, day_from, resolve_area(request.user, day=day_from, province=province)
            )
            change = apparatus_change(before, after)
    except DomainError as error:
        return render_refusal(request, error)
    if request.GET.get("format") == "xlsx":
        content = figures_workbook(change or after)
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="apparatus-{day_to}.xlsx"'
        return response
    rows: list[tuple[str, int | None, int, int | None]] = []
    if change:
        for key, delta in change["change"].items():
            rows.append((figure_label(key), _get(change["before"], key), _get(after, key), delta))
    else:
        rows = [(figure_label(key), None, _get(after, key), None) for key in _keys(after)]
    return render(
        request,
        "reports/apparatus.html",
        {
            "rows": rows,
            "day_from": day_from,
            "day_to": day_to,
            "province": province or "",
            "figures": after,
        },
    )


def _keys(figures: dict) -> list[str]:
    return [key for key, _ in figure_rows(figures)]


def _get(figures: dict, dotted: str) -> int:
    value: object = figures
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return 0
        value = value.get(part, 0)
    return value if isinstance(value, int) else 0
