"""Plan pages: upload a plan file, see its preview, approve and apply it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhgon.core.errors import DomainError, Forbidden, NotFound
from tinhgon.reorg import planfile, services
from tinhgon.reorg.access import administered_provinces, check_may_reorganize, touched_provinces
from tinhgon.reorg.exports import preview_workbook
from tinhgon.reorg.models import Plan
from tinhgon.reports.selectors import figure_rows


def _error(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "error.html", {"error": error}, status=error.status)


def _visible_plans(request: HttpRequest) -> list[Plan]:
    provinces = administered_provinces(request.user)
    plans = list(Plan.objects.all()[:500])
    if provinces is None:
        return plans
    return [p for p in plans if p.provinces and set(p.provinces) <= provinces]


def _load(request: HttpRequest, plan_id: int) -> Plan:
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(_("No plan %(id)s.") % {"id": plan_id})
    check_may_reorganize(request.user, set(plan.provinces))
    return plan


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            return _error(request, DomainError(_("Choose a plan file (.yaml or .xlsx).")))
        try:
            spec = planfile.load(upload.read(), upload.name or "plan.yaml")
            check_may_reorganize(request.user, touched_provinces(spec))
            plan = services.plan_create(actor=request.user, spec=spec)
        except DomainError as error:
            return _error(request, error)
        messages.success(request, _("The plan is stored as a draft. Check its preview."))
        return redirect("reorg:detail", plan_id=plan.pk)
    if administered_provinces(request.user) == set():
        return _error(
            request,
            Forbidden(_("Only a provincial administrator may prepare reorganization plans.")),
        )
    return render(request, "reorg/list.html", {"plans": _visible_plans(request)})


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    try:
        plan = _load(request, plan_id)
        if plan.status == Plan.Status.APPLIED:
            report = plan.report or {}
            steps: list = []
        else:
            report = services.plan_preview(
                actor=request.user, spec=services.spec_of(plan), plan=plan
            )
            steps = report.get("steps", [])
    except DomainError as error:
        return _error(request, error)
    if request.GET.get("format") == "xlsx" and plan.status != Plan.Status.APPLIED:
        response = HttpResponse(
            preview_workbook(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}-preview.xlsx"'
        return response
    figures = []
    if report.get("figures_before"):
        before, after = (
            dict(figure_rows(report["figures_before"])),
            dict(figure_rows(report["figures_after"])),
        )
        figures = [
            (k, before.get(k, 0), after.get(k, 0), after.get(k, 0) - before.get(k, 0))
            for k in sorted(before.keys() | after.keys())
            if before.get(k, 0) or after.get(k, 0)
        ]
    page = Paginator(
        [
            s
            for s in steps
            if s["opened"] or s["closed"] or s["changed"] or s["derived"] or s["moves"]
        ],
        100,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "reorg/detail.html",
        {"plan": plan, "report": report, "figures": figures, "page": page},
    )


@login_required
@require_POST
def plan_transition(request: HttpRequest, plan_id: int, action: str) -> HttpResponse:
    try:
        plan = _load(request, plan_id)
        if action == "approve":
            services.plan_approve(actor=request.user, plan=plan)
            messages.success(request, _("The plan is approved."))
        else:
            services.plan_apply(actor=request.user, spec=services.spec_of(plan), plan=plan)
            messages.success(request, _("The plan is applied."))
    except DomainError as error:
        return _error(request, error)
    return redirect("reorg:detail", plan_id=plan_id)
