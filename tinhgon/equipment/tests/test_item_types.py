"""Item types written by a superuser (they are national): created, changed, deleted only while
nothing uses them; a type made this way works like a seeded one in the standards, the
inventory, the import and the gaps."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import psycopg
import pytest
from django.db import connection
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from tinhgon.core.errors import DomainError, Forbidden
from tinhgon.core.models import AuditEvent
from tinhgon.equipment import importer, selectors, services
from tinhgon.equipment.models import InventoryItem, ItemType
from tinhgon.equipment.tests.factories import item
from tinhgon.units import selectors as units

pytestmark = pytest.mark.django_db

SHREDDER: dict[str, Any] = {
    "code": "shredder",
    "name": "Máy hủy tài liệu",
    "category": "service",
    "unit_of_measure": "chiếc",
    "unit_price": 5_000_000,
    "source": "Báo giá tháng 11/2025",
}


@pytest.fixture
def centre(chieng_an) -> int:
    return units.versions_on(timezone.localdate()).get(code=f"{chieng_an.code}-TTHCC").unit_id


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["item", "quantity", "condition"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_item_type_a_superuser_creates_is_required_imported_and_counted_in_the_gaps(
    son_la, centre, superuser
):
    made = superuser.api().post(
        "/api/equipment/standards/item-types", SHREDDER, content_type="application/json"
    )
    assert made.status_code == 201
    assert made.json() | {"version": 0} == {**SHREDDER, "movable": True, "version": 0}
    services.standard_version_create(
        actor=None,
        province_id=son_la.unit_id,
        kind="office",
        role="TTHCC",
        valid_from=dt.date(2025, 8, 1),
        title="Trung tâm Phục vụ hành chính công (tỉnh)",
        lines=[services.LineSpec("shredder", 2), services.LineSpec("scanner", 1, "counter")],
    )
    item(centre, "shredder", 1, condition="broken")
    done = importer.inventory_import(
        actor=None, content=workbook([["shredder", 1, "good"]]), filename="x.xlsx", unit_id=centre
    )
    assert done == {"lines": 1, "units": 1}

    gaps = {g.item: g for g in selectors.gaps(unit_ids=[centre])}
    shredder = gaps["shredder"]
    assert (shredder.required, shredder.available, shredder.usable) == (2, 2, 1)
    assert (shredder.shortfall, shredder.cost) == (1, 5_000_000)
    assert shredder.item_name == "Máy hủy tài liệu" and shredder.measure == "chiếc"
    sheet = load_workbook(io.BytesIO(importer.template()))["items"]
    assert "shredder" in {row[0] for row in sheet.iter_rows(values_only=True)}
    assert AuditEvent.objects.filter(action="equipment_item_type_create").get().data[
        "item_type"
    ] == ("shredder")


def test_only_a_superuser_writes_item_types_because_every_province_shares_them(
    province_admin, commune_official
):
    for persona in (province_admin, commune_official):
        with pytest.raises(Forbidden):
            services.item_type_create(actor=persona.user, **SHREDDER)
        response = persona.api().post(
            "/api/equipment/standards/item-types/scanner",
            {**SHREDDER, "name": "Khác"},
            content_type="application/json",
        )
        assert response.status_code == 403
    assert not ItemType.objects.filter(code="shredder").exists()
    assert ItemType.objects.get(code="scanner").name == "Máy quét tài liệu"


def test_an_item_type_in_use_is_never_deleted_and_the_refusal_says_how_many_use_it(
    centre, superuser
):
    item(centre, "scanner", 2)
    item(centre, "scanner", 1, condition="broken")
    refused = superuser.api().delete("/api/equipment/standards/item-types/scanner")
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "in_use"
    standard_lines = services.item_type_uses(ItemType.objects.get(code="scanner"))["standards"]
    assert standard_lines >= 1, "the seeded standard of the service centre names it"
    assert (
        f"used by 2 inventory lines, {standard_lines} standard lines and 0 transfers"
        in (error["message"])
    )
    page = superuser.browser().get("/equipment/item-types/scanner/delete/")
    assert page.status_code == 409 and "used by 2 inventory lines" in page.content.decode()
    assert superuser.browser().post("/equipment/item-types/scanner/delete/").status_code == 409
    assert ItemType.objects.filter(code="scanner").exists()
    assert InventoryItem.objects.filter(item_type__code="scanner").count() == 2


def test_an_unused_item_type_is_deleted_only_after_its_confirmation_page(superuser):
    services.item_type_create(actor=None, **SHREDDER)
    browser = superuser.browser()
    confirm = browser.get("/equipment/item-types/shredder/delete/")
    assert confirm.status_code == 200
    assert "A deletion cannot be undone." in confirm.content.decode()
    assert ItemType.objects.filter(code="shredder").exists(), "the page alone deletes nothing"
    done = browser.post("/equipment/item-types/shredder/delete/")
    assert done.status_code == 302
    assert not ItemType.objects.filter(code="shredder").exists()
    audit = AuditEvent.objects.get(action="equipment_item_type_delete")
    assert (audit.actor, audit.data["item_type"]) == (superuser.user, "shredder")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"code": "Shredder"}, "code"),
        ({"code": "-shredder"}, "code"),
        ({"code": "s" * 41}, "code"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"unit_of_measure": ""}, "unit_of_measure"),
        ({"unit_of_measure": "x" * 21}, "unit_of_measure"),
        ({"unit_price": -1}, "unit_price"),
        ({"category": "spaceship"}, "category"),
        ({"source": "a\u0000b"}, "source"),
    ],
)
def test_a_bad_item_type_is_refused_naming_the_field_and_nothing_is_written(
    superuser, change, field
):
    with pytest.raises(DomainError) as refused:
        services.item_type_create(actor=superuser.user, **{**SHREDDER, **change})
    assert refused.value.problems[0].field == field
    response = superuser.api().post(
        "/api/equipment/standards/item-types",
        {**SHREDDER, **change},
        content_type="application/json",
    )
    assert 400 <= response.status_code < 500 and "error" in response.json()
    page = superuser.browser().post("/equipment/item-types/new/", {**SHREDDER, **change})
    assert page.status_code == 400 and f'href="#id_{field}"' in page.content.decode()
    assert not ItemType.objects.filter(name=SHREDDER["name"]).exists()


def test_a_code_used_already_is_refused_and_the_same_type_again_is_harmless(superuser):
    first = services.item_type_create(actor=superuser.user, **SHREDDER)
    assert services.item_type_create(actor=superuser.user, **SHREDDER) == first
    with pytest.raises(DomainError) as refused:
        services.item_type_create(actor=superuser.user, **{**SHREDDER, "name": "Khác"})
    assert (refused.value.status, refused.value.problems[0].field) == (409, "code")
    assert AuditEvent.objects.filter(action="equipment_item_type_create").count() == 1


def test_a_change_is_audited_conditional_on_the_version_and_never_touches_the_code(superuser):
    api = superuser.api()
    body = {**SHREDDER, "unit_price": 6_000_000, "movable": False, "version": 0}
    del body["code"]
    services.item_type_create(actor=None, **SHREDDER)
    changed = api.post(
        "/api/equipment/standards/item-types/shredder", body, content_type="application/json"
    )
    assert changed.status_code == 200
    assert (changed.json()["unit_price"], changed.json()["movable"]) == (6_000_000, False)
    assert changed.json()["version"] == 1
    again = api.post(
        "/api/equipment/standards/item-types/shredder", body, content_type="application/json"
    )
    assert again.status_code == 200, "the same change again is harmless"
    stale = api.post(
        "/api/equipment/standards/item-types/shredder",
        {**body, "unit_price": 7_000_000},
        content_type="application/json",
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale"
    audit = AuditEvent.objects.get(action="equipment_item_type_update")
    assert (audit.data["before"]["unit_price"], audit.data["after"]["unit_price"]) == (
        5_000_000,
        6_000_000,
    )
    assert ItemType.objects.get(code="shredder").unit_price == 6_000_000


def test_the_pages_list_the_types_with_their_uses_and_a_superuser_marks_one_not_movable(
    centre, superuser, commune_official
):
    item(centre, "computer", 3)
    listing = commune_official.browser().get("/equipment/item-types/").content.decode()
    assert "Máy vi tính để bàn" in listing and "no: bought for the place" in listing
    assert "/equipment/item-types/new/" not in listing, "only a superuser is offered a change"
    computer = {t.code: t for t in selectors.item_types_with_uses()}["computer"]
    assert computer.inventory_uses == 1  # type: ignore[attr-defined]

    browser = superuser.browser()
    form = browser.get("/equipment/item-types/computer/").content.decode()
    assert 'name="movable"' in form and "checked" in form
    saved = browser.post(
        "/equipment/item-types/computer/",
        {
            "code": "ignored",
            "name": "Máy vi tính để bàn",
            "category": "it",
            "unit_of_measure": "bộ",
            "unit_price": "16000000",
            "source": "",
        },
    )
    assert saved.status_code == 302
    computer = ItemType.objects.get(code="computer")
    assert (computer.movable, computer.unit_price) == (False, 16_000_000)
    assert not ItemType.objects.filter(code="ignored").exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the foreign keys are deferred on PostgreSQL"
)
def test_a_line_being_written_holds_its_item_type_so_a_delete_waits_and_then_counts_it():
    """Django's foreign keys are checked at commit on PostgreSQL: without the hold, a delete
    counting the uses under FOR UPDATE would not see a line being written, and the line's
    commit would fail. Here the test's transaction is the line's; another connection is the
    delete (a seeded type: committed, so both see it)."""
    seeded = ItemType.objects.order_by("code").first()
    assert seeded is not None
    assert services.item_type_by_code(seeded.code).pk == seeded.pk  # as a new line does
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        host=settings["HOST"],
        port=settings["PORT"],
        user=settings["USER"],
        autocommit=True,
    ) as other:
        with pytest.raises(psycopg.errors.LockNotAvailable):
            other.execute(
                "SELECT id FROM equipment_itemtype WHERE id = %s FOR UPDATE NOWAIT", [seeded.pk]
            )
        # Reading it, or holding it the same way, is not blocked: lines of one type go on.
        assert other.execute(
            "SELECT id FROM equipment_itemtype WHERE id = %s FOR KEY SHARE NOWAIT", [seeded.pk]
        ).fetchall() == [(seeded.pk,)]


def test_a_type_deleted_before_a_line_names_it_is_refused_as_unknown(superuser):
    services.item_type_create(actor=superuser.user, **SHREDDER)
    services.item_type_delete(actor=superuser.user, code="shredder")
    with pytest.raises(DomainError, match="No item type coded 'shredder'"):
        services.item_type_by_code("shredder")
    assert services.hold_item_types([]) == set()
