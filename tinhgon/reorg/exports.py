"""The preview as a spreadsheet, for the people who sign the decision: in the reader's language,
every cell written through tinhgon.core.xlsx.append_row (never a formula)."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from tinhgon.core.commands import day_text
from tinhgon.core.xlsx import append_row
from tinhgon.reorg.templatetags.plans import action_label, carrier_label
from tinhgon.reports.selectors import figure_label, figure_rows


def preview_workbook(report: dict[str, Any]) -> bytes:
    workbook = Workbook()
    bold = Font(bold=True)
    summary = workbook.active
    summary.title = _("Summary")
    plan = report.get("plan", {})
    append_row(summary, [_("Plan"), plan.get("title")])
    append_row(summary, [_("Effective date"), day_text(plan.get("effective_date"))])
    append_row(summary, [_("Legal basis"), (plan.get("legal_basis") or {}).get("number")])
    append_row(summary, [])
    counts = {
        "units_opened": _("Units opened"),
        "units_closed": _("Units closed"),
        "units_changed": _("Units changed"),
        "links": _("Lineage links"),
    }
    for key, label in counts.items():
        append_row(summary, [label, report[key]])
    for name, count in report["carriers"].items():
        append_row(summary, [_("Moves: %(what)s") % {"what": carrier_label(name)}, count])
    for name, ids in report["needs_decision"].items():
        append_row(
            summary, [_("Needs a decision: %(what)s") % {"what": carrier_label(name)}, len(ids)]
        )
    figures = workbook.create_sheet(_("Figures"))
    append_row(figures, [_("Figure"), _("Before"), _("After"), _("Change")])
    before, after = (
        dict(figure_rows(report["figures_before"])),
        dict(figure_rows(report["figures_after"])),
    )
    for key in sorted(before.keys() | after.keys()):
        append_row(
            figures,
            [
                figure_label(key),
                before.get(key, 0),
                after.get(key, 0),
                after.get(key, 0) - before.get(key, 0),
            ],
        )
    steps = workbook.create_sheet(_("Steps"))
    append_row(
        steps, [_("Step"), _("Action"), _("Opened"), _("Closed"), _("Changed"), _("Derived")]
    )
    for step in report.get("steps", []):
        append_row(
            steps,
            [
                step["step"],
                action_label(step["action"]),
                "\n".join(step["opened"]),
                "\n".join(step["closed"]),
                "\n".join(step["changed"]),
                "\n".join(step["derived"]),
            ],
        )
    sheets = [summary, figures, steps]
    # Capabilities' panels (carriers.contract.register_preview): one sheet each, every row.
    for panel in report.get("panels", []):
        title = "".join(c for c in _(panel["title"]) if c not in "[]:*?/\\")[:31]
        sheet = workbook.create_sheet(title)
        append_row(sheet, [_(column) for column in panel["columns"]])
        for row in panel["rows"]:
            append_row(sheet, row)
        sheets.append(sheet)
    for sheet in sheets:
        for cell in sheet[1]:
            cell.font = bold
        sheet.column_dimensions["A"].width = 40
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
