"""The integrity figures page in Chromium, on a copy of the registry with the labelled demo
cases (`integrity demo`): a provincial administrator and a ward's official at desktop size and
on a 360 px phone; no serious accessibility violation (axe-core), nothing wider than the
window, no CSP violation; charts drawn, the spreadsheet downloaded, no author on the page."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from tinhgon.browser import environment, log_in, new_context, page_problems, serve, tinhgon

FIGURES = "/integrity/figures/"


@pytest.fixture(scope="module")
def server(e2e_registry, tmp_path_factory) -> Iterator[str]:
    template = tmp_path_factory.mktemp("integrity-figures-registry")
    for item in e2e_registry.iterdir():
        if item.is_file():
            shutil.copy2(item, template / item.name)
    tinhgon(environment(template), "integrity", "demo", "--province", "Sơn La", "--seed", "1")
    with serve(template, tmp_path_factory.mktemp("integrity-figures-pages")) as address:
        yield address


VISITS = {
    "admin-son-la": [
        (f"{FIGURES}?unit=Sơn+La&from=01/01/2025", 200),
        (f"{FIGURES}?unit=03667&from=01/01/2025", 200),
        (f"{FIGURES}?unit=03667&from=31/02/2026", 400),
    ],
    "chieng-an-official": [
        (FIGURES, 200),
        (f"{FIGURES}?unit=03646", 404),  # Phường Tô Hiệu: another ward
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


def test_the_page_draws_charts_and_downloads_the_spreadsheet(server, browser):
    page = new_context(browser, "desktop").new_page()
    log_in(page, server, "admin-son-la")
    page.goto(server + f"{FIGURES}?unit=Sơn+La&from=01/01/2025")
    assert page.locator("figure.chart svg").count() >= 2  # cases by kind, timeliness
    assert page.locator(".card__value").count() >= 6
    assert page.locator("table.list").count() >= 4
    with page.expect_download() as download:
        page.locator("button[name=format][value=xlsx]").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    page.context.close()
