"""The preview as a spreadsheet, for the people who sign the decision."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from tinhgon.reports.selectors import figure_label, figure_rows


def preview_workbook(report: dict[str, Any]) -> bytes:
    workbook = Workbook()
    bold = Font(bold=True)
    summary = workbook.active
    summary.title = "summary"
    plan = report.get("plan", {})
    summary.append(["Plan", plan.get("title")])
    summary.append(["Effective date", plan.get("effective_date")])
    summary.append(["Legal basis", (plan.get("legal_basis") or {}).get("number")])
    summary.append([])
    for key in ("units_opened", "units_closed", "units_changed", "links"):
        summary.append([key, report[key]])
    for name, count in report["carriers"].items():
        summary.append([f"moves: {name}", count])
    for name, ids in report["needs_decision"].items():
        summary.append([f"needs a decision: {name}", len(ids)])
    figures = workbook.create_sheet("figures")
    figures.append(["Figure", "Before", "After", "Change"])
    before, after = (
        dict(figure_rows(report["figures_before"])),
        dict(figure_rows(report["figures_after"])),
    )
    for key in sorted(before.keys() | after.keys()):
        figures.append(
            [
                figure_label(key),
                before.get(key, 0),
                after.get(key, 0),
                after.get(key, 0) - before.get(key, 0),
            ]
        )
    steps = workbook.create_sheet("steps")
    steps.append(["Step", "Action", "Opened", "Closed", "Changed", "Derived"])
    for step in report.get("steps", []):
        steps.append(
            [
                step["step"],
                step["action"],
                "\n".join(step["opened"]),
                "\n".join(step["closed"]),
                "\n".join(step["changed"]),
                "\n".join(step["derived"]),
            ]
        )
    for sheet in (summary, figures, steps):
        for cell in sheet[1]:
            cell.font = bold
        sheet.column_dimensions["A"].width = 40
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
