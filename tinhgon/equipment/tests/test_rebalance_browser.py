"""Rebalancing and the equipment figures in Chromium, on a copy of the registry with the labelled
demo inventory (`equipment demo`) and a proposed run (`equipment rebalance`), at desktop size and
on a phone. The province's administrator opens the runs, the proposal as a table, confirms and
approves it, then the figures with their chart. Every page passes axe-core (no serious or
critical violation), the Content-Security-Policy, fits the window and has tap targets of 44 px.
The moves are found by their addresses, not their labels: the labels are translated."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tinhgon.browser import (
    environment,
    log_in,
    new_context,
    page_problems,
    screens_folder,
    screenshot,
    serve,
    tinhgon,
)


@pytest.fixture(scope="module")
def server(e2e_registry, tmp_path_factory) -> Iterator[str]:
    template = tmp_path_factory.mktemp("rebalance-registry")
    for item in e2e_registry.iterdir():
        if item.is_file():
            shutil.copy2(item, template / item.name)
    env = environment(template)
    tinhgon(env, "equipment", "demo", "--province", "Sơn La", "--seed", "1")
    with serve(template, tmp_path_factory.mktemp("rebalance-pages")) as address:
        yield address


def as_admin(browser, server: str, size: str) -> Page:  # type: ignore[no-untyped-def]
    page = new_context(browser, size).new_page()
    log_in(page, server, "admin-son-la")
    return page


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_province_proposes_reads_and_approves_a_run_then_reads_its_figures(
    server, browser, size, tmp_path
):
    problems: list[str] = []
    page = as_admin(browser, server, size)
    page.goto(server + "/equipment/rebalance/")
    problems += page_problems(page, "the runs")
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/equipment/rebalance/\d+/$"))
    expect(page.locator("main table.list").first).to_be_visible()
    problems += page_problems(page, "the proposal")
    screenshot(page, f"equipment-rebalance-run-{size}", screens_folder(tmp_path))
    run = page.url.removeprefix(server)

    page.locator(f"a[href='{run}approve/']").click()
    expect(page.locator(".confirm h1")).to_be_visible()
    problems += page_problems(page, "approve: confirmation")
    page.locator(".confirm button[type=submit]").click()
    expect(page).to_have_url(server + run)
    expect(page.locator(f"a[href='{run}approve/']")).to_have_count(0)
    expect(page.get_by_role("status")).to_be_visible()
    problems += page_problems(page, "approved")

    page.goto(server + "/equipment/figures/")
    expect(page.locator("figure.chart")).to_be_visible()
    problems += page_problems(page, "the figures")
    screenshot(page, f"equipment-figures-{size}", screens_folder(tmp_path))
    page.context.close()
    assert problems == []
