"""Reading uploaded spreadsheets, with one clear refusal for files that are not .xlsx."""

from __future__ import annotations

import io
import zipfile

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

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
