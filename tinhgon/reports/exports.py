"""Spreadsheet exports of the figures, for the people who sign the decisions: in the reader's
language, every cell written through tinhgon.core.xlsx.append_row (never a formula)."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from tinhgon.core.commands import day_text
from tinhgon.core.xlsx import append_row
from tinhgon.reports.selectors import figure_label, figure_rows


def figures_workbook(report: dict[str, Any]) -> bytes:
    """An .xlsx of one figures report, or of a change report (before, after, change columns);
    the last column keeps each figure's key, for scripts."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Apparatus")
    bold = Font(bold=True)
    if "change" in report:
        append_row(sheet, [_("Apparatus figures"), report["before"]["area"]])
        append_row(
            sheet,
            [_("Figure"), day_text(report["from"]), day_text(report["to"]), _("Change"), _("Key")],
        )
        before = dict(figure_rows(report["before"]))
        after = dict(figure_rows(report["after"]))
        for key, delta in report["change"].items():
            append_row(
                sheet, [figure_label(key), before.get(key, 0), after.get(key, 0), delta, key]
            )
    else:
        append_row(sheet, [_("Apparatus figures"), report["area"]])
        append_row(sheet, [_("Figure"), day_text(report["as_of"]), _("Key")])
        for key, value in figure_rows(report):
            append_row(sheet, [figure_label(key), value, key])
    for cell in sheet[2]:
        cell.font = bold
    sheet.column_dimensions["A"].width = 56
    for column in "BCDE":
        sheet.column_dimensions[column].width = 14
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
