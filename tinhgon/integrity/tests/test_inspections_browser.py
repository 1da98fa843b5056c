"""The inspections pages in Chromium, on a copy of the registry with the labelled demo set
(`integrity demo`) and, for each window size, a decided and a concluded inspection of Phường
Chiềng An made through the services. The ward's official finds its overdue recommendation marked
and reports its implementation; the province's administrator starts the decided inspection
through its form and confirmation page, and accepts the ward's report (confirmed). Every page
passes axe-core (no serious or critical violation), the Content-Security-Policy, fits the window
and has tap targets of 44 px; at desktop size and on a 360 px phone.

Links and forms are found by their addresses, not their labels: the labels are translated."""

from __future__ import annotations

import json
import re
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
SIZES_TESTED = ["desktop", "small-phone"]

_MAKE = """
import datetime as dt, json
from django.utils import timezone
from tinhgon.integrity import inspections
from tinhgon.integrity.models import Recommendation
from tinhgon.units import selectors
today = timezone.localdate()
ward = selectors.resolve("03667", day=today).unit_id
province = selectors.resolve_province("Sơn La", day=today).unit_id
inspectorate = inspections.provincial_bodies(province, today)[1]
made = {}
for size in SIZES:
    def create(title):
        return inspections.inspection_create(
            actor=None, kind="administrative", title=title, inspecting_unit_id=inspectorate,
            subject_unit_id=ward, period_from=dt.date(2025, 7, 1), period_to=dt.date(2025, 12, 31),
            scope="Việc giải quyết thủ tục hành chính")
    team = [{"name": "Nguyễn Văn Thanh", "role": "head"}, {"name": "Lò Văn Tra", "role": "member"}]
    decided = create(f"Thanh tra việc tiếp công dân ({size})")
    inspections.inspection_decide(actor=None, inspection_id=decided.pk, decision_number=f"{decided.pk}/QĐ-TTr",
        decided_on=today - dt.timedelta(days=3), team=team)
    concluded = create(f"Thanh tra thủ tục đất đai ({size})")
    inspections.inspection_decide(actor=None, inspection_id=concluded.pk, decision_number=f"{concluded.pk}/QĐ-TTr",
        decided_on=today - dt.timedelta(days=60), team=team)
    inspections.inspection_start(actor=None, inspection_id=concluded.pk, starts_on=today - dt.timedelta(days=55))
    inspections.finding_add(actor=None, inspection_id=concluded.pk, text="Hồ sơ trễ hạn", severity="violation")
    rec = inspections.recommendation_add(actor=None, inspection_id=concluded.pk,
        text="Chấn chỉnh việc yêu cầu bổ sung hồ sơ", due=today - dt.timedelta(days=5))
    inspections.inspection_conclude(actor=None, inspection_id=concluded.pk, conclusion="Kết luận thanh tra",
        concluded_on=today - dt.timedelta(days=20))
    made[size] = {"decided": decided.pk, "concluded": concluded.pk, "recommendation": rec.pk}
print(json.dumps(made))
"""
MADE: dict[str, dict[str, int]] = {}


@pytest.fixture(scope="module")
def server(e2e_registry, tmp_path_factory) -> Iterator[str]:
    template = tmp_path_factory.mktemp("insp-registry")
    for item in e2e_registry.iterdir():
        if item.is_file():
            shutil.copy2(item, template / item.name)
    tinhgon(environment(template), "integrity", "demo", "--province", "Sơn La", "--seed", "1")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tinhgon.manage",
            "shell",
            "-c",
            f"SIZES = {SIZES_TESTED!r}\n" + _MAKE,
        ],
        env=environment(template),
        check=True,
        capture_output=True,
        text=True,
    )
    MADE.update(json.loads(done.stdout.strip().splitlines()[-1]))
    with serve(template, tmp_path_factory.mktemp("insp-pages")) as address:
        yield address


def as_user(browser, server: str, size: str, username: str) -> Page:  # type: ignore[no-untyped-def]
    page = new_context(browser, size).new_page()
    log_in(page, server, username)
    return page


@pytest.mark.parametrize("size", SIZES_TESTED)
def test_the_ward_reports_and_the_province_starts_an_inspection_and_accepts_the_report(
    server, browser, size, tmp_path: Path
):
    problems: list[str] = []
    made = MADE[size]
    concluded = f"/integrity/inspections/{made['concluded']}/"
    report = f"/integrity/inspections/recommendations/{made['recommendation']}/report/"

    ward = as_user(browser, server, size, "chieng-an-official")
    ward.goto(server + "/integrity/inspections/?state=all")
    expect(ward.locator(f"table.list a[href='{concluded}']")).to_be_visible()
    problems += page_problems(ward, "the list, for the ward")
    ward.goto(server + concluded)
    expect(ward.locator("tr.row--overdue")).to_have_count(1)
    problems += page_problems(ward, "a concluded inspection, for the ward")
    screenshot(ward, f"insp-concluded-{size}", screens_folder(tmp_path))
    ward.locator(f"a[href='{report}']").click()
    expect(ward.locator("#id_evidence")).to_be_visible()
    problems += page_problems(ward, "the report form")
    ward.locator("main form button[type=submit]").click()  # no evidence: refused, named
    expect(ward.locator(".field--error").first).to_be_visible()
    problems += page_problems(ward, "the report form, refused")
    ward.locator("#id_evidence").fill(f"Công văn chấn chỉnh số 15 ({size})")
    ward.locator("main form button[type=submit]").click()
    expect(ward).to_have_url(re.compile(re.escape(concluded) + "$"))
    expect(ward.get_by_role("status")).to_be_visible()
    expect(ward.get_by_text(f"Công văn chấn chỉnh số 15 ({size})")).to_be_visible()
    ward.context.close()

    province = as_user(browser, server, size, "admin-son-la")
    decided = f"/integrity/inspections/{made['decided']}/"
    province.goto(server + "/integrity/inspections/")
    problems += page_problems(province, "the list, for the province")
    screenshot(province, f"insp-list-{size}", screens_folder(tmp_path))
    province.goto(server + decided)
    problems += page_problems(province, "a decided inspection")
    province.locator(f"a[href='{decided}start/']").click()
    expect(province.locator("#id_starts_on")).to_be_visible()
    problems += page_problems(province, "the start form")
    province.locator("main form button[type=submit]").click()
    expect(province.locator(".confirm h1")).to_be_visible()
    problems += page_problems(province, "start: confirmation")
    province.locator(".confirm button[type=submit]").click()
    expect(province).to_have_url(re.compile(re.escape(decided) + "$"))
    expect(province.locator(f"a[href='{decided}conclude/']")).to_be_visible()
    problems += page_problems(province, "started")

    accept = f"/integrity/inspections/recommendations/{made['recommendation']}/accept/"
    province.goto(server + concluded)
    province.locator(f"a[href='{accept}']").click()
    expect(province).to_have_url(re.compile(re.escape(accept) + "$"))
    province.locator("main form button[type=submit]").click()
    expect(province.locator(".confirm h1")).to_be_visible()
    problems += page_problems(province, "accept: confirmation")
    province.locator(".confirm button[type=submit]").click()
    expect(province).to_have_url(re.compile(re.escape(concluded) + "$"))
    expect(province.locator(f"a[href='{accept}']")).to_have_count(0)
    expect(province.locator(f"a[href='{concluded}close/']")).to_be_visible()
    problems += page_problems(province, "accepted")
    screenshot(province, f"insp-accepted-{size}", screens_folder(tmp_path))
    province.context.close()
    assert problems == []
