"""Figures that can be trusted (a warning where a date has no baseline, rows in reading order
without repeats, whose agencies a national figure counts, before/after charts) and the home
page's dashboard of the user's scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tinhgon.conftest import AFTER, BEFORE
from tinhgon.reorg.tests.test_plan_pages import MERGE as PLAN_PAGES_MERGE
from tinhgon.reports import dashboard
from tinhgon.reports.selectors import (
    REPEATS,
    Area,
    apparatus_figures,
    baseline_warnings,
    figure_table,
)

pytestmark = pytest.mark.django_db

# A plan of two wards, stored as a draft: its date (01/01/2026) has passed.
MERGE = PLAN_PAGES_MERGE


def _son_la(day: dt.date, son_la) -> dict:  # type: ignore[no-untyped-def]
    return apparatus_figures(day, area=Area(province_id=son_la.unit_id, label="Sơn La"))


def test_son_la_before_and_after_the_reform_warns_that_its_agencies_have_no_baseline(son_la):
    before, after = _son_la(BEFORE, son_la), _son_la(AFTER, son_la)
    assert (before["total_units"], after["total_units"]) == (213, 618)
    (warning,) = baseline_warnings(before, after)
    assert "2025" in warning and "(390)" in warning  # the state agencies, none on 30/06


def test_two_dates_with_the_same_kinds_of_units_give_no_warning(son_la):
    after = _son_la(AFTER, son_la)
    assert baseline_warnings(after, _son_la(AFTER + dt.timedelta(days=30), son_la)) == []


def test_the_figures_page_shows_the_warning_and_a_before_after_chart(province_admin):
    page = (
        province_admin.browser()
        .get(
            "/reports/apparatus/", {"province": "Sơn La", "from": "30/06/2025", "to": "01/07/2025"}
        )
        .content.decode()
    )
    assert "Thiếu số liệu gốc ngày 30/06/2025" in page
    assert '<svg role="img"' in page and "Số đơn vị theo nhóm" in page
    assert '<th scope="row">Tổng số đơn vị</th>' in page and '<td class="num">213</td>' in page


def test_figure_rows_come_in_reading_order_each_once(son_la):
    rows = figure_table(_son_la(BEFORE, son_la), _son_la(AFTER, son_la))
    keys = [row.key for row in rows]
    assert len(keys) == len(set(keys))
    assert not REPEATS & set(keys)
    assert keys[0] == "total_units"
    assert keys.index("administrative_units.province_level") < keys.index(
        "administrative_units.commune_level"
    )
    assert all(any(row.values) for row in rows)
    departments = next(row for row in rows if row.key == "departments")
    assert departments.values == (0, 14) and departments.change == 14


def test_the_national_figures_say_that_only_son_la_has_its_agencies_counted(superuser):
    page = superuser.browser().get("/reports/apparatus/", {"to": "01/07/2025"}).content.decode()
    assert "1/34" in page and "Tỉnh Sơn La" in page


def test_a_provincial_administrator_lands_on_the_dashboard_of_the_province(province_admin):
    page = province_admin.browser().get("/").content.decode()
    assert "Tổng quan" in page and "Tỉnh Sơn La" in page
    assert "Đơn vị hành chính cấp xã" in page and "-125" in page  # 200 communes became 75
    assert "Trước và sau lần thay đổi gần nhất" in page
    assert "Số đơn vị qua các mốc thay đổi" in page
    assert "Thiếu số liệu gốc" in page
    assert "Phương án đang chờ" in page
    assert "Thay đổi gần đây" in page and "01/07/2025" in page


def test_the_dashboard_of_a_ward_looks_back_on_the_communes_it_came_from(commune_official):
    summary = dashboard.overview(commune_official.user, timezone.localdate())
    assert summary.label == "Phường Chiềng An"
    assert summary.last_change == AFTER
    assert summary.before is not None
    assert summary.before["administrative_units"]["commune_level"] == 3
    assert summary.now["administrative_units"]["commune_level"] == 1


def test_plans_are_not_on_the_dashboard_of_an_official_who_handles_none(commune_official):
    page = commune_official.browser().get("/").content.decode()
    assert "Phương án đang chờ" not in page


def test_the_dashboard_lists_plans_waiting_with_their_status_and_date(province_admin):
    browser = province_admin.browser()
    browser.post("/plans/", {"file": SimpleUploadedFile("p.yaml", MERGE.encode())})
    page = browser.get("/").content.decode()
    panel = page.split("Phương án đang chờ", 1)[1].split("</section>", 1)[0]
    assert "Hợp nhất phường Tô Hiệu và Chiềng An" in panel
    assert "01/01/2026" in panel and "Dự thảo" in panel and "chờ phê duyệt" in panel


def test_the_plans_menu_is_offered_only_to_those_who_may_prepare_plans(
    commune_official, province_admin
):
    assert 'href="/plans/"' not in commune_official.browser().get("/").content.decode()
    assert 'href="/plans/"' in province_admin.browser().get("/").content.decode()


def test_the_home_page_shows_a_commune_officials_open_tasks_and_not_another_communes(
    client, commune_official, other_commune_official, chieng_an
):
    from tinhgon.coordination.models import Task
    from tinhgon.coordination.tests.tasks_factories import open_task

    task = Task.objects.get(pk=open_task(chieng_an.unit_id))
    client.force_login(commune_official.user)
    assert task.title in client.get("/").content.decode()
    client.force_login(other_commune_official.user)
    assert task.title not in client.get("/").content.decode()
