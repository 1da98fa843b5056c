"""The one design, as the server sends it: error pages titled by what happened, forms kept with
what was typed, the error summary capped, empty states, Vietnamese dates and numbers (and ids
left alone in links), and a way back from the API documentation."""

from __future__ import annotations

import re

import pytest
from django.test import RequestFactory

from tinhgon.conftest import unit
from tinhgon.core.errors import DomainError, Problem
from tinhgon.core.views import SUMMARY_LIMIT, error_summary, render_refusal

pytestmark = pytest.mark.django_db


def _page(persona, path: str, **params: object) -> str:  # type: ignore[no-untyped-def]
    return persona.browser().get(path, params).content.decode()


def _title(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()  # type: ignore[union-attr]


def test_a_unit_that_is_not_there_is_titled_not_found(province_admin):
    response = province_admin.browser().get("/units/999999999/")
    assert response.status_code == 404
    assert _title(response.content.decode()).startswith("Lỗi: Không tìm thấy")


def test_a_refusal_is_titled_not_allowed(commune_official):
    response = commune_official.browser().get("/plans/")
    assert response.status_code == 403
    page = response.content.decode()
    assert _title(page).startswith("Lỗi: Bạn không có quyền")
    assert "<h1" in page and "Yêu cầu bị từ chối" not in page


def test_an_invalid_date_keeps_the_form_with_what_was_typed_and_links_to_the_field(
    commune_official,
):
    response = commune_official.browser().get("/search/", {"q": "chieng", "as_of": "31/02/2025"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Yêu cầu không hợp lệ" in page
    assert 'value="chieng"' in page and 'value="31/02/2025"' in page
    assert 'href="#id_as_of"' in page
    assert "Nhập một ngày có thật theo dạng dd/mm/yyyy" in page
    # The hint and the error are read with the field: every id it points at is on the page.
    described = re.search(r'aria-describedby="([^"]+)" id="id_as_of"', page)
    assert described is not None
    assert all(f'id="{target}"' in page for target in described.group(1).split())


def test_dates_typed_day_first_are_read_day_first_in_both_languages(province_admin, son_la):
    browser = province_admin.browser()
    for language in ("vi", "en"):
        page = browser.get(
            "/tree/",
            {"root": son_la.unit_id, "as_of": "30/06/2025"},
            headers={"Accept-Language": language},
        ).content.decode()
        assert "Thành phố Sơn La" in page  # 30 June 2025: the districts are still there
        assert "30/06/2025" in page


def test_old_links_to_the_tree_at_the_home_address_still_open_the_tree(province_admin, son_la):
    page = _page(province_admin, "/", root=son_la.unit_id, as_of="2025-06-30")
    assert "Thành phố Sơn La" in page


def test_the_tree_of_a_province_puts_its_communes_apart_from_its_agencies(province_admin, son_la):
    page = _page(province_admin, "/tree/", root=son_la.unit_id, as_of="2025-07-01")
    captions = re.findall(r"<caption>(.*?) <span", page)
    assert captions[0] == "Đơn vị hành chính"
    administrative = page.split("<caption>", 2)[1]
    assert "Phường Chiềng An" in administrative and "Sở Nội vụ" not in administrative


def test_an_empty_search_asks_for_a_name_or_a_code(commune_official):
    page = _page(commune_official, "/search/")
    assert "Nhập tên hoặc mã để tìm kiếm." in page


def test_a_search_that_finds_nothing_says_so(commune_official):
    page = _page(commune_official, "/search/", q="khong co")
    assert "Không có đơn vị nào khớp với “khong co”." in page


def test_search_results_name_the_parent_and_the_province_of_the_time(province_admin):
    page = _page(province_admin, "/search/", q="chieng xom", as_of="30/06/2025")
    row = page.split("Xã Chiềng Xôm</a>", 1)[1].split("</tr>", 1)[0]
    assert "Thành phố Sơn La" in row and "Tỉnh Sơn La" in row


def test_numbers_are_grouped_with_dots_but_ids_in_links_are_not(superuser, son_la):
    browser = superuser.browser()
    figures = browser.get("/reports/apparatus/", {"to": "30/06/2025"}).content.decode()
    assert "10.040" in figures  # communes before the reform, the whole country
    tree = browser.get("/tree/", {"root": son_la.unit_id, "as_of": "30/06/2025"}).content.decode()
    assert re.search(r"root=\d+&amp;", tree)
    assert not re.search(r"root=\d+\.\d", tree)


def test_the_error_summary_lists_the_first_fifty_problems_and_counts_the_rest(commune_official):
    error = DomainError(
        "The plan has problems.", problems=[Problem(f"problem {i}", step=i) for i in range(130)]
    )
    summary = error_summary(error=error)
    assert summary is not None
    assert len(summary.items) == SUMMARY_LIMIT and summary.more == 130 - SUMMARY_LIMIT
    assert summary.items[3].message == "bước 3: problem 3"  # where it is, in the page's language
    request = RequestFactory().get("/")
    request.user = commune_official.user
    page = render_refusal(request, error).content.decode()
    assert page.count("<li>bước ") == SUMMARY_LIMIT
    assert "Còn 80 vấn đề khác" in page


def test_the_api_documentation_links_back_to_the_application(commune_official):
    page = commune_official.browser().get("/api/docs").content.decode()
    assert 'href="/"' in page and "Quay lại ứng dụng" in page
    assert "cdn" not in page.lower()


def test_the_header_names_the_authority_and_the_page_has_a_skip_link(commune_official):
    page = commune_official.browser().get("/").content.decode()
    assert "Ủy ban nhân dân tỉnh Sơn La" in page
    assert 'href="#main"' in page and 'id="main"' in page
    # No inline script or style: the coming Content-Security-Policy forbids them.
    assert "<script" not in page and "style=" not in page and "onchange" not in page


def test_a_ward_of_son_la_is_found_in_the_search_by_code(commune_official):
    ward = unit("Phường Chiềng An")
    page = commune_official.browser().get("/search/", {"q": ward.code}).content.decode()
    assert f"/units/{ward.unit_id}/" in page


def test_plan_words_read_in_vietnamese_on_the_plan_pages():
    from django.template import Context, Template

    from tinhgon.reorg.spec import ACTIONS
    from tinhgon.reorg.templatetags.plans import ACTION_LABELS

    assert set(ACTION_LABELS) == set(ACTIONS)
    page = Template(
        "{% load plans %}{{ a|action_label }} · {{ m|carrier_label }} · {{ c|carrier_label }}"
    ).render(Context({"a": "consolidate", "m": "memberships", "c": "child_units"}))
    assert page == "Hợp nhất thành đơn vị mới · thành viên · đơn vị trực thuộc"


def test_the_confirmation_page_summarizes_warns_and_offers_one_button_and_a_way_back(
    province_admin,
):
    from django.template.loader import render_to_string

    request = RequestFactory().get("/plans/1/apply/")
    request.user = province_admin.user
    page = render_to_string(
        "confirm.html",
        {
            "title": "Thực hiện phương án ngay?",
            "rows": [("Đơn vị chấm dứt", "2"), ("Đơn vị mới", "1")],
            "warning": "Không thể hoàn tác.",
            "action": "/plans/1/apply/",
            "fields": {"confirm": "yes"},
            "button": "Thực hiện ngay",
            "cancel_url": "/plans/1/",
        },
        request=request,
    )
    assert "<h1>Thực hiện phương án ngay?</h1>" in page
    assert "<dt>Đơn vị chấm dứt</dt><dd>2</dd>" in page
    assert "notice--warning" in page and "Không thể hoàn tác." in page
    assert 'class="btn btn-warning">Thực hiện ngay</button>' in page
    assert '<input type="hidden" name="confirm" value="yes">' in page
    assert '<a class="btn btn-secondary" href="/plans/1/">Hủy</a>' in page


def test_a_wrong_password_keeps_the_username_and_says_so_on_top(client, province_admin):
    response = client.post("/accounts/login/", {"username": "province-admin", "password": "no"})
    page = response.content.decode()
    assert 'class="error-summary"' in page and 'href="#id_username"' in page
    assert 'value="province-admin"' in page
