"""The procedure catalogue as a spreadsheet: export, import, round trip, errors that name the
sheet, the row and the column, and nothing imported when anything is wrong."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from tinhgon.core.errors import DomainError
from tinhgon.publicservices import catalogue
from tinhgon.publicservices.models import ProcedureVersion
from tinhgon.publicservices.tests.factories import CATALOGUE_DAY, load_catalogue

pytestmark = pytest.mark.django_db
LATER = dt.date(2026, 1, 1)


def saved(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def exported() -> Workbook:
    return load_workbook(io.BytesIO(catalogue.catalogue_workbook(day=LATER)))


def test_the_export_lists_each_procedure_with_its_fees_and_documents_on_their_sheets():
    load_catalogue()
    book = exported()
    assert book.sheetnames == ["procedures", "fees", "documents"]
    data = catalogue.catalogue_export(day=LATER)
    rows = list(book["procedures"].iter_rows(values_only=True))
    assert rows[0] == catalogue.PROCEDURE_COLUMNS
    assert [r[0] for r in rows[1:]] == [p["code"] for p in data["procedures"]]
    fees = list(book["fees"].iter_rows(min_row=2, values_only=True))
    assert len(fees) == sum(len(p["fees"]) for p in data["procedures"])
    documents = list(book["documents"].iter_rows(min_row=2, values_only=True))
    assert len(documents) == sum(len(p["documents"]) for p in data["procedures"])


def test_exporting_then_importing_changes_nothing(tmp_path):
    load_catalogue()
    before = list(ProcedureVersion.objects.order_by("pk").values())
    target = tmp_path / "catalogue.xlsx"
    call_command("services", "catalogue-export", "--as-of", "2026-01-01", "--output", str(target))
    out = io.StringIO()
    call_command(
        "services", "catalogue-import", str(target), "--valid-from", "2026-01-01", stdout=out
    )
    assert list(ProcedureVersion.objects.order_by("pk").values()) == before
    assert "0" in out.getvalue()


def test_an_empty_database_imports_the_spreadsheet_as_the_json_would():
    load_catalogue()
    content = catalogue.catalogue_workbook(day=LATER)
    data, _rows = catalogue.read_workbook(content, "catalogue.xlsx")
    assert data["procedures"] == [
        {k: v for k, v in p.items()} for p in catalogue.catalogue_export(day=LATER)["procedures"]
    ]


def test_a_changed_limit_gives_a_new_version_from_the_day_given():
    load_catalogue()
    book = exported()
    book["procedures"]["F2"] = 9
    code = book["procedures"]["A2"].value
    counts = catalogue.catalogue_import_workbook(
        actor=None, content=saved(book), filename="c.xlsx", valid_from=LATER
    )
    assert counts["changed"] == 1
    assert ProcedureVersion.objects.get(procedure__code=code, valid_to__isnull=True).days == 9


def test_errors_name_the_sheet_row_and_column_and_nothing_is_imported():
    load_catalogue()
    before = ProcedureVersion.objects.count()
    book = exported()
    book["procedures"]["F3"] = "ba ngày"
    book["procedures"]["G4"] = "sometimes"  # not full or partial
    book["fees"]["C2"] = "mười nghìn"
    book["documents"].append(["9.999999", "Tờ khai"])
    book["procedures"]["F2"] = 9  # a good change in the same file: not applied either
    with pytest.raises(DomainError) as refused:
        catalogue.catalogue_import_workbook(
            actor=None, content=saved(book), filename="c.xlsx", valid_from=LATER
        )
    where = {(p.field, p.row, p.column) for p in refused.value.problems}
    assert ("procedures.days", 3, "F") in where
    assert ("fees.amount", 2, "C") in where
    last = book["documents"].max_row
    assert ("documents.code", last, "A") in where
    assert ProcedureVersion.objects.count() == before

    book["procedures"]["F3"] = 3
    book["fees"]["C2"] = 0
    book["documents"].delete_rows(last)
    with pytest.raises(DomainError) as refused:
        catalogue.catalogue_import_workbook(
            actor=None, content=saved(book), filename="c.xlsx", valid_from=LATER
        )
    assert [(p.field, p.row, p.column) for p in refused.value.problems] == [
        ("procedures.online", 4, "G")
    ]
    assert ProcedureVersion.objects.count() == before


def test_a_file_that_is_not_a_spreadsheet_or_lacks_a_sheet_is_refused_in_one_line():
    with pytest.raises(DomainError, match="xlsx"):
        catalogue.catalogue_import_workbook(
            actor=None, content=b"not a zip", filename="c.xlsx", valid_from=CATALOGUE_DAY
        )
    book = Workbook()
    book.active.title = "procedures"
    with pytest.raises(DomainError, match="fees"):
        catalogue.read_workbook(saved(book), "c.xlsx")
