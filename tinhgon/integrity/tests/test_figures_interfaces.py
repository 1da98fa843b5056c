"""The figures' interfaces: the command (JSON scripts read, a table, a spreadsheet; refusals in
one line), the API (bad input is a 4xx naming the field) and the page (the scope picker offers
only one's own units; the spreadsheet)."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from tinhgon.integrity.models import CaseKind
from tinhgon.integrity.tests.cases_factories import receive
from tinhgon.workdays.calendar import VIETNAM

pytestmark = pytest.mark.django_db

MARCH = dt.datetime(2026, 3, 2, 9, tzinfo=VIETNAM)


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("integrity", "figures", *args, stdout=out)
    return out.getvalue()


def test_the_command_writes_the_figures_as_json_with_the_keys_scripts_read(chieng_an):
    receive(chieng_an.unit_id, received_at=MARCH)
    receive(chieng_an.unit_id, kind=CaseKind.FEEDBACK, received_at=MARCH)
    data = json.loads(_run("--unit", "03667", "--from", "01/01/2026", "--format", "json"))
    assert data["scope"] == {"unit": "03667", "name": chieng_an.name, "province": False}
    assert data["date_from"] == "2026-01-01"
    cases = data["cases"]
    assert cases["received"] == 2 and cases["open"] == 2
    assert {"on_time_rate", "overdue", "within", "by_kind", "by_unit", "by_handler"} <= set(cases)
    assert {"implementation_rate", "implemented_on_time", "escalated"} <= set(
        data["recommendations"]
    )


def test_the_command_writes_a_table_and_a_spreadsheet(chieng_an, tmp_path):
    receive(chieng_an.unit_id, received_at=MARCH)
    table = _run("--unit", "03667", "--from", "2026-01-01")
    assert chieng_an.name in table and "Cases received in the period" in table
    target = tmp_path / "figures.xlsx"
    _run("--unit", "03667", "--format", "xlsx", "--output", str(target))
    book = load_workbook(target)
    assert book.sheetnames[0] == "Summary" and "Cases by kind" in book.sheetnames
    with pytest.raises(CommandError, match="needs --output"):
        _run("--unit", "03667", "--format", "xlsx")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "03667", "--from", "31/02/2026"], "is not a date"),
        (["--unit", "03667", "--from", "2026-05-01", "--to", "2026-04-01"], "ends before"),
        (["--unit", "no-such-unit-anywhere"], "No unit named"),
    ],
)
def test_the_command_refuses_bad_input_with_one_clear_message(chieng_an, args, message):
    with pytest.raises(CommandError, match=message):
        _run(*args)


def test_a_refusal_on_the_command_line_is_one_line_on_stderr_and_exit_status_1(tmp_path):
    from tinhgon.browser import environment

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tinhgon.manage",
            "integrity",
            "figures",
            "--unit",
            "03667",
            "--as-of",
            "not-a-day",
        ],
        capture_output=True,
        text=True,
        env=environment(tmp_path),
    )
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1 and "--as-of" in done.stderr


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"unit": "03667", "date_from": "2026-13-01"}, 422),
        ({"unit": "03667", "date_from": "2026-05-01", "date_to": "2026-04-01"}, 400),
        ({"unit": "03667", "as_of": "2099-01-01"}, 400),
        ({"unit": "x" * 101}, 422),
        ({"unit": "03646"}, 404),  # another ward
    ],
)
def test_the_api_refuses_bad_input_with_a_4xx(commune_official, params, status):
    answer = commune_official.api().get("/api/integrity/figures", params)
    assert answer.status_code == status, answer.content


def test_without_a_unit_the_api_answers_for_ones_own_ward(chieng_an, commune_official):
    receive(chieng_an.unit_id, received_at=MARCH)
    answer = commune_official.api().get("/api/integrity/figures", {"date_from": "2026-01-01"})
    assert answer.status_code == 200
    assert answer.json()["scope"]["unit"] == "03667" and answer.json()["cases"]["received"] == 1


def test_the_page_offers_only_ones_own_units_and_exports_a_spreadsheet(
    chieng_an, commune_official, province_admin
):
    receive(chieng_an.unit_id, received_at=MARCH)
    browser = commune_official.browser()
    page = browser.get("/integrity/figures/")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'value="03667"' in body and 'value="03646"' not in body  # Tô Hiệu is not offered
    assert "chart" in body and chieng_an.name in body
    assert province_admin.browser().get("/integrity/figures/").status_code == 200
    refused = browser.get("/integrity/figures/", {"unit": "03646"})
    assert refused.status_code == 404
    bad = browser.get("/integrity/figures/", {"unit": "03667", "from": "31/02/2026"})
    assert bad.status_code == 400 and "error-summary" in bad.content.decode()
    sheet = browser.get(
        "/integrity/figures/", {"unit": "03667", "from": "01/01/2026", "format": "xlsx"}
    )
    assert sheet.status_code == 200
    assert sheet["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(sheet.content))
    assert book["Summary"]["B1"].value.endswith("(03667)")
