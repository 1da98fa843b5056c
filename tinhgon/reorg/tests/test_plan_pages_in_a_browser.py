"""The plan pages in Chromium, at desktop (1366x900) and phone (390x844) sizes: a plan written on
the page, approved by a second administrator, and the confirmation before applying it; no serious
accessibility violation, no sideways scrolling, tap targets of 44x44 px; the screenshots of the
confirmation page in docs/screens."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tinhgon.browser import (
    horizontal_overflow,
    log_in,
    new_context,
    screens_folder,
    screenshot,
    serious_violations,
    serve,
    small_tap_targets,
)


@pytest.fixture(scope="module")
def server(e2e_registry, tmp_path_factory) -> Iterator[str]:
    with serve(e2e_registry, tmp_path_factory.mktemp("plan-pages")) as address:
        yield address


def _check(page: Page, where: str) -> list[str]:
    problems = [f"{where}: {v}" for v in serious_violations(page)]
    if overflow := horizontal_overflow(page):
        problems.append(f"{where}: {overflow}px wider than the window")
    return problems + [f"{where}: tap target {t}" for t in small_tap_targets(page)]


def _write_plan(page: Page, server: str, code: str) -> str:
    """Fill the new-plan form as an official would; returns the plan page's address."""
    page.goto(f"{server}/plans/new/")
    page.get_by_label("Tiêu đề").fill(f"Hợp nhất phường Tô Hiệu và Chiềng An ({code})")
    page.get_by_label("Ngày hiệu lực").fill("01/01/2027")
    page.get_by_label("Bước").select_option("consolidate")
    page.get_by_label("Các đơn vị hợp nhất (mã)").fill("03646, 03667")
    page.get_by_label("Mã mới").fill(code)
    page.get_by_label("Tên mới").fill("Phường Tô Chiềng")
    page.get_by_label("Loại đơn vị mới").select_option("ward")
    page.get_by_label("Đơn vị cấp trên (mã)").fill("14")
    page.get_by_role("button", name="Lưu dự thảo và xem trước").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hợp nhất phường Tô Hiệu")
    return page.url


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_writing_approving_and_confirming_a_plan_works_on_a_desktop_and_a_phone(
    server, browser, size, tmp_path
):
    problems: list[str] = []
    author = new_context(browser, size).new_page()
    log_in(author, server, "admin-son-la")
    for address in ("/plans/", "/plans/new/"):
        author.goto(server + address)
        problems += _check(author, address)
    author.goto(f"{server}/plans/new/")
    author.get_by_role("button", name="Lưu dự thảo và xem trước").click()  # nothing typed
    expect(author.locator(".error-summary")).to_be_visible()
    problems += _check(author, "/plans/new/ with errors")
    plan = _write_plan(author, server, "03991" if size == "desktop" else "03992")
    problems += _check(author, "the draft plan")
    expect(author.get_by_role("button", name="Phê duyệt")).to_have_count(0)  # not the author's
    approver = new_context(browser, size).new_page()
    log_in(approver, server, "second-admin-son-la")
    approver.goto(plan)
    approver.get_by_role("button", name="Phê duyệt").click()
    expect(approver.get_by_text("tác vụ định kỳ sẽ thực hiện")).to_be_visible()
    problems += _check(approver, "the approved plan")
    approver.get_by_role("link", name="Thực hiện ngay…").click()
    expect(approver.get_by_role("heading", level=1)).to_have_text("Thực hiện phương án?")
    expect(approver.get_by_text("không thể hoàn tác")).to_be_visible()
    problems += _check(approver, "the confirmation")
    screenshot(approver, f"plan-confirm-{size}", screens_folder(tmp_path))
    approver.get_by_role("link", name="Hủy").click()
    expect(approver.get_by_role("heading", level=1)).to_contain_text("Hợp nhất phường Tô Hiệu")
    author.context.close()
    approver.context.close()
    assert problems == []
