"""Pages of the staffing rules: a unit's evaluations of a year (distribution, the 20 % headroom,
a form to record one), leaders against the norm with the deadlines of the excesses, leavers with
their amounts and payment, and the versions of the leaver formula.

Every page reads a unit through accounts.access (a unit outside the scope is not found); the
forms that write need write scope on the unit (the official's, the leaver's)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhgon.accounts import access
from tinhgon.accounts.access import scopes_cached
from tinhgon.core.charts import bar_chart
from tinhgon.core.commands import number_text
from tinhgon.core.errors import DomainError
from tinhgon.core.forms import DayField, text_field
from tinhgon.core.views import error_summary, render_refusal
from tinhgon.staffing import access as staff_access
from tinhgon.staffing import evaluation, leaders, leavers
from tinhgon.staffing.models import Leaver, LeaverFormula, Official, Rating, Status
from tinhgon.units.models import UnitVersion
from tinhgon.units.selectors import resolve_any_time

MAX_OFFICIALS = 1000


class UnitForm(forms.Form):
    unit = text_field(gettext_lazy("Unit"), gettext_lazy("Code or name"), max_length=200)


class UnitYearForm(UnitForm):
    year = forms.IntegerField(
        label=gettext_lazy("Year"),
        min_value=evaluation.MIN_YEAR,
        max_value=evaluation.MAX_YEAR,
        required=False,
    )


class EvaluationForm(forms.Form):
    official = forms.TypedChoiceField(label=gettext_lazy("Official"), coerce=int)
    general_points = forms.IntegerField(
        label=gettext_lazy("General criteria (of 30)"), min_value=0, max_value=30, required=False
    )
    task_points = forms.IntegerField(
        label=gettext_lazy("Task results (of 70)"), min_value=0, max_value=70, required=False
    )
    rating = forms.ChoiceField(
        label=gettext_lazy("Rating (before 2026 only)"),
        choices=[("", "–"), *Rating.choices],
        required=False,
    )


class LeaverForm(forms.Form):
    official = forms.TypedChoiceField(label=gettext_lazy("Official"), coerce=int)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Leaver.Kind.choices)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)
    decided_on = DayField(label=gettext_lazy("Decided on"), help_text=gettext_lazy("dd/mm/yyyy"))
    leaves_on = DayField(label=gettext_lazy("Leaves on"), help_text=gettext_lazy("dd/mm/yyyy"))
    reorganized_on = DayField(
        label=gettext_lazy("Reorganization decision in force on"),
        help_text=gettext_lazy("dd/mm/yyyy"),
    )
    retirement_on = DayField(
        label=gettext_lazy("Reaches the retirement age on"),
        help_text=gettext_lazy("dd/mm/yyyy; required for early retirement"),
        required=False,
    )
    monthly_salary = forms.DecimalField(
        label=gettext_lazy("Current monthly salary (VND)"),
        help_text=gettext_lazy("Empty: salary coefficient × base salary"),
        min_value=1,
        max_digits=12,
        decimal_places=0,
        required=False,
    )
    insured_months = forms.IntegerField(
        label=gettext_lazy("Months of compulsory social insurance"),
        help_text=gettext_lazy("Empty: from the hire date to the leaving day"),
        min_value=0,
        max_value=720,
        required=False,
    )


class PayForm(forms.Form):
    paid_on = DayField(label=gettext_lazy("Paid on"), help_text=gettext_lazy("dd/mm/yyyy"))


class FormulaForm(forms.Form):
    version = forms.CharField(label=gettext_lazy("Version"), max_length=40)
    valid_from = DayField(label=gettext_lazy("Valid from"), help_text=gettext_lazy("dd/mm/yyyy"))
    source = forms.CharField(label=gettext_lazy("Source"), max_length=300)
    coefficients = forms.CharField(
        label=gettext_lazy("Coefficients (JSON)"),
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
        max_length=20_000,
    )


def _unit(request: HttpRequest, wanted: str) -> UnitVersion:
    """The unit named or coded `wanted` among those the user may read (else not found)."""
    version = resolve_any_time(wanted, keep=lambda ids: access.visible_unit_ids(request.user, ids))
    return access.access_any_version(request.user, version.unit_id)


# -- evaluations ------------------------------------------------------------------------------
EVALUATIONS = "staffing/rules/evaluations.html"


def _evaluation_context(request: HttpRequest, unit: UnitVersion, year: int) -> dict[str, Any]:
    dist = evaluation.distribution(unit_id=unit.unit_id, year=year)
    counts = dist.as_dict()["counts"]
    writable = access.may_write_unit(request.user, unit.unit_id)
    officials = list(
        Official.objects.filter(unit_id=unit.unit_id, status=Status.ACTIVE)
        .order_by("full_name", "id")
        .values_list("id", "full_name")[:MAX_OFFICIALS]
    )
    return {
        "unit": unit,
        "year": year,
        "dist": dist,
        "scored": year >= evaluation.POINTS_FROM_YEAR,
        "cards": [(str(Rating(r).label), number_text(n)) for r, n in counts.items()],
        "chart": bar_chart(
            _("Ratings of %(year)s") % {"year": year},
            [_("Officials")],
            [(str(Rating(r).label), [n]) for r, n in counts.items()],
        )
        if dist.total
        else None,
        "rows": evaluation.evaluations_of(unit_id=unit.unit_id, year=year),
        "writable": writable,
        "officials": officials,
        "percent": evaluation.OUTSTANDING_PERCENT,
    }


def _evaluation_form(officials: list[tuple[int, str]], data: Any = None) -> EvaluationForm:
    form = EvaluationForm(data)
    field = form.fields["official"]
    assert isinstance(field, forms.ChoiceField)
    field.choices = [(pk, name) for pk, name in officials]
    return form


@login_required
def evaluations(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    filters = UnitYearForm(source)
    context: dict[str, Any] = {"filters": filters}
    if not filters.is_valid():
        return render(
            request,
            EVALUATIONS,
            {**context, "error_summary": error_summary(form=filters)},
            status=400,
        )
    wanted = filters.cleaned_data["unit"].strip()
    year = filters.cleaned_data["year"] or timezone.localdate().year
    if not wanted:
        return render(request, EVALUATIONS, context)
    with scopes_cached():
        try:
            unit = _unit(request, wanted)
        except DomainError as error:
            return render_refusal(
                request, error, template=EVALUATIONS, context=context, form=filters
            )
        context.update(_evaluation_context(request, unit, year))
        if request.method != "POST":
            context["form"] = _evaluation_form(context["officials"])
            return render(request, EVALUATIONS, context)
        form = _evaluation_form(context["officials"], request.POST)
        context["form"] = form
        if not form.is_valid():
            return render(
                request,
                EVALUATIONS,
                {**context, "error_summary": error_summary(form=form)},
                status=400,
            )
        try:
            staff_access.access_official(request.user, form.cleaned_data["official"], write=True)
            row = evaluation.evaluation_record(
                actor=request.user,
                official_id=form.cleaned_data["official"],
                year=year,
                general_points=form.cleaned_data["general_points"],
                task_points=form.cleaned_data["task_points"],
                rating=form.cleaned_data["rating"] or None,
                unit_id=unit.unit_id,
            )
        except DomainError as error:
            return render_refusal(request, error, template=EVALUATIONS, context=context, form=form)
    messages.success(
        request,
        _("Recorded: %(name)s, %(rating)s.")
        % {"name": row.official.full_name, "rating": Rating(row.rating).label},
    )
    query = urlencode({"unit": unit.code, "year": year})
    return redirect(f"{reverse('staffing:rules-evaluations')}?{query}")


# -- leaders ------------------------------------------------------------------------------------
LEADERS = "staffing/rules/leaders.html"


@login_required
def leaders_page(request: HttpRequest) -> HttpResponse:
    filters = UnitForm(request.GET)
    context: dict[str, Any] = {"filters": filters}
    if not filters.is_valid() or not filters.cleaned_data["unit"].strip():
        return render(request, LEADERS, context, status=400 if filters.errors else 200)
    today = timezone.localdate()
    with scopes_cached():
        try:
            unit = _unit(request, filters.cleaned_data["unit"].strip())
        except DomainError as error:
            return render_refusal(request, error, template=LEADERS, context=context, form=filters)
        ids = leaders.units_under(unit.unit_id, today)
        rows = leaders.norm_report(ids, today)
        excess = leaders.excess_list(unit_ids=ids, today=today)
    return render(
        request,
        LEADERS,
        {
            **context,
            "unit": unit,
            "today": today,
            "rows": rows,
            "above": [r for r in rows if r["above_heads"] or r["above_deputies"]],
            "excess": excess,
        },
    )


# -- leavers ------------------------------------------------------------------------------------
LEAVERS = "staffing/rules/leavers.html"


def _leavers_context(request: HttpRequest, unit: UnitVersion) -> dict[str, Any]:
    today = timezone.localdate()
    # The amounts are months of salary: shown only to those who manage the unit's people.
    writable = access.may_write_unit(request.user, unit.unit_id)
    rows = leavers.leavers_of(
        unit_ids=leavers.units_answered_by(unit.unit_id, today), amounts=writable
    )
    for row in rows:
        row["total_text"] = number_text(row["total"]) if writable else "—"
    return {
        "unit": unit,
        "rows": rows,
        "writable": writable,
        "pending_total": number_text(sum(r["total"] for r in rows if r["payment"] == "pending"))
        if writable
        else None,
        "paid_total": number_text(sum(r["total"] for r in rows if r["payment"] == "paid"))
        if writable
        else None,
        # Those of the unit not yet leaving, for the form (names only).
        "officials": list(
            Official.objects.filter(unit_id=unit.unit_id, status=Status.ACTIVE, leaver__isnull=True)
            .order_by("full_name", "id")
            .values_list("id", "full_name")[:MAX_OFFICIALS]
        )
        if writable
        else [],
    }


def _leaver_form(officials: list[tuple[int, str]], data: Any = None) -> LeaverForm:
    form = LeaverForm(data)
    field = form.fields["official"]
    assert isinstance(field, forms.ChoiceField)
    field.choices = list(officials)
    return form


@login_required
def leavers_page(request: HttpRequest) -> HttpResponse:
    """GET: the leavers of a unit; POST: record one (the amounts of the formula in force)."""
    filters = UnitForm(request.POST if request.method == "POST" else request.GET)
    context: dict[str, Any] = {"filters": filters}
    if not filters.is_valid() or not filters.cleaned_data["unit"].strip():
        return render(request, LEAVERS, context, status=400 if filters.errors else 200)
    with scopes_cached():
        try:
            unit = _unit(request, filters.cleaned_data["unit"].strip())
        except DomainError as error:
            return render_refusal(request, error, template=LEAVERS, context=context, form=filters)
        context.update(_leavers_context(request, unit))
        if request.method != "POST":
            context["form"] = _leaver_form(context["officials"])
            return render(request, LEAVERS, context)
        form = _leaver_form(context["officials"], request.POST)
        context["form"] = form
        if not form.is_valid():
            return render(
                request, LEAVERS, {**context, "error_summary": error_summary(form=form)}, status=400
            )
        data = form.cleaned_data
        try:
            staff_access.access_official(request.user, data["official"], write=True)
            row = leavers.leaver_record(
                actor=request.user,
                official_id=data["official"],
                kind=data["kind"],
                reason=data["reason"],
                decided_on=data["decided_on"],
                leaves_on=data["leaves_on"],
                reorganized_on=data["reorganized_on"],
                retirement_on=data["retirement_on"],
                monthly_salary=data["monthly_salary"],
                insured_months=data["insured_months"],
            )
        except DomainError as error:
            return render_refusal(request, error, template=LEAVERS, context=context, form=form)
    messages.success(
        request,
        _("Recorded: %(name)s leaves on %(day)s; total %(total)s VND.")
        % {
            "name": row.official.full_name,
            "day": row.leaves_on.strftime("%d/%m/%Y"),
            "total": number_text(int(row.total)),
        },
    )
    return redirect(f"{reverse('staffing:rules-leavers')}?{urlencode({'unit': unit.code})}")


@login_required
def leaver_pay(request: HttpRequest, leaver_id: int) -> HttpResponse:
    """GET: the confirmation page; POST: record the payment."""
    try:
        leaver = leavers.access_leaver(request.user, leaver_id, write=True)
        version = access.access_any_version(request.user, leaver.unit_id)
    except DomainError as error:
        return render_refusal(request, error)
    back = f"{reverse('staffing:rules-leavers')}?{urlencode({'unit': version.code})}"
    form = PayForm(request.POST if request.method == "POST" else {"paid_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            leavers.leaver_pay(
                actor=request.user, leaver_id=leaver.pk, paid_on=form.cleaned_data["paid_on"]
            )
        except DomainError as error:
            return render_refusal(request, error)
        messages.success(
            request, _("Recorded as paid: %(name)s.") % {"name": leaver.official.full_name}
        )
        return redirect(back)
    paid_on = form.cleaned_data["paid_on"] if form.is_valid() else timezone.localdate()
    return render(
        request,
        "confirm.html",
        {
            "title": _("Confirm the payment"),
            "lead": _(
                "The amounts of %(name)s will be recorded as paid. This cannot be undone here."
            )
            % {"name": leaver.official.full_name},
            "rows": [
                (_("Kind"), Leaver.Kind(leaver.kind).label),
                (_("Total (VND)"), number_text(int(leaver.total))),
                (_("Paid on"), paid_on.strftime("%d/%m/%Y")),
                (_("Formula"), leaver.formula.version),
            ],
            "action": reverse("staffing:rules-leaver-pay", kwargs={"leaver_id": leaver.pk}),
            "fields": {"paid_on": paid_on.strftime("%d/%m/%Y")},
            "button": _("Record as paid"),
            "cancel_url": back,
        },
        status=400 if request.method == "POST" else 200,
    )


# -- formulas -----------------------------------------------------------------------------------
FORMULAS = "staffing/rules/formulas.html"


@login_required
def formulas(request: HttpRequest) -> HttpResponse:
    """The versions of the leaver formula; superusers add a new version (validated)."""
    editable = request.user.is_superuser  # the formula is national: not a unit's to change
    versions = list(LeaverFormula.objects.order_by("-valid_from", "-id"))
    latest = versions[0] if versions else None
    context: dict[str, Any] = {
        "versions": [(v, leavers.formula_terms(v.coefficients)) for v in versions],
        "editable": editable,
    }
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        form = FormulaForm(request.POST)
        context["form"] = form
        if not form.is_valid():
            return render(
                request,
                FORMULAS,
                {**context, "error_summary": error_summary(form=form)},
                status=400,
            )
        try:
            try:
                coefficients = json.loads(form.cleaned_data["coefficients"])
            except json.JSONDecodeError as bad:
                raise DomainError(
                    _("The coefficients are not JSON: %(error)s.") % {"error": bad}
                ) from None
            created = leavers.formula_create(
                actor=request.user,
                version=form.cleaned_data["version"],
                valid_from=form.cleaned_data["valid_from"],
                coefficients=coefficients,
                source=form.cleaned_data["source"],
            )
        except DomainError as error:
            return render_refusal(request, error, template=FORMULAS, context=context, form=form)
        messages.success(request, _("Formula %(version)s added.") % {"version": created.version})
        return redirect("staffing:rules-formulas")
    if editable:
        context["form"] = FormulaForm(
            initial={
                "coefficients": json.dumps(
                    latest.coefficients if latest else {}, ensure_ascii=False, indent=2
                ),
                "valid_from": dt.date.today(),
            }
        )
    return render(request, FORMULAS, context)
