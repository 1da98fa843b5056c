"""Agencies from an Excel sheet: all rows or none, with errors that name row and column."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from tinhgon.core.errors import DomainError
from tinhgon.units.excel import HEADERS, agencies_import, write_template
from tinhgon.units.models import Source, Unit, UnitVersion

pytestmark = pytest.mark.django_db


def sheet(*rows, headers=HEADERS) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def refused(content: bytes) -> DomainError:
    before = (Unit.objects.count(), UnitVersion.objects.count())
    with pytest.raises(DomainError) as caught:
        agencies_import(actor=None, content=content)
    assert (Unit.objects.count(), UnitVersion.objects.count()) == before
    return caught.value


def test_a_good_sheet_imports_every_row_including_children_of_earlier_rows():
    versions = agencies_import(
        actor=None,
        content=sheet(
            ["14-SNV-TCBC", "Phòng Tổ chức - Biên chế", "division", "14-SNV", "2025-08-01", ""],
            [
                "14-TTDV",
                "Trung tâm Dịch vụ việc làm",
                "Đơn vị sự nghiệp công lập",
                "14-SNV",
                "2025-08-01",
                "note",
            ],
            ["14-TTDV-1", "Phòng Hành chính", "division", "14-TTDV", "2025-08-01", ""],
        ),
    )
    assert [v.code for v in versions] == ["14-SNV-TCBC", "14-TTDV", "14-TTDV-1"]
    child = UnitVersion.objects.get(code="14-TTDV-1")
    assert child.parent_id == UnitVersion.objects.get(code="14-TTDV").unit_id
    assert child.source == Source.EXCEL and child.kind == "division"


def test_an_unknown_kind_names_its_row_and_column():
    error = refused(sheet(["A-1", "Cơ quan A", "ministry", "14-SNV", "2025-08-01"]))
    problem = error.problems[0]
    assert (problem.row, problem.column, problem.field) == (2, "C", "kind")


def test_a_parent_that_did_not_exist_on_the_date_names_its_row():
    error = refused(
        sheet(
            ["A-1", "Cơ quan A", "division", "14-SNV", "2025-08-01"],
            ["A-2", "Cơ quan B", "division", "14-SNV", "2025-06-01"],
        )
    )
    assert [(p.row, p.column) for p in error.problems] == [(3, "D")]


def test_every_problem_of_a_sheet_is_reported_at_once():
    error = refused(
        sheet(
            ["", "Không mã", "division", "14-SNV", "2025-08-01"],
            ["B-1", "Ngày sai", "division", "14-SNV", "not a date"],
            ["B-2", "Xã giả", "xã", "14-SNV", "2025-08-01"],
        )
    )
    assert {(p.row, p.field) for p in error.problems} == {
        (2, "code"),
        (3, "valid_from"),
        (4, "kind"),
    }


def test_a_duplicate_code_within_the_sheet_is_refused():
    with translation.override("en"):
        error = refused(
            sheet(
                ["C-1", "Một", "division", "14-SNV", "2025-08-01"],
                ["C-1", "Hai", "division", "14-SNV", "2025-08-01"],
            )
        )
    assert error.problems[0].row == 3 and "row 2" in error.problems[0].message


def test_a_sheet_without_the_header_row_is_refused():
    error = refused(sheet(["X", "Y"], headers=["mã", "tên"]))
    assert {p.field for p in error.problems} >= {"code", "kind", "parent_code"}


def test_a_file_that_is_not_xlsx_is_refused_clearly():
    error = refused(b"this is not a spreadsheet")
    assert error.code == "bad_file"


def test_the_template_has_the_documented_columns():
    workbook = load_workbook(io.BytesIO(write_template()))
    assert [c.value for c in workbook["agencies"][1]] == HEADERS
