"""Spreadsheets of equipment: a unit (its gaps and inventory), a province (communes ranked and
every gap row), the surplus premises after mergers. Written through tinhgon.core.xlsx (no cell
is ever a formula); headers in the reader's language."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _
from openpyxl import Workbook

from tinhgon.core.xlsx import append_row
from tinhgon.equipment.models import InventoryItem, PremisesStatus, PremisesUse
from tinhgon.equipment.selectors import CommuneGaps, Gap, SurplusPremises, inventory_of
from tinhgon.units.models import UnitVersion


def _sheet(
    book: Workbook, title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]
) -> None:
    sheet = book.create_sheet(title[:31])
    append_row(sheet, headers)
    for row in rows:
        append_row(sheet, row)


def _save(book: Workbook) -> bytes:
    default = book.worksheets[0]
    if default.max_row == 1 and default.max_column == 1 and default["A1"].value is None:
        book.remove(default)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _gap_rows(gaps: list[Gap]) -> tuple[list[str], list[list[object]]]:
    headers = [
        _("Unit code"),
        _("Unit"),
        _("Item"),
        _("Unit of measure"),
        _("Required"),
        _("Available"),
        _("Usable"),
        _("Shortfall"),
        _("Surplus"),
        _("Estimated cost (VND)"),
    ]
    rows: list[list[object]] = [
        [
            g.unit_code,
            g.unit_name,
            g.item_name,
            g.measure,
            g.required,
            g.available,
            g.usable,
            g.shortfall,
            g.surplus,
            g.cost,
        ]
        for g in gaps
    ]
    return headers, rows


def unit_xlsx(version: UnitVersion, gaps: list[Gap]) -> bytes:
    book = Workbook()
    _sheet(book, _("Gaps"), *_gap_rows(gaps))
    items: list[InventoryItem] = list(inventory_of(version.unit_id)[:5000])
    _sheet(
        book,
        _("Inventory"),
        [
            _("Item"),
            _("Quantity"),
            _("Condition"),
            _("Year acquired"),
            _("Value (VND)"),
            _("Location"),
            _("Note"),
        ],
        [
            [
                i.item_type.name,
                i.quantity,
                i.get_condition_display(),
                i.acquired_year,
                i.value,
                i.location,
                i.note,
            ]
            for i in items
        ],
    )
    return _save(book)


def province_xlsx(ranked: list[CommuneGaps], gaps: list[Gap]) -> bytes:
    book = Workbook()
    _sheet(
        book,
        _("Communes"),
        [
            _("Code"),
            _("Commune"),
            _("Lines short"),
            _("Shortfall"),
            _("Share missing (%)"),
            _("Estimated cost (VND)"),
            _("Items short"),
        ],
        [
            [r.code, r.name, r.lines_short, r.shortfall, r.share, r.cost, ", ".join(r.items_short)]
            for r in ranked
        ],
    )
    _sheet(book, _("Gaps"), *_gap_rows(gaps))
    return _save(book)


def surplus_xlsx(rows: list[SurplusPremises]) -> bytes:
    book = Workbook()
    _sheet(
        book,
        _("Surplus premises"),
        [
            _("Unit"),
            _("Premises"),
            _("Address"),
            _("Floor area (m²)"),
            _("Use"),
            _("Status"),
            _("Planned use"),
            _("Came from"),
            _("Merged on"),
        ],
        [
            [
                s.unit_name,
                s.premises.name,
                s.premises.address,
                s.premises.area_m2,
                str(PremisesUse(s.premises.use).label),
                str(PremisesStatus(s.premises.status).label),
                s.premises.planned_use,
                s.came_from,
                s.premises.merged_on.strftime("%d/%m/%Y") if s.premises.merged_on else "",
            ]
            for s in rows
        ],
    )
    return _save(book)
