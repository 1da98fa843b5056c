"""The rules' pages in Chromium, on a copy of the registry with Sơn La's synthetic staff, a few
evaluations and a leaver: a provincial administrator and a ward's official, desktop and a 360 px
phone; no serious accessibility violation (axe-core), nothing wider than the window, no CSP
violation; recording an evaluation through the form."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tinhgon.browser import environment, log_in, new_context, page_problems, serve, tinhgon

# Run in the served registry: five "well completed" and one "excellently completed" at Chiềng
# An in 2026, and one leaver (synthetic officials of `staff demo`).
DATA_SCRIPT = """
import datetime as dt
from pathlib import Path
from django.db.models import Count
from tinhgon.staffing import evaluation, leavers
from tinhgon.staffing.models import Official
from tinhgon.units.models import UnitVersion
ward = UnitVersion.objects.filter(code="03667").order_by("-valid_from").first().unit_id
served = UnitVersion.objects.filter(admin_unit_id=ward, valid_to__isnull=True).values("unit_id")
unit = (
    Official.objects.filter(unit_id__in=served).values("unit_id").annotate(n=Count("id"))
    .order_by("-n", "unit_id").first()["unit_id"]
)
people = list(Official.objects.filter(unit_id=unit).order_by("id").values_list("id", flat=True)[:8])
rows = [{"official": p, "general": 25, "task": 50} for p in people[1:6]]
rows.append({"official": people[0], "general": 30, "task": 62})
evaluation.evaluations_record_bulk(actor=None, unit_id=unit, year=2026, rows=rows)
code = UnitVersion.objects.filter(unit_id=unit).order_by("-valid_from").first().code
Path("{out}").write_text(code)
leavers.leaver_record(
    actor=None, official_id=people[7], kind="resignation", reason="Sắp xếp",
    decided_on=dt.date(2025, 8, 1), leaves_on=dt.date(2025, 9, 1),
    reorganized_on=dt.date(2025, 7, 1), insured_months=120,
)
"""


@pytest.fixture(scope="module")
def server(e2e_registry, tmp_path_factory) -> Iterator[str]:
    template = tmp_path_factory.mktemp("rules-registry")
    for item in e2e_registry.iterdir():
        if item.is_file():
            shutil.copy2(item, template / item.name)
    env = environment(template)
    tinhgon(env, "staff", "demo", "--province", "Sơn La", "--seed", "3")
    out = template / "rules-unit.txt"
    ran = subprocess.run(
        [
            sys.executable,
            "-m",
            "tinhgon.manage",
            "shell",
            "-c",
            DATA_SCRIPT.replace("{out}", str(out)),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert ran.returncode == 0, ran.stderr[-2000:]
    UNIT.append(out.read_text().strip())
    with serve(template, tmp_path_factory.mktemp("rules-pages")) as address:
        yield address


UNIT: list[str] = []  # the code of the unit evaluated (the one of Chiềng An with most officials)


def visits() -> dict[str, list[tuple[str, int]]]:
    return {
        "admin-son-la": [
            (f"/staff/rules/evaluations/?unit={UNIT[0]}&year=2026", 200),
            ("/staff/rules/leaders/?unit=Sơn+La", 200),
            ("/staff/rules/leavers/?unit=03667", 200),
            ("/staff/rules/formulas/", 200),
        ],
        "chieng-an-official": [
            (f"/staff/rules/evaluations/?unit={UNIT[0]}&year=2026", 200),
            ("/staff/rules/evaluations/?unit=03646&year=2026", 404),  # Phường Tô Hiệu
            ("/staff/rules/leavers/?unit=03667", 200),
        ],
        "superuser": [("/staff/rules/formulas/", 200)],
    }


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_rules_pages_are_accessible_and_fit_a_360_px_phone(server, browser, size):
    problems: list[str] = []
    for username, wanted in visits().items():
        context = new_context(browser, size)
        page = context.new_page()
        if size == "phone":
            page.set_viewport_size({"width": 360, "height": 740})
        log_in(page, server, username)
        for address, status in wanted:
            response = page.goto(server + address)
            where = f"{username} {address}"
            if response is None or response.status != status:
                problems.append(f"{where}: status {response and response.status}, not {status}")
            problems += page_problems(page, where)
        context.close()
    assert problems == []


def test_an_outstanding_beyond_the_quota_is_refused_on_the_page(server, browser):
    # The page's words in either language: the Vietnamese of new strings arrives with the
    # lead's catalogue update (docs/i18n/staffrules.vi.txt).
    page = new_context(browser, "desktop").new_page()
    log_in(page, server, "chieng-an-official")
    page.goto(server + f"/staff/rules/evaluations/?unit={UNIT[0]}&year=2026")
    # 5 well completed allow 1 excellently completed, which is taken.
    expect(page.locator(".notice").first).to_contain_text(re.compile(r"room for 0|còn 0"))
    page.get_by_label(re.compile(r"General criteria|Tiêu chí chung")).fill("30")
    page.get_by_label(re.compile(r"Task results|Kết quả thực hiện")).fill("65")
    page.locator("#record-title + form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_contain_text("2026")
    page.context.close()
