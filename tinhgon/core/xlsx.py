"""Spreadsheets: reading uploads, with one clear refusal for files that are not .xlsx, and
writing exports whose cells are never formulas."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from tinhgon.core.errors import DomainError


def open_workbook(content: bytes, filename: str) -> Workbook:
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise DomainError(
            _("%(file)s is not a readable .xlsx file (%(error)s).")
            % {"file": filename, "error": error},
            code="bad_file",
        ) from None


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
