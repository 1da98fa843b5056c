"""The equipment figures of a province: gaps by item, units short, value of the inventory,
premises by status; as data, a chart, a spreadsheet, the command line, the API and the page."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from tinhgon.equipment import figures, services
from tinhgon.equipment.rebalance import province_version
from tinhgon.equipment.tests.rebalance_factories import centre, profile, stock

pytestmark = pytest.mark.django_db

WARDS = ("Phường Tô Hiệu", "Phường Chiềng An")


@pytest.fixture
def stocked(son_la):  # type: ignore[no-untyped-def]
    to_hieu, chieng_an = (centre(w) for w in WARDS)
    profile(to_hieu, officers=5)
    profile(chieng_an, officers=3)
    stock(to_hieu, "computer", 7, value=70_000_000)
    stock(to_hieu, "computer", 1, "broken", value=5_000_000)
    stock(chieng_an, "computer", 1, "usable", value=4_000_000)
    stock(chieng_an, "car", 1, value=700_000_000)
    services.premises_add(
        actor=None, unit_id=to_hieu, name="Trụ sở cũ", use="headquarters", area_m2=400
    )
    held = services.premises_add(
        actor=None, unit_id=chieng_an, name="Nhà kho", use="warehouse", area_m2=120
    )
    services.premises_update(
        actor=None, premises_id=held.pk, status="surplus", planned_use="Bán đấu giá"
    )
    return to_hieu, chieng_an


def test_the_figures_add_up_the_rows_of_the_province(son_la, stocked):
    data = figures.province_figures(province_version(None, son_la.unit_id))
    computers = next(i for i in data["items"] if i["item"] == "computer")
    # Only the two centres with a profile need computers: 5 + 3; Tô Hiệu holds 7 usable (2
    # above), Chiềng An 1 (2 short).
    assert (computers["required"], computers["usable"]) == (8, 8)
    assert (computers["shortfall"], computers["surplus"], computers["units_short"]) == (2, 2, 1)
    assert computers["shortfall_cost"] == 2 * computers["unit_price"]
    assert data["inventory_value"] == 70_000_000 + 5_000_000 + 4_000_000 + 700_000_000
    by_category = {c["category"]: c for c in data["inventory"]}
    assert (by_category["it"]["quantity"], by_category["it"]["value"]) == (9, 79_000_000)
    assert by_category["vehicle"]["value"] == 700_000_000
    assert {p["status"]: (p["premises"], p["area_m2"]) for p in data["premises"]} == {
        "in_use": (1, 400),
        "surplus": (1, 120),
    }
    assert data["premises_surplus"] == 1, "the warehouse declared surplus"
    assert data["shortfall"] == sum(i["shortfall"] for i in data["items"])
    assert data["units_short"] == len(data["units"]) <= data["units_bound"]
    chieng_an = next(
        u for u in data["units"] if u["name"].endswith("Chiềng An") and u["unit"].endswith("TTHCC")
    )
    assert chieng_an["shortfall"] == sum(
        g["shortfall"] for g in _unit_rows(son_la, chieng_an["unit"])
    )
    chart = figures.items_chart(data)
    assert chart is not None and any(g.label == computers["name"] for g in chart.groups)


def _unit_rows(son_la, code: str) -> list[dict]:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command(
        "equipment", "gaps", "--province", "Sơn La", "--unit", code, "--format", "json", stdout=out
    )
    return json.loads(out.getvalue())


def test_the_spreadsheet_and_the_command_say_the_same(son_la, stocked, tmp_path):
    data = figures.province_figures(province_version(None, son_la.unit_id))
    book = load_workbook(io.BytesIO(figures.figures_xlsx(data)))
    assert book.sheetnames == ["Summary", "Items", "Units short", "Inventory", "Premises"]
    items = {row[0]: row for row in book["Items"].iter_rows(min_row=2, values_only=True)}
    assert items["computer"][3:8] == (8, 8, 2, 2, 1)
    target = tmp_path / "figures.xlsx"
    out = io.StringIO()
    call_command(
        "equipment",
        "figures",
        "--province",
        "Sơn La",
        "--format",
        "json",
        "--output",
        str(target),
        stdout=out,
    )
    assert json.loads(out.getvalue())["inventory_value"] == data["inventory_value"]
    assert load_workbook(target)["Summary"]["A1"].value == "Tỉnh Sơn La"


def test_the_api_and_the_page_show_the_province_to_its_readers(
    son_la, stocked, province_admin, commune_official
):
    response = province_admin.api().get("/api/equipment/figures", {"province_id": son_la.unit_id})
    assert response.status_code == 200
    assert response.json()["inventory_value"] == 779_000_000
    assert (
        commune_official.api()
        .get("/api/equipment/figures", {"province_id": son_la.unit_id})
        .status_code
        == 404
    )
    sheet = province_admin.api().get("/api/equipment/figures/xlsx", {"province": "Sơn La"})
    assert sheet.status_code == 200 and sheet["Content-Type"].startswith("application/vnd.openxml")
    page = province_admin.browser().get(f"/equipment/figures/?province={son_la.unit_id}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "779.000.000" in text or "779,000,000" in text
    assert 'id="chart-items-title"' in text
