"""The staffing figures page: a unit's quota, filled, vacant and surplus by category, its
leaders against the norm, its evaluations and qualification gaps; a province ranks its communes
by shortage. The same as a spreadsheet (?format=xlsx)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhgon.accounts import access
from tinhgon.core.charts import bar_chart, stack_chart
from tinhgon.core.commands import number_text
from tinhgon.core.errors import DomainError
from tinhgon.core.forms import DayField, text_field
from tinhgon.core.views import error_summary, render_refusal
from tinhgon.staffing import figures
from tinhgon.staffing.models import Field, Qualification, Rating
from tinhgon.units.kinds import Level

TEMPLATE = "staffing/figures/index.html"
RANKED = 30  # communes drawn in the chart (all are in the table)
MAX_CHOICES = 500


class FiguresForm(forms.Form):
    unit = text_field(
        gettext_lazy("Unit"), gettext_lazy("Code or name"), max_length=200, list="figure-units"
    )
    as_of = DayField(label=gettext_lazy("As of"), help_text=gettext_lazy("dd/mm/yyyy"))

    def add_prefix(self, field_name: str) -> str:
        return {"as_of": "as-of"}.get(field_name, field_name)


def _choices(user) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(code, name) of the provinces, communes and wards the user sees today."""
    return list(
        access.visible_versions(user, timezone.localdate())
        .filter(level__in=[Level.PROVINCE, Level.COMMUNE], admin_unit_id=F("unit_id"))
        .order_by("level", "name")
        .values_list("code", "name")[:MAX_CHOICES]
    )


def charts(data: dict[str, Any]) -> list[tuple[str, Any]]:
    drawn: list[tuple[str, Any]] = [
        (
            "chart-categories",
            bar_chart(
                _("Quota and filled by category"),
                [_("Quota"), _("Filled")],
                [(r["label"], [r["quota"], r["filled"]]) for r in data["categories"]],
            ),
        )
    ]
    if data["evaluations"]:
        drawn.append(
            (
                "chart-evaluations",
                stack_chart(
                    _("Evaluations by year"),
                    [str(label) for label in Rating.labels],
                    [(str(r["year"]), [r[k] for k in Rating.values]) for r in data["evaluations"]],
                ),
            )
        )
    communes = [r for r in data.get("communes", []) if r["quota"] or r["filled"]][:RANKED]
    if communes:
        drawn.append(
            (
                "chart-communes",
                bar_chart(
                    _("Communes with the largest shortage: quota and filled"),
                    [_("Quota"), _("Filled")],
                    [(r["name"], [r["quota"], r["filled"]]) for r in communes],
                ),
            )
        )
    return drawn


@login_required
def index(request: HttpRequest) -> HttpResponse:
    form = FiguresForm(request.GET)
    context: dict[str, Any] = {"form": form, "choices": _choices(request.user)}
    if not form.is_valid():
        return render(
            request, TEMPLATE, {**context, "error_summary": error_summary(form=form)}, status=400
        )
    code = form.cleaned_data["unit"].strip()
    if not code:
        return render(request, TEMPLATE, context)
    day = form.cleaned_data["as_of"] or timezone.localdate()
    try:
        version = figures.resolve_unit(request.user, code, day)
        data = figures.for_reader(request.user, figures.unit_figures(day, version.unit_id))
    except DomainError as error:
        return render_refusal(request, error, template=TEMPLATE, context=context, form=form)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            figures.workbook(data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="staff-figures-{version.code}-{day}.xlsx"'
        )
        return response
    for row in data["gaps"]["rows"]:
        row["gap"] = figures.gap_text(row)
        row["level_text"] = Qualification(row["level"]).label
        row["level_required_text"] = Qualification(row["level_required"]).label
        row["field_text"] = Field(row["field"]).label
        row["field_required_text"] = Field(row["field_required"]).label
    for row in data["evaluations"]:
        row["counts"] = [row[k] for k in Rating.values]
    cards = [
        (_("Quota"), number_text(data["quota"])),
        (_("Filled"), number_text(data["filled"])),
        (_("Vacant"), number_text(data["vacant"])),
        (
            _("Surplus") if data["surplus"] >= 0 else _("Shortage"),
            number_text(abs(data["surplus"])),
        ),
        (_("Heads"), number_text(data["leaders"]["heads"])),
        (_("Deputies"), number_text(data["leaders"]["deputies"])),
    ]
    return render(
        request,
        TEMPLATE,
        {
            **context,
            "data": data,
            "day": day,
            "cards": cards,
            "charts": charts(data),
            "ratings": list(zip(Rating.values, Rating.labels, strict=True)),
        },
    )
