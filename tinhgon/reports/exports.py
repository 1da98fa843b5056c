"""Spreadsheet exports of the figures, for the people who sign the decisions."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from tinhgon.reports.selectors import figure_label, figure_rows


def figures_workbook(report: dict[str, Any]) -> bytes:
    """An .xlsx of one figures report, or of a change report (before, after, change columns)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Apparatus"
    bold = Font(bold=True)
    if "change" in report:
        sheet.append(["Apparatus figures", report["before"]["area"]])
        sheet.append(["Figure", report["from"], report["to"], "Change", "Key"])
        before = dict(figure_rows(report["before"]))
        after = dict(figure_rows(report["after"]))
        for key, delta in report["change"].items():
            sheet.append([figure_label(key), before.get(key, 0), after.get(key, 0), delta, key])
    else:
        sheet.append(["Apparatus figures", report["area"]])
        sheet.append(["Figure", report["as_of"], "Key"])
        for key, value in figure_rows(report):
            sheet.append([figure_label(key), value, key])
    for cell in sheet[2]:
        cell.font = bold
    sheet.column_dimensions["A"].width = 56
    for column in "BCDE":
        sheet.column_dimensions[column].width = 14
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
