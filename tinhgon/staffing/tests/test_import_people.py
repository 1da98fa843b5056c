import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation
from openpyxl import Workbook, load_workbook

from tinhgon.core.errors import DomainError
from tinhgon.staffing import excel, protect
from tinhgon.staffing.models import Assignment, Official, Position


@pytest.fixture(autouse=True)
def in_english():  # type: ignore[no-untyped-def]
    """The messages are matched as written (English source strings)."""
    with translation.override("en"):
        yield


POSITION_HEADER = [c[0] for c in excel.POSITION_COLUMNS]
OFFICIAL_HEADER = [c[0] for c in excel.OFFICIAL_COLUMNS]


def _book(positions: list[list[Any]], officials: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "positions"
    sheet.append(POSITION_HEADER)
    for row in positions:
        sheet.append(row)
    other = workbook.create_sheet("officials")
    other.append(OFFICIAL_HEADER)
    for row in officials:
        other.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _position(code: str, unit_code: str, seats: int = 1) -> list[Any]:
    return [unit_code, code, "Chuyên viên", "professional", "", "civil_servant", 4,
            "administration", seats, "2025-07-01"]  # fmt: skip


def _official(unit_code: str, number: str | int, position: str = "", **over: Any) -> list[Any]:
    row = dict(zip(OFFICIAL_HEADER, [
        unit_code, "Lò Thị Mai", number, "1988-03-02", "female", "Thái", "", 4,
        "administration", "civil_servant", "Chuyên viên", "3.66", "2012-01-01", position,
        "2025-09-01"], strict=True))  # fmt: skip
    row.update(over)
    return list(row.values())


def test_the_template_downloads_with_both_sheets_and_a_help_sheet():
    workbook = load_workbook(io.BytesIO(excel.write_template()))
    assert workbook.sheetnames[:2] == ["positions", "officials"]
    assert [c.value for c in workbook["positions"][1]] == POSITION_HEADER
    assert [c.value for c in workbook["officials"][1]] == OFFICIAL_HEADER


def test_a_valid_workbook_imports_positions_officials_and_their_assignments(chieng_an):
    content = _book(
        [_position("CV-01", chieng_an.code, seats=2)],
        [
            _official(chieng_an.code, "014188000001", "CV-01"),
            _official(chieng_an.code, "014188000002", "CV-01", full_name="Cầm Văn Bình"),
        ],
    )
    report = excel.staff_import(actor=None, content=content)
    assert (report.positions, report.officials, report.assignments) == (1, 2, 2)
    mai = Official.objects.get(full_name="Lò Thị Mai")
    assert protect.unseal(mai.national_id_sealed) == "014188000001"
    assert Assignment.objects.filter(position__code="CV-01").count() == 2


def test_every_bad_cell_is_reported_with_its_sheet_row_and_column_and_nothing_is_written(
    chieng_an,
):
    content = _book(
        [_position("CV-01", chieng_an.code), _position("", chieng_an.code)],
        [_official(chieng_an.code, "0141", gender="nam", level=9, birth_date="02/13/1988")],
    )
    with pytest.raises(DomainError) as refused:
        excel.staff_import(actor=None, content=content)
    where = {(p.row, p.column, p.field) for p in refused.value.problems}
    assert (3, "B", "code") in where  # the missing position code
    assert (2, "E", "gender") in where
    assert (2, "H", "level") in where
    assert (2, "D", "birth_date") in where
    assert not Position.objects.exists() and not Official.objects.exists()


def test_a_refusal_of_the_services_names_its_row_and_rolls_back_the_rows_before_it(chieng_an):
    content = _book(
        [_position("CV-01", chieng_an.code, seats=1)],
        [
            _official(chieng_an.code, "014188000001", "CV-01"),
            _official(chieng_an.code, "014188000002", "CV-01", full_name="Cầm Văn Bình"),
        ],
    )
    with pytest.raises(DomainError, match="row 3") as refused:
        excel.staff_import(actor=None, content=content)
    problem = refused.value.problems[0]
    assert (problem.row, problem.column) == (3, "N") and "seat" in problem.message
    assert not Position.objects.exists() and not Official.objects.exists()


def test_a_duplicate_identity_number_in_the_sheet_is_refused_on_its_row(chieng_an):
    content = _book(
        [],
        [_official(chieng_an.code, "014188000001"), _official(chieng_an.code, "014188000001")],
    )
    with pytest.raises(DomainError) as refused:
        excel.staff_import(actor=None, content=content)
    problem = refused.value.problems[0]
    assert (problem.row, problem.column, problem.field) == (3, "C", "national_id")
    assert not Official.objects.exists()


def test_a_dry_run_checks_everything_and_writes_nothing(chieng_an):
    content = _book(
        [_position("CV-01", chieng_an.code)], [_official(chieng_an.code, "014188000001", "CV-01")]
    )
    report = excel.staff_import(actor=None, content=content, dry_run=True)
    assert (report.positions, report.officials, report.assignments) == (1, 1, 1)
    assert not Position.objects.exists() and not Official.objects.exists()


def test_an_official_of_one_commune_cannot_import_into_another(
    chieng_an, to_hieu, commune_official
):

    content = _book([_position("CV-01", to_hieu.code)], [])
    with pytest.raises(DomainError, match="row 2"):
        excel.staff_import(actor=commune_official.user, content=content)
    assert not Position.objects.exists()


def test_a_number_typed_into_a_number_cell_is_refused_with_a_clear_reason(chieng_an):
    content = _book([], [_official(chieng_an.code, 14188000001)])
    with pytest.raises(DomainError) as refused:
        excel.staff_import(actor=None, content=content)
    assert "leading zeros" in refused.value.problems[0].message


def test_a_file_that_is_not_a_workbook_is_refused_clearly():
    with pytest.raises(DomainError, match=r"not a readable \.xlsx"):
        excel.staff_import(actor=None, content=b"not a zip", filename="x.xlsx")


def test_the_import_command_imports_and_its_dry_run_writes_nothing(chieng_an, tmp_path: Path):
    path = tmp_path / "staff.xlsx"
    path.write_bytes(
        _book([_position("CV-01", chieng_an.code)], [_official(chieng_an.code, "014188000001")])
    )
    out = io.StringIO()
    call_command("staff", "import", str(path), "--dry-run", stdout=out)
    assert "nothing written" in out.getvalue() and not Official.objects.exists()
    call_command("staff", "import", str(path), stdout=out)
    assert Official.objects.count() == 1
