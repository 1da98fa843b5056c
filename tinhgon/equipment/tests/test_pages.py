"""The pages through the test client: what the browser tests do not reach. Spreadsheets to
download, handing premises over only after a confirmation, the import page naming rows and
columns, a new version of a standard from its form, a refused form keeping what was typed."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from tinhgon.equipment import services
from tinhgon.equipment.models import InventoryItem, PremisesStatus, Standard
from tinhgon.equipment.tests.factories import item, premises
from tinhgon.units import selectors as units

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def centre(chieng_an) -> int:
    return units.versions_on(timezone.localdate()).get(code=f"{chieng_an.code}-TTHCC").unit_id


def test_the_unit_page_shows_its_gaps_and_offers_changes_only_to_its_writers(
    centre, commune_official, observer
):
    item(centre, "scanner", 1)
    services.profile_set(actor=None, unit_id=centre, officers=4, counters=2)
    page = commune_official.browser().get(f"/equipment/units/{centre}/").content.decode()
    assert "Máy quét tài liệu" in page and f"/equipment/units/{centre}/items/new/" in page
    read_only = observer.browser().get(f"/equipment/units/{centre}/").content.decode()
    assert "Máy quét tài liệu" in read_only and "/items/new/" not in read_only
    sheet = commune_official.browser().get(f"/equipment/units/{centre}/?format=xlsx")
    assert sheet["Content-Type"] == XLSX
    rows = list(load_workbook(io.BytesIO(sheet.content))["Gaps"].iter_rows(values_only=True))
    scanner = next(r for r in rows if r[2] == "Máy quét tài liệu")
    assert scanner[4:8] == (2, 1, 1, 1)  # required, available, usable, shortfall


def test_a_refused_line_keeps_what_was_typed_and_names_the_field(centre, commune_official):
    response = commune_official.browser().post(
        f"/equipment/units/{centre}/items/new/",
        {"item": "scanner", "quantity": "0", "condition": "good", "location": "Quầy 7"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_quantity"' in page and 'value="Quầy 7"' in page
    assert not InventoryItem.objects.exists()


def test_premises_are_handed_over_only_after_the_confirmation_page(centre, province_admin):
    building = premises(centre, "Trụ sở cũ")
    services.premises_update(actor=None, premises_id=building.pk, status=PremisesStatus.SURPLUS)
    form = {
        "name": "Trụ sở cũ",
        "use": "headquarters",
        "status": "handed_over",
        "planned_use": "Trường học",
    }
    client = province_admin.browser()
    first = client.post(f"/equipment/premises/{building.pk}/", form)
    assert first.status_code == 200 and 'name="confirmed" value="1"' in first.content.decode()
    building.refresh_from_db()
    assert building.status == PremisesStatus.SURPLUS, "nothing happens before the confirmation"
    done = client.post(f"/equipment/premises/{building.pk}/", {**form, "confirmed": "1"})
    assert done.status_code == 302
    building.refresh_from_db()
    assert (building.status, building.planned_use) == (PremisesStatus.HANDED_OVER, "Trường học")


def test_the_import_page_names_rows_and_columns_and_imports_nothing_from_a_bad_workbook(
    centre, commune_official
):
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["item", "quantity"])
    sheet.append(["scanner", 2])
    sheet.append(["scanner", "hai"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.name = "kiem-ke.xlsx"
    buffer.seek(0)
    response = commune_official.browser().post(
        f"/equipment/units/{centre}/import/", {"file": buffer}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "row 3" in page and "column quantity" in page
    assert not InventoryItem.objects.exists()


def test_the_province_page_ranks_its_communes_and_downloads_them(
    son_la, province_admin, chieng_an, centre
):
    item(centre, "scanner", 1)
    client = province_admin.browser()
    page = client.get(f"/equipment/?province={son_la.unit_id}").content.decode()
    assert chieng_an.name in page and "<svg" in page
    sheet = client.get(f"/equipment/?province={son_la.unit_id}&format=xlsx")
    book = load_workbook(io.BytesIO(sheet.content))
    communes = list(book["Communes"].iter_rows(min_row=2, values_only=True))
    assert communes[0][1] == chieng_an.name  # the only commune assessed, and short
    surplus = client.get(f"/equipment/surplus/?province={son_la.unit_id}&format=xlsx")
    assert surplus["Content-Type"] == XLSX


def test_a_province_writes_its_own_version_of_a_standard_from_the_form(son_la, province_admin):
    national = Standard.objects.get(province__isnull=True, role="TTHCC")
    client = province_admin.browser()
    form = client.get(f"/equipment/standards/{national.pk}/new-version/").content.decode()
    assert 'value="scanner" selected' in form
    data = {
        "valid_from": "01/03/2026",
        "title": "Tiêu chuẩn Sơn La",
        "source": "Quyết định 99/QĐ-UBND (thử)",
        "scope": str(son_la.unit_id),
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-0-item": "scanner",
        "lines-0-quantity": "2",
        "lines-0-per": "counter",
        "lines-1-item": "",
    }
    response = client.post(f"/equipment/standards/{national.pk}/new-version/", data)
    assert response.status_code == 302
    made = Standard.objects.get(province_id=son_la.unit_id)
    assert made.role == "TTHCC" and made.items.get().quantity == 2


def test_a_ward_s_officials_follow_the_surplus_link_to_their_own_province_s_list(
    centre, commune_official, observer, other_commune_official, son_la, province_admin
):
    """The province's administrators too: one province, not its province-level bodies offered
    as provinces to choose from."""
    building = premises(centre, "Trụ sở cũ")
    services.premises_update(actor=None, premises_id=building.pk, status=PremisesStatus.SURPLUS)
    for persona in (commune_official, observer, province_admin):
        client = persona.browser()
        assert 'href="/equipment/surplus/"' in client.get("/equipment/").content.decode()
        answer = client.get("/equipment/surplus/")
        assert answer.status_code == 200
        assert answer.context["province"].unit_id == son_la.unit_id
        assert [r.premises.pk for r in answer.context["rows"]] == [building.pk]
    neighbour = other_commune_official.browser().get("/equipment/surplus/")
    assert neighbour.status_code == 200 and neighbour.context["rows"] == [], "not their unit's"


def test_a_superuser_who_names_no_province_is_offered_the_provinces_to_choose(
    superuser, son_la, ha_noi
):
    answer = superuser.browser().get("/equipment/surplus/")
    assert answer.status_code == 200 and "province" not in answer.context
    assert {son_la.unit_id, ha_noi.unit_id} <= {pid for pid, _name in answer.context["provinces"]}
