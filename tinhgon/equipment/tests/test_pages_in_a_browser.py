"""The equipment pages in Chromium, on a copy of the registry with the labelled demo set
(`equipment demo`), at desktop size and on a 360 px phone. The ward's official goes from the
overview to its service centre, adds a line (a bad quantity first: refused, kept, named), and
writes one off through its confirmation page; the province's administrator reads the communes
ranked with their chart, decides on a surplus building after the mergers and opens the form of a
new version of a standard. Every page passes axe-core (no serious or critical violation), the
Content-Security-Policy, fits the window and has tap targets of 44 px.

Moves are found by addresses and field ids, not labels: the labels are translated."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tinhgon.browser import (
    SIZES,
    environment,
    log_in,
    new_context,
    page_problems,
    screens_folder,
    screenshot,
    serve,
    tinhgon,
)

SIZES.setdefault("small-phone", {"width": 360, "height": 740})


@pytest.fixture(scope="module")
def server(e2e_registry, tmp_path_factory) -> Iterator[str]:
    template = tmp_path_factory.mktemp("equipment-registry")
    for item in e2e_registry.iterdir():
        if item.is_file():
            shutil.copy2(item, template / item.name)
    tinhgon(environment(template), "equipment", "demo", "--province", "Sơn La", "--seed", "1")
    with serve(template, tmp_path_factory.mktemp("equipment-pages")) as address:
        yield address


def as_user(browser, server: str, size: str, username: str) -> Page:  # type: ignore[no-untyped-def]
    page = new_context(browser, size).new_page()
    log_in(page, server, username)
    return page


@pytest.mark.parametrize("size", ["desktop", "small-phone"])
def test_a_ward_adds_a_line_to_its_service_centre_and_writes_one_off(
    server, browser, size, tmp_path
):
    problems: list[str] = []
    ward = as_user(browser, server, size, "chieng-an-official")
    ward.goto(server + "/equipment/")
    problems += page_problems(ward, "own units")
    ward.locator("main a[href^='/equipment/units/']").filter(has_text="Trung tâm").first.click()
    expect(ward.locator("table.list").first).to_be_visible()
    problems += page_problems(ward, "the centre")
    screenshot(ward, f"equipment-unit-{size}", screens_folder(tmp_path))
    unit = ward.url.removeprefix(server)

    ward.locator("a[href$='/items/new/']").click()
    ward.locator("#id_item").select_option("scanner")
    ward.locator("#id_quantity").fill("0")
    ward.locator("main form button[type=submit]").click()
    expect(ward.locator(".field--error").first).to_be_visible()
    problems += page_problems(ward, "a line, refused")
    ward.locator("#id_quantity").fill("2")
    ward.locator("#id_location").fill(f"Quầy 1 ({size})")
    ward.locator("main form button[type=submit]").click()
    expect(ward.get_by_role("status")).to_be_visible()
    expect(ward.get_by_text(f"Quầy 1 ({size})")).to_be_visible()

    ward.locator("main table a[href^='/equipment/items/']").first.click()
    ward.locator("a[href$='/write-off/']").click()
    expect(ward.locator(".confirm h1")).to_be_visible()
    problems += page_problems(ward, "write off: confirmation")
    ward.locator("#id_quantity").fill("1")
    ward.locator("#id_reason").fill(f"Hỏng không sửa được ({size})")
    ward.locator(".confirm button[type=submit]").click()
    expect(ward).to_have_url(server + unit)
    expect(ward.get_by_text(f"Hỏng không sửa được ({size})")).to_be_attached()
    problems += page_problems(ward, "written off")
    ward.context.close()
    assert problems == []


@pytest.mark.parametrize("size", ["desktop", "small-phone"])
def test_the_province_ranks_its_communes_and_decides_on_a_surplus_building(
    server, browser, size, tmp_path
):
    problems: list[str] = []
    province = as_user(browser, server, size, "admin-son-la")
    province.goto(server + "/equipment/")
    expect(province.locator("figure.chart svg[role=img]")).to_be_visible()
    problems += page_problems(province, "the ranking")
    screenshot(province, f"equipment-ranking-{size}", screens_folder(tmp_path))

    province.goto(server + "/equipment/surplus/")
    problems += page_problems(province, "surplus premises")
    candidate = province.locator("main table tr", has=province.locator(".tag")).first
    candidate.locator("a[href^='/equipment/premises/']").click()
    province.locator("#id_status").select_option("surplus")
    province.locator("#id_planned_use").fill(f"Chuyển giao cho trường mầm non ({size})")
    province.locator("main form button[type=submit]").click()
    expect(province.get_by_text(f"Chuyển giao cho trường mầm non ({size})")).to_be_visible()
    problems += page_problems(province, "decided")
    screenshot(province, f"equipment-surplus-{size}", screens_folder(tmp_path))

    province.goto(server + "/equipment/standards/")
    problems += page_problems(province, "standards")
    province.locator("main table a[href^='/equipment/standards/']").first.click()
    problems += page_problems(province, "a standard")
    province.locator("a[href$='/new-version/']").click()
    expect(province.locator("#id_valid_from")).to_be_visible()
    problems += page_problems(province, "a new version")
    province.context.close()
    assert problems == []


@pytest.mark.parametrize("size", ["desktop", "small-phone"])
def test_a_superuser_adds_an_item_type_and_deletes_it_after_its_confirmation(
    server, browser, size, tmp_path
):
    problems: list[str] = []
    code = f"label-printer-{size}"
    admin = as_user(browser, server, size, "superuser")
    admin.goto(server + "/equipment/item-types/")
    problems += page_problems(admin, "item types")
    screenshot(admin, f"equipment-item-types-{size}", screens_folder(tmp_path))
    admin.locator("a[href='/equipment/item-types/new/']").click()
    admin.locator("#id_code").fill(code)
    admin.locator("#id_name").fill("Máy in nhãn")
    admin.locator("#id_category").select_option("it")
    admin.locator("#id_unit_of_measure").fill("chiếc")
    admin.locator("#id_unit_price").fill("-5")
    admin.locator("#id_movable").uncheck()
    admin.locator("main form button[type=submit]").click()
    expect(admin.locator("a[href='#id_unit_price']")).to_be_visible()
    expect(admin.locator("#id_code")).to_have_value(code)
    problems += page_problems(admin, "a refused item type")
    admin.locator("#id_unit_price").fill("3000000")
    admin.locator("main form button[type=submit]").click()
    admin.locator(f"main table a[href='/equipment/item-types/{code}/']").click()
    expect(admin.locator("#id_movable")).not_to_be_checked()
    problems += page_problems(admin, "an item type")
    admin.locator(f"a[href='/equipment/item-types/{code}/delete/']").click()
    problems += page_problems(admin, "the deletion's confirmation")
    admin.locator("main form button[type=submit]").click()
    expect(admin.locator(f"main table a[href='/equipment/item-types/{code}/']")).to_have_count(0)
    admin.context.close()
    assert problems == []
