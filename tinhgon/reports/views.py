from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.accounts import access
from tinhgon.core.errors import DomainError
from tinhgon.core.panels import panels
from tinhgon.core.views import error_summary, render_refusal
from tinhgon.reports import dashboard, staff_report
from tinhgon.reports.exports import figures_workbook
from tinhgon.reports.forms import FiguresForm, StaffReportForm
from tinhgon.reports.selectors import (
    agency_coverage_warning,
    apparatus_change,
    baseline_warnings,
    figure_table,
)
from tinhgon.reports.service import resolve_area, scoped_figures


@login_required
def apparatus(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = FiguresForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "reports/apparatus.html",
            {"form": form, "error_summary": error_summary(form=form)},
            status=400,
        )
    day_from = form.cleaned_data["day_from"]
    day_to = form.cleaned_data["day_to"] or today
    province = form.cleaned_data["province"].strip() or None
    try:
        area = resolve_area(request.user, day=day_to, province=province)
        after = scoped_figures(request.user, day_to, area)
        change = None
        if day_from:
            before = scoped_figures(
                request.user, day_from, resolve_area(request.user, day=day_from, province=province)
            )
            change = apparatus_change(before, after)
    except DomainError as error:
        return render_refusal(
            request, error, template="reports/apparatus.html", context={"form": form}, form=form
        )
    if request.GET.get("format") == "xlsx":
        content = figures_workbook(change or after)
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="apparatus-{day_to}.xlsx"'
        return response
    scope = access.unit_filter(access.scope_for(request.user), day_to)
    warnings = baseline_warnings(change["before"], after) if change else []
    coverage = agency_coverage_warning(day_to, area, scope)
    if coverage:
        warnings.append(coverage)
    figures = [change["before"], after] if change else [after]
    return render(
        request,
        "reports/apparatus.html",
        {
            "form": form,
            "rows": figure_table(*figures),
            "day_from": day_from,
            "day_to": day_to,
            "area": area.label if area.label != "national" else _("Whole scope"),
            "warnings": warnings,
            "chart": dashboard.category_chart(_("Units by category"), figures) if change else None,
        },
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard of the user's scope. Old links to the tree ("/?root=14") still open it."""
    if "root" in request.GET or "as_of" in request.GET:
        from tinhgon.units.views import tree

        return tree(request)
    today = timezone.localdate()
    scope = access.scope_for(request.user)
    found = panels(request.user, scope, today)
    summary = dashboard.overview(request.user, today)
    warnings = summary.warnings + [w for panel in found for w in panel.warnings]
    return render(
        request,
        "reports/home.html",
        {"overview": summary, "panels": found, "warnings": warnings},
    )


@login_required
def staff(request: HttpRequest) -> HttpResponse:
    """The Resolution 18 report of a province between two dates (reports/staff_report.py)."""
    template = "reports/staff.html"
    form = StaffReportForm(request.GET)
    if not form.is_valid():
        return render(
            request, template, {"form": form, "error_summary": error_summary(form=form)}, status=400
        )
    province = form.cleaned_data["province"].strip()
    day_from = form.cleaned_data["day_from"]
    if not province or day_from is None:
        return render(request, template, {"form": form})
    day_to = form.cleaned_data["day_to"] or timezone.localdate()
    try:
        report = staff_report.staff_report(
            request.user, province=province, day_from=day_from, day_to=day_to
        )
    except DomainError as error:
        return render_refusal(request, error, template=template, context={"form": form}, form=form)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            staff_report.workbook(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="resolution-18-{day_to}.xlsx"'
        return response
    for row in report["rows"]:
        row["pct"] = staff_report.pct_text(row["change_pct"])
    for row in report["communes"]:
        row["pct"] = staff_report.pct_text(row["filled"]["change_pct"])
    return render(
        request,
        template,
        {
            "form": form,
            "report": report,
            "day_from": day_from,
            "day_to": day_to,
            "chart": staff_report.chart(report),
        },
    )
