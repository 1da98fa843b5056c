"""The staffing figures and the Resolution 18 report in Chromium at desktop and phone sizes: no
serious accessibility violation, no CSP violation, no sideways scrolling, tap targets of 44 px
(the checks of tinhgon.browser, as every page has them)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tinhgon.browser import log_in, new_context, page_problems, serve

PAGES = [
    ("/staff/figures/", 200),
    ("/staff/figures/?unit=03667&as-of=01/03/2026", 200),
    ("/staff/figures/?unit=Sơn+La", 200),
    ("/staff/figures/?unit=03667&as-of=31/02/2026", 400),
    ("/reports/staff/", 200),
    ("/reports/staff/?province=Sơn+La&from=30/06/2025&to=01/07/2025", 200),
]


@pytest.fixture(scope="module")
def server(e2e_registry, tmp_path_factory) -> Iterator[str]:
    with serve(e2e_registry, tmp_path_factory.mktemp("staff-figures")) as address:
        yield address


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_figures_pages_are_accessible_and_fit_the_window(server, browser, size):
    page = new_context(browser, size).new_page()
    log_in(page, server, "admin-son-la")
    problems: list[str] = []
    for address, status in PAGES:
        response = page.goto(server + address)
        if response is None or response.status != status:
            problems.append(f"{address}: status {response and response.status}, not {status}")
        problems += page_problems(page, address)
    page.context.close()
    assert problems == []
