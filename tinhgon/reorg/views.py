"""Plan pages: upload a plan file, see its preview, approve and apply it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhgon.core.errors import DomainError, Forbidden
from tinhgon.core.upload import read_upload
from tinhgon.core.views import render_invalid_form, render_refusal
from tinhgon.reorg import planfile, services
from tinhgon.reorg.access import (
    access_plan,
    administered_provinces,
    check_may_reorganize,
    visible_plans,
)
from tinhgon.reorg.exports import preview_workbook
from tinhgon.reorg.forms import PlanHeaderForm, StepForm, form_field
from tinhgon.reorg.models import Plan
from tinhgon.reorg.spec import LegalBasis, PlanSpec
from tinhgon.reports.dashboard import category_chart
from tinhgon.reports.selectors import figure_label, figure_rows


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            # Whoever may not prepare plans is refused before the file is read or parsed.
            check_may_reorganize(request.user, set(), complete=False)
            if upload is None:
                raise DomainError(_("Choose a plan file (.yaml or .xlsx)."), code="no_file")
            spec = planfile.load(*read_upload(upload, default_name="plan.yaml"))
            plan = services.plan_create(actor=request.user, spec=spec)
            services.plan_preview_store(actor=request.user, plan=plan)
        except DomainError as error:
            if error.status in (403, 404):
                return render_refusal(request, error)
            # A file that does not read: the plans page again, its upload form with the
            # problems summarized above it (the first 50 and a count).
            return render_refusal(
                request,
                error,
                template="reorg/list.html",
                context={"plans": visible_plans(request.user)},
            )
        messages.success(request, _("The plan is stored as a draft. Check its preview."))
        return redirect("reorg:detail", plan_id=plan.pk)
    if administered_provinces(request.user) == set():
        return render_refusal(
            request,
            Forbidden(_("Only a provincial administrator may prepare reorganization plans.")),
        )
    return render(request, "reorg/list.html", {"plans": visible_plans(request.user)})


def _attach(problems: list, form: StepForm) -> None:
    """The planner's problems, shown at the form fields they are about (or above the form)."""
    for problem in problems[:50]:
        field = form_field(problem.field)
        if field and field in form.fields:
            form.add_error(field, problem.message)
        else:
            form.add_error(None, str(problem))
    if len(problems) > 50:
        form.add_error(None, _("… and %(count)s more.") % {"count": len(problems) - 50})


@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    """A plan written on the page: its title, date and legal basis, and a first step."""
    if administered_provinces(request.user) == set():
        return render_refusal(
            request,
            Forbidden(_("Only a provincial administrator may prepare reorganization plans.")),
        )
    header = PlanHeaderForm(request.POST or None)
    step = StepForm(request.POST or None)
    if request.method == "POST" and header.is_valid() and step.is_valid():
        data = header.cleaned_data
        spec = PlanSpec(
            title=data["title"],
            effective_date=data["effective_date"],
            legal_basis=LegalBasis(
                number=data["legal_basis_number"], issuer=data["legal_basis_issuer"]
            ),
            steps=[step.step(1)],
        )
        try:
            plan = services.plan_create(actor=request.user, spec=spec)
            services.plan_preview_store(actor=request.user, plan=plan)
        except DomainError as error:
            if error.status in (403, 404):
                return render_refusal(request, error)
            step.add_error(None, error.message)
            _attach(error.problems, step)
        else:
            messages.success(request, _("The plan is stored as a draft. Check its preview."))
            return redirect("reorg:detail", plan_id=plan.pk)
    if request.method == "POST":
        return render_invalid_form(
            request, "reorg/form.html", step, {"header": header, "plan": None}, also=header
        )
    return render(request, "reorg/form.html", {"header": header, "form": step, "plan": None})


@login_required
def plan_step_new(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Another step for a draft plan."""
    try:
        plan = access_plan(request.user, plan_id)
    except DomainError as error:
        return render_refusal(request, error)
    step = StepForm(request.POST or None)
    if request.method == "POST" and step.is_valid():
        try:
            services.plan_add_step(actor=request.user, plan=plan, step=step.step(0))
            services.plan_preview_store(actor=request.user, plan=plan)
        except DomainError as error:
            if error.status in (403, 404, 409):
                return render_refusal(request, error)
            step.add_error(None, error.message)
            _attach(error.problems, step)
        else:
            messages.success(request, _("The step is added. Check the preview."))
            return redirect("reorg:detail", plan_id=plan.pk)
    if request.method == "POST":
        return render_invalid_form(request, "reorg/form.html", step, {"header": None, "plan": plan})
    return render(request, "reorg/form.html", {"header": None, "form": step, "plan": plan})


@login_required
def plan_template(request: HttpRequest) -> HttpResponse:
    """The spreadsheet to fill in, with one example step of each common kind."""
    response = HttpResponse(
        planfile.excel_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="phuong-an-mau.xlsx"'
    return response


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    try:
        plan = access_plan(request.user, plan_id)
        if plan.status in (Plan.Status.APPLIED, Plan.Status.APPLYING):
            report = plan.report or {}
            steps: list = []
        else:
            # The stored preview (counted when the plan was stored or last refreshed), else
            # counted now: read-only either way.
            report = plan.preview or services.plan_preview(
                actor=request.user, spec=services.spec_of(plan), plan=plan
            )
            steps = report.get("steps", [])
    except DomainError as error:
        return render_refusal(request, error)
    return _detail_page(request, plan, report, steps)


def _detail_page(request: HttpRequest, plan: Plan, report: dict, steps: list) -> HttpResponse:
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
            (figure_label(k), before.get(k, 0), after.get(k, 0), after.get(k, 0) - before.get(k, 0))
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
        {
            "plan": plan,
            "report": report,
            "figures": figures,
            "page": page,
            "decisions": _decision_rows(plan, report),
            "may_approve": not services.self_approval_refused(actor=request.user, plan=plan),
            "progress": _progress_rows(plan),
            "chart": (
                category_chart(
                    _("Units by category, before and after the plan"),
                    [report["figures_before"], report["figures_after"]],
                    series=[_("Before"), _("After")],
                )
                if report.get("figures_before") and report.get("figures_after")
                else None
            ),
        },
    )


def _progress_rows(plan: Plan) -> list[dict]:
    """Per carrier, records moved of those to move, while a plan applies in batches."""
    progress = plan.progress or {}
    totals, moved = progress.get("total", {}), progress.get("done", progress.get("moved", {}))
    return [
        {
            "carrier": name,
            "moved": moved.get(name, 0),
            "total": total,
            "percent": round(100 * moved.get(name, 0) / total) if total else 100,
        }
        for name, total in totals.items()
    ]


@login_required
@require_POST
def plan_preview_refresh(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Count again what the plan would do now, and keep it for the page."""
    try:
        plan = access_plan(request.user, plan_id)
        services.plan_preview_store(actor=request.user, plan=plan)
    except DomainError as error:
        return render_refusal(request, error)
    messages.success(request, _("The preview is counted again."))
    return redirect("reorg:detail", plan_id=plan_id)


@login_required
@require_POST
def plan_rehearse(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Apply the plan in full, check every invariant, roll it back, and show what it did."""
    try:
        plan = access_plan(request.user, plan_id)
        report = services.plan_rehearse(actor=request.user, spec=services.spec_of(plan), plan=plan)
    except DomainError as error:
        return render_refusal(request, error)
    messages.success(
        request, _("Rehearsal: the plan was applied in full, every check held, then rolled back.")
    )
    return _detail_page(request, plan, report, report.get("steps", []))


def _decision_rows(plan: Plan, report: dict) -> list[dict]:
    """For each record that needs a decision: what it is, where it may go, what was chosen."""
    from tinhgon.carriers import contract as carriers
    from tinhgon.reorg.models import Decision

    pending = report.get("needs_decision") or {}
    chosen = {
        (d.carrier, d.record_id): d.to_ref
        for d in Decision.objects.filter(plan=plan, record_id__isnull=False)
        if d.record_id is not None
    }
    if not pending and not chosen:
        return []
    spec = services.spec_of(plan)
    options = [
        (t.ref, t.new.name if t.new else t.ref)
        for step in spec.steps
        if step.action == "split"
        for t in step.targets
    ]
    by_name = {c.name: c for c in carriers.registered()}
    rows = []
    records: dict[str, set[int]] = {name: set(ids) for name, ids in pending.items()}
    for carrier, record in chosen:
        records.setdefault(carrier, set()).add(record)
    for name, ids in records.items():
        labels = by_name[name].describe(sorted(ids)) if name in by_name else {}
        for record in sorted(ids, key=lambda r: labels.get(r, "")):
            rows.append(
                {
                    "carrier": name,
                    "record": record,
                    "label": labels.get(record, str(record)),
                    "options": options,
                    "chosen": chosen.get((name, record)),
                }
            )
    return rows


@login_required
@require_POST
def plan_decide(request: HttpRequest, plan_id: int) -> HttpResponse:
    try:
        plan = access_plan(request.user, plan_id)
        by_carrier: dict[str, dict[int, str]] = {}
        for key in request.POST:
            ref = request.POST.get(key, "")
            if key.startswith("choice:") and ref:
                _prefix, carrier, record = key.split(":", 2)
                by_carrier.setdefault(carrier, {})[int(record)] = ref
        for carrier, choices in by_carrier.items():
            services.decisions_record(
                actor=request.user, plan=plan, carrier=carrier, choices=choices
            )
    except DomainError as error:
        return render_refusal(request, error)
    except ValueError:
        return render_refusal(request, DomainError(_("The form is not valid.")))
    messages.success(request, _("The decisions are recorded."))
    return redirect("reorg:detail", plan_id=plan_id)


@login_required
def plan_apply_confirm(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Before anything irreversible: what the plan opens, closes and moves, and when it would
    otherwise take effect. Applying is the POST of this page."""
    if request.method == "POST":
        return plan_transition(request, plan_id, "apply")
    try:
        plan = access_plan(request.user, plan_id)
        if plan.status == Plan.Status.DRAFT:
            raise DomainError(
                _("Only an approved plan can be applied: have it approved first."),
                code="not_approved",
                status=409,
            )
        if plan.status == Plan.Status.APPLIED:
            # Nothing left to confirm: the page says so instead of offering the button.
            raise DomainError(
                _("This plan has already been applied."), code="already_applied", status=409
            )
        report = (
            (plan.report or {})
            if plan.status == Plan.Status.APPLYING
            else services.plan_preview(actor=request.user, spec=services.spec_of(plan), plan=plan)
        )
    except DomainError as error:
        return render_refusal(request, error)
    records = sum((report.get("carriers") or {}).values())
    return render(
        request,
        "reorg/confirm_apply.html",
        {
            "title": _("Apply the plan?"),
            "lead": _("What it does"),
            "plan": plan,
            "report": report,
            "today": timezone.localdate(),
            "warning": _(
                "Applying cannot be undone: the units below close, their records move to the "
                "successors, and the history keeps every move."
            ),
            "action": reverse("reorg:apply", args=[plan.pk]),
            "button": _("Apply now (%(count)s records move)")
            % {"count": formats.number_format(records, force_grouping=True)},
            "button_class": "btn-warning",
            "cancel_url": reverse("reorg:detail", args=[plan.pk]),
        },
    )


@login_required
@require_POST
def plan_transition(request: HttpRequest, plan_id: int, action: str) -> HttpResponse:
    try:
        plan = access_plan(request.user, plan_id)
        if action == "approve":
            services.plan_approve(actor=request.user, plan=plan)
            messages.success(request, _("The plan is approved."))
        else:
            plan, outside = services.plan_start_apply(actor=request.user, plan=plan)
            if not outside:
                messages.success(request, _("The plan is applied."))
            else:
                messages.success(
                    request,
                    _("The plan is being applied outside this page; its progress shows here."),
                )
    except DomainError as error:
        return render_refusal(request, error)
    return redirect("reorg:detail", plan_id=plan_id)
