"""The red flags' pages in Chromium, on a copy of the registry with the labelled demo set
(`integrity demo`, which plants the synthetic dossier histories), at desktop size and on a 360 px
phone: the province's administrator opens a unit's flags, reads a flag's explanation and the
dossiers behind it, and dismisses it with a reason through its confirmation page. Every page
passes axe-core (no serious or critical violation), the Content-Security-Policy, fits the window
and has tap targets of 44 px. Moves are found by their forms' addresses, not their labels."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
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

SIZES.setdefault("small-phone", {"width": 360, "height": 740})
_FLAGGED = """
import json
from tinhgon.integrity.models import RedFlag
print(json.dumps(list(RedFlag.objects.order_by("unit_id").values_list("unit_id", flat=True)
    .distinct()[:1])))
"""
UNITS: list[int] = []


@pytest.fixture(scope="module")
def server(e2e_registry, tmp_path_factory) -> Iterator[str]:
    template = tmp_path_factory.mktemp("flags-registry")
    for item in e2e_registry.iterdir():
        if item.is_file():
            shutil.copy2(item, template / item.name)
    tinhgon(environment(template), "integrity", "demo", "--province", "Sơn La", "--seed", "1")
    done = subprocess.run(
        [sys.executable, "-m", "tinhgon.manage", "shell", "-c", _FLAGGED],
        env=environment(template),
        check=True,
        capture_output=True,
        text=True,
    )
    UNITS[:] = json.loads(done.stdout.strip().splitlines()[-1])
    with serve(template, tmp_path_factory.mktemp("flags-pages")) as address:
        yield address


@pytest.mark.parametrize("size", ["desktop", "small-phone"])
def test_the_province_reads_a_units_flags_and_dismisses_one_with_a_reason(
    server, browser, size, tmp_path
):
    problems: list[str] = []
    page: Page = new_context(browser, size).new_page()
    log_in(page, server, "admin-son-la")
    assert UNITS, "the demo planted no flag"
    address = f"/integrity/flags/units/{UNITS[0]}/"
    page.goto(server + address)
    sections = page.locator("main section")
    expect(sections.first).to_be_visible()
    before = sections.count()
    expect(sections.first.locator("a[href^='/services/']").first).to_be_visible()
    problems += page_problems(page, "the unit's flags")
    screenshot(page, f"flags-unit-{size}", screens_folder(tmp_path))

    sections.first.locator("a[href$='/dismiss/']").click()
    problems += page_problems(page, "the dismissal form")
    page.locator("main form button[type=submit]").click()  # no reason: refused, named
    expect(page.locator(".field--error")).to_be_visible()
    problems += page_problems(page, "the dismissal, refused")
    page.locator("#id_reason").fill(f"Đã xác minh: hồ sơ thiếu giấy tờ thật ({size})")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".confirm h1")).to_be_visible()
    problems += page_problems(page, "the dismissal: confirmation")
    page.locator(".confirm button[type=submit]").click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page).to_have_url(server + address)
    expect(page.locator("main section")).to_have_count(before - 1)
    problems += page_problems(page, "dismissed")
    page.context.close()
    assert problems == []
