"""Spreadsheets written by exports: cells that are never formulas (reading uploads, within
bounds, is tinhgon.core.xlsx_read)."""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

# Text that a spreadsheet program reads as a formula, or turns into one when the cell is edited:
# a plan titled '=HYPERLINK("http://...")' was a live link in the preview the signatories open.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def literal(sheet: Worksheet, value: object) -> object:
    """`value` as a cell of `sheet` can hold it without ever being a formula: a text that starts
    like a formula becomes a string cell with Excel's quote prefix (shown as typed, never run);
    every other value is returned as it is."""
    if not (isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)):
        return value
    cell = Cell(sheet, value=value)
    cell.data_type = "s"  # openpyxl made "=..." a formula; a string it stays
    cell.quotePrefix = True
    return cell


def append_row(sheet: Worksheet, values: Iterable[object]) -> None:
    """The one way exports write a row: through `literal`, so no cell is ever a formula."""
    sheet.append([literal(sheet, value) for value in values])
