"""The access matrix's rows of equipment (accounts/tests/test_matrix.py adds them): who may use
each endpoint and page of this app.

Columns: SU AD A2 DE WA NB OB OP (see test_matrix). The unit is the service centre of Phường
Chiềng An (03667-TTHCC): its readers read its equipment, its writers (the ward's official, the
province's administrators) change it; the department's official reads it but does not write it.
A province's figures are read by those who read the province whole (not the ward's officials);
its surplus premises by anyone who reads a unit in it, limited to the units they read.
National standards are a superuser's to change; a province's own version its administrators'.
Item types are national too: everyone reads them, a superuser alone creates, changes and deletes
them (a type made for the row, used by nothing, so that the deletion can succeed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ALL_200 = "200 200 200 200 200 200 200 200"
READ_WARD = "200 200 200 200 200 404 200 404"
WRITE_WARD = "200 200 200 403 200 404 403 404"
MADE_AT_WARD = "201 201 201 403 201 404 403 404"
READ_PROVINCE = "200 200 200 200 404 404 404 404"
IN_PROVINCE = "200 200 200 200 200 200 200 404"
NATIONAL = "201 403 403 403 403 403 403 403"
PROVINCE_OWN = "201 201 201 403 404 404 404 404"
NEW_VERSION_PAGE = "200 200 200 403 403 403 403 200"
SUPERUSER_PAGE = "200 403 403 403 403 403 403 403"
SUPERUSER = "200 403 403 403 403 403 403 403"
SUPERUSER_DELETES = "204 403 403 403 403 403 403 403"
World = Any


def centre(world: World) -> int:
    from tinhgon.units import selectors

    code = world.units["ward"].code
    return (
        selectors.versions_on(world.units["ward"].valid_from or _today())
        .get(code=f"{code}-TTHCC")
        .unit_id
    )


def _today():  # type: ignore[no-untyped-def]
    from django.utils import timezone

    return timezone.localdate()


def line(world: World) -> int:
    from tinhgon.equipment import services

    return services.inventory_add(actor=None, unit_id=centre(world), item="scanner", quantity=2).pk


def building(world: World) -> int:
    from tinhgon.equipment import services

    return services.premises_add(
        actor=None, unit_id=centre(world), name="Trụ sở", use="headquarters"
    ).pk


def national_standard(world: World) -> int:
    from tinhgon.equipment.models import Standard

    return Standard.objects.filter(province__isnull=True, role="TTHCC").order_by("pk").first().pk  # type: ignore[union-attr]


def spare_type(world: World) -> str:
    """An item type nothing uses (created for the row; each persona's request is rolled back)."""
    from tinhgon.equipment import services

    return services.item_type_create(
        actor=None, code="spare-type", name="Loại dự phòng", category="other", unit_of_measure="cái"
    ).code


ITEM_TYPE = {"name": "Máy quét tài liệu", "category": "service", "unit_of_measure": "chiếc"}


def unit_api(suffix: str) -> Callable[[World], str]:
    return lambda w: f"/api/equipment/units/{centre(w)}{suffix}"


def standard_body(province: bool) -> Callable[[World], dict]:
    return lambda w: {
        "province_id": w.id("province") if province else None,
        "kind": "office",
        "role": "TTHCC",
        "valid_from": "2026-03-01",
        "title": "Trung tâm Phục vụ hành chính công cấp xã",
        "lines": [{"item": "scanner", "quantity": 2, "per": "counter"}],
    }


def workbook() -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["item", "quantity"])
    sheet.append(["scanner", 1])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def api_rows() -> dict[tuple[str, str], list[Any]]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tinhgon.accounts.tests.test_matrix import Row, get, json_body, post

    def put(path: Callable[[World], str], body: Callable[[World], dict]):  # type: ignore[no-untyped-def]
        return lambda world: ("put", path(world), json_body(body(world)))

    def upload(path: Callable[[World], str]):  # type: ignore[no-untyped-def]
        return lambda world: (
            "post",
            path(world),
            {"data": {"file": SimpleUploadedFile("inventory.xlsx", workbook())}},
        )

    province = lambda w: {"province": w.id("province")}  # noqa: E731
    return {
        ("GET", "/api/equipment/standards/item-types"): [
            Row("the item types", get(lambda w: "/api/equipment/standards/item-types"), ALL_200)
        ],
        ("POST", "/api/equipment/standards/item-types"): [
            Row(
                "a new item type",
                post(
                    lambda w: "/api/equipment/standards/item-types",
                    lambda w: {
                        "code": "label-printer",
                        "name": "Máy in nhãn",
                        "category": "it",
                        "unit_of_measure": "chiếc",
                        "unit_price": 3_000_000,
                    },
                ),
                NATIONAL,
            )
        ],
        ("POST", "/api/equipment/standards/item-types/{code}"): [
            Row(
                "change an item type",
                post(
                    lambda w: "/api/equipment/standards/item-types/scanner",
                    lambda w: {**ITEM_TYPE, "unit_price": 19_000_000},
                ),
                SUPERUSER,
            )
        ],
        ("DELETE", "/api/equipment/standards/item-types/{code}"): [
            Row(
                "delete an item type nothing uses",
                lambda w: ("delete", f"/api/equipment/standards/item-types/{spare_type(w)}", {}),
                SUPERUSER_DELETES,
            )
        ],
        ("GET", "/api/equipment/standards"): [
            Row("the standards", get(lambda w: "/api/equipment/standards"), ALL_200)
        ],
        ("GET", "/api/equipment/standards/{standard_id}"): [
            Row(
                "a national standard",
                get(lambda w: f"/api/equipment/standards/{national_standard(w)}"),
                ALL_200,
            )
        ],
        ("POST", "/api/equipment/standards"): [
            Row(
                "a national version",
                post(lambda w: "/api/equipment/standards", standard_body(False)),
                NATIONAL,
            ),
            Row(
                "Sơn La's own version",
                post(lambda w: "/api/equipment/standards", standard_body(True)),
                PROVINCE_OWN,
            ),
        ],
        ("GET", "/api/equipment/units/{unit_id}/gaps"): [
            Row("the ward's centre's gaps", get(unit_api("/gaps")), READ_WARD)
        ],
        ("GET", "/api/equipment/units/{unit_id}/inventory"): [
            Row("the ward's centre's inventory", get(unit_api("/inventory")), READ_WARD)
        ],
        ("POST", "/api/equipment/units/{unit_id}/inventory"): [
            Row(
                "add a line",
                post(unit_api("/inventory"), lambda w: {"item": "scanner", "quantity": 1}),
                MADE_AT_WARD,
            )
        ],
        ("POST", "/api/equipment/inventory/{item_id}"): [
            Row(
                "change a line",
                post(
                    lambda w: f"/api/equipment/inventory/{line(w)}",
                    lambda w: {"quantity": 3, "condition": "usable"},
                ),
                WRITE_WARD,
            )
        ],
        ("POST", "/api/equipment/inventory/{item_id}/write-off"): [
            Row(
                "write off a line",
                post(
                    lambda w: f"/api/equipment/inventory/{line(w)}/write-off",
                    lambda w: {"reason": "Hỏng"},
                ),
                WRITE_WARD,
            )
        ],
        ("POST", "/api/equipment/units/{unit_id}/import"): [
            Row("import a workbook", upload(unit_api("/import")), MADE_AT_WARD)
        ],
        ("GET", "/api/equipment/units/{unit_id}/premises"): [
            Row("the ward's centre's premises", get(unit_api("/premises")), READ_WARD)
        ],
        ("POST", "/api/equipment/units/{unit_id}/premises"): [
            Row(
                "add premises",
                post(unit_api("/premises"), lambda w: {"name": "Nhà kho", "use": "warehouse"}),
                MADE_AT_WARD,
            )
        ],
        ("POST", "/api/equipment/premises/{premises_id}"): [
            Row(
                "declare premises surplus",
                post(
                    lambda w: f"/api/equipment/premises/{building(w)}",
                    lambda w: {"status": "surplus", "planned_use": "Bán đấu giá"},
                ),
                WRITE_WARD,
            )
        ],
        ("GET", "/api/equipment/units/{unit_id}/profile"): [
            Row("the ward's centre's figures", get(unit_api("/profile")), READ_WARD)
        ],
        ("PUT", "/api/equipment/units/{unit_id}/profile"): [
            Row(
                "set the figures",
                put(unit_api("/profile"), lambda w: {"officers": 6, "counters": 3}),
                WRITE_WARD,
            )
        ],
        ("GET", "/api/equipment/gaps"): [
            Row(
                "the province's gaps", get(lambda w: "/api/equipment/gaps", province), READ_PROVINCE
            )
        ],
        ("GET", "/api/equipment/ranking"): [
            Row(
                "the province's communes ranked",
                get(lambda w: "/api/equipment/ranking", province),
                READ_PROVINCE,
            )
        ],
        ("GET", "/api/equipment/surplus-premises"): [
            Row(
                "the province's surplus premises (a ward's officials: their own units')",
                get(lambda w: "/api/equipment/surplus-premises", province),
                IN_PROVINCE,
            )
        ],
    }


def page_rows() -> dict[str, list[Any]]:
    from tinhgon.accounts.tests.test_matrix import Row, page

    def unit_page(suffix: str) -> Callable[[World], str]:
        return lambda w: f"/equipment/units/{centre(w)}/{suffix}"

    return {
        "equipment:index": [Row("the overview", page(lambda w: "/equipment/"), ALL_200)],
        "equipment:surplus": [
            Row(
                "Sơn La's surplus premises (a ward's officials: their own units')",
                page(lambda w: f"/equipment/surplus/?province={w.id('province')}"),
                IN_PROVINCE,
            ),
            Row(
                "one's own province's surplus premises, or the chooser",
                page(lambda w: "/equipment/surplus/"),
                ALL_200,
            ),
        ],
        "equipment:standards": [
            Row("the standards", page(lambda w: "/equipment/standards/"), ALL_200)
        ],
        "equipment:standard": [
            Row(
                "a national standard",
                page(lambda w: f"/equipment/standards/{national_standard(w)}/"),
                ALL_200,
            )
        ],
        "equipment:standard_new_version": [
            Row(
                "the form of a new version",
                page(lambda w: f"/equipment/standards/{national_standard(w)}/new-version/"),
                NEW_VERSION_PAGE,
            )
        ],
        "equipment:item_types": [
            Row("the item types", page(lambda w: "/equipment/item-types/"), ALL_200)
        ],
        "equipment:item_type_new": [
            Row(
                "the form of a new item type",
                page(lambda w: "/equipment/item-types/new/"),
                SUPERUSER_PAGE,
            )
        ],
        "equipment:item_type": [
            Row(
                "the form of an item type",
                page(lambda w: "/equipment/item-types/scanner/"),
                SUPERUSER_PAGE,
            )
        ],
        "equipment:item_type_delete": [
            Row(
                "the confirmation of an item type's deletion",
                page(lambda w: f"/equipment/item-types/{spare_type(w)}/delete/"),
                SUPERUSER_PAGE,
            )
        ],
        "equipment:template": [
            Row("the import template", page(lambda w: "/equipment/template.xlsx"), ALL_200)
        ],
        "equipment:unit": [Row("the ward's centre", page(unit_page("")), READ_WARD)],
        "equipment:item_new": [Row("add a line", page(unit_page("items/new/")), WRITE_WARD)],
        "equipment:premises_new": [
            Row("add premises", page(unit_page("premises/new/")), WRITE_WARD)
        ],
        "equipment:profile": [Row("the figures", page(unit_page("profile/")), WRITE_WARD)],
        "equipment:import": [Row("the import", page(unit_page("import/")), WRITE_WARD)],
        "equipment:item": [
            Row("change a line", page(lambda w: f"/equipment/items/{line(w)}/"), WRITE_WARD)
        ],
        "equipment:item_write_off": [
            Row(
                "write off a line",
                page(lambda w: f"/equipment/items/{line(w)}/write-off/"),
                WRITE_WARD,
            )
        ],
        "equipment:premises": [
            Row(
                "change premises",
                page(lambda w: f"/equipment/premises/{building(w)}/"),
                WRITE_WARD,
            )
        ],
    }
