"""A commune official works a dossier in Chromium, at a desktop and at a phone size (360x740):
files it at the counter, finds it in the work list, receives it, asks for a supplement, records
the supplement, decides and returns the result through its confirmation page. Every page passes
axe-core (no serious or critical violation), the Content-Security-Policy and fits the window."""

from __future__ import annotations

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

# The narrowest phone the pages are made for (the shared sizes stop at 390 px).
SIZES.setdefault("small-phone", {"width": 360, "height": 740})


@pytest.fixture(scope="module")
def server(e2e_registry, tmp_path_factory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("services-pages")
    with serve(e2e_registry, data) as address:
        tinhgon(environment(data), "services", "catalogue-import")
        yield address


def check(page: Page, problems: list[str], where: str) -> None:
    problems += page_problems(page, where)


@pytest.mark.parametrize("size", ["desktop", "small-phone"])
def test_an_official_walks_a_dossier_from_the_counter_to_the_returned_result(
    server, browser, size, tmp_path
):
    page = new_context(browser, size).new_page()
    problems: list[str] = []
    log_in(page, server, "chieng-an-official")

    page.goto(server + "/services/new/")
    check(page, problems, "filing")
    page.get_by_label("Thủ tục").select_option("1.004194")
    page.get_by_label("Tên công dân hoặc doanh nghiệp").fill("Cầm Thị Hoa")
    page.get_by_label("Số định danh cá nhân hoặc mã số thuế").fill("014123456789")
    page.get_by_label("Mã xã, phường của người nộp").fill("03667")
    page.get_by_label("Số điện thoại của người nộp").fill("0912 345 678")
    page.get_by_role("button", name="Lưu hồ sơ").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Hồ sơ 03667-")
    code = heading.inner_text().split()[2]
    expect(page.get_by_text("********6789")).to_be_visible()
    assert "014123456789" not in page.content()

    if size != "desktop":
        page.get_by_text("Danh mục", exact=True).click()
    menu = page.get_by_role("navigation", name="Danh mục chính")
    menu.get_by_role("link", name="Hồ sơ", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hồ sơ")
    check(page, problems, "work list")
    screenshot(page, f"services-work-list-{size}", screens_folder(tmp_path))
    page.get_by_role("link", name=code).click()
    check(page, problems, "registered")

    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Đã thực hiện: tiếp nhận")
    expect(page.locator(".badge")).to_have_text("Trong hạn")
    check(page, problems, "received")
    screenshot(page, f"services-dossier-{size}", screens_folder(tmp_path))

    page.get_by_text("Các thao tác khác", exact=True).click()  # the usual next step is to assign
    page.get_by_label("Ghi chú hoặc lý do").first.fill("Thiếu giấy xác nhận chỗ ở hợp pháp")
    page.get_by_role("button", name="Yêu cầu bổ sung", exact=True).click()
    expect(page.get_by_text("đang chờ người nộp, thời hạn tạm dừng")).to_be_visible()
    check(page, problems, "waiting")

    page.get_by_role("button", name="Bổ sung hồ sơ", exact=True).click()
    page.get_by_role("button", name="Giải quyết", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("giải quyết")
    check(page, problems, "decided")

    page.get_by_role("button", name="Trả kết quả…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Xác nhận: trả kết quả")
    check(page, problems, "confirmation")
    page.get_by_role("button", name="Trả kết quả", exact=True).click()
    expect(page.locator(".tag").first).to_have_text("Đã trả kết quả")
    expect(page.get_by_role("heading", name="Các thao tác có thể thực hiện")).to_have_count(0)
    history = page.locator("table.list tbody tr")
    expect(history).to_have_count(6)  # submit, receive, request, supplement, approve, return
    check(page, problems, "returned")
    page.context.close()
    assert problems == []
