"""Spreadsheets of integrity: a unit's red flags and its cases, within the scope; the cases'
spreadsheet never holds an author's identity, for anyone, the handler and superusers included."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from tinhgon.accounts.models import Role
from tinhgon.conftest import make_persona
from tinhgon.core.errors import DomainError, NotFound
from tinhgon.integrity import cases, exports
from tinhgon.integrity.models import CaseKind, RedFlag
from tinhgon.integrity.tests.cases_factories import receive
from tinhgon.integrity.tests.test_flags import (  # noqa: F401  (a fixture)
    clock,
    repeated_flag,
)
from tinhgon.publicservices.tests.factories import file_dossier

pytestmark = pytest.mark.django_db

AUTHOR = "Quàng Văn Độc Nhất"
CONTACT = "0987 654 321 · doc.nhat@example.vn"


def cells(content: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(content))
    return [
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


@pytest.fixture
def flag(clock, chieng_an) -> RedFlag:  # noqa: F811
    return repeated_flag(chieng_an.unit_id)


@pytest.fixture
def sealed(chieng_an):  # type: ignore[no-untyped-def]
    """A denunciation and a complaint concerning the ward, their author sealed; decided with a
    decision that names the complainant, as real decisions do."""
    denunciation = receive(chieng_an.unit_id, author_name=AUTHOR, author_contact=CONTACT)
    complaint = receive(
        chieng_an.unit_id,
        kind=CaseKind.COMPLAINT,
        author_name=AUTHOR,
        author_contact=CONTACT,
        body=f"Tôi là {AUTHOR}, khiếu nại quyết định.",
    )
    handler = make_persona("thanh-tra", complaint.handler_unit_id, Role.UNIT_OFFICIAL).user
    cases.case_accept(actor=handler, case_id=complaint.pk)
    cases.case_decide(actor=handler, case_id=complaint.pk, decision=f"Trả lời ông {AUTHOR}.")
    return {"cases": [denunciation, complaint], "handler": handler}


def test_the_cases_spreadsheet_holds_no_author_for_any_persona(
    sealed, chieng_an, superuser, province_admin, commune_official, observer
):
    handler = sealed["handler"]
    # The handler reads the author on the case's page: the spreadsheet still does not hold it.
    author = cases.author_for(handler, sealed["cases"][1])
    assert author is not None and author.name == AUTHOR
    people = {
        "superuser": superuser.user,
        "province": province_admin.user,
        "ward": commune_official.user,
        "observer": observer.user,
        "handler": handler,
        "operator": None,
    }
    for who, user in people.items():
        at = sealed["cases"][1].handler_unit_id if who == "handler" else chieng_an.unit_id
        found = cells(exports.cases_xlsx(user, unit_id=at))
        text = "\n".join(found)
        assert str(sealed["cases"][1].pk) in found, who  # the case is there ...
        for secret in (AUTHOR, "Độc Nhất", "0987", "doc.nhat"):  # ... its author is not
            assert secret not in text, (who, secret)


def test_the_spreadsheets_are_read_within_the_scope_on_the_api_and_the_pages(
    client, sealed, chieng_an, commune_official, other_commune_official
):
    unit = chieng_an.unit_id
    for path in ("/api/integrity/exports/cases.xlsx", "/api/integrity/exports/flags.xlsx"):
        assert client.get(path, {"unit": unit}).status_code == 401
        assert other_commune_official.api().get(path, {"unit": unit}).status_code == 404
        answer = commune_official.api().get(path, {"unit": unit})
        assert answer.status_code == 200 and answer["Content-Type"] == exports.XLSX
        assert AUTHOR not in "\n".join(cells(answer.content))
    browser = other_commune_official.browser()
    assert browser.get("/integrity/exports/cases.xlsx", {"unit": unit}).status_code == 404
    assert browser.get("/integrity/exports/cases.xlsx", {"unit": "x"}).status_code == 400
    page = commune_official.browser().get("/integrity/exports/cases.xlsx", {"unit": unit})
    assert page.status_code == 200 and page["Content-Type"] == exports.XLSX
    # The ward reads the complaint concerning it, never the denunciation: only its handler's
    # side sees that.
    listed = cells(page.content)
    assert str(sealed["cases"][1].pk) in listed
    assert "Sách nhiễu khi giải quyết hồ sơ" in listed  # the subject of both: one is read


def test_the_flags_spreadsheet_lists_each_flag_with_its_dossiers_and_explanation(
    flag, commune_official, other_commune_official
):
    found = cells(exports.flags_xlsx(commune_official.user, unit_id=flag.unit_id))
    assert flag.explanation in found
    assert ", ".join(flag.dossiers) in found
    assert "mot-cua" in found  # the clerk it is about (test_flags.repeated_flag)
    with pytest.raises(NotFound):
        exports.flags_xlsx(other_commune_official.user, unit_id=flag.unit_id)


def test_a_subject_written_as_a_formula_stays_text_in_the_spreadsheet(chieng_an):
    receive(chieng_an.unit_id, subject='=HYPERLINK("http://example.com","x")')
    book = load_workbook(io.BytesIO(exports.cases_xlsx(None, unit_id=chieng_an.unit_id)))
    sheet = book.active
    assert sheet is not None
    subjects = [row[4] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert subjects == ['=HYPERLINK("http://example.com","x")']
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_a_dossier_filed_is_no_case_and_a_unit_without_cases_gives_the_headers_only(
    chieng_an, commune_official
):
    file_dossier(chieng_an.unit_id, actor=commune_official.user)
    found = cells(exports.cases_xlsx(commune_official.user, unit_id=chieng_an.unit_id))
    assert "Number" in found and len(found) == 16  # the title and the fifteen headers


def test_the_command_writes_a_units_cases_without_authors_and_refuses_a_bad_file_name(
    sealed, chieng_an, tmp_path
):
    target = tmp_path / "don-thu.xlsx"
    out = io.StringIO()
    call_command(
        "integrity",
        "export",
        "cases",
        "--unit",
        chieng_an.code,
        "--output",
        str(target),
        stdout=out,
    )
    found = cells(target.read_bytes())
    assert str(sealed["cases"][1].pk) in found
    assert AUTHOR not in "\n".join(found)
    with pytest.raises(DomainError):
        call_command("integrity", "export", "flags", "--unit", chieng_an.code, "--output", "a.csv")
