"""The preview of a plan shows, for every unit receiving people, the officials arriving against
the positions it will have, counted exactly as the apply then moves them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db.models import Sum
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from tinhgon.reorg import engine, services
from tinhgon.staffing.carriers import ARRIVALS_TITLE
from tinhgon.staffing.models import Official, Position, Status
from tinhgon.staffing.tests import factories as staff
from tinhgon.staffing.tests.test_carriers import (
    DAY,
    merge_three,
    new_ward,
    plan,
    split_chieng_sinh,
    wards,
)
from tinhgon.units import selectors

pytestmark = pytest.mark.django_db


def arrivals(report: dict) -> dict[str, list]:
    """The staffing panel's rows by unit label: [arriving, already there, positions, seats,
    seats left]."""
    [panel] = [p for p in report["panels"] if p["name"] == "staffing_arrivals"]
    return {row[0]: row[1:] for row in panel["rows"]}


def label(unit_id: int) -> str:
    version = selectors.version_on(unit_id, DAY)
    return f"{version.code} {version.name}"


def at(unit_id: int) -> tuple[int, int, int]:
    """Officials at work, open positions and their seats at a unit after the plan."""
    officials = Official.objects.filter(unit_id=unit_id, status=Status.ACTIVE).count()
    positions = Position.objects.filter(unit_id=unit_id, valid_to__isnull=True)
    seats = positions.aggregate(n=Sum("seats"))["n"] or 0
    return officials, positions.count(), seats


def test_the_new_ward_is_shown_with_the_officials_arriving_and_the_seats_apply_brings_there():
    for ward, people in zip(wards(), (2, 3, 1), strict=True):
        for _n in range(people):
            staff.official(ward)
    staff.official(wards()[0], status=Status.LEFT)  # has left: stays, not counted
    staff.position(wards()[0], seats=2)
    for ward in wards():
        staff.position(ward)
    staff.position(wards()[1], valid_to=dt.date(2025, 12, 1))  # closed before the plan
    report = engine.preview(plan(merge_three()))
    outcome = engine.apply_plan(plan(merge_three()))
    new = new_ward()
    assert arrivals(report) == {label(new): [6, 0, 4, 5, -1]}
    assert report["carriers"]["officials"] == outcome.report["carriers"]["officials"] == 6
    assert at(new) == (6, 4, 5)


def test_in_a_split_the_receiving_wards_count_their_own_people_and_a_decided_position_goes_as_decided():
    to_hieu, chieng_an, chieng_sinh = wards()
    staff.official(to_hieu)
    staff.official(to_hieu)
    staff.position(to_hieu)
    staff.official(chieng_sinh, home_commune_id=chieng_an)
    staff.official(chieng_sinh)
    staff.official(chieng_sinh)
    staff.position(chieng_sinh)
    decided = staff.position(chieng_sinh, seats=3)
    draft = services.plan_create(actor=None, spec=plan(split_chieng_sinh()))
    services.decisions_record(
        actor=None,
        plan=draft,
        carrier="positions",
        choices={decided: selectors.version_on(chieng_an, DAY).code},
    )
    report = services.plan_preview(actor=None, spec=services.spec_of(draft), plan=draft)
    assert arrivals(report) == {
        label(to_hieu): [2, 2, 2, 2, -2],
        label(chieng_an): [1, 0, 1, 3, 2],
    }
    services.plan_approve(actor=None, plan=draft)
    services.plan_apply(actor=None, spec=services.spec_of(draft), plan=draft)
    assert at(to_hieu) == (4, 2, 2)
    assert at(chieng_an) == (1, 1, 3)


def test_a_plan_that_moves_no_people_shows_no_staffing_panel():
    report = engine.preview(plan(merge_three()))
    assert [p for p in report["panels"] if p["name"] == "staffing_arrivals"] == []


def test_the_plan_page_and_its_spreadsheet_show_the_arrivals(province_admin):
    for ward in wards():
        staff.official(ward)
        staff.position(ward)
    draft = services.plan_create(actor=province_admin.user, spec=plan(merge_three()))
    services.plan_preview_store(actor=province_admin.user, plan=draft)
    browser = province_admin.browser()
    page = browser.get(f"/plans/{draft.pk}/").content.decode()
    assert _(ARRIVALS_TITLE) in page
    assert "Phường Ba Chiềng" in page
    sheet = browser.get(f"/plans/{draft.pk}/?format=xlsx")
    workbook = load_workbook(io.BytesIO(sheet.content))
    rows = list(workbook.worksheets[-1].iter_rows(values_only=True))
    assert rows[1] == ("03998 Phường Ba Chiềng", 3, 0, 3, 3, 0)
