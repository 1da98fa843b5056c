"""The procedure catalogue as JSON: import (a new version when a procedure's rules change, nothing
when they do not) and export. The starter catalogue (`starter_catalogue.json`) holds common
commune- and province-level procedures with their national codes, limits and sources."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from tinhgon.core.errors import DomainError, Problem
from tinhgon.core.models import audit
from tinhgon.core.xlsx import append_row
from tinhgon.core.xlsx_read import open_workbook, sheet_rows
from tinhgon.publicservices.models import Clock, Level, Online, Procedure, ProcedureVersion

STARTER = Path(__file__).with_name("starter_catalogue.json")
FORMAT = "tinhgon-procedures/1"
MAX_PROCEDURES = 20_000
TEXT_LIMITS = {"code": 32, "name": 500, "field": 200, "authority": 200, "result": 300}
SOURCE_LIMIT = 1000
MAX_ITEMS = 100  # documents or fees of one procedure
ITEM_LIMIT = 500
MAX_DAYS = 1000
MAX_WORKBOOK_BYTES = 20 * 1024 * 1024
# What a version holds, compared to decide whether an import changes a procedure.
RULES: tuple[str, ...] = ("name", "field", "level", "authority", "days", "fees", "documents")
RULES += ("online", "result", "clock", "source")


def _text(entry: dict[str, Any], key: str, limit: int, problems: list[Problem], row: int) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(_("This field is required."), row=row, field=key))
        return ""
    value = " ".join(value.split())
    if len(value) > limit:
        problems.append(
            Problem(_("at most %(max)s characters") % {"max": limit}, row=row, field=key)
        )
    return value


def _choice(entry: dict[str, Any], key: str, values: list[str], problems: list[Problem], row: int):  # type: ignore[no-untyped-def]
    value = entry.get(key)
    if value not in values:
        problems.append(
            Problem(
                _("'%(value)s' is not one of %(choices)s")
                % {"value": str(value)[:40], "choices": ", ".join(values)},
                row=row,
                field=key,
            )
        )
    return value


def _items(entry: dict[str, Any], key: str, problems: list[Problem], row: int) -> list[Any]:
    value = entry.get(key, [])
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        problems.append(
            Problem(_("a list of at most %(max)s items") % {"max": MAX_ITEMS}, row=row, field=key)
        )
        return []
    return value


def parse(data: Any) -> list[dict[str, Any]]:
    """The procedures of a catalogue document, checked; a DomainError lists every problem
    (row: the procedure's position, from 1)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DomainError(
            _("This is not a procedure catalogue (format %(format)s).") % {"format": FORMAT}
        )
    entries = data.get("procedures")
    if not isinstance(entries, list) or not 1 <= len(entries) <= MAX_PROCEDURES:
        raise DomainError(
            _("A catalogue lists from 1 to %(max)s procedures.") % {"max": MAX_PROCEDURES}
        )
    problems: list[Problem] = []
    parsed, seen = [], set()
    for row, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            problems.append(Problem(_("A procedure is an object."), row=row))
            continue
        item: dict[str, Any] = {
            key: _text(entry, key, limit, problems, row) for key, limit in TEXT_LIMITS.items()
        }
        item["source"] = _text(entry, "source", SOURCE_LIMIT, problems, row)
        item["level"] = _choice(entry, "level", Level.values, problems, row)
        item["online"] = _choice(entry, "online", Online.values, problems, row)
        item["clock"] = _choice(entry, "clock", Clock.values, problems, row)
        days = entry.get("days")
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= MAX_DAYS:
            problems.append(
                Problem(
                    _("a whole number from %(low)s to %(high)s") % {"low": 0, "high": MAX_DAYS},
                    row=row,
                    field="days",
                )
            )
        item["days"] = days
        documents = _items(entry, "documents", problems, row)
        if not all(isinstance(d, str) and 0 < len(d) <= ITEM_LIMIT for d in documents):
            problems.append(
                Problem(_("Each document is a short text."), row=row, field="documents")
            )
        item["documents"] = documents
        fees = _items(entry, "fees", problems, row)
        for fee in fees:
            amount = fee.get("amount") if isinstance(fee, dict) else None
            if (
                not isinstance(fee, dict)
                or not isinstance(fee.get("name"), str)
                or not 0 < len(fee["name"]) <= ITEM_LIMIT
                or len(str(fee.get("note", ""))) > ITEM_LIMIT
                or not (amount is None or (isinstance(amount, int) and 0 <= amount < 10**10))
            ):
                problems.append(
                    Problem(
                        _("Each fee has a name, an amount in đồng (or null) and a note."),
                        row=row,
                        field="fees",
                    )
                )
                break
        item["fees"] = fees
        if item["code"] in seen:
            problems.append(Problem(_("This code is listed twice."), row=row, field="code"))
        seen.add(item["code"])
        parsed.append(item)
    if problems:
        raise DomainError(_("The catalogue was not imported."), problems=problems)
    return parsed


@transaction.atomic
def catalogue_import(*, actor, data: Any, valid_from: dt.date) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Bring the catalogue to `data` from `valid_from` on: a procedure whose rules changed gets a
    new version starting that day (its open version ends the day before); an unchanged one is
    left alone, so importing the same file twice changes nothing. Procedures the file does not
    list are kept. Dossiers keep the version they were received under."""
    entries = parse(data)
    codes = [entry["code"] for entry in entries]
    existing = {p.code: p for p in Procedure.objects.filter(code__in=codes)}
    Procedure.objects.bulk_create([Procedure(code=code) for code in codes if code not in existing])
    procedures = {p.code: p for p in Procedure.objects.filter(code__in=codes)}
    open_versions = {
        v.procedure_id: v
        for v in ProcedureVersion.objects.select_for_update().filter(
            procedure__code__in=codes, valid_to__isnull=True
        )
    }
    created: list[ProcedureVersion] = []
    ended: list[int] = []
    problems: list[Problem] = []
    for row, entry in enumerate(entries, start=1):
        procedure = procedures[entry["code"]]
        current = open_versions.get(procedure.pk)
        rules = {key: entry[key] for key in RULES}
        if current is not None:
            if all(getattr(current, key) == rules[key] for key in RULES):
                continue
            if current.valid_from >= valid_from:
                problems.append(
                    Problem(
                        _("Its version in force starts on %(day)s: a change starts after it.")
                        % {"day": current.valid_from.isoformat()},
                        row=row,
                        field="code",
                    )
                )
                continue
            ended.append(current.pk)
        created.append(ProcedureVersion(procedure=procedure, valid_from=valid_from, **rules))
    if problems:
        raise DomainError(_("The catalogue was not imported."), problems=problems)
    ProcedureVersion.objects.filter(pk__in=ended).update(valid_to=valid_from - dt.timedelta(days=1))
    ProcedureVersion.objects.bulk_create(created)
    counts = {"new": len(created) - len(ended), "changed": len(ended)}
    counts["unchanged"] = len(entries) - len(created)
    if created:
        audit(
            actor=actor,
            action="publicservices.catalogue_import",
            valid_from=valid_from.isoformat(),
            **counts,
        )
    return counts


def starter() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(STARTER.read_text(encoding="utf-8"))
    return data


def catalogue_export(*, day: dt.date) -> dict[str, Any]:
    """The catalogue in force on `day`, in the import format."""
    versions = (
        ProcedureVersion.objects.filter(valid_from__lte=day)
        .exclude(valid_to__lt=day)
        .select_related("procedure")
        .order_by("procedure__code")
    )
    return {
        "format": FORMAT,
        "as_of": day.isoformat(),
        "procedures": [
            {"code": v.procedure.code, **{key: getattr(v, key) for key in RULES}} for v in versions
        ],
    }


# -- the catalogue as a spreadsheet ----------------------------------------------------------
# Three sheets whose first row names the columns (the JSON format's keys, docs/public-services.md):
# a procedure per row, then its fees and its documents as rows that repeat its code.
PROCEDURE_COLUMNS: tuple[str, ...] = ("code", "name", "field", "level", "authority", "days")
PROCEDURE_COLUMNS += ("online", "result", "clock", "source")
SHEETS: dict[str, tuple[str, ...]] = {
    "procedures": PROCEDURE_COLUMNS,
    "fees": ("code", "name", "amount", "note"),
    "documents": ("code", "document"),
}
MAX_SHEET_ROWS = MAX_PROCEDURES * 10


def catalogue_workbook(*, day: dt.date) -> bytes:
    """The catalogue in force on `day` as a spreadsheet (cells never formulas)."""
    data = catalogue_export(day=day)
    book = Workbook()
    sheets = {}
    for index, (title, columns) in enumerate(SHEETS.items()):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = title
        append_row(sheet, columns)
        sheets[title] = sheet
    for entry in data["procedures"]:
        append_row(sheets["procedures"], [entry[c] for c in PROCEDURE_COLUMNS])
        for fee in entry["fees"]:
            append_row(
                sheets["fees"], [entry["code"], fee.get("name"), fee.get("amount"), fee.get("note")]
            )
        for document in entry["documents"]:
            append_row(sheets["documents"], [entry["code"], document])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_workbook(content: bytes, filename: str) -> tuple[dict[str, Any], list[int]]:
    """The catalogue document a spreadsheet holds (the JSON format), and the sheet row of each
    procedure (to name rows in errors). Problems name the sheet (in `field`: sheet.column), the
    row and the column letter."""
    if len(content) > MAX_WORKBOOK_BYTES:
        raise DomainError(
            _("%(file)s is larger than %(size)s MB.")
            % {"file": filename[:200], "size": MAX_WORKBOOK_BYTES // 1_000_000},
            code="too_large",
        )
    book = open_workbook(content, filename)
    problems: list[Problem] = []
    tables: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    letters: dict[str, dict[str, str]] = {}
    missing_sheets = [title for title in SHEETS if title not in book.sheetnames]
    if missing_sheets:
        raise DomainError(
            _("%(file)s has no sheet %(missing)s (the sheets: %(sheets)s).")
            % {
                "file": filename[:200],
                "missing": ", ".join(missing_sheets),
                "sheets": ", ".join(SHEETS),
            },
            code="bad_header",
        )
    for title, columns in SHEETS.items():
        rows = sheet_rows(
            book[title], filename, max_rows=MAX_SHEET_ROWS, max_columns=len(columns) + 10
        )
        header = [_cell_text(h).lower() for h in next(rows, (1, ()))[1]]
        missing = [c for c in columns if c not in header]
        if missing:
            raise DomainError(
                _("%(file)s: the first row of '%(sheet)s' must name the columns %(columns)s.")
                % {"file": filename[:200], "sheet": title, "columns": ", ".join(columns)},
                code="bad_header",
                problems=[
                    Problem(_("missing column"), row=1, field=f"{title}.{c}") for c in missing
                ],
            )
        position = {c: header.index(c) for c in columns}
        tables[title] = [
            (number, {c: (values[i] if i < len(values) else None) for c, i in position.items()})
            for number, values in rows
        ]
        letters[title] = {c: get_column_letter(i + 1) for c, i in position.items()}

    def problem(message: str, sheet: str, number: int, column: str) -> None:
        problems.append(
            Problem(message, row=number, column=letters[sheet][column], field=f"{sheet}.{column}")
        )

    procedures: list[dict[str, Any]] = []
    rows_of: list[int] = []
    by_code: dict[str, dict[str, Any]] = {}
    for number, cells in tables["procedures"]:
        entry: dict[str, Any] = {c: _cell_text(cells[c]) for c in PROCEDURE_COLUMNS}
        days = cells["days"]
        if isinstance(days, float) and days.is_integer():
            days = int(days)
        if isinstance(days, str) and days.strip().isdigit():
            days = int(days.strip())
        if not isinstance(days, int) or isinstance(days, bool):
            problem(_("a whole number of working days"), "procedures", number, "days")
        entry["days"] = days
        entry["fees"], entry["documents"] = [], []
        procedures.append(entry)
        rows_of.append(number)
        by_code.setdefault(entry["code"], entry)
    for number, cells in tables["fees"]:
        code = _cell_text(cells["code"])
        amount = cells["amount"]
        if isinstance(amount, float) and amount.is_integer():
            amount = int(amount)
        if isinstance(amount, str) and not amount.strip():
            amount = None
        elif isinstance(amount, str) and amount.strip().isdigit():
            amount = int(amount)
        if amount is not None and (not isinstance(amount, int) or isinstance(amount, bool)):
            problem(_("an amount in đồng, or empty"), "fees", number, "amount")
        if code not in by_code:
            problem(_("no procedure with this code"), "fees", number, "code")
            continue
        by_code[code]["fees"].append(
            {"name": _cell_text(cells["name"]), "amount": amount, "note": _cell_text(cells["note"])}
        )
    for number, cells in tables["documents"]:
        code = _cell_text(cells["code"])
        if code not in by_code:
            problem(_("no procedure with this code"), "documents", number, "code")
            continue
        by_code[code]["documents"].append(_cell_text(cells["document"]))
    if problems:
        raise DomainError(_("The catalogue was not imported."), problems=problems)
    return {"format": FORMAT, "procedures": procedures}, rows_of


def catalogue_import_workbook(  # type: ignore[no-untyped-def]
    *, actor, content: bytes, filename: str, valid_from: dt.date
) -> dict[str, int]:
    """`catalogue_import` from a spreadsheet (all or nothing); problems name the sheet row and
    the column of the procedure."""
    data, rows_of = read_workbook(content, filename)
    try:
        return catalogue_import(actor=actor, data=data, valid_from=valid_from)
    except DomainError as error:
        letters = {c: get_column_letter(i + 1) for i, c in enumerate(PROCEDURE_COLUMNS)}
        error.problems = [
            replace(
                p,
                row=rows_of[p.row - 1] if p.row and p.row <= len(rows_of) else p.row,
                column=letters.get(p.field or ""),
                field=f"procedures.{p.field}" if p.field else None,
            )
            for p in error.problems
        ]
        raise
