"""Figures of commendations (by form, unit and campaign) as charts and as a spreadsheet."""

from __future__ import annotations

import io
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook

from tinhgon.commendations import selectors
from tinhgon.commendations.models import Commendation
from tinhgon.core.charts import BarChart, bar_chart, stack_chart
from tinhgon.core.xlsx import append_row

CHART_ROWS = 15


def charts(data: dict[str, list[dict[str, Any]]]) -> list[tuple[str, Any]]:
    series = [_("Collectives"), _("Individuals")]

    def rows(found: list[dict[str, Any]], label: str) -> list[tuple[str, list[int]]]:
        return [
            (str(r[label] or _("No campaign")), [r["collectives"], r["individuals"]])
            for r in found[:CHART_ROWS]
        ]

    drawn: list[tuple[str, BarChart | Any]] = [
        (
            "by-form",
            stack_chart(_("Commendations by form"), series, rows(data["by_form"], "form__name")),
        ),
        (
            "by-unit",
            bar_chart(_("Units most commended"), series, rows(data["by_unit"], "unit_name")),
        ),
        (
            "by-campaign",
            stack_chart(
                _("Commendations by campaign"), series, rows(data["by_campaign"], "campaign__theme")
            ),
        ),
    ]
    return [(key, chart) for key, chart in drawn if chart.description]


def figures_xlsx(found: QuerySet[Commendation]) -> bytes:
    """Three sheets of counts and the register itself."""
    data = selectors.figures(found)
    book = Workbook()
    heads = [_("Collectives"), _("Individuals"), _("Total")]
    sheet = book.active
    assert sheet is not None
    sheet.title = _("By form")[:31]
    append_row(sheet, [_("Form"), *heads])
    for r in data["by_form"]:
        append_row(sheet, [r["form__name"], r["collectives"], r["individuals"], r["total"]])
    sheet = book.create_sheet(_("By unit")[:31])
    append_row(sheet, [_("Code"), _("Unit"), *heads])
    for r in data["by_unit"]:
        append_row(
            sheet, [r["unit"], r["unit_name"], r["collectives"], r["individuals"], r["total"]]
        )
    sheet = book.create_sheet(_("By campaign")[:31])
    append_row(sheet, [_("Campaign"), *heads])
    for r in data["by_campaign"]:
        append_row(
            sheet, [r["campaign__theme"] or "", r["collectives"], r["individuals"], r["total"]]
        )
    sheet = book.create_sheet(_("Register")[:31])
    append_row(
        sheet,
        [
            _("Date"),
            _("Decision"),
            _("Form"),
            _("Recipient"),
            _("Kind"),
            _("Unit"),
            _("Campaign"),
            _("Reason"),
        ],
    )
    for r in selectors.rows(found, limit=20000):
        append_row(
            sheet,
            [
                r["date"],
                r["decision"],
                r["form"],
                r["recipient"],
                r["recipient_kind"],
                r["unit_name"],
                r["campaign"] or "",
                r["reason"],
            ],
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
