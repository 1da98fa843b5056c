"""The registry's pages, as the personas see them."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db


def test_pages_send_an_anonymous_visitor_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_logging_in_with_a_password_opens_the_dashboard_of_the_province(client, province_admin):
    response = client.post(
        "/accounts/login/",
        {"username": "province-admin", "password": "a-long-test-password"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Tổng quan" in response.content.decode()
    assert "Tỉnh Sơn La" in response.content.decode()


def test_the_tree_of_the_province_on_the_eve_of_the_reform_shows_its_districts(
    province_admin, son_la
):
    page = (
        province_admin.browser()
        .get("/", {"root": son_la.unit_id, "as_of": "2025-06-30"})
        .content.decode()
    )
    assert "Thành phố Sơn La" in page
    assert "Thị xã Mộc Châu" in page


def test_the_tree_of_the_province_after_the_reform_shows_its_communes(province_admin, son_la):
    page = (
        province_admin.browser()
        .get("/", {"root": son_la.unit_id, "as_of": "2025-07-01"})
        .content.decode()
    )
    assert "Phường Chiềng An" in page
    assert "Thành phố Sơn La" not in page


def test_search_without_diacritics_finds_the_unit(commune_official):
    page = commune_official.browser().get("/search/", {"q": "chieng an"}).content.decode()
    assert "Phường Chiềng An" in page


def test_search_does_not_reveal_units_outside_the_scope(other_commune_official):
    page = other_commune_official.browser().get("/search/", {"q": "chieng an"}).content.decode()
    assert "Phường Chiềng An" not in page


def test_a_unit_page_shows_its_history(commune_official, chieng_an):
    page = commune_official.browser().get(f"/units/{chieng_an.unit_id}/").content.decode()
    assert "Phường Chiềng An" in page
    assert "01/07/2025" in page
    assert "Ủy ban nhân dân phường Chiềng An" in page


def test_another_communes_unit_page_is_not_found(other_commune_official, chieng_an):
    response = other_commune_official.browser().get(f"/units/{chieng_an.unit_id}/")
    assert response.status_code == 404


def test_pages_speak_vietnamese_by_default_and_english_on_request(commune_official):
    browser = commune_official.browser()
    assert "Tìm kiếm đơn vị" in browser.get("/search/").content.decode()
    english = browser.get("/search/", headers={"Accept-Language": "en"}).content.decode()
    assert "Search units" in english


def test_the_figures_page_offers_an_xlsx(province_admin):
    response = province_admin.browser().get(
        "/reports/apparatus/",
        {"province": "Sơn La", "from": "2025-06-30", "to": "2025-07-01", "format": "xlsx"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_figures_page_refuses_a_province_outside_the_scope(commune_official):
    response = commune_official.browser().get(
        "/reports/apparatus/", {"province": "Hà Nội", "to": "2025-07-01"}
    )
    assert response.status_code == 404


def test_the_stylesheet_is_served_from_the_project_not_a_cdn(commune_official):
    from django.contrib.staticfiles import finders

    assert finders.find("tinhgon/site.css") is not None
    page = commune_official.browser().get("/search/").content.decode()
    assert 'href="/static/tinhgon/site.css"' in page
    assert "http" not in page.split("<body>")[0].replace("http-equiv", "")


def test_the_admin_site_is_for_superusers_only_since_it_ignores_scope(province_admin):
    province_admin.user.is_staff = True
    province_admin.user.save()
    response = province_admin.browser().get("/admin/units/unitversion/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_renamed_unit_shows_its_new_name_on_its_page(province_admin, chieng_an):
    from tinhgon.units import selectors, services

    services.unit_change(
        actor=None,
        unit_id=chieng_an.unit_id,
        effective=dt.date(2026, 1, 1),
        name="Phường Chiềng An Mới",
    )
    # The open version (no end date) is the latest on every database engine.
    assert selectors.latest_version(chieng_an.unit_id).name == "Phường Chiềng An Mới"
    page = province_admin.browser().get(f"/units/{chieng_an.unit_id}/").content.decode()
    heading = page.split("<h1>", 1)[1].split("<small>", 1)[0]
    assert heading.strip() == "Phường Chiềng An Mới"
