"""End to end in a real browser (Debian's Chromium, driven by Playwright), against a real server.

The server runs as its own process on its own copy of a registry set up the way the README sets
up a new machine: migrate, import the national units, generate Sơn La's apparatus, add users.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tinhgon.browser import launch, log_in, new_context, serve


@pytest.fixture(scope="module")
def server(e2e_registry, tmp_path_factory) -> Iterator[str]:
    with serve(e2e_registry, tmp_path_factory.mktemp("registry-pages")) as address:
        yield address


@pytest.fixture(scope="module")
def browser_page(server) -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = new_context(browser).new_page()
        log_in(page, server, "admin-son-la")
        yield page
        browser.close()


def test_a_provincial_administrator_browses_son_la_before_and_after_the_reform(
    server, browser_page, tmp_path
):
    page = browser_page
    page.goto(server + "/")
    page.get_by_role("link", name="Xem cơ cấu bộ máy").click()
    page.get_by_role("link", name="Tỉnh Sơn La", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tỉnh Sơn La")
    expect(page.get_by_role("link", name="Phường Chiềng An")).to_be_visible()

    page.get_by_label("Tại ngày").fill("30/06/2025")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("30/06/2025")
    page.get_by_role("link", name="Thành phố Sơn La").click()
    expect(page.get_by_role("link", name="Phường Chiềng An")).to_be_visible()
    expect(page.locator("nav.crumbs")).to_contain_text("Tỉnh Sơn La")
    page.screenshot(path=str(Path(tmp_path) / "tree.png"))


def test_search_without_diacritics_leads_to_the_unit_and_its_history(server, browser_page):
    page = browser_page
    page.goto(server + "/search/")
    expect(page.locator(".empty-state")).to_contain_text("Nhập tên hoặc mã để tìm kiếm.")
    page.get_by_label("Tên hoặc mã").fill("chieng an")
    page.get_by_role("button", name="Tìm kiếm").last.click()
    page.get_by_role("link", name="Phường Chiềng An").first.click()
    expect(page.get_by_role("heading", name="Lịch sử")).to_be_visible()
    expect(page.locator("table.list")).to_contain_text("01/07/2025")


def test_the_language_switch_turns_the_pages_english(server, browser_page):
    page = browser_page
    page.goto(server + "/search/")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search units")
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tìm kiếm đơn vị")


def test_a_unit_page_shows_where_the_commune_came_from(server, browser_page):
    page = browser_page
    page.goto(server + "/search/?q=phuong+chieng+an&as_of=01/07/2025")
    page.get_by_role("link", name="Phường Chiềng An", exact=True).click()
    lineage = page.locator("section").filter(has_text="Hình thành từ")
    expect(lineage).to_contain_text("Xã Chiềng Xôm")
    expect(lineage).to_contain_text("Xã Chiềng Đen")


def test_an_administrator_uploads_a_plan_sees_its_preview_and_applies_it(
    server, browser_page, tmp_path
):
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "title: Hợp nhất phường Tô Hiệu và phường Chiềng An\neffective_date: 2026-01-01\n"
        "steps:\n- action: consolidate\n  sources: ['03646', '03667']\n"
        "  target: {code: '03999', name: Phường Tô Chiềng, kind: ward, parent: '14'}\n",
        encoding="utf-8",
    )
    page = browser_page
    page.goto(server + "/plans/")
    page.get_by_label("Tệp phương án (.yaml hoặc .xlsx)").set_input_files(str(plan))
    page.get_by_role("button", name="Tải lên và xem trước").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hợp nhất phường Tô Hiệu")
    expect(page.locator("table.list").last).to_contain_text("Ủy ban nhân dân phường Tô Chiềng")
    page.screenshot(path=str(tmp_path / "preview.png"), full_page=True)
    # Its author may neither approve nor apply it: a second administrator approves.
    expect(page.get_by_role("button", name="Phê duyệt")).to_have_count(0)
    expect(page.get_by_role("link", name="Thực hiện ngay…")).to_have_count(0)
    plan_url = page.url
    second = page.context.browser.new_page(locale="vi-VN")
    log_in(second, server, "second-admin-son-la")
    second.goto(plan_url)
    second.get_by_role("button", name="Phê duyệt").click()
    expect(second.get_by_role("status")).to_contain_text("Phương án đã được phê duyệt.")
    expect(second.locator("main")).to_contain_text("second-admin-son-la")
    second.close()
    page.reload()
    page.get_by_role("link", name="Thực hiện ngay…").click()
    page.get_by_role("button", name=re.compile("^Thực hiện ngay")).click()
    expect(page.get_by_role("status")).to_contain_text("Phương án đã được thực hiện.")
