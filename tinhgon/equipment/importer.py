"""Inventories from an Excel workbook (docs/equipment.md, "Excel import"): all rows or none.

The first sheet's first row names the columns (the keys below, in any order); each further row is
one inventory line. Every problem is reported with its row and column; nothing is written unless
the whole sheet is valid and the actor may change every unit it names. Bounded: the file by
TINHGON_MAX_UPLOAD_BYTES, the rows by MAX_ROWS. The lines are inserted in one statement.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from tinhgon.core.errors import DomainError, Problem
from tinhgon.core.models import audit
from tinhgon.core.upload import max_upload_bytes, too_large
from tinhgon.core.xlsx import append_row
from tinhgon.core.xlsx_read import open_workbook, sheet_rows
from tinhgon.equipment import services
from tinhgon.equipment.models import Condition, InventoryItem, ItemType
from tinhgon.units import selectors as units

# (key, required, meaning): the keys are the format and stay as they are.
COLUMNS = [
    (
        "unit_code",
        False,
        gettext_lazy("Code of the unit holding the items (blank on a unit's page: that unit)"),
    ),
    ("item", True, gettext_lazy("Item type code (see the sheet 'items')")),
    ("quantity", True, gettext_lazy("Whole number, at least 1")),
    ("condition", False, gettext_lazy("good, usable or broken (blank: good)")),
    ("acquired_year", False, gettext_lazy("Year acquired (yyyy)")),
    ("value_vnd", False, gettext_lazy("Value of the line in VND, a whole number")),
    ("location", False, gettext_lazy("Where the items are (room, building)")),
    ("note", False, gettext_lazy("Free text")),
]
HEADERS = [c[0] for c in COLUMNS]
MAX_ROWS = 5000
CONDITIONS = {
    "good": Condition.GOOD,
    "tốt": Condition.GOOD,
    "usable": Condition.USABLE,
    "còn sử dụng được": Condition.USABLE,
    "broken": Condition.BROKEN,
    "hỏng": Condition.BROKEN,
}


def template() -> bytes:
    """The empty workbook with its header, an example row, the item codes and the help."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "inventory"
    append_row(sheet, HEADERS)
    append_row(sheet, ["03667-TTHCC", "scanner", 2, "good", 2024, 36000000, "Quầy 1", ""])
    items = book.create_sheet("items")
    append_row(items, ["item", "name", "category", "unit_of_measure", "unit_price_vnd"])
    for t in ItemType.objects.order_by("category", "code"):
        append_row(items, [t.code, t.name, t.category, t.unit_of_measure, t.unit_price])
    help_sheet = book.create_sheet("help")
    append_row(help_sheet, [_("Column"), _("Required"), _("Meaning")])
    for key, required, meaning in COLUMNS:
        append_row(help_sheet, [key, _("yes") if required else _("no"), str(meaning)])
    append_row(help_sheet, [])
    append_row(
        help_sheet,
        [
            _(
                "All rows or none: a sheet with any error imports nothing, and the errors name their row and column."
            )
        ],
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass
class Parsed:
    row: int
    unit_id: int
    item_type_id: int
    quantity: int
    condition: str
    acquired_year: int | None
    value: int
    location: str
    note: str


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _whole(value: Any) -> int | None:
    """A whole number from a cell (a number cell or digits), None for blank; ValueError else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip().replace(".", "").replace(",", "").replace(" ", "")
    if not text.isdigit() or len(text) > 18:
        raise ValueError
    return int(text)


def read(content: bytes, filename: str, *, unit_id: int | None = None) -> list[Parsed]:
    """The rows of the workbook, checked: every problem found is reported (row and column)."""
    if len(content) > max_upload_bytes():
        raise too_large(filename)
    workbook = open_workbook(content, filename)
    rows = sheet_rows(workbook.worksheets[0], filename, max_rows=MAX_ROWS + 1, max_columns=20)
    header = [_cell_text(h).lower()[:40] for h in next(rows, (1, ()))[1]]
    missing = [key for key, required, _m in COLUMNS if required and key not in header]
    if unit_id is None and "unit_code" not in header:
        missing.insert(0, "unit_code")
    if missing:
        raise DomainError(
            _("%(file)s: the first row must name the columns %(columns)s.")
            % {"file": filename, "columns": ", ".join(HEADERS)},
            code="bad_header",
            problems=[Problem(_("missing column"), row=1, column=key) for key in missing],
        )
    at = {key: header.index(key) for key in HEADERS if key in header}
    types = dict(ItemType.objects.values_list("code", "pk"))
    today = timezone.localdate()
    codes: dict[str, int | None] = {}
    problems: list[Problem] = []
    parsed: list[Parsed] = []
    for number, values in rows:
        found, row_problems = _parse_row(number, values, at, types, codes, unit_id, today)
        if row_problems:
            problems += row_problems
        else:
            parsed.append(Parsed(row=number, **found))
        if len(problems) > 200:
            break
    if problems:
        raise DomainError(
            _("%(file)s was not imported: %(count)s problems (nothing was written).")
            % {"file": filename, "count": len(problems)},
            code="invalid_rows",
            problems=problems,
        )
    if not parsed:
        raise DomainError(_("%(file)s has no rows to import.") % {"file": filename}, code="empty")
    return parsed


def _parse_row(  # type: ignore[no-untyped-def]
    number: int,
    values: tuple[Any, ...],
    at: dict[str, int],
    types: dict[str, int],
    codes: dict[str, int | None],
    unit_id: int | None,
    today: dt.date,
) -> tuple[dict[str, Any], list[Problem]]:
    """One row's values, checked (`codes` caches the unit codes met so far)."""

    def cell(key: str) -> Any:
        index = at.get(key)
        return values[index] if index is not None and index < len(values) else None

    found: dict[str, Any] = {}
    row_problems: list[Problem] = []

    def bad(column: str, message: str) -> None:
        row_problems.append(Problem(message, row=number, column=column))

    code = _cell_text(cell("unit_code"))[:60]
    if code:
        if code not in codes:
            matches = list(
                units.versions_on(today).filter(code=code).values_list("unit_id", flat=True)[:2]
            )
            codes[code] = matches[0] if len(matches) == 1 else None
        if codes[code] is None:
            bad(
                "unit_code",
                _("No single unit open today has the code '%(code)s'.") % {"code": code},
            )
        elif unit_id is not None and codes[code] != unit_id:
            bad("unit_code", _("This page imports the lines of its own unit only."))
        found["unit_id"] = codes[code]
    elif unit_id is not None:
        found["unit_id"] = unit_id
    else:
        bad("unit_code", _("required"))
    item = _cell_text(cell("item"))[:40]
    if item not in types:
        bad(
            "item",
            _("No item type coded '%(code)s'.") % {"code": item} if item else _("required"),
        )
    found["item_type_id"] = types.get(item)
    try:
        quantity = _whole(cell("quantity"))
        if quantity is None or not 1 <= quantity <= services.MAX_QUANTITY:
            raise ValueError
        found["quantity"] = quantity
    except ValueError:
        bad(
            "quantity",
            _("A whole number from 1 to %(high)s.") % {"high": services.MAX_QUANTITY},
        )
    condition = _cell_text(cell("condition")).lower() or "good"
    if condition not in CONDITIONS:
        bad("condition", _("One of good, usable, broken."))
    found["condition"] = CONDITIONS.get(condition, Condition.GOOD)
    try:
        year = _whole(cell("acquired_year"))
        if year is not None and not services.FIRST_YEAR <= year <= today.year:
            raise ValueError
        found["acquired_year"] = year
    except ValueError:
        bad(
            "acquired_year",
            _("A year from %(first)s to this year.") % {"first": services.FIRST_YEAR},
        )
    try:
        value = _whole(cell("value_vnd")) or 0
        if not 0 <= value <= services.MAX_VALUE:
            raise ValueError
        found["value"] = value
    except ValueError:
        bad("value_vnd", _("A whole number of VND, not negative."))
    for key, limit in (("location", services.NAME_LIMIT), ("note", services.TEXT_LIMIT)):
        text = _cell_text(cell(key))
        if len(text) > limit or any(ord(c) < 32 for c in text):
            bad(
                key,
                _("At most %(limit)s characters, no control characters.") % {"limit": limit},
            )
        found[key] = text[:limit]
    return found, row_problems


@transaction.atomic
def inventory_import(  # type: ignore[no-untyped-def]
    *, actor, content: bytes, filename: str, unit_id: int | None = None, day: dt.date | None = None
) -> dict[str, Any]:
    """Import the workbook's lines: all or none. The actor must be allowed to change every unit
    it names (refused naming the first row of a unit they may not change)."""
    parsed = read(content, filename, unit_id=unit_id)
    first_row: dict[int, int] = {}
    for line in parsed:
        first_row.setdefault(line.unit_id, line.row)
    provinces: dict[int, int] = {}
    for target, row in first_row.items():
        try:
            version = services.unit_for(actor, target, write=True)
        except DomainError as error:
            raise DomainError(
                error.message,
                code=error.code,
                status=error.status,
                problems=[Problem(error.message, row=row, column="unit_code")],
            ) from None
        provinces[target] = services.province_of(version)
    named = {line.item_type_id for line in parsed}
    gone = named - services.hold_item_types(sorted(named))
    if gone:
        row = next(line.row for line in parsed if line.item_type_id in gone)
        raise DomainError(
            _("An item type of row %(row)s was deleted meanwhile; read the template again.")
            % {"row": row},
            code="stale",
            status=409,
            problems=[Problem(_("deleted"), row=row, column="item")],
        )
    made = InventoryItem.objects.bulk_create(
        [
            InventoryItem(
                unit_id=line.unit_id,
                province_id=provinces[line.unit_id],
                item_type_id=line.item_type_id,
                quantity=line.quantity,
                condition=line.condition,
                acquired_year=line.acquired_year,
                value=line.value,
                location=line.location,
                note=line.note,
            )
            for line in parsed
        ],
        batch_size=1000,
    )
    per_unit = Counter(line.unit_id for line in parsed)
    for target, count in per_unit.items():
        audit(actor=actor, action="equipment_import", unit=target, file=filename[:200], lines=count)
    return {"lines": len(made), "units": len(per_unit)}
