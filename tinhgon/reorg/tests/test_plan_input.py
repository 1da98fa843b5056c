"""Plan files as an attacker or a hurried official writes them (issue 7, findings 2, 3 and 11):
every one gets a 4xx naming the step and field, within bounds of time and memory, and nothing is
written."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from openpyxl import Workbook

from tinhgon.core.errors import DomainError
from tinhgon.core.models import AuditEvent
from tinhgon.core.xlsx_read import BLANK_RUN, open_workbook, sheet_rows
from tinhgon.reorg import planfile
from tinhgon.reorg.models import Plan
from tinhgon.units.models import UnitVersion

pytestmark = pytest.mark.django_db

HEAD = "title: Đổi tên phường\neffective_date: 2027-01-01\nsteps:\n"
RENAME = "- {action: rename, unit: '03646', name: Phường Tô Hiệu Mới}\n"


def db_checksum() -> tuple[int, ...]:
    """What a plan upload could write (the API token's last use aside)."""
    return Plan.objects.count(), UnitVersion.objects.count(), AuditEvent.objects.count()


def upload(persona, text: str | bytes, name: str = "plan.yaml", path: str = "/api/plans"):
    content = text.encode() if isinstance(text, str) else text
    return persona.api().post(path, {"file": SimpleUploadedFile(name, content)})


def problems(response) -> list[dict]:
    return response.json()["error"]["problems"]


def test_a_plan_with_yaml_aliases_is_refused_before_it_grows(province_admin):
    # 454 bytes once stored a 92 MB title: nine levels of nine aliases.
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 9):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    text = "\n".join(lines) + "\ntitle: *a8\neffective_date: 2027-01-01\nsteps: []\n"
    before = db_checksum()
    response = upload(province_admin, text)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_plan"
    assert problems(response)[0]["line"] == 1
    assert db_checksum() == before


def test_a_merge_key_is_not_a_way_around_the_alias_refusal():
    with pytest.raises(DomainError) as refused:
        planfile.load_yaml("base: &b {name: x}\n" + HEAD + "- {<<: *b, action: rename}\n")
    assert refused.value.code == "invalid_plan"


def test_an_unquoted_code_with_a_leading_zero_stays_the_code_that_was_typed():
    # YAML 1.1 reads 04246 as the octal number 2214.
    spec = planfile.load_yaml(
        HEAD + "- {action: absorb, sources: [03670, 1e3], into: 03679}\n"
        "- {action: rename, unit: 0x14, code: 04246}\n"
    )
    assert spec.steps[0].sources == ["03670", "1e3"]
    assert spec.steps[0].into == "03679"
    assert (spec.steps[1].unit, spec.steps[1].code) == ("0x14", "04246")


@pytest.mark.parametrize(
    ("step", "field"),
    [
        ("- {action: rename, unit: !!int abc, name: X}\n", "unit"),
        ("- {action: rename, unit: '03646', name: !!binary aGVsbG8=}\n", "name"),
        (
            "- action: split\n  unit: '14'\n  default: new:T1\n  targets:\n"
            "  - {code: T1, name: Bắc, kind: province, share: .nan}\n",
            "targets[1].share",
        ),
        (
            "- action: split\n  unit: '14'\n  default: new:T1\n  targets:\n"
            "  - {code: T1, name: Bắc, kind: province, share: 150}\n",
            "targets[1].share",
        ),
        ("- {action: rename, unit: '03646', name: " + "x" * 300 + "}\n", "name"),
        ("- {action: rename, unit: '03646', name: X, note: " + "y" * 1001 + "}\n", "note"),
        ("- {action: rename, unit: [a, b], name: X}\n", "unit"),
    ],
)
def test_a_value_that_does_not_read_is_refused_naming_its_step_and_field(
    province_admin, step, field
):
    before = db_checksum()
    response = upload(province_admin, HEAD + RENAME + step)
    assert response.status_code == 400, response.content
    assert {"step": 2, "field": field} in [
        {k: p.get(k) for k in ("step", "field")} for p in problems(response)
    ]
    assert db_checksum() == before


@pytest.mark.parametrize(
    "written",
    ["2027-02-30", "30/02/2027", "!!timestamp 2027-02-30", "soon", "9999-12-31", "1900-01-01"],
)
def test_an_impossible_effective_date_is_a_400_naming_the_field(province_admin, written):
    response = upload(province_admin, f"title: T\neffective_date: {written}\nsteps:\n" + RENAME)
    assert response.status_code == 400
    assert [p["field"] for p in problems(response)] == ["effective_date"]


def test_a_date_written_day_first_is_read_as_the_pages_write_it():
    spec = planfile.load_yaml(
        "title: T\neffective_date: 01/02/2027\nlegal_basis: {date: 15/12/2026}\nsteps:\n" + RENAME
    )
    assert spec.effective_date.isoformat() == "2027-02-01"
    assert spec.legal_basis.date.isoformat() == "2026-12-15"  # type: ignore[union-attr]


def test_a_title_longer_than_the_database_holds_is_refused_before_saving(province_admin):
    before = db_checksum()
    response = upload(
        province_admin, "title: " + "T" * 256 + "\neffective_date: 2027-01-01\nsteps:\n" + RENAME
    )
    assert response.status_code == 400
    assert [p["field"] for p in problems(response)] == ["title"]
    assert db_checksum() == before


def test_a_plan_of_more_steps_than_the_limit_is_refused_in_one_problem(monkeypatch):
    monkeypatch.setattr(planfile, "MAX_STEPS", 3)
    with pytest.raises(DomainError) as refused:
        planfile.load_yaml(HEAD + RENAME * 4)
    assert [p.field for p in refused.value.problems] == ["steps"]


@override_settings(TINHGON_MAX_UPLOAD_BYTES=10_000)
def test_a_file_over_the_upload_limit_is_a_413_in_the_json_shape(province_admin):
    response = upload(province_admin, HEAD + RENAME + "#" * 10_001)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


@override_settings(TINHGON_MAX_UPLOAD_BYTES=10_000)
def test_a_body_over_the_limit_is_refused_by_its_declared_length_before_it_is_read(
    province_admin,
):
    body = b"x" * 200_000  # multipart, with 64 KB allowed for the form around the file
    response = province_admin.api().generic(
        "POST", "/api/plans", body, content_type="multipart/form-data; boundary=xyz"
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_an_oversized_json_body_is_a_413_not_a_500(province_admin):
    response = province_admin.api().post(
        "/api/plans/1/decisions",
        {"carrier": "child_units", "choices": {str(i): "03646" for i in range(200_000)}},
        content_type="application/json",
    )
    assert response.status_code == 413
    assert set(response.json()["error"]) == {"code", "message", "problems"}


@override_settings(TINHGON_MAX_UPLOAD_BYTES=10_000)
def test_the_plan_page_refuses_a_file_over_the_limit_with_its_error_page(province_admin):
    client = province_admin.browser()
    response = client.post(
        "/plans/", {"file": SimpleUploadedFile("plan.yaml", (HEAD + "#" * 20_000).encode())}
    )
    assert response.status_code == 413
    assert "plan.yaml" in response.content.decode()


def test_an_observer_is_refused_a_plan_upload_before_the_file_is_parsed(observer):
    # A malformed file: parsed first, it would be a 400; refused first, a 403.
    for path in ("/api/plans", "/api/plans/preview"):
        assert upload(observer, "title: [unclosed\n", path=path).status_code == 403
    page = observer.browser().post(
        "/plans/", {"file": SimpleUploadedFile("plan.xlsx", b"not a spreadsheet")}
    )
    assert page.status_code == 403


def _xlsx_with_sheet_xml(steps_xml: str) -> bytes:
    """A plan workbook whose 'steps' sheet is the given XML."""
    workbook = Workbook()
    workbook.active.title = "plan"
    workbook["plan"].append(["title", "T"])
    workbook["plan"].append(["effective_date", "2027-01-01"])
    workbook.create_sheet("steps").append(["step", "action"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = steps_xml.encode()
            target.writestr(item, data)
    return out.getvalue()


SHEET = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<sheetData>{rows}</sheetData></worksheet>"
)
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>step</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>action</t></is></c></row>'
)


def test_a_plan_sheet_of_a_million_empty_rows_stops_at_the_data_s_end(province_admin):
    rows = HEADER_ROW + "".join(f'<row r="{n}"/>' for n in range(2, 1_000_001))
    content = _xlsx_with_sheet_xml(SHEET.format(rows=rows))
    response = upload(province_admin, content, name="plan.xlsx")
    assert response.status_code == 400
    assert [p["field"] for p in problems(response)] == ["steps"]  # no steps, said once


def test_the_sheet_reader_stops_a_thousand_blank_rows_after_the_data():
    # Speed is for the benchmarks; what this checks is that the 999,000 rows after the data's end
    # are never read (they once cost 25 s of CPU).
    rows = HEADER_ROW + "".join(f'<row r="{n}"/>' for n in range(2, 1_000_001))
    sheet = open_workbook(_xlsx_with_sheet_xml(SHEET.format(rows=rows)), "plan.xlsx")["steps"]
    read = 0
    every_row = sheet.iter_rows

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal read
        for row in every_row(*args, **kwargs):
            read += 1
            yield row

    sheet.iter_rows = counted  # type: ignore[method-assign]
    found = list(sheet_rows(sheet, "plan.xlsx", max_rows=2_000_000, max_columns=10))
    assert [number for number, _values in found] == [1]
    assert read == 1 + BLANK_RUN


def test_a_plan_sheet_with_broken_xml_is_a_clear_400(province_admin):
    content = _xlsx_with_sheet_xml(SHEET.format(rows=HEADER_ROW + '<row r="2"><c r="A2"'))
    response = upload(province_admin, content, name="plan.xlsx")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_file"


@pytest.mark.parametrize("content", [b"PK\x03\x04 not really", b"hello", b""])
def test_a_plan_file_that_is_not_a_spreadsheet_is_a_clear_400(province_admin, content):
    response = upload(province_admin, content, name="plan.xlsx")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_file"


def test_a_number_in_a_code_column_of_a_plan_sheet_names_the_row_and_column(province_admin):
    workbook = Workbook()
    workbook.active.title = "plan"
    workbook["plan"].append(["title", "T"])
    workbook["plan"].append(["effective_date", "01/01/2027"])
    steps = workbook.create_sheet("steps")
    steps.append(planfile.STEP_COLUMNS)
    row = dict.fromkeys(planfile.STEP_COLUMNS)
    row.update(step=1, action="rename", unit=3646, name="Phường Mới")
    steps.append([row[c] for c in planfile.STEP_COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(province_admin, buffer.getvalue(), name="plan.xlsx")
    assert response.status_code == 400
    assert [(p.get("line"), p["field"]) for p in problems(response)] == [(2, "unit")]
