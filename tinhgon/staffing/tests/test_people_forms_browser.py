"""A form of people in Chromium on a 360 px phone: a ward's official adds an official to the
ward's office, types an identity number that does not match the year of birth, meets the error
summary linking to the field with what was typed kept, corrects it and lands on the official's
page with the whole number (they manage the person). Every page passes `page_problems` (axe,
CSP, nothing wider than the window, tap targets)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tinhgon.browser import environment, log_in, new_context, page_problems, serve, tinhgon

OFFICE = "03667-VP"  # the office of Phường Chiềng An's council and committee


@pytest.fixture(scope="module")
def server(e2e_registry, tmp_path_factory) -> Iterator[str]:
    template = tmp_path_factory.mktemp("people-forms-registry")
    for item in e2e_registry.iterdir():
        if item.is_file():
            shutil.copy2(item, template / item.name)
    tinhgon(environment(template), "staff", "demo", "--province", "Sơn La", "--seed", "4")
    with serve(template, tmp_path_factory.mktemp("people-forms")) as address:
        yield address


def test_adding_an_official_on_a_360_px_phone_names_a_wrong_number_then_records_it(server, browser):
    context = new_context(browser, "phone")
    page = context.new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, server, "chieng-an-official")
    page.goto(server + f"/staff/?unit={OFFICE}")
    page.locator(f'a[href="/staff/officials/new/?unit={OFFICE}"]').click()
    problems = page_problems(page, "the empty form")
    form = page.locator("main form[method=post]")
    values = {
        "full_name": "Lò Thị Điện Thoại",
        "national_id": "014387001234",  # 4th digit 3: born 2000-2099, female; 87 is not 2001
        "birth_date": "03/02/2001",
        "ethnicity": "Thái",
        "salary_coefficient": "2,34",
        "hire_date": "01/09/2024",
        "rank": "Chuyên viên",
    }
    for name, value in values.items():
        form.locator(f'[name="{name}"]').fill(value)
    form.locator('[name="gender"]').select_option("female")
    form.locator('[name="level"]').select_option("4")
    form.locator('[name="field"]').select_option("law")
    form.locator('[name="category"]').select_option("civil_servant")
    form.locator("button[type=submit]").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.locator('a[href="#id_national_id"]')).to_be_visible()
    # What was typed stays.
    expect(page.locator('[name="full_name"]')).to_have_value("Lò Thị Điện Thoại")
    problems += page_problems(page, "the refused form")
    page.locator('[name="national_id"]').fill("014301001234")
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lò Thị Điện Thoại")
    expect(page.locator(".summary-list__row dd").first).to_have_text("014301001234")
    problems += page_problems(page, "the official's page")
    context.close()
    assert problems == []


@pytest.mark.parametrize(
    "address",
    [
        f"/staff/quotas/?unit={OFFICE}",
        f"/staff/positions/new/?unit={OFFICE}",
        f"/staff/assignments/new/?unit={OFFICE}",
    ],
)
def test_the_other_forms_fit_a_360_px_phone(server, browser, address):
    context = new_context(browser, "phone")
    page = context.new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, server, "chieng-an-official")
    response = page.goto(server + address)
    assert response is not None and response.status == 200
    expect(page.locator("main form[method=post]")).to_be_visible()
    problems = page_problems(page, address)
    context.close()
    assert problems == []
