"""A citizen on a small phone (360x740), in Chromium against a real server: files a dossier with
a PDF, tracks it by its code and the last digits of the phone, and rates it once an official
(here, the services from a shell) has returned the result. Every page: no serious accessibility
violation (axe-core), nothing blocked by the Content-Security-Policy, no sideways scrolling, tap
targets of at least 44 px."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tinhgon.browser import (
    environment,
    new_context,
    page_problems,
    screens_folder,
    screenshot,
    serve,
    tinhgon,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# What an official does, from receipt to the result handed over (the services, as a shell).
FINISH = """
from tinhgon.publicservices import services
code = {code!r}
services.dossier_receive(actor=None, code=code)
services.dossier_request_supplement(actor=None, code=code, note="Thiếu ảnh chân dung")
services.dossier_supplement(actor=None, code=code)
services.dossier_approve(actor=None, code=code)
services.dossier_return_result(actor=None, code=code)
"""


@pytest.fixture(scope="module")
def portal_data(e2e_registry, tmp_path_factory) -> Path:
    """The registry with the starter catalogue of procedures."""
    data = tmp_path_factory.mktemp("portal-registry")
    for item in Path(e2e_registry).iterdir():
        if item.is_file():
            shutil.copy2(item, data / item.name)
    tinhgon(environment(data), "services", "catalogue-import")
    return data


@pytest.fixture(scope="module")
def served(portal_data, tmp_path_factory) -> Iterator[tuple[str, Path]]:
    data = tmp_path_factory.mktemp("portal-pages")
    with serve(portal_data, data) as address:
        yield address, data


def check(page: Page, where: str) -> list[str]:
    return page_problems(page, where)


def test_a_citizen_files_with_a_pdf_tracks_the_code_and_rates_the_result_on_a_small_phone(
    served, browser, tmp_path
):
    server, data = served
    folder = screens_folder(tmp_path)
    scan = tmp_path / "to-khai-CT01.pdf"
    scan.write_bytes(PDF)
    problems: list[str] = []

    page = new_context(browser, "small-phone").new_page()
    page.goto(server + "/accounts/login/")
    page.get_by_role("link", name="Cổng dịch vụ công").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cổng dịch vụ công")
    problems += check(page, "home")
    page.get_by_role("link", name="Nộp hồ sơ").click()
    problems += check(page, "form")
    page.get_by_role("button", name="Nộp hồ sơ").click()  # nothing filled in
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator(".field--error").first).to_be_visible()
    problems += check(page, "form refused")
    page.get_by_label("Thủ tục").select_option("1.004194")  # Đăng ký tạm trú
    page.get_by_label("Công dân").check()
    page.get_by_label("Họ và tên").fill("Lò Thị Mai")
    page.get_by_label("Số định danh cá nhân").fill("014199001234")
    page.get_by_label("Xã, phường nơi bạn cư trú").fill("Xã Chiềng Xôm")  # its pre-2025 name
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_label("Tài liệu").set_input_files(str(scan))
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Giấy tiếp nhận")
    code = page.locator(".dossier-code__value").inner_text().strip()
    assert re.fullmatch(r"03667-\d{8}-\d{6}", code), code
    expect(page.locator("main")).to_contain_text("Phường Chiềng An")
    expect(page.locator("main")).to_contain_text("to-khai-CT01.pdf")
    problems += check(page, "receipt")
    screenshot(page, "portal-receipt-small-phone", folder)
    page.context.close()

    # Another phone, later: the code and the last four digits.
    page = new_context(browser, "small-phone").new_page()
    page.goto(server + "/dich-vu-cong/tra-cuu/")
    problems += check(page, "track form")
    page.get_by_label("Mã hồ sơ").fill(code)
    page.get_by_label("4 số cuối điện thoại của bạn").fill("1111")
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_role("alert")).to_contain_text("Không có hồ sơ")
    problems += check(page, "track refused")
    page.get_by_label("4 số cuối điện thoại của bạn").fill("5678")
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    expect(page.locator(".summary-list")).to_contain_text("Mới đăng ký")
    problems += check(page, "dossier")

    tinhgon(environment(data), "shell", "-c", FINISH.format(code=code))
    page.reload()
    expect(page.locator(".summary-list")).to_contain_text("Đã trả kết quả")
    expect(page.locator(".events")).to_contain_text("Thiếu ảnh chân dung")
    screenshot(page, "portal-dossier-small-phone", folder)
    page.get_by_role("link", name="Đánh giá dịch vụ").click()
    problems += check(page, "rate")
    page.get_by_label("Rất hài lòng").check()
    page.get_by_role("button", name="Tiếp tục").click()
    problems += check(page, "rate confirm")
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_role("status")).to_contain_text("đánh giá đã được ghi nhận")
    expect(page.locator(".summary-list")).to_contain_text("Rất hài lòng")
    expect(page.get_by_role("link", name="Đánh giá dịch vụ")).to_have_count(0)
    problems += check(page, "rated")
    page.context.close()
    assert problems == []
