"""The equipment figures of a province as of a day: units short of the standard, the shortfall
and surplus by item type with the estimated cost of buying what is short, the value of the
inventory by category, the premises by status (the surplus after mergers among them) and the
latest rebalancing run. Grouped queries and the set-based gaps (equipment.selectors.gaps): the
page, the API, the spreadsheet and `tinhgon equipment figures` share `province_figures`.

Definitions:
- a unit is *bound* by a standard when a standard in force requires it to hold something; it is
  *short* when it lacks at least one item in usable condition (good or worn);
- *shortfall* of an item: the sum over units of max(required - usable, 0); *surplus*: the sum of
  max(usable - required, 0) (what rebalancing may offer);
- *value*: the recorded acquisition value (VND) of the lines not written off;
- *surplus premises after mergers*: premises that came from a unit closed by a plan and are not
  their unit's headquarters, with the status the province gave them.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from tinhgon.core.charts import BarChart, bar_chart
from tinhgon.core.xlsx import append_row
from tinhgon.equipment import selectors
from tinhgon.equipment.models import (
    Category,
    InventoryItem,
    Premises,
    PremisesStatus,
)
from tinhgon.equipment.rebalance_models import RebalanceRun
from tinhgon.units.models import UnitVersion

SUMMARY_KEYS = (
    "units_bound",
    "units_short",
    "shortfall",
    "surplus",
    "shortfall_cost",
    "inventory_value",
    "premises_surplus",
)


def labels() -> dict[str, str]:
    return {
        "units_bound": _("Units bound by a standard"),
        "units_short": _("Units short of the standard"),
        "shortfall": _("Items short"),
        "surplus": _("Items above the standard"),
        "shortfall_cost": _("Estimated cost of what is short (VND)"),
        "inventory_value": _("Value of the inventory (VND)"),
        "premises_surplus": _("Surplus premises after mergers"),
    }


def _by_item(rows: list[selectors.Gap]) -> list[dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    for row in rows:
        entry = found.setdefault(
            row.item_type_id,
            {
                "item": row.item,
                "name": row.item_name,
                "measure": row.measure,
                "unit_price": row.unit_price,
                "required": 0,
                "usable": 0,
                "shortfall": 0,
                "surplus": 0,
                "units_short": 0,
                "shortfall_cost": 0,
            },
        )
        entry["required"] += row.required
        entry["usable"] += row.usable
        entry["shortfall"] += row.shortfall
        entry["surplus"] += row.surplus
        entry["units_short"] += 1 if row.shortfall else 0
        entry["shortfall_cost"] += row.cost
    return sorted(found.values(), key=lambda e: (-e["shortfall"], e["item"]))


def _units_short(rows: list[selectors.Gap]) -> list[dict[str, Any]]:
    units: dict[int, dict[str, Any]] = {}
    for row in rows:
        if not row.required:
            continue
        entry = units.setdefault(
            row.unit_id,
            {
                "unit": row.unit_code,
                "name": row.unit_name,
                "required": 0,
                "shortfall": 0,
                "items_short": 0,
                "shortfall_cost": 0,
            },
        )
        entry["required"] += row.required
        entry["shortfall"] += row.shortfall
        entry["items_short"] += 1 if row.shortfall else 0
        entry["shortfall_cost"] += row.cost
    return sorted(units.values(), key=lambda e: (-e["shortfall"], e["unit"]))


def _inventory(province_id: int) -> list[dict[str, Any]]:
    names = dict(Category.choices)
    rows = (
        InventoryItem.objects.filter(province_id=province_id, written_off_on__isnull=True)
        .values("item_type__category")
        .annotate(lines=Count("pk"), quantity=Sum("quantity"), value=Sum("value"))
        .order_by("item_type__category")
    )
    return [
        {
            "category": row["item_type__category"],
            "name": str(names.get(row["item_type__category"], row["item_type__category"])),
            "lines": row["lines"],
            "quantity": row["quantity"] or 0,
            "value": row["value"] or 0,
        }
        for row in rows
    ]


def _premises(province_id: int) -> dict[str, Any]:
    names = dict(PremisesStatus.choices)
    found = Premises.objects.filter(province_id=province_id)
    merged = Q(merged_on__isnull=False)
    by_status = (
        found.values("status")
        .annotate(n=Count("pk"), area=Sum("area_m2"), merged=Count("pk", filter=merged))
        .order_by("status")
    )
    return {
        "by_status": [
            {
                "status": row["status"],
                "name": str(names.get(row["status"], row["status"])),
                "premises": row["n"],
                "area_m2": row["area"] or 0,
                "from_mergers": row["merged"],
            }
            for row in by_status
        ],
        "surplus_after_mergers": len(selectors.surplus_premises(None, province_id)),
        "synthetic": found.filter(synthetic=True).exists(),
    }


def _latest_run(province_id: int) -> dict[str, Any] | None:
    run = RebalanceRun.objects.filter(province_id=province_id).order_by("-pk").first()
    if run is None:
        return None
    return {
        "run": run.pk,
        "status": run.status,
        "day": run.day.isoformat(),
        "gaps_before": run.gaps_before.get("total", 0),
        "gaps_after": run.gaps_after.get("total", 0),
        "cost": run.cost,
    }


def province_figures(province: UnitVersion, *, day: dt.date | None = None) -> dict[str, Any]:
    """Everything the figures page shows, as plain data (JSON can hold it)."""
    day = day or timezone.localdate()
    rows = selectors.gaps(day=day, province_id=province.unit_id)
    items = _by_item(rows)
    units = _units_short(rows)
    inventory = _inventory(province.unit_id)
    premises = _premises(province.unit_id)
    synthetic = (
        premises.pop("synthetic")
        or InventoryItem.objects.filter(province_id=province.unit_id, synthetic=True).exists()
    )
    return {
        "province": province.name,
        "province_code": province.code,
        "as_of": day.isoformat(),
        "synthetic": synthetic,
        "units_bound": len(units),
        "units_short": sum(1 for u in units if u["shortfall"]),
        "shortfall": sum(i["shortfall"] for i in items),
        "surplus": sum(i["surplus"] for i in items),
        "shortfall_cost": sum(i["shortfall_cost"] for i in items),
        "inventory_value": sum(c["value"] for c in inventory),
        "premises_surplus": premises["surplus_after_mergers"],
        "items": items,
        "units": [u for u in units if u["shortfall"]],
        "inventory": inventory,
        "premises": premises["by_status"],
        "rebalancing": _latest_run(province.unit_id),
    }


def items_chart(data: dict[str, Any]) -> BarChart | None:
    """Shortfall and surplus per item type: where rebalancing can help, and where only buying
    can."""
    shown = [i for i in data["items"] if i["shortfall"] or i["surplus"]]
    if not shown:
        return None
    return bar_chart(
        _("Shortfall and surplus by item"),
        [_("Short"), _("Above the standard")],
        [(i["name"], [i["shortfall"], i["surplus"]]) for i in shown],
    )


def figures_xlsx(data: dict[str, Any]) -> bytes:
    """The figures as a workbook: summary, items, units short, inventory, premises."""
    names = labels()
    book = Workbook()
    summary = book.active
    summary.title = _("Summary")[:31]
    append_row(summary, [data["province"], data["as_of"]])
    if data["synthetic"]:
        append_row(summary, [_("Includes synthetic demonstration data.")])
    for key in SUMMARY_KEYS:
        append_row(summary, [names[key], data[key]])
    items = book.create_sheet(_("Items")[:31])
    append_row(
        items,
        [
            _("Code"),
            _("Item"),
            _("Unit of measure"),
            _("Required"),
            _("Usable"),
            _("Short"),
            _("Above the standard"),
            _("Units short"),
            _("Estimated unit price (VND)"),
            _("Estimated cost of what is short (VND)"),
        ],
    )
    for i in data["items"]:
        append_row(
            items,
            [
                i["item"],
                i["name"],
                i["measure"],
                i["required"],
                i["usable"],
                i["shortfall"],
                i["surplus"],
                i["units_short"],
                i["unit_price"],
                i["shortfall_cost"],
            ],
        )
    units = book.create_sheet(_("Units short")[:31])
    append_row(
        units,
        [
            _("Code"),
            _("Unit"),
            _("Required"),
            _("Short"),
            _("Items short"),
            _("Estimated cost (VND)"),
        ],
    )
    for u in data["units"]:
        append_row(
            units,
            [
                u["unit"],
                u["name"],
                u["required"],
                u["shortfall"],
                u["items_short"],
                u["shortfall_cost"],
            ],
        )
    inventory = book.create_sheet(_("Inventory")[:31])
    append_row(inventory, [_("Category"), _("Lines"), _("Quantity"), _("Value (VND)")])
    for c in data["inventory"]:
        append_row(inventory, [c["name"], c["lines"], c["quantity"], c["value"]])
    premises = book.create_sheet(_("Premises")[:31])
    append_row(premises, [_("Status"), _("Premises"), _("Floor area (m²)"), _("From mergers")])
    for p in data["premises"]:
        append_row(premises, [p["name"], p["premises"], p["area_m2"], p["from_mergers"]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
