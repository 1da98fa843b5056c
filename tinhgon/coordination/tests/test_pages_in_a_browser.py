"""The coordination pages in Chromium, on a copy of the registry with the labelled demo set
(`coord demo`), at desktop size and on a 360 px phone. A ward's official goes from its tasks to
a task and reports it; the province's administrator accepts the report through its
confirmation page; the ward submits its periodic report from the typed form and raises an
obstacle; the province answers it and publishes it as guidance (confirmed); the ward finds it in
the guidance search, without diacritics. Every page passes axe-core (no serious or critical
violation), the Content-Security-Policy, fits the window and has tap targets of 44 px.

The moves are found by their forms' addresses, not their labels: the labels are translated."""

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
CHIENG_AN = "03667"  # Phường Chiềng An

# What the pages are opened on, read from the demo set before the server starts.
_DEMO_ROWS = f"""
import json
from tinhgon.coordination.models import Directive, Extension, Task
from tinhgon.units.models import UnitVersion
ours = UnitVersion.objects.filter(code="{CHIENG_AN}").values("unit_id")
wards = UnitVersion.objects.filter(kind="ward").values("unit_id")
print(json.dumps({{
    "directive": Directive.objects.order_by("pk").values_list("pk", flat=True).first(),
    "extension_task": Extension.objects.filter(state="pending")
        .order_by("pk").values_list("task_id", flat=True).first(),
    "other_ward_task": Task.objects.exclude(unit_id__in=ours).filter(unit_id__in=wards)
        .order_by("pk").values_list("pk", flat=True).first(),
}}))
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
    template = tmp_path_factory.mktemp("coord-registry")
    for item in e2e_registry.iterdir():
        if item.is_file():
            shutil.copy2(item, template / item.name)
    tinhgon(environment(template), "coord", "demo", "--province", "Sơn La", "--seed", "1")
    DEMO.update(demo_rows(template))
    with serve(template, tmp_path_factory.mktemp("coord-pages")) as address:
        yield address


def check(page: Page, problems: list[str], where: str) -> None:
    problems += page_problems(page, where)


def as_user(browser, server: str, size: str, username: str) -> Page:  # type: ignore[no-untyped-def]
    page = new_context(browser, size).new_page()
    log_in(page, server, username)
    return page


def reportable_task(page: Page, server: str) -> str:
    """From the ward's open tasks, the address of the first one it may report now."""
    page.goto(server + "/coord/")
    links = page.locator("table.list a[href^='/coord/tasks/']")
    for address in [links.nth(i).get_attribute("href") for i in range(links.count())]:
        page.goto(server + str(address))
        if page.locator("form[action$='/report/']").count():
            return str(address)
    raise AssertionError("the demo gave the ward no task to report")


@pytest.mark.parametrize("size", ["desktop", "small-phone"])
def test_a_ward_reports_a_task_and_the_province_accepts_it(server, browser, size, tmp_path):
    problems: list[str] = []
    ward = as_user(browser, server, size, "chieng-an-official")
    ward.goto(server + "/coord/")
    expect(ward.locator("table.list tbody tr").first).to_be_visible()
    check(ward, problems, "my tasks")
    screenshot(ward, f"coord-my-tasks-{size}", screens_folder(tmp_path))
    address = reportable_task(ward, server)
    check(ward, problems, "a task")

    note = f"Đã hoàn thành chuyển đổi dữ liệu ({size})"
    report = ward.locator("form[action$='/report/']")
    if not report.is_visible():  # under "Other moves"
        ward.locator("details.more-moves summary").click()
    report.locator("textarea, input[type=text]").first.fill(note)
    report.locator("button[type=submit]").click()
    expect(ward.get_by_role("status")).to_be_visible()
    expect(ward.locator("table.list").get_by_text(note)).to_be_visible()
    expect(ward.locator("form[action$='/report/']")).to_have_count(0)
    check(ward, problems, "reported")
    ward.context.close()

    province = as_user(browser, server, size, "admin-son-la")
    province.goto(server + address)
    check(province, problems, "the report, for the province")
    accept = province.locator("form[action$='/accept/']")
    if not accept.is_visible():  # under "Other moves"
        province.locator("details.more-moves summary").click()
    accept.locator("button[type=submit]").click()
    expect(province.locator(".confirm h1")).to_be_visible()  # Confirm: accept
    check(province, problems, "accept: confirmation")
    province.locator(".confirm button[type=submit]").click()
    expect(province).to_have_url(re.compile(re.escape(address) + "$"))
    expect(province.locator("form[action$='/accept/']")).to_have_count(0)
    check(province, problems, "accepted")
    screenshot(province, f"coord-task-accepted-{size}", screens_folder(tmp_path))
    province.context.close()
    assert problems == []


@pytest.mark.parametrize("size", ["desktop", "small-phone"])
def test_a_ward_submits_its_report_and_its_obstacle_becomes_guidance_it_finds(
    server, browser, size, tmp_path
):
    problems: list[str] = []
    ward = as_user(browser, server, size, "chieng-an-official")
    ward.goto(server + "/coord/reports/")
    check(ward, problems, "reports")
    ward.locator("table a[href^='/coord/reports/duties/']").first.click()
    check(ward, problems, "the typed form")
    ward.get_by_label("Số cán bộ, công chức hiện có").fill("abc")  # refused, kept, named
    ward.get_by_label("Số người dôi dư").fill("3")
    ward.get_by_label("Tiến độ bàn giao tài sản").select_option("Đang thực hiện")
    ward.locator("main form button[type=submit]").click()
    expect(ward.locator(".field--error").first).to_be_visible()
    check(ward, problems, "the typed form, refused")
    ward.get_by_label("Số cán bộ, công chức hiện có").fill("41")
    ward.locator("main form button[type=submit]").click()
    expect(ward.get_by_role("status")).to_be_visible()  # the report was submitted
    expect(ward).to_have_url(server + "/coord/reports/")
    check(ward, problems, "the report, submitted")

    subject = f"Thiếu máy tính cho bộ phận một cửa ({size})"
    ward.goto(server + "/coord/obstacles/new/")
    check(ward, problems, "raise an obstacle")
    ward.locator("#id_category").select_option("facilities")
    ward.locator("#id_subject").fill(subject)
    ward.locator("#id_body").fill("Bộ phận một cửa sau hợp nhất chỉ còn 2 máy tính cho 5 quầy.")
    ward.locator("main form button[type=submit]").click()
    expect(ward.get_by_role("heading", level=1)).to_have_text(subject)
    obstacle = ward.url.removeprefix(server)
    check(ward, problems, "the obstacle raised")
    ward.context.close()

    province = as_user(browser, server, size, "admin-son-la")
    province.goto(server + "/coord/obstacles/")
    check(province, problems, "the obstacles, for the province")
    province.goto(server + obstacle)
    province.locator("#id_answer").fill("Sở Tài chính bố trí 3 máy tính trong quý này.")
    province.locator("main form button[type=submit]").click()
    expect(province.get_by_role("status")).to_be_visible()
    check(province, problems, "answered")
    province.locator("a[href$='/publish/']").click()
    expect(province.locator(".confirm h1")).to_be_visible()
    check(province, problems, "publish: confirmation")
    province.locator(".confirm button[type=submit]").click()
    expect(province.locator("a[href$='/withdraw/']")).to_be_visible()
    province.goto(server + "/coord/reports/figures/")
    check(province, problems, "the figures")
    province.context.close()

    ward = as_user(browser, server, size, "chieng-an-official")
    ward.goto(server + "/coord/obstacles/guidance/")
    ward.locator("main input[name=q]").fill("thieu may tinh")
    ward.locator("main form button[type=submit]").click()
    expect(ward.get_by_text(subject).first).to_be_visible()
    check(ward, problems, "the guidance found")
    screenshot(ward, f"coord-guidance-{size}", screens_folder(tmp_path))
    ward.get_by_role("link", name=subject).first.click()
    expect(ward.get_by_role("heading", level=1)).to_have_text(subject)
    check(ward, problems, "the guidance, read")
    ward.context.close()
    assert problems == []


def test_a_round_of_reports_fits_a_360_px_phone(server, browser):
    page = as_user(browser, server, "small-phone", "admin-son-la")
    page.goto(server + "/coord/reports/")
    links = page.locator("a[href^='/coord/reports/rounds/']")
    hrefs = [str(links.nth(i).get_attribute("href")) for i in range(links.count())]
    page.goto(server + next(h for h in hrefs if re.search(r"/rounds/\d+/$", h)))
    expect(page.locator(".table-scroll table.list")).to_be_visible()
    problems = page_problems(page, "a round")
    page.context.close()
    assert problems == []


def visits() -> dict[str, list[tuple[str, int]]]:
    return {
        "admin-son-la": [
            ("/coord/directives/", 200),
            ("/coord/directives/new/", 200),
            (f"/coord/directives/{DEMO['directive']}/", 200),
            ("/coord/reports/templates/new/", 200),
            ("/coord/reports/rounds/new/", 200),
            ("/coord/obstacles/", 200),
        ],
        "chieng-an-official": [
            ("/coord/?state=all", 200),
            (f"/coord/?unit={CHIENG_AN}", 200),
            ("/coord/directives/", 200),
            ("/coord/obstacles/", 200),
            ("/coord/reports/figures/", 404),  # the province's
            (f"/coord/tasks/{DEMO['other_ward_task']}/", 404),  # another ward's task
        ],
    }


@pytest.mark.parametrize("size", ["desktop", "small-phone"])
def test_the_other_coordination_pages_are_accessible_and_fit_a_360_px_phone(server, browser, size):
    problems: list[str] = []
    for username, addresses in visits().items():
        page = as_user(browser, server, size, username)
        for address, status in addresses:
            response = page.goto(server + address)
            where = f"{username} {address}"
            if response is None or response.status != status:
                problems.append(f"{where}: status {response and response.status}, not {status}")
            problems += page_problems(page, where)
        page.context.close()
    assert problems == []


def test_the_province_grants_more_time_through_its_confirmation(server, browser):
    problems: list[str] = []
    page = as_user(browser, server, "small-phone", "admin-son-la")
    page.goto(server + f"/coord/tasks/{DEMO['extension_task']}/")
    decide = page.locator("form[action^='/coord/extensions/']")
    check(page, problems, "a request for more time")
    decide.locator("input[name=note]").fill("Đồng ý gia hạn")
    decide.locator("button[value=approve]").click()
    expect(page.locator(".confirm h1")).to_be_visible()
    check(page, problems, "more time: confirmation")
    page.locator(".confirm button[type=submit]").click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.locator("form[action^='/coord/extensions/']")).to_have_count(0)
    check(page, problems, "more time granted")
    page.context.close()
    assert problems == []


def test_the_province_issues_a_directive_from_a_phone_and_the_ward_finds_its_task(server, browser):
    problems: list[str] = []
    subject = "Kiểm tra biển tên trụ sở phường mới"
    page = as_user(browser, server, "small-phone", "admin-son-la")
    page.goto(server + "/coord/directives/new/")
    page.locator("#id_number").fill("12/CT-UBND")
    page.locator("#id_issued_on").fill("2026-12-01")
    page.locator("#id_title").fill(subject)
    page.locator("#id_due").fill("2027-01-15")
    page.locator("input[name=target][value=list]").check()
    page.locator("#id_units").fill(CHIENG_AN)
    page.locator("main form button[type=submit]").click()  # no subject: refused, kept
    expect(page.locator(".field--error #id_subject")).to_be_visible()
    expect(page.locator("#id_units")).to_have_value(CHIENG_AN)
    check(page, problems, "the issue form, refused")
    page.locator("#id_subject").fill(subject)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/coord/directives/\d+/$"))
    expect(page.get_by_role("status")).to_be_visible()
    check(page, problems, "the directive issued")
    page.context.close()

    ward = as_user(browser, server, "small-phone", "chieng-an-official")
    ward.goto(server + "/coord/")
    ward.get_by_role("link", name=subject).click()
    expect(ward.get_by_role("heading", level=1)).to_contain_text(subject)
    check(ward, problems, "the new task, for the ward")
    ward.context.close()
    assert problems == []
