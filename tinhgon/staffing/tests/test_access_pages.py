"""An official of one commune cannot read another commune's officials' personal data: through the
pages, the API or the command. Observers see the numbers masked; managers see them whole on the
official's own page only."""

import io
import json

import pytest
from django.core.management import call_command
from django.utils import translation

from tinhgon.staffing.models import Assignment, Official
from tinhgon.staffing.tests import factories


@pytest.fixture(autouse=True)
def in_english():  # type: ignore[no-untyped-def]
    """The messages are matched as written (English source strings)."""
    with translation.override("en"):
        yield


NUMBER = "014185000777"


@pytest.fixture
def mai(chieng_an):  # type: ignore[no-untyped-def]
    official = Official.objects.get(
        pk=factories.official(
            chieng_an.unit_id, number=NUMBER, full_name="Lò Thị Mai", ethnicity="Khơ Mú"
        )
    )
    Assignment.objects.create(
        official=official,
        position_id=factories.position(chieng_an.unit_id, title="Chuyên viên văn phòng", seats=2),
        unit_id=chieng_an.unit_id,
        valid_from=factories.EARLIER,
    )
    return official


# -- API -------------------------------------------------------------------------------------
def test_the_api_lists_a_communes_officials_masked_to_an_observer(observer, chieng_an, mai):
    response = observer.api().get(f"/api/staff/officials?unit={chieng_an.code}")
    assert response.status_code == 200
    (row,) = response.json()["officials"]
    assert row["full_name"] == "Lò Thị Mai" and row["national_id"] == "********0777"
    assert row["masked"] is True and row["birth_date"] is None and row["ethnicity"] is None
    assert NUMBER not in response.content.decode()


def test_the_api_gives_the_whole_number_to_the_officials_manager(commune_official, mai):
    response = commune_official.api().get(f"/api/staff/officials/{mai.pk}")
    assert response.status_code == 200
    data = response.json()
    assert data["official"]["national_id"] == NUMBER
    assert data["official"]["ethnicity"] == "Khơ Mú"
    assert data["assignments"][0]["position_title"] == "Chuyên viên văn phòng"


def test_another_communes_official_gets_not_found_from_the_api(
    other_commune_official, chieng_an, mai
):
    client = other_commune_official.api()
    listed = client.get(f"/api/staff/officials?unit={chieng_an.code}")
    assert listed.status_code == 404
    one = client.get(f"/api/staff/officials/{mai.pk}")
    assert one.status_code == 404
    positions = client.get(f"/api/staff/positions?unit={chieng_an.code}")
    assert positions.status_code == 404
    for response in (listed, one, positions):
        assert "Lò Thị Mai" not in response.content.decode()


def test_the_api_lists_positions_with_holders_and_vacancies(commune_official, chieng_an, mai):
    response = commune_official.api().get(f"/api/staff/positions?unit={chieng_an.code}")
    assert response.status_code == 200
    data = response.json()
    assert (data["seats"], data["vacant"]) == (2, 1)
    assert data["positions"][0]["holders"][0]["full_name"] == "Lò Thị Mai"


def test_the_api_refuses_an_anonymous_caller(client, chieng_an, mai):
    assert client.get(f"/api/staff/officials?unit={chieng_an.code}").status_code == 401


# -- pages -----------------------------------------------------------------------------------
def test_the_officials_page_lists_masked_numbers_even_to_a_manager(
    commune_official, chieng_an, mai
):
    page = commune_official.browser().get(f"/staff/?unit={chieng_an.code}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Lò Thị Mai" in html and "********0777" in html and NUMBER not in html


def test_the_officials_page_shows_the_whole_number_to_a_manager_only(
    commune_official, observer, mai
):
    managed = commune_official.browser().get(f"/staff/officials/{mai.pk}/").content.decode()
    assert NUMBER in managed and "Khơ Mú" in managed and "17/05/1985" in managed
    observed = observer.browser().get(f"/staff/officials/{mai.pk}/")
    assert observed.status_code == 200
    html = observed.content.decode()
    assert NUMBER not in html and "********0777" in html
    assert "Khơ Mú" not in html and "17/05/1985" not in html


def test_another_communes_official_cannot_open_the_officials_pages(
    other_commune_official, chieng_an, mai
):
    browser = other_commune_official.browser()
    assert browser.get(f"/staff/officials/{mai.pk}/").status_code == 404
    listed = browser.get(f"/staff/?unit={chieng_an.code}")
    assert listed.status_code == 404 and "Lò Thị Mai" not in listed.content.decode()
    positions = browser.get(f"/staff/positions/?unit={chieng_an.code}")
    assert positions.status_code == 404 and "Lò Thị Mai" not in positions.content.decode()


def test_the_positions_page_shows_holders_and_vacancies(commune_official, chieng_an, mai):
    page = commune_official.browser().get(f"/staff/positions/?unit={chieng_an.code}")
    html = page.content.decode()
    assert page.status_code == 200 and "Chuyên viên văn phòng" in html and "Lò Thị Mai" in html


def test_the_main_menu_links_to_the_staff_pages(commune_official):
    html = commune_official.browser().get("/staff/").content.decode()
    assert 'href="/staff/" aria-current="page"' in html


def test_an_observer_cannot_import_staff(observer):
    assert observer.browser().get("/staff/import/").status_code == 403


def test_the_import_link_is_offered_only_to_those_whom_the_import_page_lets_in(
    commune_official, observer, chieng_an
):
    for persona, may in ((commune_official, True), (observer, False)):
        html = persona.browser().get(f"/staff/?unit={chieng_an.code}").content.decode()
        assert ('href="/staff/import/"' in html) is may
        if may:
            assert persona.browser().get("/staff/import/").status_code == 200


def test_the_import_page_checks_a_file_and_the_template_downloads(
    commune_official, chieng_an, settings
):
    settings.LANGUAGE_CODE = "en"  # the page's message is matched as written
    from tinhgon.staffing import excel

    browser = commune_official.browser()
    template = browser.get("/staff/import/template.xlsx")
    assert template.status_code == 200 and template.content[:2] == b"PK"
    upload = io.BytesIO(excel.write_template())
    upload.name = "staff.xlsx"
    # The template's example rows name a department this commune official may not change.
    refused = browser.post("/staff/import/", {"file": upload, "dry_run": "on"})
    assert refused.status_code == 400 and "nothing was imported" in refused.content.decode()
    assert not Official.objects.exists()


# -- command ---------------------------------------------------------------------------------
def test_the_officials_command_never_prints_the_whole_number(chieng_an, mai):
    out = io.StringIO()
    call_command("staff", "officials", "--unit", chieng_an.code, "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["officials"][0]["national_id"] == "********0777"
    assert NUMBER not in out.getvalue() and "Khơ Mú" not in out.getvalue()


# -- admin -----------------------------------------------------------------------------------
def test_the_admin_shows_a_superuser_the_masked_number_only(superuser, mai):
    browser = superuser.browser()
    listed = browser.get("/admin/staffing/official/")
    detail = browser.get(f"/admin/staffing/official/{mai.pk}/change/")
    assert listed.status_code == detail.status_code == 200
    for page in (listed, detail):
        html = page.content.decode()
        assert "********0777" in html and NUMBER not in html
        assert mai.national_id_sealed not in html and mai.national_id_digest not in html


def test_the_admin_is_closed_to_a_provincial_administrator(province_admin, mai):
    response = province_admin.browser().get("/admin/staffing/official/")
    assert response.status_code == 302


# -- query counts ----------------------------------------------------------------------------
def _queries(client, address: str) -> int:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def test_the_lists_read_in_the_same_number_of_queries_for_3_or_30_officials(
    commune_official, chieng_an
):
    client = commune_official.api()
    position = factories.position(chieng_an.unit_id, seats=40)
    for _n in range(3):
        Assignment.objects.create(
            official_id=factories.official(chieng_an.unit_id),
            position_id=position,
            unit_id=chieng_an.unit_id,
            valid_from=factories.EARLIER,
        )
    addresses = [
        f"/api/staff/officials?unit={chieng_an.code}",
        f"/api/staff/positions?unit={chieng_an.code}",
    ]
    for address in addresses:  # once first: the token records its use (a write) once a while
        client.get(address)
    few = [_queries(client, address) for address in addresses]
    for _n in range(27):
        Assignment.objects.create(
            official_id=factories.official(chieng_an.unit_id),
            position_id=position,
            unit_id=chieng_an.unit_id,
            valid_from=factories.EARLIER,
        )
    many = [_queries(client, address) for address in addresses]
    assert many == few
    assert len(client.get(addresses[0]).json()["officials"]) == 30


def test_a_commune_official_imports_their_own_staff_through_the_page(commune_official, chieng_an):
    from openpyxl import Workbook

    from tinhgon.staffing import excel

    workbook = Workbook()
    positions = workbook.active
    positions.title = "positions"
    positions.append([c[0] for c in excel.POSITION_COLUMNS])
    positions.append([chieng_an.code, "CV-01", "Chuyên viên", "professional", "",
                      "civil_servant", 4, "administration", 1, "2025-07-01"])  # fmt: skip
    upload = io.BytesIO()
    workbook.save(upload)
    upload.seek(0)
    upload.name = "staff.xlsx"
    response = commune_official.browser().post("/staff/import/", {"file": upload})
    assert response.status_code == 302
    from tinhgon.staffing.models import Position

    assert Position.objects.get(code="CV-01").unit_id == chieng_an.unit_id


def test_the_officials_command_lists_a_table_with_masked_numbers(chieng_an, mai):
    out = io.StringIO()
    call_command("staff", "officials", "--unit", "Phường Chiềng An", stdout=out)
    assert "Lò Thị Mai" in out.getvalue() and "********0777" in out.getvalue()
    assert NUMBER not in out.getvalue()


def test_the_officials_command_lists_a_communes_agencies_by_the_communes_code(chieng_an):
    from tinhgon.units.selectors import versions_on

    committee = versions_on(factories.EARLIER).get(code=f"{chieng_an.code}-UBND")
    assert committee.unit_id != chieng_an.unit_id
    factories.official(committee.unit_id, number="014185000888", full_name="Cầm Văn Hùng")
    out = io.StringIO()
    call_command("staff", "officials", "--unit", chieng_an.code, "--format", "json", stdout=out)
    (row,) = json.loads(out.getvalue())["officials"]
    assert row["full_name"] == "Cầm Văn Hùng" and row["unit"] == committee.code
