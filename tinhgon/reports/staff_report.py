"""The Resolution 18 report (Nghị quyết 18-NQ/TW, 25/10/2017, on streamlining the apparatus):
what a province reports to the centre between two dates, each figure as before → after, the
change and the change in percent, for the province and per commune.

Figures (reports.selectors defines the registry's, staffing.figures the people's):
- administrative units by level, the number of levels;
- focal points directly under the province, agencies of all kinds, provincial departments,
  commune offices, public service units;
- payroll: officials holding a position on the date, against the quota of the date's year;
- leaders and managers: officials holding a head's or a deputy's position.

Per commune: every commune and ward of the province on the later date, against the communes it
was formed from on the earlier date (the lineage of the plans between the dates; a commune
divided between several goes with its default successor), so a merger of three reads 3 → 1.

It lives in reports, above staffing: reports may read the people's figures, staffing never
imports reports.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from typing import Any

from django.db.models import F
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from tinhgon.core.charts import BarChart, bar_chart
from tinhgon.core.commands import day_text
from tinhgon.core.errors import DomainError, Problem
from tinhgon.core.xlsx import append_row
from tinhgon.reports.selectors import figure_rows
from tinhgon.reports.service import resolve_area, scoped_figures
from tinhgon.staffing import figures as staff
from tinhgon.units import selectors
from tinhgon.units.kinds import Level
from tinhgon.units.models import UnitLink

ROWS = [
    ("administrative_units.province_level", gettext_lazy("Administrative units: province level")),
    ("administrative_units.district_level", gettext_lazy("Administrative units: district level")),
    ("administrative_units.commune_level", gettext_lazy("Administrative units: commune level")),
    ("levels", gettext_lazy("Administrative levels")),
    ("focal_points_under_province", gettext_lazy("Focal points directly under the province")),
    ("agencies", gettext_lazy("Agencies, all kinds")),
    ("departments", gettext_lazy("Provincial departments")),
    ("offices", gettext_lazy("Commune offices")),
    ("by_kind.public_service_unit", gettext_lazy("Public service units")),
    ("payroll.filled", gettext_lazy("Payroll: officials holding a position")),
    ("payroll.quota", gettext_lazy("Payroll: quota of the year")),
    ("leaders.total", gettext_lazy("Leaders and managers")),
    ("leaders.heads", gettext_lazy("Leaders: heads")),
    ("leaders.deputies", gettext_lazy("Leaders: deputies")),
]
CHARTED = [
    "administrative_units.commune_level",
    "focal_points_under_province",
    "departments",
    "offices",
    "payroll.filled",
    "leaders.total",
]


def change_pct(before: int, after: int) -> float | None:
    """The change in percent, to one decimal (None: nothing before to compare with)."""
    if not before:
        return None
    return round((after - before) * 100 / before, 1)


def _row(key: str, label: str, before: int, after: int) -> dict[str, Any]:
    return {
        "key": key,
        "label": label,
        "before": before,
        "after": after,
        "change": after - before,
        "change_pct": change_pct(before, after),
    }


def _side(user, province: str, day: dt.date) -> tuple[dict[str, int], dict[int, staff.Tally], str]:  # type: ignore[no-untyped-def]
    """The flat figures of the province on `day`, its communes' tallies and its name."""
    area = resolve_area(user, day=day, province=province)
    assert area.province_id is not None
    flat = dict(figure_rows(scoped_figures(user, day, area)))
    unit_ids = sorted(selectors.subtree_depths([area.province_id], day))
    counts = staff.UnitCounts.read(day, unit_ids)
    total = staff.tallies(day, unit_ids, counts=counts).get(0, staff.Tally())
    flat.update(
        {
            "payroll.filled": total.total.filled,
            "payroll.quota": total.total.quota,
            "leaders.heads": total.heads,
            "leaders.deputies": total.deputies,
            "leaders.total": total.heads + total.deputies,
        }
    )
    return flat, staff.locality_figures(day, unit_ids, counts=counts), area.label


def _communes(province_ids: set[int], day: dt.date) -> dict[int, tuple[str, str]]:
    return {
        unit_id: (code, name)
        for unit_id, code, name in selectors.versions_on(day)
        .filter(level=Level.COMMUNE, admin_unit_id=F("unit_id"), province_id__in=province_ids)
        .values_list("unit_id", "code", "name")
    }


def _became(day_from: dt.date, day_to: dt.date) -> dict[int, int]:
    """{unit: its default successor} for the plans that took effect after `day_from`, up to
    `day_to`, followed to the end (a unit merged twice goes to the last)."""
    links = dict(
        UnitLink.objects.filter(
            effective_date__gt=day_from, effective_date__lte=day_to, is_default=True
        ).values_list("predecessor_id", "successor_id")
    )
    final = {}
    for unit in links:
        seen, current = {unit}, links[unit]
        while current in links and current not in seen:
            seen.add(current)
            current = links[current]
        final[unit] = current
    return final


def staff_report(
    user,  # type: ignore[no-untyped-def]
    *,
    province: str,
    day_from: dt.date,
    day_to: dt.date,
) -> dict[str, Any]:
    """The report of `province` (a name or code, in the user's scope; None: the operator)
    between two dates."""
    if day_from >= day_to:
        raise DomainError(
            _("The report compares an earlier date with a later one."),
            problems=[Problem(_("after the first date"), field="date_to")],
        )
    before, communes_before, _label = _side(user, province, day_from)
    after, communes_after, label = _side(user, province, day_to)
    rows = [_row(key, str(text), before.get(key, 0), after.get(key, 0)) for key, text in ROWS]
    province_after = selectors.resolve_province(province, day=day_to).unit_id
    province_before = selectors.resolve_province(province, day=day_from).unit_id
    now = _communes({province_after}, day_to)
    then = _communes({province_before}, day_from)
    became = _became(day_from, day_to)
    formed_from: dict[int, list[int]] = defaultdict(list)
    for unit_id in then:
        formed_from[became.get(unit_id, unit_id)].append(unit_id)
    commune_rows: list[dict[str, Any]] = []
    for unit_id, (code, name) in sorted(now.items(), key=lambda item: item[1][1]):
        sources = formed_from.get(unit_id, [])
        old = staff.Tally()
        for source in sources:
            tally = communes_before.get(source)
            if tally is not None:
                old.total.quota += tally.total.quota
                old.total.filled += tally.total.filled
                old.heads += tally.heads
                old.deputies += tally.deputies
        new = communes_after.get(unit_id, staff.Tally())
        commune_rows.append(
            {
                "unit_id": unit_id,
                "code": code,
                "name": name,
                "formed_from": [then[s][1] for s in sorted(sources, key=lambda s: then[s][1])],
                "communes": _row("communes", "", len(sources), 1),
                "filled": _row("filled", "", old.total.filled, new.total.filled),
                "quota": _row("quota", "", old.total.quota, new.total.quota),
                "leaders": _row("leaders", "", old.heads + old.deputies, new.heads + new.deputies),
            }
        )
    # Changed communes first (formed from several, or from none on the earlier date).
    commune_rows.sort(key=lambda r: (r["communes"]["before"] == 1, r["name"]))
    return {
        "province": label,
        "from": day_from.isoformat(),
        "to": day_to.isoformat(),
        "rows": rows,
        "communes": commune_rows,
    }


def chart(report: dict[str, Any]) -> BarChart:
    by_key = {row["key"]: row for row in report["rows"]}
    return bar_chart(
        _("Before and after"),
        [day_text(report["from"]), day_text(report["to"])],
        [(by_key[key]["label"], [by_key[key]["before"], by_key[key]["after"]]) for key in CHARTED],
    )


def pct_text(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{'+' if value > 0 else ''}{number_format(value, 1)} %"


def workbook(report: dict[str, Any]) -> bytes:
    """The report as an .xlsx: the province's figures, then one row per commune."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Resolution 18")
    bold = Font(bold=True)
    dates = [day_text(report["from"]), day_text(report["to"])]
    append_row(sheet, [_("Resolution 18 report"), report["province"]])
    append_row(sheet, [_("Figure"), *dates, _("Change"), _("Change (%)"), _("Key")])
    for row in report["rows"]:
        append_row(
            sheet,
            [
                row["label"],
                row["before"],
                row["after"],
                row["change"],
                row["change_pct"],
                row["key"],
            ],
        )
    for cell in sheet[2]:
        cell.font = bold
    sheet.column_dimensions["A"].width = 50
    communes = book.create_sheet(_("Communes"))
    append_row(
        communes,
        [
            _("Commune"),
            _("Formed from"),
            _("Communes before"),
            _("Officials before"),
            _("Officials after"),
            _("Change (%)"),
            _("Quota before"),
            _("Quota after"),
            _("Leaders before"),
            _("Leaders after"),
        ],
    )
    for row in report["communes"]:
        append_row(
            communes,
            [
                row["name"],
                ", ".join(row["formed_from"]),
                row["communes"]["before"],
                row["filled"]["before"],
                row["filled"]["after"],
                row["filled"]["change_pct"],
                row["quota"]["before"],
                row["quota"]["after"],
                row["leaders"]["before"],
                row["leaders"]["after"],
            ],
        )
    for cell in communes[1]:
        cell.font = bold
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
