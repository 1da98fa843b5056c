"""Positions and staff lists from an Excel workbook (docs/staffing-import.md): all rows or none.

The workbook has two sheets, `positions` and `officials` (either may be missing or empty). Each
row is checked first (every problem reported with its sheet, row and column); then, if all
rows read, the rows are written through the services (positions first, then officials and the
positions they hold), in one transaction: a refusal there (a seat already taken, a number
already recorded, a unit outside the user's scope) names its row too and rolls everything back.
A dry run does the whole import and rolls it back, so it finds every refusal a real run would.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
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
from tinhgon.staffing import services
from tinhgon.staffing.models import (
    Category,
    Field,
    Gender,
    Group,
    LeaderRole,
    Position,
    Qualification,
    live,
)
from tinhgon.units import selectors as registry

MAX_ROWS = 5_000
# (name, required, meaning) per sheet; the names are the format's keys and stay as they are.
POSITION_COLUMNS = [
    ("unit_code", True, gettext_lazy("Code of the unit, open on valid_from")),
    ("code", True, gettext_lazy("Code of the position, unique in the unit")),
    ("title", True, gettext_lazy("Title of the position")),
    ("group", True, gettext_lazy("leadership, professional, shared or support")),
    ("leader_role", False, gettext_lazy("head or deputy (leadership positions only)")),
    ("category", True, gettext_lazy("civil_servant, public_employee or contract")),
    ("level_required", True, gettext_lazy("Qualification required, 1 to 6 (4: university)")),
    ("field_required", True, gettext_lazy("Field required (administration, law, ...)")),
    ("seats", False, gettext_lazy("Number of seats (default 1)")),
    ("valid_from", True, gettext_lazy("Date the position opens (date cell or YYYY-MM-DD)")),
]
OFFICIAL_COLUMNS = [
    ("unit_code", True, gettext_lazy("Code of the unit that employs the official")),
    ("full_name", True, gettext_lazy("Full name")),
    ("national_id", True, gettext_lazy("Identity number, 12 digits, as text")),
    ("birth_date", True, gettext_lazy("Date of birth")),
    ("gender", True, gettext_lazy("female or male")),
    ("ethnicity", True, gettext_lazy("Ethnicity (Thái, Kinh, Mông, ...)")),
    ("home_commune_code", False, gettext_lazy("Code of the home commune")),
    ("level", True, gettext_lazy("Qualification, 1 to 6 (4: university)")),
    ("field", True, gettext_lazy("Field of training (administration, law, ...)")),
    ("category", True, gettext_lazy("civil_servant, public_employee or contract")),
    ("rank", False, gettext_lazy("Rank or professional title")),
    ("salary_coefficient", True, gettext_lazy("Salary coefficient, e.g. 3.66")),
    ("hire_date", True, gettext_lazy("Date hired")),
    ("position_code", False, gettext_lazy("Code of the position held in the unit (optional)")),
    ("assigned_from", False, gettext_lazy("Holds the position from (default: today)")),
]
SHEETS = {"positions": POSITION_COLUMNS, "officials": OFFICIAL_COLUMNS}
TEXT_COLUMNS = {"unit_code", "code", "national_id", "home_commune_code", "position_code"}
DATE_COLUMNS = {"valid_from", "birth_date", "hire_date", "assigned_from"}
CHOICES: dict[str, list[Any]] = {
    "group": list(Group.values),
    "leader_role": [v for v in LeaderRole.values if v],
    "category": list(Category.values),
    "level_required": list(Qualification.values),
    "level": list(Qualification.values),
    "field_required": list(Field.values),
    "field": list(Field.values),
    "gender": list(Gender.values),
}


def write_template() -> bytes:
    """The empty workbook to fill in: both sheets with their header and one example row, and a
    help sheet with every column's meaning and the allowed values."""
    workbook = Workbook()
    positions = workbook.active
    positions.title = "positions"
    append_row(positions, [c[0] for c in POSITION_COLUMNS])
    append_row(
        positions,
        ["14-SNV", "CV-01", "Chuyên viên tổ chức", "professional", "", "civil_servant", 4,
         "administration", 2, "2025-07-01"],
    )  # fmt: skip
    officials = workbook.create_sheet("officials")
    append_row(officials, [c[0] for c in OFFICIAL_COLUMNS])
    append_row(
        officials,
        ["14-SNV", "Lò Thị Mai", "000188000001", "1988-03-02", "female", "Thái", "", 4,
         "administration", "civil_servant", "Chuyên viên", 3.66, "2012-01-01", "CV-01",
         "2025-07-01"],
    )  # fmt: skip
    for sheet, columns in ((positions, POSITION_COLUMNS), (officials, OFFICIAL_COLUMNS)):
        for index, (name, _required, _meaning) in enumerate(columns, start=1):
            if name in TEXT_COLUMNS:
                for row in range(2, 1002):
                    sheet.cell(row=row, column=index).number_format = "@"
    help_sheet = workbook.create_sheet(_("help"))
    append_row(help_sheet, [_("sheet"), _("column"), _("required"), _("meaning")])
    for sheet_name, columns in SHEETS.items():
        for name, required, meaning in columns:
            append_row(
                help_sheet, [sheet_name, name, _("yes") if required else _("no"), str(meaning)]
            )
    append_row(help_sheet, [])
    for name in ("group", "leader_role", "category", "field", "gender", "level"):
        append_row(help_sheet, [name, *map(str, CHOICES[name])])
    append_row(help_sheet, [_("The example rows are examples: delete them.")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass
class Report:
    positions: int = 0
    officials: int = 0
    assignments: int = 0
    dry_run: bool = False
    ids: dict[str, list[int]] = field(default_factory=dict)

    def summary(self) -> str:
        return _(
            "%(positions)s positions, %(officials)s officials, %(assignments)s assignments"
        ) % {
            "positions": self.positions,
            "officials": self.officials,
            "assignments": self.assignments,
        }


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


@dataclass
class _Row:
    sheet: str
    number: int
    values: dict[str, Any]
    letters: dict[str, str]


def _read(content: bytes, filename: str) -> tuple[list[_Row], list[Problem]]:
    """Every row of both sheets, cleaned, and the problems of each cell."""
    if len(content) > max_upload_bytes():
        raise too_large(filename)
    workbook = open_workbook(content, filename)
    found = {sheet.title.strip().lower(): sheet for sheet in workbook.worksheets}
    if not any(name in found for name in SHEETS):
        raise DomainError(
            _("%(file)s has no sheet named 'positions' or 'officials' (see the template).")
            % {"file": filename},
            code="bad_header",
        )
    rows: list[_Row] = []
    problems: list[Problem] = []
    for sheet_name, columns in SHEETS.items():
        if sheet_name not in found:
            continue
        lines = sheet_rows(found[sheet_name], filename, max_rows=MAX_ROWS + 1, max_columns=30)
        header = [_text(h).lower()[:40] for h in next(lines, (1, ()))[1]]
        missing = [name for name, required, _m in columns if required and name not in header]
        if missing:
            raise DomainError(
                _("%(file)s, sheet %(sheet)s: the first row must name the columns %(columns)s.")
                % {
                    "file": filename,
                    "sheet": sheet_name,
                    "columns": ", ".join(c[0] for c in columns),
                },
                code="bad_header",
                problems=[
                    Problem(_("missing column '%(column)s'") % {"column": m}, row=1, field=m)
                    for m in missing
                ],
            )
        index = {name: header.index(name) for name, _r, _m in columns if name in header}
        letters = {name: _letter(i) for name, i in index.items()}
        for number, raw in lines:
            cells = {name: (raw[i] if i < len(raw) else None) for name, i in index.items()}
            if all(_text(v) == "" for v in cells.values()):
                continue
            values, cell_problems = _clean(sheet_name, number, cells, columns, letters)
            problems += cell_problems
            rows.append(_Row(sheet_name, number, values, letters))
    return rows, problems


def _letter(index: int) -> str:
    return chr(ord("A") + index) if index < 26 else "A" + chr(ord("A") + index - 26)


def _clean(
    sheet: str,
    number: int,
    cells: dict[str, Any],
    columns: list[tuple[str, bool, Any]],
    letters: dict[str, str],
) -> tuple[dict[str, Any], list[Problem]]:
    problems: list[Problem] = []
    values: dict[str, Any] = {}

    def problem(name: str, message: str) -> None:
        problems.append(
            Problem(f"{sheet}: {message}", row=number, column=letters.get(name), field=name)
        )

    for name, required, _meaning in columns:
        raw = cells.get(name)
        text = _text(raw)
        if text == "":
            if required:
                problem(name, _("required"))
            values[name] = None
            continue
        if name in TEXT_COLUMNS and isinstance(raw, int | float):
            if name == "national_id" and len(text) < 12:
                # The digits are not echoed: an identity number is never shown whole.
                problem(
                    name,
                    _(
                        "the identity number is a number cell and lost its leading zeros: write it as text"
                    ),
                )
                continue
            if name != "national_id":
                problem(
                    name,
                    _("%(value)s is a number: write codes as text (format the column as text)")
                    % {"value": text},
                )
                continue
        if name in DATE_COLUMNS:
            day = _date(raw)
            if day is None:
                problem(name, _("'%(value)s' is not a date") % {"value": text[:40]})
            values[name] = day
        elif name in ("level", "level_required", "seats"):
            if not text.isdigit():
                problem(name, _("'%(value)s' is not a whole number") % {"value": text[:40]})
                continue
            values[name] = int(text)
            if name != "seats" and values[name] not in CHOICES[name]:
                problem(name, _("a level from 1 to 6"))
        elif name == "salary_coefficient":
            try:
                values[name] = Decimal(text.replace(",", "."))
            except InvalidOperation:
                values[name] = None
            if values[name] is None or not values[name].is_finite():
                values[name] = None
                problem(name, _("'%(value)s' is not a number") % {"value": text[:40]})
        elif name in CHOICES:
            if text.lower() not in CHOICES[name]:
                problem(
                    name,
                    _("'%(value)s' is not one of: %(allowed)s")
                    % {"value": text[:40], "allowed": ", ".join(map(str, CHOICES[name]))},
                )
            values[name] = text.lower()
        else:
            values[name] = text
    return values, problems


def _unit(code: str, day: dt.date) -> int | None:
    found = list(registry.versions_on(day).filter(code=code).values_list("unit_id", flat=True)[:2])
    return found[0] if len(found) == 1 else None


def staff_import(
    *, actor: Any, content: bytes, filename: str = "staff.xlsx", dry_run: bool = False
) -> Report:
    """Import a workbook of positions and officials, all rows or none (a dry run: none)."""
    rows, problems = _read(content, filename)
    if problems:
        raise DomainError(
            _("%(file)s: %(count)s problem(s), nothing was imported.")
            % {"file": filename, "count": len(problems)},
            code="bad_rows",
            problems=problems[:200],
        )
    if not rows:
        raise DomainError(_("%(file)s has no rows to import.") % {"file": filename})
    report = Report(dry_run=dry_run, ids={"positions": [], "officials": [], "assignments": []})
    today = timezone.localdate()
    try:
        with transaction.atomic():
            positions: dict[tuple[int, str], int] = {}
            for row in rows:
                _write(actor, row, today, positions, report)
            audit(
                actor=actor,
                action="staffing.staff_import",
                file=filename[:200],
                positions=report.positions,
                officials=report.officials,
                assignments=report.assignments,
            )
            if dry_run:
                transaction.set_rollback(True)
    except _RowRefused as refused:
        raise DomainError(
            _("%(file)s: %(sheet)s row %(row)s was refused, nothing was imported.")
            % {"file": filename, "sheet": refused.row.sheet, "row": refused.row.number},
            code="bad_rows",
            problems=[refused.problem],
        ) from None
    if dry_run:
        report.ids = {}
    return report


class _RowRefused(Exception):
    def __init__(self, row: _Row, problem: Problem) -> None:
        super().__init__(problem.message)
        self.row = row
        self.problem = problem


def _refuse(row: _Row, name: str, message: str) -> _RowRefused:
    return _RowRefused(
        row,
        Problem(
            f"{row.sheet}: {message}", row=row.number, column=row.letters.get(name), field=name
        ),
    )


# Which column a service's field names, to place its refusal in the sheet.
_FIELD_COLUMN = {
    "level": "level",
    "national_id": "national_id",
    "position": "position_code",
    "official": "full_name",
    "valid_from": "assigned_from",
    "seats": "seats",
    "count": "seats",
}


def _write(
    actor: Any, row: _Row, today: dt.date, positions: dict[tuple[int, str], int], report: Report
) -> None:
    v = row.values
    if row.sheet == "positions":
        unit_id = _unit(v["unit_code"], v["valid_from"])
        if unit_id is None:
            raise _refuse(
                row,
                "unit_code",
                _("no single unit coded '%(code)s' is open on %(day)s")
                % {"code": v["unit_code"], "day": v["valid_from"]},
            )
        try:
            position = services.position_create(
                actor=actor,
                unit_id=unit_id,
                code=v["code"],
                title=v["title"],
                group=v["group"],
                leader_role=v["leader_role"] or "",
                category=v["category"],
                level_required=v["level_required"],
                field_required=v["field_required"],
                seats=v["seats"] or 1,
                valid_from=v["valid_from"],
            )
        except DomainError as error:
            raise _service_refusal(row, error, "code") from None
        positions[(unit_id, position.code)] = position.pk
        report.positions += 1
        report.ids["positions"].append(position.pk)
        return
    day = v["assigned_from"] or today
    unit_id = _unit(v["unit_code"], day)
    if unit_id is None:
        raise _refuse(
            row,
            "unit_code",
            _("no single unit coded '%(code)s' is open on %(day)s")
            % {"code": v["unit_code"], "day": day},
        )
    home = None
    if v["home_commune_code"]:
        home = _unit(v["home_commune_code"], today)
        if home is None:
            raise _refuse(
                row,
                "home_commune_code",
                _("no single unit coded '%(code)s' is open today")
                % {"code": v["home_commune_code"]},
            )
    try:
        official = services.official_create(
            actor=actor,
            unit_id=unit_id,
            full_name=v["full_name"],
            national_id=v["national_id"],
            birth_date=v["birth_date"],
            gender=v["gender"],
            ethnicity=v["ethnicity"],
            home_commune_id=home,
            level=v["level"],
            field=v["field"],
            category=v["category"],
            rank=v["rank"] or "",
            salary_coefficient=v["salary_coefficient"],
            hire_date=v["hire_date"],
            day=day,
        )
    except DomainError as error:
        raise _service_refusal(row, error, "full_name") from None
    report.officials += 1
    report.ids["officials"].append(official.pk)
    if not v["position_code"]:
        return
    position_id = positions.get((unit_id, v["position_code"]))
    if position_id is None:
        position_id = (
            Position.objects.filter(live(day), unit_id=unit_id, code=v["position_code"])
            .values_list("pk", flat=True)
            .first()
        )
    if position_id is None:
        raise _refuse(
            row,
            "position_code",
            _("the unit has no position coded '%(code)s' open on %(day)s")
            % {"code": v["position_code"], "day": day},
        )
    try:
        assignment = services.assignment_start(
            actor=actor,
            official_id=official.pk,
            position_id=position_id,
            valid_from=day,
            decision=_("Imported from %(file)s") % {"file": "Excel"},
        )
    except DomainError as error:
        raise _service_refusal(row, error, "position_code") from None
    report.assignments += 1
    report.ids["assignments"].append(assignment.pk)


def _service_refusal(row: _Row, error: DomainError, default: str) -> _RowRefused:
    where = error.problems[0].field if error.problems else None
    name = _FIELD_COLUMN.get(where or "", where or default)
    if name not in row.letters:
        name = default
    message = error.problems[0].message if error.problems else error.message
    if error.problems and error.problems[0].message != error.message:
        message = f"{error.message} {message}"
    return _refuse(row, name, message)
