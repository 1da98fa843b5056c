"""Pages of the placement: start one for a unit or an applied plan, see the result (placed per
position with the parts of the cost, the unplaced with their reasons, the cost against greedy),
move one official by hand, approve (after a confirmation page).

The result names officials and their qualifications: it is shown only to those who may write
in every unit placed (accounts.access, write scope), as the approval writes there."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tinhgon.accounts.access import access_unit, scope_for, scopes_cached, visible_versions
from tinhgon.core import text
from tinhgon.core.errors import DomainError, NotFound, Problem
from tinhgon.core.forms import MAX_ID, DayField
from tinhgon.core.views import render_invalid_form, render_refusal
from tinhgon.staffing import placement
from tinhgon.staffing.models import PlacementRow, PlacementRun, Position


class StartForm(forms.Form):
    unit = forms.CharField(
        label=gettext_lazy("Unit code"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("One reorganized unit (or give a plan)."),
    )
    plan = forms.IntegerField(
        label=gettext_lazy("Plan number"),
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text=gettext_lazy("An applied plan: every unit it formed."),
    )
    effective = DayField(label=gettext_lazy("Effective date (with a unit)"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("unit")) == bool(data.get("plan")):
            raise forms.ValidationError(_("Give a unit code or a plan number (one of them)."))
        return data


class OverrideForm(forms.Form):
    official = forms.IntegerField(min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    position = forms.IntegerField(
        label=gettext_lazy("Position"), min_value=1, max_value=MAX_ID, required=False
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300, required=False)


def units_for_writing(user: Any, unit_ids: list[int], day: dt.date) -> None:
    """Refused (404 or 403, accounts.access) unless the user writes in every unit."""
    for unit_id in unit_ids:
        access_unit(user, unit_id, day=day, write=True)


def load_run(user: Any, run_id: int) -> PlacementRun:
    run = PlacementRun.objects.filter(pk=run_id).first()
    if run is None:
        raise NotFound(_("Placement %(id)s does not exist.") % {"id": run_id})
    try:
        units_for_writing(user, run.units, run.effective)
    except DomainError:
        # Outside the scope, a run answers as if it did not exist (its units are personal data).
        raise NotFound(_("Placement %(id)s does not exist.") % {"id": run_id}) from None
    return run


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).can_write_anything:
        return render_refusal(
            request, DomainError(_("Your role may not place officials."), status=403)
        )
    form = StartForm(request.POST or None)
    runs = _recent_runs(request.user)
    context = {"runs": runs}
    if request.method != "POST":
        return render(request, "staffing/placement/start.html", {**context, "form": form})
    if not form.is_valid():
        return render_invalid_form(request, "staffing/placement/start.html", form, context)
    data = form.cleaned_data
    try:
        if data["plan"]:
            units, effective = placement.plan_units(data["plan"])
            plan_ref = data["plan"]
        else:
            effective = data["effective"] or timezone.localdate()
            version = visible_versions(request.user, effective).filter(code=data["unit"]).first()
            if version is None:
                raise DomainError(
                    _("No unit of yours has code %(code)s on that date.") % {"code": data["unit"]},
                    code="not_found",
                    status=404,
                    problems=[Problem(field="unit", message=_("not found"))],
                )
            units, plan_ref = [version.unit_id], None
        units_for_writing(request.user, units, effective)
        run = placement.placement_start(
            actor=request.user, unit_ids=units, effective=effective, plan_ref=plan_ref
        )
    except DomainError as error:
        return render_refusal(
            request,
            error,
            template="staffing/placement/start.html",
            context=context,
            form=form,
        )
    messages.success(
        request, _("Placement %(id)s is ready: check it, then approve.") % {"id": run.pk}
    )
    return redirect("staffing:placement_run", run_id=run.pk)


def _recent_runs(user: Any) -> list[PlacementRun]:
    """The latest runs the user may open (a few queries: runs are few)."""
    found = []
    with scopes_cached():
        for run in PlacementRun.objects.order_by("-created_at")[:50]:
            try:
                units_for_writing(user, run.units, run.effective)
            except DomainError:
                continue
            found.append(run)
            if len(found) == 10:
                break
    return found


def _result(run: PlacementRun) -> dict[str, Any]:
    rows = list(
        PlacementRow.objects.filter(run=run)
        .select_related("official", "position")
        .order_by("position__code", "official__full_name")
    )
    placed = [r for r in rows if r.position_id]
    by_position: dict[int, dict[str, Any]] = {}
    for row in placed:
        assert row.position is not None
        entry = by_position.setdefault(row.position_id or 0, {"position": row.position, "rows": []})
        entry["rows"].append(row)
    current = sum(r.cost or 0 for r in rows)
    return {
        "run": run,
        "positions": list(by_position.values()),
        "unplaced": [r for r in rows if not r.position_id],
        "placed_count": len(placed),
        "current_cost": current,
        "saving": (run.greedy_cost or 0) - (run.cost or 0),
        "choices": Position.objects.filter(unit_id__in=run.units)
        .filter(valid_from__lte=run.effective)
        .exclude(valid_to__lt=run.effective)
        .order_by("code"),
    }


@login_required
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    try:
        run = load_run(request.user, run_id)
    except DomainError as error:
        return render_refusal(request, error)
    return render(request, "staffing/placement/run.html", _result(run))


@login_required
@require_POST
def override(request: HttpRequest, run_id: int) -> HttpResponse:
    try:
        run = load_run(request.user, run_id)
    except DomainError as error:
        return render_refusal(request, error)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        return render_invalid_form(request, "staffing/placement/run.html", form, _result(run))
    data = form.cleaned_data
    try:
        placement.placement_override(
            actor=request.user,
            run_id=run.pk,
            official_id=data["official"],
            position_id=data["position"],
            reason=data["reason"] or "",
        )
    except DomainError as error:
        return render_refusal(
            request, error, template="staffing/placement/run.html", context=_result(run), form=form
        )
    messages.success(request, _("The change is recorded (marked as set by hand)."))
    return redirect("staffing:placement_run", run_id=run.pk)


@login_required
@require_http_methods(["GET", "POST"])
def approve(request: HttpRequest, run_id: int) -> HttpResponse:
    try:
        run = load_run(request.user, run_id)
    except DomainError as error:
        return render_refusal(request, error)
    if request.method == "POST" and request.POST.get("confirmed") == "on":
        try:
            written = placement.placement_approve(actor=request.user, run_id=run.pk)
        except DomainError as error:
            return render_refusal(request, error)
        messages.success(request, _("Approved: %(n)s assignments written.") % {"n": written})
        return redirect("staffing:placement_run", run_id=run.pk)
    result = _result(run)
    return render(
        request,
        "confirm.html",
        {
            "title": _("Approve placement %(id)s") % {"id": run.pk},
            "lead": _(
                "Every placed official gets an assignment from %(day)s; their open assignments "
                "end the day before. This cannot be undone."
            )
            % {"day": text.day(run.effective)},
            "rows": [
                (_("Placed"), result["placed_count"]),
                (_("Unplaced"), len(result["unplaced"])),
                (_("Total cost"), result["current_cost"]),
            ],
            "warning": _("The unplaced keep their current assignments; decide on them separately."),
            "action": reverse("staffing:placement_approve", kwargs={"run_id": run.pk}),
            "fields": {"confirmed": "on"},
            "button": _("Approve and write the assignments"),
            "cancel_url": reverse("staffing:placement_run", kwargs={"run_id": run.pk}),
        },
    )
