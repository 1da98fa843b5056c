"""The Resolution 18 report on a small plan: three wards of Sơn La merge on 01/01/2026, so the
province's communes go from 75 to 73 (-2/75 = -2,7 %), and the new ward is reported against the
three it was formed from."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from tinhgon.conftest import unit
from tinhgon.core.errors import DomainError
from tinhgon.reports.staff_report import change_pct, staff_report
from tinhgon.staffing.models import Category, LeaderRole, Quota
from tinhgon.staffing.tests.test_figures import PLAN_DAY, merge_three, seated, third_ward

pytestmark = pytest.mark.django_db

BEFORE = dt.date(2025, 12, 31)
AFTER = dt.date(2026, 1, 2)


def test_the_change_in_percent_has_one_decimal_and_none_without_a_baseline():
    assert change_pct(75, 73) == -2.7
    assert change_pct(10, 10) == 0.0
    assert change_pct(0, 4) is None


@pytest.fixture
def merged(chieng_an, to_hieu):
    """Chiềng An (5 officials, one of them its head), Tô Hiệu (3, a head) and a third ward (2)
    merge into Phường Tô Chiềng; the new ward's 2026 quota is 9."""
    third = third_ward()
    seated(chieng_an.unit_id, 4)
    seated(chieng_an.unit_id, 1, leader_role=LeaderRole.HEAD, group="leadership")
    seated(to_hieu.unit_id, 2)
    seated(to_hieu.unit_id, 1, leader_role=LeaderRole.HEAD, group="leadership")
    seated(third.unit_id, 2)
    merge_three([chieng_an.code, to_hieu.code, third.code])
    new = unit("Phường Tô Chiềng", day=AFTER)
    Quota.objects.create(
        unit_id=new.unit_id, year=2026, category=Category.CIVIL_SERVANT, count=9, decision="x"
    )
    return {"sources": [chieng_an, to_hieu, third], "new": new}


def test_a_merger_of_three_communes_reads_75_to_73_and_minus_2_7_percent(merged):
    report = staff_report(None, province="Sơn La", day_from=BEFORE, day_to=AFTER)

    rows = {row["key"]: row for row in report["rows"]}
    communes = rows["administrative_units.commune_level"]
    assert (communes["before"], communes["after"], communes["change"]) == (75, 73, -2)
    assert communes["change_pct"] == -2.7
    assert (rows["payroll.filled"]["before"], rows["payroll.filled"]["after"]) == (10, 10)
    assert rows["payroll.filled"]["change_pct"] == 0.0
    assert (rows["payroll.quota"]["before"], rows["payroll.quota"]["after"]) == (0, 9)
    assert rows["payroll.quota"]["change_pct"] is None
    assert (rows["leaders.total"]["before"], rows["leaders.total"]["after"]) == (2, 2)
    assert rows["levels"]["before"] == rows["levels"]["after"] == 2


def test_the_new_commune_is_reported_against_the_three_it_was_formed_from(merged):
    report = staff_report(None, province="Sơn La", day_from=BEFORE, day_to=AFTER)

    first = report["communes"][0]
    assert first["name"] == "Phường Tô Chiềng"
    assert sorted(first["formed_from"]) == sorted(v.name for v in merged["sources"])
    assert (first["communes"]["before"], first["communes"]["after"]) == (3, 1)
    assert (first["filled"]["before"], first["filled"]["after"]) == (10, 10)
    assert (first["leaders"]["before"], first["leaders"]["after"]) == (2, 2)
    assert len(report["communes"]) == 73
    unchanged = report["communes"][1]
    assert unchanged["formed_from"] == [unchanged["name"]]


def test_the_report_refuses_dates_in_the_wrong_order(db):
    with pytest.raises(DomainError):
        staff_report(None, province="Sơn La", day_from=AFTER, day_to=BEFORE)


def test_the_api_gives_the_report_to_the_province_and_refuses_another_province(
    merged, province_admin, ha_noi_admin
):
    wanted = {"province": "Sơn La", "date_from": str(BEFORE), "date_to": str(AFTER)}

    mine = province_admin.api().get("/api/reports/staff", wanted)
    refused = ha_noi_admin.api().get("/api/reports/staff", wanted)

    assert mine.status_code == 200, mine.content
    rows = {row["key"]: row for row in mine.json()["rows"]}
    assert rows["administrative_units.commune_level"]["change_pct"] == -2.7
    assert refused.status_code in (403, 404)


def test_the_page_shows_the_table_and_chart_and_exports_the_spreadsheet(merged, province_admin):
    browser = province_admin.browser()
    wanted = {"province": "Sơn La", "from": "31/12/2025", "to": "02/01/2026"}

    page = browser.get("/reports/staff/", wanted)
    sheet = browser.get("/reports/staff/", {**wanted, "format": "xlsx"})

    assert page.status_code == 200
    body = page.content.decode()
    assert "staff-report-chart" in body and "Phường Tô Chiềng" in body
    book = load_workbook(io.BytesIO(sheet.content))
    rows = {r[-1]: r for r in book.worksheets[0].iter_rows(values_only=True)}
    assert rows["administrative_units.commune_level"][1:5] == (75, 73, -2, -2.7)
    assert PLAN_DAY > BEFORE
