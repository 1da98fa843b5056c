"""Agencies from an Excel sheet (see docs/excel-agencies.md): all rows or none.

Every problem is reported with its row and column; nothing is written unless the whole sheet is
valid. Parents are found by code among units open on the row's date, or among earlier rows.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from tinhgon.core.errors import DomainError, Problem
from tinhgon.core.models import audit
from tinhgon.core.upload import max_upload_bytes, too_large
from tinhgon.core.xlsx import append_row
from tinhgon.core.xlsx_read import open_workbook, sheet_rows
from tinhgon.units import selectors
from tinhgon.units.kinds import Kind, is_administrative, parse_kind
from tinhgon.units.models import Source, Unit, UnitVersion
from tinhgon.units.services import (
    Placement,
    build_version,
    check_day,
    check_identity,
    placement_for,
)

# The column names are the format's keys (docs/excel-agencies.md) and stay as they are; their
# meanings, on the template's help sheet, are in the reader's language.
COLUMNS = [
    ("code", "A", True, gettext_lazy("Official code, unique among units open on the date")),
    ("name", "B", True, gettext_lazy("Full name in Vietnamese")),
    (
        "kind",
        "C",
        True,
        gettext_lazy("Kind code (department, office, ...) or Vietnamese name (Sở, Phòng, ...)"),
    ),
    (
        "parent_code",
        "D",
        True,
        gettext_lazy("Code of the parent unit, open on valid_from (or an earlier row)"),
    ),
    ("valid_from", "E", True, gettext_lazy("Date the unit opens (a date cell or YYYY-MM-DD)")),
    ("note", "F", False, gettext_lazy("Free text, stored as the reason of the version")),
]
HEADERS = [c[0] for c in COLUMNS]
MAX_ROWS = 20000
# Columns that hold codes: text, never a number (04246 typed into a number cell is 4246).
CODE_COLUMNS = ("code", "parent_code")
# The longest a note may be: it is stored as the version's reason.
NOTE_LENGTH = UnitVersion._meta.get_field("reason").max_length or 255


def write_template() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "agencies"
    append_row(sheet, HEADERS)
    append_row(
        sheet,
        [
            "14-SNV-P1",
            "Phòng Tổ chức - Biên chế",
            "division",
            "14-SNV",
            "2025-07-01",
            _("example; delete this row"),
        ],
    )
    for index, name in enumerate(HEADERS, start=1):
        if name in CODE_COLUMNS:
            for row in range(2, 1002):
                sheet.cell(row=row, column=index).number_format = "@"
    help_sheet = workbook.create_sheet(_("help"))
    append_row(help_sheet, [_("column"), _("required"), _("meaning")])
    for name, _letter, required, meaning in COLUMNS:
        append_row(help_sheet, [name, _("yes") if required else _("no"), str(meaning)])
    append_row(help_sheet, [])
    append_row(help_sheet, [_("kinds")] + [k.value for k in Kind])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass
class _Row:
    number: int
    code: str
    name: str
    kind: str
    parent_code: str
    valid_from: dt.date
    note: str


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(_text(value))
    except ValueError:
        return None


def read_rows(content: bytes, filename: str = "sheet.xlsx") -> list[_Row]:
    if len(content) > max_upload_bytes():
        raise too_large(filename)
    workbook = open_workbook(content, filename)
    sheet = workbook.worksheets[0]
    rows = sheet_rows(sheet, filename, max_rows=MAX_ROWS + 1, max_columns=26)
    header = [_text(h).lower()[:40] for h in next(rows, (1, ()))[1]]
    missing = [h for h, _letter, required, _meaning in COLUMNS if required and h not in header]
    if missing:
        raise DomainError(
            _("%(file)s: the first row must name the columns %(columns)s.")
            % {"file": filename, "columns": ", ".join(HEADERS)},
            code="bad_header",
            problems=[
                Problem(_("missing column '%(column)s'") % {"column": m}, row=1, field=m)
                for m in missing
            ],
        )
    position = {name: header.index(name) for name in HEADERS if name in header}
    letters = {name: chr(ord("A") + index) for name, index in position.items()}
    problems: list[Problem] = []
    parsed: list[_Row] = []
    for number, values in rows:
        cells = {name: (values[i] if i < len(values) else None) for name, i in position.items()}
        if all(_text(v) == "" for v in cells.values()):
            continue
        reported: set[str] = set()  # numeric codes, reported: not "required" as well
        for name in CODE_COLUMNS:
            value = cells.get(name)
            if isinstance(value, int | float) and name in letters:
                problems.append(
                    Problem(
                        _("%(value)s is a number: write codes as text (format the column as text)")
                        % {"value": _text(value)},
                        row=number,
                        column=letters[name],
                        field=name,
                    )
                )
                cells[name] = None
                reported.add(name)
        if len(_text(cells.get("note"))) > NOTE_LENGTH and "note" in letters:
            problems.append(
                Problem(
                    _("at most %(max)s characters") % {"max": NOTE_LENGTH},
                    row=number,
                    column=letters["note"],
                    field="note",
                )
            )
        for name, _letter, required, _meaning in COLUMNS:
            if required and _text(cells.get(name)) == "" and name not in reported:
                problems.append(
                    Problem(_("required"), row=number, column=letters[name], field=name)
                )
        kind_text = _text(cells.get("kind"))
        kind = parse_kind(kind_text) if kind_text else None
        if kind_text and kind is None:
            problems.append(
                Problem(
                    _("unknown kind '%(kind)s'") % {"kind": kind_text},
                    row=number,
                    column=letters["kind"],
                    field="kind",
                )
            )
        elif kind and is_administrative(kind):
            problems.append(
                Problem(
                    _("administrative units come from the national import, not from this sheet"),
                    row=number,
                    column=letters["kind"],
                    field="kind",
                )
            )
        day = _date(cells.get("valid_from"))
        if _text(cells.get("valid_from")) and day is None:
            problems.append(
                Problem(
                    _("'%(value)s' is not a date (YYYY-MM-DD)")
                    % {"value": _text(cells.get("valid_from"))},
                    row=number,
                    column=letters["valid_from"],
                    field="valid_from",
                )
            )
        for problem in check_identity(
            code=_text(cells.get("code")) or None, name=_text(cells.get("name")) or None
        ):
            assert problem.field is not None
            problems.append(
                Problem(
                    problem.message, row=number, column=letters[problem.field], field=problem.field
                )
            )
        if day:
            for problem in check_day(day, field="valid_from"):
                problems.append(
                    Problem(
                        problem.message,
                        row=number,
                        column=letters["valid_from"],
                        field="valid_from",
                    )
                )
        if kind and day:
            parsed.append(
                _Row(
                    number,
                    _text(cells["code"]),
                    _text(cells["name"]),
                    kind,
                    _text(cells["parent_code"]),
                    day,
                    _text(cells.get("note")),
                )
            )
    if problems:
        raise DomainError(
            _("%(file)s: %(count)s problem(s); nothing imported.")
            % {"file": filename, "count": len(problems)},
            problems=problems,
        )
    return parsed


@transaction.atomic
def agencies_import(
    *, actor, content: bytes, filename: str = "sheet.xlsx", allowed: Q | None = None
) -> list[UnitVersion]:  # type: ignore[no-untyped-def]
    """Create the agencies of a sheet in one transaction. `allowed` limits the parents (scope)."""
    rows = read_rows(content, filename)
    letters = {name: letter for name, letter, _required, _meaning in COLUMNS}
    problems: list[Problem] = []
    sheet_codes: dict[str, _Row] = {}
    placed: dict[str, tuple[UnitVersion | None, Placement]] = {}
    for row in rows:
        if row.code in sheet_codes:
            problems.append(
                Problem(
                    _("code '%(code)s' already used in row %(row)s")
                    % {"code": row.code, "row": sheet_codes[row.code].number},
                    row=row.number,
                    column=letters["code"],
                    field="code",
                )
            )
            continue
        sheet_codes[row.code] = row
        if selectors.versions_on(row.valid_from).filter(code=row.code).exists():
            problems.append(
                Problem(
                    _("code '%(code)s' is already used by a unit open on %(day)s")
                    % {"code": row.code, "day": row.valid_from},
                    row=row.number,
                    column=letters["code"],
                    field="code",
                )
            )
        parent: UnitVersion | None = None
        parent_placement: Placement | None = None
        if row.parent_code in placed and row.parent_code != row.code:
            parent_row = sheet_codes[row.parent_code]
            if parent_row.valid_from > row.valid_from:
                problems.append(
                    Problem(
                        _("parent '%(parent)s' (row %(row)s) opens only on %(day)s")
                        % {
                            "parent": row.parent_code,
                            "row": parent_row.number,
                            "day": parent_row.valid_from,
                        },
                        row=row.number,
                        column=letters["parent_code"],
                        field="parent_code",
                    )
                )
                continue
            parent_placement = placed[row.parent_code][1]
        else:
            candidates = selectors.versions_on(row.valid_from).filter(code=row.parent_code)
            if allowed is not None:
                candidates = candidates.filter(allowed)
            found = list(candidates[:2])
            if len(found) != 1:
                reason = (
                    _("is ambiguous")
                    if found
                    else _("is not a unit open on %(day)s") % {"day": row.valid_from}
                )
                if not found and row.parent_code == row.code:
                    reason = _("is the unit itself")
                problems.append(
                    Problem(
                        _("parent '%(parent)s' %(reason)s")
                        % {"parent": row.parent_code, "reason": reason},
                        row=row.number,
                        column=letters["parent_code"],
                        field="parent_code",
                    )
                )
                continue
            parent = found[0]
        try:
            if parent is not None:
                placement = placement_for(kind=row.kind, parent=parent)
            else:
                assert parent_placement is not None
                placement = parent_placement
        except DomainError as error:
            problems.append(
                Problem(
                    error.message,
                    row=row.number,
                    column=letters["parent_code"],
                    field="parent_code",
                )
            )
            continue
        placed[row.code] = (parent, placement)
    if problems:
        raise DomainError(
            _("%(file)s: %(count)s problem(s); nothing imported.")
            % {"file": filename, "count": len(problems)},
            problems=problems,
        )
    units = Unit.objects.bulk_create([Unit() for _row in rows])
    unit_ids = {row.code: unit.pk for row, unit in zip(rows, units, strict=True)}
    versions = []
    for row in rows:
        parent, placement = placed[row.code]
        parent_id = parent.unit_id if parent is not None else unit_ids[row.parent_code]
        versions.append(
            build_version(
                unit_id=unit_ids[row.code],
                code=row.code,
                name=row.name,
                kind=row.kind,
                placement=placement,
                parent_id=parent_id,
                valid_from=row.valid_from,
                source=Source.EXCEL,
                reason=row.note or (_("Imported from %(file)s") % {"file": filename})[:NOTE_LENGTH],
                recorded_by_id=getattr(actor, "pk", None),
            )
        )
    UnitVersion.objects.bulk_create(versions, batch_size=2000)
    audit(actor=actor, action="units_import_excel", filename=filename, created=len(versions))
    return versions
