"""The case pages in Chromium, at desktop size and on a 360 px phone, on a copy of the registry
with two denunciations concerning Phường Chiềng An. The ward's official accepts one, extends
it, decides it and closes it through the confirmations, and downloads the notice; the
province's administrator reads the same case without its author; a desk records a case. Every
page passes axe-core (no serious or critical violation), the Content-Security-Policy, fits the
window and has tap targets of 44 px.

The moves are found by their forms' addresses, not their labels: the labels are translated."""

from __future__ import annotations

import re
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
)

SIZES.setdefault("small-phone", {"width": 360, "height": 740})
AUTHOR = "Hà Thị Tố Cáo"
CHIENG_AN = "03667"
OFFICIAL = "Quàng Văn Kỷ Luật"
SETUP: dict[str, int] = {}

_CASES = f"""
from tinhgon.integrity import cases
from tinhgon.units.models import UnitVersion
ward = UnitVersion.objects.filter(code="{CHIENG_AN}").order_by("-valid_from").first().unit_id
for size in ("desktop", "small-phone"):
    cases.case_receive(
        actor=None, kind="denunciation", subject=f"Sách nhiễu hồ sơ đất đai ({{size}})",
        body="Cán bộ một cửa yêu cầu bổ sung giấy tờ ba lần.", channel="online", unit_id=ward,
        author_name="{AUTHOR}", author_contact="0912 000 111",
    )
from tinhgon.staffing.tests import factories as staff
committee = UnitVersion.objects.filter(code="{CHIENG_AN}-UBND").order_by("-valid_from").first()
print(staff.official(committee.unit_id, full_name="{OFFICIAL}"))
"""


@pytest.fixture(scope="module")
def server(e2e_registry, tmp_path_factory) -> Iterator[str]:
    template = tmp_path_factory.mktemp("cases-registry")
    for item in e2e_registry.iterdir():
        if item.is_file():
            shutil.copy2(item, template / item.name)
    done = subprocess.run(
        [sys.executable, "-m", "tinhgon.manage", "shell", "-c", _CASES],
        env=environment(template),
        check=True,
        capture_output=True,
        text=True,
    )
    SETUP["official"] = int(done.stdout.strip().splitlines()[-1])
    with serve(template, tmp_path_factory.mktemp("cases-pages")) as address:
        yield address


def as_user(browser, server: str, size: str, username: str) -> Page:  # type: ignore[no-untyped-def]
    page = new_context(browser, size).new_page()
    log_in(page, server, username)
    return page


def submit(page: Page, move: str) -> None:
    page.locator(f"main form[action$='/{move}/'] button[type=submit]").click()


@pytest.mark.parametrize("size", ["desktop", "small-phone"])
def test_the_handler_takes_a_case_from_its_inbox_to_its_close(server, browser, size, tmp_path):
    problems: list[str] = []
    ward = as_user(browser, server, size, "chieng-an-official")
    ward.goto(server + "/integrity/")
    problems += page_problems(ward, "the inbox")
    ward.get_by_role("link", name=re.compile(re.escape(f"({size})"))).click()
    expect(ward.get_by_text(AUTHOR)).to_be_visible()  # the unit's members, before acceptance
    problems += page_problems(ward, "a case received")
    address = ward.url.removeprefix(server)

    submit(ward, "accept")
    expect(ward.get_by_role("status")).to_be_visible()
    expect(ward.locator("form[action$='/accept/']")).to_have_count(0)
    problems += page_problems(ward, "a case accepted")

    ward.locator("#id_reason").fill("Cần xác minh tại bộ phận một cửa")
    submit(ward, "extend")
    expect(ward.get_by_role("status")).to_be_visible()

    ward.locator("#id_decision").fill("Tố cáo đúng một phần; kiến nghị kiểm điểm cán bộ.")
    submit(ward, "decide")
    expect(ward.locator(".confirm h1")).to_be_visible()
    problems += page_problems(ward, "decide: confirmation")
    ward.locator(".confirm button[type=submit]").click()
    expect(ward).to_have_url(re.compile(re.escape(address) + "$"))
    expect(ward.locator("a[href$='/notice.pdf']")).to_be_visible()
    problems += page_problems(ward, "a case decided")
    screenshot(ward, f"integrity-case-decided-{size}", screens_folder(tmp_path))
    notice = ward.request.get(server + address + "notice.pdf")
    assert notice.status == 200 and notice.headers["content-type"] == "application/pdf"

    ward.locator("a[href$='/close/']").click()
    expect(ward.locator(".confirm h1")).to_be_visible()
    problems += page_problems(ward, "close: confirmation")
    ward.locator(".confirm button[type=submit]").click()
    expect(ward.locator("a[href$='/close/']")).to_have_count(0)
    ward.context.close()

    province = as_user(browser, server, size, "admin-son-la")
    province.goto(server + address)
    expect(province.get_by_role("heading", level=1)).to_contain_text(f"({size})")
    assert AUTHOR not in province.content()
    expect(province.locator("a[href$='/notice.pdf']")).to_have_count(0)
    problems += page_problems(province, "the case, for the province")
    province.context.close()
    assert problems == []


@pytest.mark.parametrize("size", ["desktop", "small-phone"])
def test_a_desk_records_a_case_and_a_refusal_keeps_what_was_typed(server, browser, size):
    problems: list[str] = []
    desk = as_user(browser, server, size, "chieng-an-official")
    desk.goto(server + "/integrity/cases/new/")
    problems += page_problems(desk, "the desk's form")
    subject = f"Phản ánh thái độ cán bộ ({size})"
    desk.locator("#id_kind").select_option("feedback")
    desk.locator("#id_subject").fill(subject)
    desk.locator("#id_body").fill("Cán bộ tiếp dân không hướng dẫn đầy đủ.")
    desk.locator("main form button[type=submit]").click()  # no author, not anonymous: refused
    expect(desk.locator(".error-summary a[href='#id_author_name']")).to_be_visible()
    expect(desk.locator("#id_subject")).to_have_value(subject)
    problems += page_problems(desk, "the desk's form, refused")
    desk.locator("#id_author_name").fill("Lò Văn Phản Ánh")
    desk.locator("main form button[type=submit]").click()
    expect(desk.get_by_role("status")).to_be_visible()
    expect(desk.get_by_role("heading", level=1)).to_contain_text(subject)
    problems += page_problems(desk, "the case recorded")
    desk.context.close()
    assert problems == []


@pytest.mark.parametrize("size", ["desktop", "small-phone"])
def test_the_province_opens_a_proceeding_and_decides_it_through_the_confirmation(
    server, browser, size
):
    problems: list[str] = []
    page = as_user(browser, server, size, "admin-son-la")
    page.goto(server + "/integrity/discipline/new/")
    problems += page_problems(page, "open a proceeding")
    page.locator("#id_official").fill(str(SETUP["official"]))
    page.locator("#id_measure").select_option("demotion")  # no longer a measure: refused
    page.locator("#id_grounds").fill(f"Chậm giải quyết hồ sơ nhiều lần ({size})")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_grounds")).to_have_value(f"Chậm giải quyết hồ sơ nhiều lần ({size})")
    problems += page_problems(page, "open a proceeding, refused")
    page.locator("#id_measure").select_option("reprimand")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(OFFICIAL)
    problems += page_problems(page, "a proceeding")
    page.locator("#id_decision").fill("12/QĐ-UBND")
    submit(page, "decide")
    expect(page.locator(".confirm h1")).to_be_visible()
    problems += page_problems(page, "decide: confirmation")
    page.locator(".confirm button[type=submit]").click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.locator("form[action$='/decide/']")).to_have_count(0)
    page.goto(server + "/integrity/discipline/")
    expect(page.get_by_text("12/QĐ-UBND").first).to_be_visible()
    problems += page_problems(page, "the proceedings")
    page.context.close()
    assert problems == []
