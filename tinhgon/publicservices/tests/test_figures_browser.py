"""The figures page in Chromium, on a copy of the registry with demo dossiers: a provincial
administrator and a ward's official at desktop size and on a 360 px phone; no serious
accessibility violation (axe-core), nothing wider than the window, no CSP violation."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tinhgon.browser import (
    environment,
    log_in,
    new_context,
    page_problems,
    serve,
    tinhgon,
)


@pytest.fixture(scope="module")
def server(e2e_registry, tmp_path_factory) -> Iterator[str]:
    template = tmp_path_factory.mktemp("figures-registry")
    for item in e2e_registry.iterdir():
        if item.is_file():
            shutil.copy2(item, template / item.name)
    tinhgon(environment(template), "services", "demo", "--province", "Sơn La", "--dossiers", "400")
    with serve(template, tmp_path_factory.mktemp("figures-pages")) as address:
        yield address


VISITS = {
    "admin-son-la": [
        ("/services/figures/?province=Sơn+La", 200),
        ("/services/figures/?unit=03667", 200),
        ("/services/figures/?unit=03667&from=31/02/2026", 400),
    ],
    "chieng-an-official": [
        ("/services/figures/", 200),
        ("/services/figures/?unit=03646", 404),  # Phường Tô Hiệu: another ward
    ],
}


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_figures_page_is_accessible_and_fits_a_360_px_phone(server, browser, size):
    problems: list[str] = []
    for username, visits in VISITS.items():
        context = new_context(browser, size)
        page = context.new_page()
        if size == "phone":
            page.set_viewport_size({"width": 360, "height": 740})
        log_in(page, server, username)
        for address, status in visits:
            response = page.goto(server + address)
            where = f"{username} {address}"
            if response is None or response.status != status:
                problems.append(f"{where}: status {response and response.status}, not {status}")
            problems += page_problems(page, where)
        context.close()
    assert problems == []


def test_the_page_shows_the_indicators_charts_and_the_spreadsheet_button(server, browser):
    page = new_context(browser, "desktop").new_page()
    log_in(page, server, "admin-son-la")
    page.goto(server + "/services/figures/?province=Sơn+La")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chỉ số phục vụ")
    expect(page.locator(".card__value").first).to_contain_text("%")
    assert page.locator("figure.chart svg").count() >= 3  # flow, timeliness, ranking
    page.get_by_role("link", name="Phường Chiềng An").first.click()
    expect(page.get_by_role("heading", name="Hồ sơ có nguy cơ trễ hạn")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải .xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    page.context.close()
