"""Spreadsheet exports never carry a formula (issue 7, finding 4: a plan titled
'=HYPERLINK("http://...")' was a live formula in the preview the signatories download), and speak
the reader's language (finding 12: English spreadsheet headers)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tinhgon.conftest import AFTER
from tinhgon.core.xlsx import append_row, literal
from tinhgon.reorg import planfile, services
from tinhgon.reports.exports import figures_workbook
from tinhgon.reports.selectors import apparatus_change
from tinhgon.reports.service import resolve_area, scoped_figures
from tinhgon.units.excel import write_template

pytestmark = pytest.mark.django_db

LINK = '=HYPERLINK("http://evil.example/","Bấm vào đây")'
PLAN = f"""title: '{LINK.replace("'", "''")}'
effective_date: 2026-01-01
legal_basis: {{number: '@SUM(1+1)', date: 2025-12-10, issuer: '+HĐND tỉnh Sơn La'}}
steps:
- action: consolidate
  sources: ['03646', '03667']
  target: {{code: '03999', name: '-Phường Tô Chiềng', kind: ward, parent: '14'}}
  note: "=1+1"
"""


def cells(content: bytes):
    workbook = load_workbook(io.BytesIO(content))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            yield from row


def formulas(content: bytes) -> list[str]:
    return [
        f"{c.parent.title}!{c.coordinate}: {c.value}" for c in cells(content) if c.data_type == "f"
    ]


def texts(content: bytes) -> set[str]:
    return {c.value for c in cells(content) if isinstance(c.value, str)}


@pytest.fixture
def plan(province_admin):
    spec = planfile.load(PLAN.encode(), "plan.yaml")
    return services.plan_create(actor=province_admin.user, spec=spec)


def test_the_preview_downloaded_from_the_plan_page_has_the_title_as_text_not_a_formula(
    province_admin, plan
):
    response = province_admin.browser().get(f"/plans/{plan.pk}/?format=xlsx")
    assert response.status_code == 200
    assert formulas(response.content) == []
    assert LINK in texts(response.content)
    cell = load_workbook(io.BytesIO(response.content)).worksheets[0]["B1"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (LINK, "s", True)


def test_the_preview_is_in_vietnamese(province_admin, plan):
    content = province_admin.browser().get(f"/plans/{plan.pk}/?format=xlsx").content
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Tóm tắt", "Số liệu", "Các bước"]
    words = texts(content)
    assert {"Phương án", "Ngày hiệu lực", "Đơn vị thành lập", "Trước", "Sau"} <= words
    for english in ("Plan", "Effective date", "Units opened", "Figure", "Before", "Step"):
        assert english not in words
    assert "01/01/2026" in words


def test_the_figures_export_writes_an_area_named_like_a_formula_as_text():
    area = resolve_area(None, day=AFTER, province="Sơn La", unit_id=None)
    report = scoped_figures(None, AFTER, area)
    report["area"] = LINK
    content = figures_workbook(report)
    assert formulas(content) == []
    assert LINK in texts(content)
    change = apparatus_change(report, scoped_figures(None, AFTER, area))
    assert formulas(figures_workbook(change)) == []


def test_the_figures_export_is_in_vietnamese_with_dates_as_written():
    area = resolve_area(None, day=AFTER, province="Sơn La", unit_id=None)
    content = figures_workbook(scoped_figures(None, AFTER, area))
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.title == "Bộ máy"
    assert [c.value for c in sheet[2]] == ["Chỉ tiêu", "01/07/2025", "Mã"]


def test_a_plan_written_as_a_spreadsheet_keeps_formula_like_text_as_text(plan):
    spec = services.spec_of(plan)
    content = planfile.write_excel(spec)
    assert formulas(content) == []
    again = planfile.load(content, "plan.xlsx")
    assert again.title == LINK
    assert again.legal_basis.number == "@SUM(1+1)"
    assert again.steps[0].note == "=1+1"


def test_the_templates_have_no_formula():
    assert formulas(planfile.excel_template()) == []
    assert formulas(write_template()) == []


def test_the_agencies_template_help_is_in_vietnamese():
    words = texts(write_template())
    assert {"cột", "bắt buộc", "ý nghĩa", "có"} <= words
    assert not {"column", "required", "meaning", "yes", "no"} & words


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_every_formula_trigger_is_written_as_a_quoted_string(text):
    from openpyxl import Workbook

    workbook = Workbook()
    append_row(workbook.active, [text, "an ordinary text", 5, -5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    row = next(load_workbook(buffer).active.iter_rows())
    # (XML turns a carriage return into a line feed on the way back.)
    assert [c.value for c in row] == [text.replace("\r", "\n"), "an ordinary text", 5, -5]
    assert row[0].data_type == "s" and row[0].quotePrefix
    assert not row[1].quotePrefix
    assert literal(workbook.active, 5) == 5
