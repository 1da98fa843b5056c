"""The commendations pages in Chromium, on a copy of the registry with the labelled demo set
(`commendations demo`), at desktop size and on a 360 px phone. A ward's official proposes its
ward in the demo campaign and submits it through the confirmation; the province's administrator
(a council member too) reviews it and records the decision through its confirmation; the
decision's page, the figures, the list read out and a merged commune's successor page (showing
its predecessor's 2023 commendation) are opened. Every page passes axe-core (no serious or
critical violation), the Content-Security-Policy, fits the window and has tap targets of 44 px.

The moves are found by their forms' addresses, not their labels: the labels are translated."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

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

_DEMO_ROWS = """
import json, datetime as dt
from tinhgon.commendations.models import Campaign, Commendation
from tinhgon.units.selectors import lineage
old = Commendation.objects.filter(date=dt.date(2023, 12, 20)).order_by("id").first()
(link, _d), *_rest = lineage(old.unit_id, direction="successors")
print(json.dumps({
    "campaign": Campaign.objects.get(code="demo-nq18").pk,
    "successor": link.successor_id,
    "decision": old.decision_id,
}))
"""
DEMO: dict[str, int] = {}


def demo_rows(data: Path) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-m", "tinhgon.manage", "shell", "-c", _DEMO_ROWS],
        env=environment(data),
        check=True,
        capture_output=True,
        text=True,
    )
    return {k: int(v) for k, v in json.loads(done.stdout.strip().splitlines()[-1]).items()}


@pytest.fixture(scope="module")
def server(e2e_registry, tmp_path_factory) -> Iterator[str]:
    template = tmp_path_factory.mktemp("commend-registry")
    for item in e2e_registry.iterdir():
        if item.is_file():
            shutil.copy2(item, template / item.name)
    tinhgon(environment(template), "commendations", "demo", "--province", "Sơn La", "--seed", "1")
    DEMO.update(demo_rows(template))
    with serve(template, tmp_path_factory.mktemp("commend-pages")) as address:
        yield address


def as_user(browser, server: str, size: str, username: str) -> Page:  # type: ignore[no-untyped-def]
    page = new_context(browser, size).new_page()
    log_in(page, server, username)
    return page


@pytest.mark.parametrize("size", ["desktop", "small-phone"])
def test_a_ward_proposes_and_the_province_reviews_and_decides(server, browser, size, tmp_path):
    problems: list[str] = []
    campaign = f"/commendations/campaigns/{DEMO['campaign']}/"
    ward = as_user(browser, server, size, "chieng-an-official")
    ward.goto(server + "/commendations/campaigns/")
    problems += page_problems(ward, "campaigns")
    ward.goto(server + campaign)
    problems += page_problems(ward, "a campaign")
    ward.locator(f"a[href='{campaign}propose/']").click()
    problems += page_problems(ward, "the proposal form")
    title = f"Đề nghị khen thưởng ({size})"
    ward.locator("#id_title").fill(title)
    ward.locator("#id_kind_1").select_option("collective")
    ward.locator("#id_form_1").select_option("bang-khen-chu-tich-tinh")
    ward.locator("#id_reason_1").fill("Hoàn thành xuất sắc nhiệm vụ sau sắp xếp")
    ward.locator("main form button[type=submit]").click()
    expect(ward.get_by_role("heading", level=1)).to_have_text(title)
    proposal = ward.url.removeprefix(server)
    problems += page_problems(ward, "the draft")
    ward.locator("a[href$='/submit/']").click()
    expect(ward.locator(".confirm h1")).to_be_visible()
    problems += page_problems(ward, "submit: confirmation")
    ward.locator(".confirm button[type=submit]").click()
    expect(ward.locator("a[href$='/submit/']")).to_have_count(0)
    ward.context.close()

    province = as_user(browser, server, size, "admin-son-la")
    province.goto(server + proposal)
    problems += page_problems(province, "the review")
    province.locator("form[action$='/review/'] button[type=submit]").click()
    expect(province.locator("form[action$='/review/']")).to_have_count(0)
    province.goto(server + campaign + "decide/")
    problems += page_problems(province, "the decision form")
    province.locator("#id_number").fill(f"99{size[:1]}/QĐ-UBND")
    province.locator("#id_signed_by").fill("Chủ tịch Ủy ban nhân dân tỉnh")
    province.locator("main form button[type=submit]").click()
    expect(province.locator(".confirm h1")).to_be_visible()
    problems += page_problems(province, "decide: confirmation")
    province.locator(".confirm button[type=submit]").click()
    expect(province.locator("a[href$='/pdf']")).to_be_visible()
    problems += page_problems(province, "the decision")
    screenshot(province, f"commendations-decision-{size}", screens_folder(tmp_path))
    for address, where in [
        ("/commendations/", "the register"),
        ("/commendations/figures/", "the figures"),
        (f"/commendations/read-out/?campaign={DEMO['campaign']}", "the list read out"),
        (f"/units/{DEMO['successor']}/", "a successor's page"),
    ]:
        province.goto(server + address)
        problems += page_problems(province, where)
    expect(province.locator("#commendations-heading")).to_be_visible()
    screenshot(province, f"commendations-successor-{size}", screens_folder(tmp_path))
    province.context.close()
    assert problems == []
