"""The people pages in Chromium, on a copy of the registry with the demo's synthetic staff: a
provincial administrator, a ward's official and its observer, at desktop size and on a 360 px
phone; no serious accessibility violation (axe-core), nothing wider than the window, no CSP
violation; the whole identity number only for a manager."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tinhgon.browser import environment, log_in, new_context, page_problems, serve, tinhgon

CHIENG_AN = "03667"  # Phường Chiềng An
TO_HIEU = "03646"  # Phường Tô Hiệu
OFFICE = CHIENG_AN + "-VP"  # its office of the council and committee


@pytest.fixture(scope="module")
def server(e2e_registry, tmp_path_factory) -> Iterator[str]:
    template = tmp_path_factory.mktemp("people-registry")
    for item in e2e_registry.iterdir():
        if item.is_file():
            shutil.copy2(item, template / item.name)
    tinhgon(environment(template), "staff", "demo", "--province", "Sơn La", "--seed", "3")
    with serve(template, tmp_path_factory.mktemp("people-pages")) as address:
        yield address


VISITS = {
    "admin-son-la": [
        ("/staff/", 200),
        (f"/staff/?unit={OFFICE}", 200),
        (f"/staff/positions/?unit={OFFICE}", 200),
        ("/staff/import/", 200),
    ],
    "chieng-an-official": [
        (f"/staff/?unit={OFFICE}&q=thi", 200),
        (f"/staff/positions/?unit={OFFICE}", 200),
        (f"/staff/?unit={TO_HIEU}-VP", 404),  # another ward's office
        ("/staff/?unit=x&as_of=31/02/2026", 400),
    ],
}


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_people_pages_are_accessible_and_fit_a_360_px_phone(server, browser, size):
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


def test_a_manager_sees_the_whole_number_and_an_observer_the_masked_one(server, browser):
    numbers: dict[str, str] = {}
    for username in ("chieng-an-official", "chieng-an-observer"):
        page = new_context(browser, "desktop").new_page()
        log_in(page, server, username)
        page.goto(server + f"/staff/?unit={OFFICE}")
        expect(page.locator(".notice strong").first).to_be_visible()  # synthetic data
        page.locator("table.list a").first.click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        row = page.locator(".summary-list__row").first
        numbers[username] = row.locator("dd").inner_text()
        problems = page_problems(page, username)
        assert problems == []
        page.context.close()
    assert re.fullmatch(r"000\d{9}", numbers["chieng-an-official"])
    assert re.fullmatch(r"\*{8}\d{4}", numbers["chieng-an-observer"])
