"""Scope through the API, with three personas: a provincial administrator of Sơn La, an official
of Phường Chiềng An, and an official of another commune (Phường Tô Hiệu)."""

from __future__ import annotations

import json

import pytest

from tinhgon.conftest import AFTER
from tinhgon.units import selectors
from tinhgon.units.models import UnitVersion

pytestmark = pytest.mark.django_db

DAY = AFTER.isoformat()


def committee_of(commune):
    return selectors.versions_on(AFTER).get(admin_unit_id=commune.unit_id, kind="peoples_committee")


def test_an_anonymous_request_is_refused_with_the_common_error_shape(client):
    response = client.get("/api/units")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_a_bad_token_is_refused(client):
    response = client.get("/api/units", headers={"Authorization": "Bearer tg_not-a-token"})
    assert response.status_code == 401


def test_the_provincial_administrator_lists_every_commune_of_the_province(province_admin):
    response = province_admin.api().get("/api/units", {"as_of": DAY, "level": 3, "limit": 1000})
    assert response.status_code == 200
    assert response.json()["count"] == 75


def test_a_commune_official_lists_only_their_commune_and_its_agencies(commune_official, chieng_an):
    response = commune_official.api().get("/api/units", {"as_of": DAY, "limit": 1000})
    items = response.json()["items"]
    assert {item["admin_unit_id"] for item in items} == {chieng_an.unit_id}
    assert len(items) == 8  # the ward and its 7 template organs and offices


def test_a_commune_official_searches_without_diacritics_within_scope(commune_official):
    found = commune_official.api().get("/api/units", {"as_of": DAY, "q": "chieng an"}).json()
    names = {item["name"] for item in found["items"]}
    assert "Phường Chiềng An" in names
    nothing = commune_official.api().get("/api/units", {"as_of": DAY, "q": "to hieu"}).json()
    assert nothing["count"] == 0


@pytest.mark.parametrize("suffix", ["", "/children", "/tree", "/lineage"])
def test_a_commune_official_cannot_read_another_commune(other_commune_official, chieng_an, suffix):
    response = other_commune_official.api().get(
        f"/api/units/{chieng_an.unit_id}{suffix}", {"as_of": DAY}
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_commune_official_cannot_find_another_commune_by_code(other_commune_official, chieng_an):
    response = other_commune_official.api().get(
        f"/api/units/by-code/{chieng_an.code}", {"as_of": DAY}
    )
    assert response.status_code == 404


def test_a_commune_official_cannot_rename_another_commune(other_commune_official, chieng_an):
    before = UnitVersion.objects.filter(unit_id=chieng_an.unit_id).count()
    response = other_commune_official.api().post(
        f"/api/units/{chieng_an.unit_id}/versions",
        {"effective": "2026-01-01", "name": "Phường Bị Đổi Tên"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert UnitVersion.objects.filter(unit_id=chieng_an.unit_id).count() == before


def test_a_commune_official_cannot_create_a_unit_in_another_commune(
    other_commune_official, chieng_an
):
    committee = committee_of(chieng_an)
    response = other_commune_official.api().post(
        "/api/units",
        {
            "code": "X-1",
            "name": "Tổ công tác",
            "kind": "division",
            "parent_id": committee.unit_id,
            "valid_from": "2026-01-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not UnitVersion.objects.filter(code="X-1").exists()


def test_a_commune_official_cannot_close_another_communes_office(other_commune_official, chieng_an):
    office = selectors.versions_on(AFTER).get(
        admin_unit_id=chieng_an.unit_id, code__endswith="-PVHXH"
    )
    response = other_commune_official.api().post(
        f"/api/units/{office.unit_id}/close",
        {"last_day": "2026-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert UnitVersion.objects.get(pk=office.pk).valid_to is None


def test_a_commune_official_creates_a_division_in_their_commune(commune_official, chieng_an):
    committee = committee_of(chieng_an)
    response = commune_official.api().post(
        "/api/units",
        {
            "code": "03667-UBND-T1",
            "name": "Tổ Một cửa",
            "kind": "division",
            "parent_id": committee.unit_id,
            "valid_from": "2026-01-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["admin_unit_id"] == chieng_an.unit_id
    assert body["level"] == 3


def test_a_commune_official_renames_their_commune_office_with_a_dated_version(
    commune_official, chieng_an
):
    office = selectors.versions_on(AFTER).get(
        admin_unit_id=chieng_an.unit_id, code__endswith="-PVHXH"
    )
    response = commune_official.api().post(
        f"/api/units/{office.unit_id}/versions",
        {"effective": "2026-01-01", "name": "Phòng Văn hóa, Thông tin và Xã hội phường Chiềng An"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    detail = commune_official.api().get(f"/api/units/{office.unit_id}").json()
    assert [v["name"] for v in detail["versions"]] == [
        office.name,
        "Phòng Văn hóa, Thông tin và Xã hội phường Chiềng An",
    ]
    assert detail["versions"][0]["valid_to"] == "2025-12-31"


def test_an_observer_reads_but_cannot_change(observer, chieng_an):
    assert observer.api().get(f"/api/units/{chieng_an.unit_id}").status_code == 200
    response = observer.api().post(
        f"/api/units/{chieng_an.unit_id}/versions",
        {"effective": "2026-01-01", "name": "Phường Khác"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_the_provincial_administrator_sees_the_tree_of_the_province_on_a_date(
    province_admin, son_la
):
    response = province_admin.api().get(
        f"/api/units/{son_la.unit_id}/tree", {"as_of": "2025-06-30", "depth": 1}
    )
    assert response.status_code == 200
    tree = response.json()
    assert tree["name"] == "Tỉnh Sơn La"
    assert len([c for c in tree["children"] if c["level"] == 2]) == 12


def test_a_validation_error_names_the_field(province_admin, son_la):
    response = province_admin.api().post(
        "/api/units",
        {
            "code": "Z",
            "name": "Z",
            "kind": "no-such-kind",
            "parent_id": son_la.unit_id,
            "valid_from": "2026-01-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    problems = response.json()["error"]["problems"]
    assert problems[0]["field"] == "kind"
    assert "no-such-kind" in problems[0]["message"] and "commune" in problems[0]["message"]


def test_a_malformed_date_is_a_422_naming_the_field(province_admin):
    response = province_admin.api().get("/api/units", {"as_of": "yesterday"})
    assert response.status_code == 422
    assert response.json()["error"]["problems"][0]["field"] == "as_of"


def test_the_session_api_requires_the_csrf_token_for_writes(province_admin, son_la):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(province_admin.user)
    response = client.post(
        f"/api/units/{son_la.unit_id}/close",
        {"last_day": "2026-01-01"},
        content_type="application/json",
    )
    assert response.status_code in {401, 403}
    assert selectors.versions_on(AFTER).filter(unit_id=son_la.unit_id).exists()


def test_the_openapi_document_is_served_and_lists_the_unit_endpoints(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/units/{unit_id}/tree" in schema["paths"]
    assert "/api/reports/apparatus" in schema["paths"]
    assert client.get("/api/docs").status_code == 200


def test_me_describes_the_users_scope(commune_official, chieng_an):
    me = commune_official.api().get("/api/accounts/me").json()
    assert me["memberships"][0]["unit_id"] == chieng_an.unit_id
    assert me["can_write"] is True


def test_an_unknown_api_path_answers_in_the_json_error_shape(province_admin):
    response = province_admin.api().get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_errors_speak_the_language_of_the_request(province_admin, son_la):
    payload = {
        "code": "Z",
        "name": "Z",
        "kind": "ministry",
        "parent_id": son_la.unit_id,
        "valid_from": "2026-01-01",
    }
    vietnamese = province_admin.api().post("/api/units", payload, content_type="application/json")
    error = vietnamese.json()["error"]
    assert error["message"] == "Yêu cầu không hợp lệ."
    assert error["problems"][0]["message"].startswith("'ministry' không thuộc các giá trị:")
    english = province_admin.api().post(
        "/api/units", payload, content_type="application/json", headers={"Accept-Language": "en"}
    )
    error = english.json()["error"]
    assert error["message"] == "The request is not valid."
    assert error["problems"][0]["message"].startswith("'ministry' is not one of:")


def _sheet(*rows) -> bytes:
    import io

    from openpyxl import Workbook

    from tinhgon.units.excel import HEADERS

    workbook = Workbook()
    workbook.active.append(HEADERS)
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(persona, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("agencies.xlsx", content)
    return persona.api().post("/api/units/import-excel", {"file": upload})


def test_a_commune_official_imports_an_agency_sheet_into_their_commune(commune_official, chieng_an):
    committee = committee_of(chieng_an)
    response = _upload(
        commune_official, _sheet(["03667-T2", "Tổ Hai", "division", committee.code, "2026-01-01"])
    )
    assert response.status_code == 201, response.content
    assert response.json()["created"][0]["admin_unit_id"] == chieng_an.unit_id


def test_an_agency_sheet_cannot_attach_units_to_another_commune(other_commune_official, chieng_an):
    committee = committee_of(chieng_an)
    response = _upload(
        other_commune_official, _sheet(["X-9", "Tổ Lạ", "division", committee.code, "2026-01-01"])
    )
    assert response.status_code == 400
    problem = response.json()["error"]["problems"][0]
    assert (problem["row"], problem["column"], problem["field"]) == (2, "D", "parent_code")
    assert not UnitVersion.objects.filter(code="X-9").exists()


def test_an_observer_cannot_import_a_sheet(observer, chieng_an):
    committee = committee_of(chieng_an)
    response = _upload(observer, _sheet(["X-8", "Tổ", "division", committee.code, "2026-01-01"]))
    assert response.status_code == 403


def test_listing_units_costs_the_same_queries_for_ten_or_a_thousand(
    province_admin, django_assert_max_num_queries
):
    api = province_admin.api()
    with django_assert_max_num_queries(8):
        small = api.get("/api/units", {"as_of": DAY, "limit": 10})
    with django_assert_max_num_queries(8):
        large = api.get("/api/units", {"as_of": DAY, "limit": 1000})
    assert len(small.json()["items"]) == 10 and len(large.json()["items"]) > 500


def test_the_tree_of_a_province_is_a_constant_number_of_queries(
    province_admin, son_la, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        tree = (
            province_admin.api()
            .get(f"/api/units/{son_la.unit_id}/tree", {"as_of": DAY, "depth": 3})
            .json()
        )
    assert sum(len(c["children"]) for c in tree["children"]) > 75


def test_a_wrong_method_answers_in_the_json_error_shape(province_admin, son_la):
    response = province_admin.api().delete(f"/api/units/{son_la.unit_id}")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_an_id_beyond_any_database_integer_is_a_clean_422(province_admin):
    response = province_admin.api().get("/api/units/12325576754506548188309552015343616")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


def test_the_openapi_document_describes_the_error_shape_on_every_operation(client):
    schema = client.get("/api/openapi.json").json()
    assert "Error" in schema["components"]["schemas"]
    for operations in schema["paths"].values():
        for operation in operations.values():
            assert {"400", "401", "404", "422"} <= operation["responses"].keys()


def test_a_date_must_be_written_as_a_date_not_a_number(province_admin):
    response = province_admin.api().get("/api/units", {"as_of": "0"})
    assert response.status_code == 422
    assert response.json()["error"]["problems"][0]["field"] == "as_of"


def test_the_openapi_document_names_each_response_status_once(client):
    def refuse_duplicates(pairs):
        keys = [key for key, _value in pairs]
        assert len(keys) == len(set(keys)), f"duplicate keys: {keys}"
        return dict(pairs)

    json.loads(client.get("/api/openapi.json").content, object_pairs_hook=refuse_duplicates)
