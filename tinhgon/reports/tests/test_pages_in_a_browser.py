"""Every page, as each persona sees it, in Chromium at desktop (1366x900) and phone (390x844)
sizes: no serious or critical accessibility violation (axe-core), no sideways scrolling, tap
targets of at least 44x44 px; the menu folds on a phone; the screenshots of docs/screens."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tinhgon.browser import (
    csp_violations,
    horizontal_overflow,
    log_in,
    new_context,
    page_problems,
    screens_folder,
    screenshot,
    serious_violations,
    serve,
)


@pytest.fixture(scope="module")
def server(e2e_registry, tmp_path_factory) -> Iterator[str]:
    with serve(e2e_registry, tmp_path_factory.mktemp("design-pages")) as address:
        yield address


def _href(page: Page, server: str, search: str, name: str) -> str:
    page.goto(f"{server}/search/?{search}")
    return page.get_by_role("link", name=name, exact=True).first.get_attribute("href") or ""


def _pages(page: Page, server: str) -> dict[str, list[tuple[str, int]]]:
    """Address and expected status of every page, for each persona (found by clicking through,
    so that ids need not be known)."""
    log_in(page, server, "admin-son-la")
    ward = _href(page, server, "q=03667&as_of=01/07/2025", "Phường Chiềng An")
    legacy = _href(page, server, "q=chieng+xom&as_of=30/06/2025", "Xã Chiềng Xôm")
    page.goto(f"{server}/tree/")
    province = page.get_by_role("link", name="Tỉnh Sơn La", exact=True).get_attribute("href") or ""
    return {
        "admin-son-la": [
            ("/", 200),
            ("/tree/", 200),
            (province, 200),
            ("/tree/?as_of=30/06/2025", 200),
            ("/search/", 200),
            ("/search/?q=chieng+an", 200),
            ("/search/?q=khong+co+don+vi+nay", 200),
            (ward, 200),
            (legacy, 200),
            ("/reports/apparatus/", 200),
            ("/reports/apparatus/?province=Sơn+La&from=30/06/2025&to=01/07/2025", 200),
            ("/reports/apparatus/?from=31/02/2025", 400),
            ("/plans/", 200),
            ("/units/999999999/", 404),
            ("/khong-co-trang-nay/", 404),
        ],
        "chieng-an-official": [
            ("/", 200),
            (ward, 200),
            (legacy, 200),  # a predecessor of the official's ward
            ("/reports/apparatus/?from=30/06/2025&to=01/07/2025", 200),
            ("/plans/", 403),
        ],
        "chieng-an-observer": [("/", 200), ("/search/?q=chieng", 200)],
        "superuser": [("/", 200), ("/reports/apparatus/?from=30/06/2025&to=01/07/2025", 200)],
    }


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_every_page_is_accessible_and_fits_the_window(server, browser, size):
    scout = new_context(browser).new_page()
    pages = _pages(scout, server)
    scout.context.close()
    problems: list[str] = []
    login = new_context(browser, size).new_page()
    login.goto(server + "/accounts/login/")
    problems += [f"login: {v}" for v in serious_violations(login)]
    problems += [f"login: {v}" for v in csp_violations(login)]
    login.context.close()
    for username, addresses in pages.items():
        context = new_context(browser, size)
        page = context.new_page()
        log_in(page, server, username)
        for address, status in addresses:
            response = page.goto(server + address)
            where = f"{username} {address}"
            if response is None or response.status != status:
                problems.append(f"{where}: status {response and response.status}, not {status}")
            problems += page_problems(page, where)
        context.close()
    assert problems == []


def test_on_a_phone_the_menu_folds_into_one_compact_header(server, browser):
    page = new_context(browser, "phone").new_page()
    log_in(page, server, "admin-son-la")
    header = page.locator("header.site-header").bounding_box()
    assert header is not None and header["height"] <= 120
    menu = page.get_by_role("link", name="Số liệu", exact=True)
    expect(menu).to_be_hidden()
    page.get_by_text("Danh mục", exact=True).click()
    expect(menu).to_be_visible()
    menu.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Số liệu bộ máy")
    page.context.close()


def test_on_a_desktop_the_menu_is_open_without_a_click(server, browser):
    page = new_context(browser, "desktop").new_page()
    log_in(page, server, "admin-son-la")
    expect(page.get_by_role("link", name="Số liệu", exact=True)).to_be_visible()
    expect(page.get_by_text("Danh mục", exact=True)).to_be_hidden()
    expect(page.get_by_role("link", name="Tổng quan")).to_have_attribute("aria-current", "page")
    page.context.close()


def test_the_skip_link_moves_the_keyboard_to_the_content(server, browser):
    page = new_context(browser).new_page()
    log_in(page, server, "admin-son-la")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Bỏ qua, đến nội dung chính")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.context.close()


def test_the_api_documentation_leads_back_to_the_application(server, browser):
    page = new_context(browser).new_page()
    log_in(page, server, "admin-son-la")
    page.get_by_role("link", name="Tài liệu API").click()
    # Swagger UI runs under the Content-Security-Policy: it draws the operations, blocks nothing.
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    assert csp_violations(page) == []
    page.get_by_role("link", name="Quay lại ứng dụng").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tổng quan")
    page.context.close()


def test_screens_of_the_dashboard_and_a_ward_with_its_lineage(server, browser, tmp_path):
    folder = screens_folder(tmp_path)
    for size in ("desktop", "phone"):
        page = new_context(browser, size).new_page()
        log_in(page, server, "admin-son-la")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Tổng quan")
        screenshot(page, f"dashboard-{size}", folder)
        page.goto(server + "/search/?q=03667&as_of=01/07/2025")
        page.get_by_role("link", name="Phường Chiềng An", exact=True).click()
        expect(page.locator(".event").first).to_contain_text("01/07/2025")
        screenshot(page, f"unit-lineage-{size}", folder)
        page.context.close()
    assert sorted(p.name for p in folder.glob("*.png")) >= [
        "dashboard-desktop.png",
        "dashboard-phone.png",
        "unit-lineage-desktop.png",
        "unit-lineage-phone.png",
    ]


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_lockout_after_wrong_passwords_is_the_login_page_in_vietnamese(server, browser, size):
    page = new_context(browser, size).new_page()
    username = f"khong-co-ai-{size}"  # no such account: its failures are counted all the same
    response = None
    for _attempt in range(6):
        page.goto(server + "/accounts/login/")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill("sai-mat-khau")
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name="Đăng nhập").click()
        response = navigation.value
    assert response is not None and response.status == 429
    expect(page.get_by_role("alert")).to_contain_text("tạm khóa đăng nhập")
    expect(page.get_by_label("Tên đăng nhập")).to_have_value(username)
    assert serious_violations(page) == []
    assert csp_violations(page) == []
    assert horizontal_overflow(page) == 0
    page.context.close()
