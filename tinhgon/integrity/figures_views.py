"""The integrity figures page (/integrity/figures/): a unit's or a province's cases, on-time
handling, inspections and recommendations over a period, as of a date; charts, tables, and the
same as a spreadsheet (?format=xlsx). The scope picker offers only units the reader sees; the
figures count only what the reader may read (figures.py). Counts only: no author, no name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhgon.accounts import access
from tinhgon.core.charts import bar_chart, stack_chart
from tinhgon.core.commands import number_text
from tinhgon.core.errors import DomainError
from tinhgon.core.forms import DayField, text_field
from tinhgon.core.views import error_summary, render_refusal
from tinhgon.integrity import figures
from tinhgon.units.kinds import Level

TEMPLATE = "integrity/figures/index.html"
RANKED = 10  # units drawn in the chart
PAGE_ROWS = 50  # rows of a unit table on the page (the spreadsheet has them all)
MAX_CHOICES = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class FiguresForm(forms.Form):
    unit = text_field(
        gettext_lazy("Unit or province"),
        gettext_lazy("Code or name"),
        max_length=200,
        list="figure-units",
    )
    date_from = DayField(label=gettext_lazy("Received from"))
    date_to = DayField(label=gettext_lazy("Received until"))
    as_of = DayField(label=gettext_lazy("As of"))

    def add_prefix(self, field_name: str) -> str:
        return {"date_from": "from", "date_to": "to", "as_of": "as-of"}.get(field_name, field_name)


def _choices(user) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(code, name) of the provinces, communes and wards the user sees today."""
    return list(
        access.visible_versions(user, timezone.localdate())
        .filter(level__in=[Level.PROVINCE, Level.COMMUNE], admin_unit_id=F("unit_id"))
        .order_by("level", "name")
        .values_list("code", "name")[:MAX_CHOICES]
    )


def charts(data: dict[str, Any]) -> list[tuple[str, Any]]:
    """Cases by kind (received, decided, open), their timeliness, recommendations, and the
    units concerned with the most cases."""
    c, r = data["cases"], data["recommendations"]
    drawn: list[tuple[str, Any]] = []
    kinds = [k for k in c["by_kind"] if k["received"] or k["decided"] or k["open"]]
    if kinds:
        drawn.append(
            (
                "chart-kinds",
                bar_chart(
                    _("Cases by kind"),
                    [_("Received"), _("Decided"), _("Open")],
                    [
                        (capfirst(k["label"]), [k["received"], k["decided"], k["open"]])
                        for k in kinds
                    ],
                ),
            )
        )
        drawn.append(
            (
                "chart-timeliness",
                stack_chart(
                    _("Timeliness by kind"),
                    [
                        _("Decided on time"),
                        _("Decided late"),
                        _("Open within the deadline"),
                        _("Open past the deadline"),
                    ],
                    [
                        (capfirst(k["label"]), [k["on_time"], k["late"], k["within"], k["overdue"]])
                        for k in kinds
                    ],
                ),
            )
        )
    inspections = [k for k in data["inspections"]["by_kind"] if k["total"] or k["open"]]
    if inspections:
        statuses = data["inspections"]["statuses"]
        drawn.append(
            (
                "chart-inspections",
                stack_chart(
                    _("Inspections of the period by status"),
                    [capfirst(s["label"]) for s in statuses],
                    [
                        (capfirst(k["label"]), [k[s["status"]] for s in statuses])
                        for k in inspections
                    ],
                ),
            )
        )
    if r["total"] or r["open"]:
        drawn.append(
            (
                "chart-recommendations",
                bar_chart(
                    _("Recommendations"),
                    [_("Count")],
                    [
                        (_("Made in the period"), [r["total"]]),
                        (_("Implemented"), [r["implemented"]]),
                        (_("Implemented on time"), [r["implemented_on_time"]]),
                        (_("Open"), [r["open"]]),
                        (_("Overdue"), [r["overdue"]]),
                        (_("Escalated"), [r["escalated"]]),
                    ],
                ),
            )
        )
    ranked = [u for u in c["by_unit"] if u["received"]][:RANKED]
    if ranked:
        drawn.append(
            (
                "chart-units",
                bar_chart(
                    _("Units concerned with the most cases received"),
                    [_("Received"), _("Open")],
                    [(u["name"] or u["unit"], [u["received"], u["open"]]) for u in ranked],
                ),
            )
        )
    return drawn


def _texts(row: dict[str, Any], columns: list[tuple[str, str]]) -> list[str]:
    return [number_text(row[k]) for k, _label in columns]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    form = FiguresForm(request.GET)
    context: dict[str, Any] = {"form": form, "choices": _choices(request.user)}
    if not form.is_valid():
        return render(
            request, TEMPLATE, {**context, "error_summary": error_summary(form=form)}, status=400
        )
    code = form.cleaned_data["unit"].strip()
    try:
        period = figures.period(
            form.cleaned_data["date_from"],
            form.cleaned_data["date_to"],
            form.cleaned_data["as_of"],
        )
        if not code and not request.GET:
            # The first visit: one's own unit if one has exactly one, else the empty form.
            try:
                scope = figures.resolve_scope(request.user, None)
            except DomainError:
                return render(request, TEMPLATE, context)
        else:
            scope = figures.resolve_scope(request.user, code)
        data = figures.figures(request.user, scope, period)
    except DomainError as error:
        return render_refusal(request, error, template=TEMPLATE, context=context, form=form)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(figures.workbook(data), content_type=XLSX)
        response["Content-Disposition"] = (
            f'attachment; filename="integrity-figures-{scope.code}-{period.as_of}.xlsx"'
        )
        return response
    cards = [
        (label, figures.percent(value) if key in figures.SHARES else number_text(value))
        for key, label, value in figures.summary_rows(data)
        if key
        in (
            "cases.received",
            "cases.on_time_rate",
            "cases.open",
            "cases.overdue",
            "inspections.open",
            "recommendations.implementation_rate",
            "recommendations.overdue",
            "cases.anonymous_share",
        )
    ]
    case_columns, rec_columns = figures.case_columns(), figures.rec_columns()
    c = data["cases"]
    return render(
        request,
        TEMPLATE,
        {
            **context,
            "data": data,
            "period": period,
            "cards": cards,
            "charts": charts(data),
            "case_headers": [label for _k, label in case_columns],
            "rec_headers": [label for _k, label in rec_columns],
            "kinds": [
                {
                    "label": row["label"],
                    "cells": _texts(row, case_columns),
                    "rate": figures.percent(row["on_time_rate"]),
                }
                for row in c["by_kind"]
            ],
            "kind_headers": [row["label"] for row in c["by_kind"]],
            "statuses": [
                {
                    "label": row["label"],
                    "cells": [number_text(row[k["kind"]]) for k in c["by_kind"]],
                    "total": number_text(row["total"]),
                }
                for row in c["by_status"]
            ],
            "unit_tables": [
                (
                    "by-unit",
                    _("Cases by unit concerned"),
                    [
                        (r["unit"], r["name"], _texts(r, case_columns))
                        for r in c["by_unit"][:PAGE_ROWS]
                    ],
                    len(c["by_unit"]),
                ),
                (
                    "by-handler",
                    _("Cases by handler unit"),
                    [
                        (r["unit"], r["name"], _texts(r, case_columns))
                        for r in c["by_handler"][:PAGE_ROWS]
                    ],
                    len(c["by_handler"]),
                ),
            ],
            "inspection_statuses": [s["label"] for s in data["inspections"]["statuses"]],
            "inspections": [
                {
                    "label": row["label"],
                    "total": number_text(row["total"]),
                    "open": number_text(row["open"]),
                    "cells": [
                        number_text(row[s["status"]]) for s in data["inspections"]["statuses"]
                    ],
                }
                for row in data["inspections"]["by_kind"]
            ],
            "recommendations": [
                (
                    r["unit"],
                    r["name"],
                    _texts(r, rec_columns),
                    figures.percent(r["implementation_rate"]),
                )
                for r in data["recommendations"]["by_unit"][:PAGE_ROWS]
            ],
            "recommendation_units": len(data["recommendations"]["by_unit"]),
            "page_rows": PAGE_ROWS,
        },
    )
