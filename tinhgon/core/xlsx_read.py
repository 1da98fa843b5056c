"""Reading uploaded spreadsheets within bounds: a file that is not a readable .xlsx, whose XML is
broken, or that unpacks to far more than it weighs is refused with one clear error, and rows are
read only up to a limit (a sheet of 1,000,000 empty rows once cost 25 s of CPU)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from tinhgon.core.errors import DomainError, Problem

# What a workbook may unpack to. A spreadsheet compresses about tenfold; 296 KB once unpacked
# to a 300,000,000-character cell, which openpyxl holds in memory in full.
MAX_UNPACKED_BYTES = 100_000_000
# Blank rows in a row after which the data is taken to have ended.
BLANK_RUN = 1_000


def unreadable(filename: str, reason: str | None = None) -> DomainError:
    """The refusal of a file that does not read as a spreadsheet. `reason` is ours, translated:
    the libraries' own (English, about zip entries and XML tags) would help no one here."""
    message = _("%(file)s is not a readable .xlsx file.") % {"file": filename}
    if reason:
        message = _("%(file)s is not a readable .xlsx file (%(error)s).") % {
            "file": filename,
            "error": reason,
        }
    return DomainError(message, code="bad_file")


def open_workbook(content: bytes, filename: str) -> Workbook:
    """A workbook opened read-only (rows are streamed, not loaded), after checking that the file
    is a zip that unpacks to a bounded size."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise unreadable(filename, _("not a zip archive")) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise unreadable(
            filename,
            _("it unpacks to more than %(size)s MB") % {"size": MAX_UNPACKED_BYTES // 1_000_000},
        )
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        # openpyxl raises whatever its parsers meet in a malformed file (KeyError, ValueError,
        # ParseError, TypeError, ...): for an uploaded file that is bad input, never a 500.
        raise unreadable(filename) from None


def sheet_rows(
    sheet: ReadOnlyWorksheet, filename: str, *, max_rows: int, max_columns: int
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, values) for the rows of a sheet, the first included, up to `max_rows` rows
    and `max_columns` columns. Stops after BLANK_RUN blank rows in a row (the data's end); a
    non-blank row past `max_rows` raises a DomainError naming the limit. Broken XML met on the
    way is a DomainError too."""
    rows = sheet.iter_rows(max_row=max_rows + 1, max_col=max_columns, values_only=True)
    blank = 0
    number = 0
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception:
            # Broken XML or a malformed cell in the sheet (see open_workbook).
            raise unreadable(filename, _("the sheet's XML is broken")) from None
        number += 1
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            blank += 1
            if blank >= BLANK_RUN:
                return
            continue
        blank = 0
        if number > max_rows:
            raise DomainError(
                _("%(file)s has more than %(max)s rows.") % {"file": filename, "max": max_rows},
                code="too_many_rows",
                problems=[
                    Problem(_("at most %(max)s rows") % {"max": max_rows}, row=number),
                ],
            )
        yield number, values
