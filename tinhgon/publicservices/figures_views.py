"""The figures page: a unit's or a province's Decision 766 indicators over a period, charts,
the dossiers at risk with suggested reassignments, and the same as a spreadsheet."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhgon.accounts import access
from tinhgon.core.charts import bar_chart, stack_chart
from tinhgon.core.commands import moment_text, number_text
from tinhgon.core.errors import DomainError
from tinhgon.core.forms import DayField, text_field
from tinhgon.core.views import error_summary, render_refusal
from tinhgon.publicservices import figures
from tinhgon.units.kinds import Level as UnitLevel
from tinhgon.units.selectors import resolve_any_time

TEMPLATE = "service_figures/index.html"
RANKED = 30  # communes drawn in the ranking chart (all are in the table)
MAX_CHOICES = 500


class FiguresForm(forms.Form):
    unit = text_field(
        gettext_lazy("Unit"), gettext_lazy("Code or name"), max_length=200, list="figure-units"
    )
    province = text_field(
        gettext_lazy("Province"), gettext_lazy("Name or code, instead of a unit"), max_length=100
    )
    date_from = DayField(label=gettext_lazy("From"), help_text=gettext_lazy("dd/mm/yyyy"))
    date_to = DayField(label=gettext_lazy("To"), help_text=gettext_lazy("dd/mm/yyyy"))

    def add_prefix(self, field_name: str) -> str:
        return {"date_from": "from", "date_to": "to"}.get(field_name, field_name)


def _month_label(value: str) -> str:
    return date_format(dt.date.fromisoformat(value + "-01"), "YEAR_MONTH_FORMAT")


def charts(data: dict[str, Any]) -> list[tuple[str, Any]]:
    """Arrivals against completions by month, the timeliness of what was processed, and for a
    province the communes ranked by progress."""
    months = [m for m in data["months"] if m["arrived"] or m["finished"]]
    drawn: list[tuple[str, Any]] = []
    if months:
        drawn.append(
            (
                "chart-flow",
                bar_chart(
                    _("Received and processed by month"),
                    [_("Received"), _("Processed")],
                    [(_month_label(m["month"]), [m["arrived"], m["finished"]]) for m in months],
                ),
            )
        )
        drawn.append(
            (
                "chart-timeliness",
                stack_chart(
                    _("Timeliness of the dossiers processed"),
                    [_("Early"), _("On time"), _("Late")],
                    [
                        (_month_label(m["month"]), [m["early"], m["on_time"], m["late"]])
                        for m in months
                        if m["finished"]
                    ],
                ),
            )
        )
    ranked = [r for r in data.get("ranking", []) if r["progress"] is not None][:RANKED]
    if ranked:
        chart = bar_chart(
            _("Communes by progress (%)"),
            [_("Progress")],
            [(r["name"], [round(r["progress"] * 100)]) for r in ranked],
        )
        # The bars are whole percents; their labels say so, with the decimal.
        groups = [
            replace(g, bars=[replace(b, text=figures.percent(r["progress"])) for b in g.bars])
            for g, r in zip(chart.groups, ranked, strict=True)
        ]
        drawn.append(("chart-ranking", replace(chart, groups=groups)))
    return drawn


def _choices(user) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(code, name) of the communes and wards the user sees today, to pick from (the field
    takes any unit; a code is never ambiguous)."""
    day = timezone.localdate()
    return list(
        access.visible_versions(user, day)
        .filter(level=UnitLevel.COMMUNE, admin_unit_id=F("unit_id"))
        .order_by("name")
        .values_list("code", "name")[:MAX_CHOICES]
    )


@login_required
def index(request: HttpRequest) -> HttpResponse:
    form = FiguresForm(request.GET)
    context: dict[str, Any] = {"form": form, "choices": _choices(request.user)}
    if not form.is_valid():
        return render(
            request, TEMPLATE, {**context, "error_summary": error_summary(form=form)}, status=400
        )
    unit = form.cleaned_data["unit"].strip()
    province = form.cleaned_data["province"].strip() or None
    if not unit and not province and len(access.scope_for(request.user).roots) != 1:
        # Nothing asked and no single unit of one's own to default to: the chooser.
        return render(request, TEMPLATE, context)
    try:
        date_from, date_to = figures.period(
            form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        )
        # Only units the user may read are candidates: one outside the scope is "not found".
        unit_id = (
            resolve_any_time(
                unit, keep=lambda ids: access.visible_unit_ids(request.user, ids)
            ).unit_id
            if unit
            else None
        )
        area = figures.area_for(request.user, date_to=date_to, unit_id=unit_id, province=province)
        data = figures.dashboard(area, date_from, date_to)
    except DomainError as error:
        return render_refusal(request, error, template=TEMPLATE, context=context, form=form)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            figures.workbook(data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="figures-{date_to}.xlsx"'
        return response
    cards = [
        (label, figures.percent(value) if key in figures.SHARES else number_text(value))
        for key, label, value in figures.indicator_rows(data)[:8]
    ]
    for row in data.get("dossiers", []):
        row["due_text"] = moment_text(dt.datetime.fromisoformat(row["due"]))
    return render(
        request,
        TEMPLATE,
        {
            **context,
            "data": data,
            "cards": cards,
            "charts": charts(data),
            "date_from": date_from,
            "date_to": date_to,
            "ranking": [
                {**r, "progress_text": figures.percent(r["progress"])}
                for r in data.get("ranking", [])
            ],
        },
    )
