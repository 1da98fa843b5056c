"""Agency spreadsheets as an attacker or a hurried official writes them (issue 7, findings 2
and 3): bounded in size, rows and field lengths on both databases, with errors naming row and
column, and observers refused before the file is read."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from tinhgon.core import xlsx_read
from tinhgon.core.errors import DomainError
from tinhgon.units.excel import HEADERS, agencies_import, write_template
from tinhgon.units.models import Unit, UnitVersion

pytestmark = pytest.mark.django_db


def sheet(*rows) -> bytes:
    workbook = Workbook()
    workbook.active.append(HEADERS)
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def refused(content: bytes) -> DomainError:
    before = (Unit.objects.count(), UnitVersion.objects.count())
    with pytest.raises(DomainError) as caught:
        agencies_import(actor=None, content=content)
    assert (Unit.objects.count(), UnitVersion.objects.count()) == before
    return caught.value


def test_a_note_longer_than_the_database_holds_is_refused_on_every_database():
    # SQLite does not enforce max_length: a 300,000,000-character field was once stored.
    error = refused(sheet(["14-X", "Phòng X", "division", "14-SNV", "2025-08-01", "n" * 256]))
    assert [(p.row, p.column, p.field) for p in error.problems] == [(2, "F", "note")]


def test_a_name_longer_than_the_database_holds_is_refused_naming_row_and_column():
    error = refused(sheet(["14-X", "N" * 100_000, "division", "14-SNV", "2025-08-01"]))
    assert [(p.row, p.column, p.field) for p in error.problems] == [(2, "B", "name")]


def test_a_number_in_a_code_column_names_its_row_and_column():
    error = refused(sheet([4246, "Phòng X", "division", 14, "2025-08-01"]))
    assert [(p.row, p.column, p.field) for p in error.problems] == [
        (2, "A", "code"),
        (2, "D", "parent_code"),
    ]


def test_the_template_keeps_its_code_columns_as_text():
    ws = load_workbook(io.BytesIO(write_template())).active
    assert ws["A2"].number_format == "@" and ws["D500"].number_format == "@"
    assert ws["B2"].number_format != "@"


def test_a_sheet_that_unpacks_to_more_than_the_bound_is_refused_before_it_is_read(monkeypatch):
    monkeypatch.setattr(xlsx_read, "MAX_UNPACKED_BYTES", 100_000)
    content = sheet(["14-X", "Phòng X", "division", "14-SNV", "2025-08-01", "x" * 200])
    big = sheet(
        *[
            ["14-X", "Phòng X", "division", "14-SNV", "2025-08-01", f"{i}" * 200]
            for i in range(1_000)
        ]
    )
    agencies_import(actor=None, content=content)  # small enough
    assert refused(big).code == "bad_file"


def test_a_sheet_of_a_million_empty_rows_imports_nothing_and_is_no_error():
    workbook = Workbook()
    workbook.active.append(HEADERS)
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    rows = "".join(f'<row r="{n}"/>' for n in range(2, 1_000_001))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", rows.encode() + b"</sheetData>")
            target.writestr(item, data)
    # Nothing to import, and no error for the blank rows (the reader's stop after a run of
    # blank rows is checked by the rows it reads, in reorg/tests/test_plan_input.py).
    assert agencies_import(actor=None, content=out.getvalue()) == []


def test_more_rows_than_the_limit_are_refused_naming_the_limit(monkeypatch):
    from tinhgon.units import excel

    monkeypatch.setattr(excel, "MAX_ROWS", 2)
    error = refused(
        sheet(*[[f"14-X{i}", "Phòng", "division", "14-SNV", "2025-08-01"] for i in range(3)])
    )
    assert error.code == "too_many_rows" and error.problems[0].row == 4


@pytest.mark.parametrize("content", [b"", b"not a zip", b"PK\x03\x04broken"])
def test_a_file_that_is_not_a_spreadsheet_is_a_clear_400_on_the_api(province_admin, content):
    response = province_admin.api().post(
        "/api/units/import-excel", {"file": SimpleUploadedFile("a.xlsx", content)}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_file"


def test_an_observer_is_refused_an_agency_sheet_before_it_is_read(observer):
    response = observer.api().post(
        "/api/units/import-excel", {"file": SimpleUploadedFile("a.xlsx", b"not a zip")}
    )
    assert response.status_code == 403
