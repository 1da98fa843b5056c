"""Staffing figures with numbers built by hand: a ward of Sơn La with a quota of 20 and 18
officials holding a seat has 2 vacant and a shortage of 2; dates before and after a merger see
the records where they were; leaders against the norm; evaluations; qualification gaps."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from tinhgon.conftest import unit
from tinhgon.reorg import engine, planfile
from tinhgon.staffing import figures
from tinhgon.staffing.models import (
    Assignment,
    Category,
    Evaluation,
    Field,
    LeaderNorm,
    LeaderRole,
    Official,
    Qualification,
    Quota,
    Rating,
    Training,
)
from tinhgon.staffing.tests import factories as staff
from tinhgon.units import selectors
from tinhgon.units.kinds import Kind, Level
from tinhgon.units.models import UnitVersion

pytestmark = pytest.mark.django_db

EARLIER = dt.date(2025, 9, 1)
PLAN_DAY = dt.date(2026, 1, 1)
DAY = dt.date(2026, 3, 1)


# -- builders of this module -----------------------------------------------------------------
def quota(unit_id: int, count: int, *, year: int = 2026, category: str = Category.CIVIL_SERVANT):
    return Quota.objects.create(
        unit_id=unit_id, year=year, category=category, count=count, decision="01/QĐ-UBND"
    )


def seated(unit_id: int, n: int, *, day: dt.date = EARLIER, **position) -> list[int]:
    """`n` officials each holding a new position of the unit from `day` (the assignment ids)."""
    ids = []
    for _ in range(n):
        official = staff.official(unit_id, day=day)
        ids.append(
            Assignment.objects.create(
                official_id=official,
                position_id=staff.position(unit_id, day=day, **position),
                unit_id=unit_id,
                valid_from=day,
            ).pk
        )
    return ids


def third_ward(day: dt.date = DAY) -> UnitVersion:
    """A third ward of Sơn La beside Chiềng An and Tô Hiệu (the first by code)."""
    son_la = unit("Sơn La", level=Level.PROVINCE, province=None)
    found = (
        selectors.versions_on(day)
        .filter(province_id=son_la.unit_id, kind=Kind.WARD)
        .exclude(code__in=[unit("Phường Chiềng An").code, unit("Phường Tô Hiệu").code])
        .order_by("code")
        .first()
    )
    assert found is not None
    return found


# -- quota, filled, vacant, surplus ----------------------------------------------------------
def test_a_commune_with_quota_20_and_18_filled_has_2_vacant_and_a_shortage_of_2(chieng_an):
    quota(chieng_an.unit_id, 20)
    seated(chieng_an.unit_id, 18)

    data = figures.unit_figures(DAY, chieng_an.unit_id)

    assert (data["quota"], data["filled"], data["vacant"], data["surplus"]) == (20, 18, 2, -2)
    civil = next(r for r in data["categories"] if r["category"] == Category.CIVIL_SERVANT)
    assert (civil["quota"], civil["filled"], civil["vacant"], civil["surplus"]) == (20, 18, 2, -2)
    public = next(r for r in data["categories"] if r["category"] == Category.PUBLIC_EMPLOYEE)
    assert (public["quota"], public["filled"]) == (0, 0)


def test_more_officials_than_the_quota_is_a_surplus_and_nothing_vacant(chieng_an):
    quota(chieng_an.unit_id, 3, category=Category.PUBLIC_EMPLOYEE)
    quota(chieng_an.unit_id, 2)  # civil servants: 2 of quota, 0 filled
    seated(chieng_an.unit_id, 5, category=Category.PUBLIC_EMPLOYEE)

    data = figures.unit_figures(DAY, chieng_an.unit_id)

    by = {r["category"]: r for r in data["categories"]}
    assert (by["public_employee"]["vacant"], by["public_employee"]["surplus"]) == (0, 2)
    assert (by["civil_servant"]["vacant"], by["civil_servant"]["surplus"]) == (2, -2)
    # The total is computed from the totals: 5 filled against 5 of quota.
    assert (data["quota"], data["filled"], data["vacant"], data["surplus"]) == (5, 5, 0, 0)


def test_the_quota_of_another_year_and_ended_or_future_assignments_do_not_count(chieng_an):
    quota(chieng_an.unit_id, 7, year=2025)
    quota(chieng_an.unit_id, 4)
    ended = seated(chieng_an.unit_id, 2)
    Assignment.objects.filter(pk__in=ended).update(valid_to=dt.date(2026, 2, 28))
    seated(chieng_an.unit_id, 1, day=dt.date(2026, 3, 2))
    seated(chieng_an.unit_id, 1)

    data = figures.unit_figures(DAY, chieng_an.unit_id)

    assert (data["quota"], data["filled"]) == (4, 1)
    assert figures.unit_figures(dt.date(2026, 2, 28), chieng_an.unit_id)["filled"] == 3
    assert figures.unit_figures(dt.date(2025, 12, 31), chieng_an.unit_id)["quota"] == 7


def test_an_official_holding_two_seats_of_one_unit_counts_once(chieng_an):
    [first] = seated(chieng_an.unit_id, 1)
    official = Assignment.objects.get(pk=first).official_id
    Assignment.objects.create(
        official_id=official,
        position_id=staff.position(chieng_an.unit_id),
        unit_id=chieng_an.unit_id,
        valid_from=EARLIER,
    )

    assert figures.unit_figures(DAY, chieng_an.unit_id)["filled"] == 1


def test_a_province_ranks_its_communes_the_largest_shortage_first(son_la, chieng_an, to_hieu):
    quota(chieng_an.unit_id, 20)
    seated(chieng_an.unit_id, 18)
    quota(to_hieu.unit_id, 2)
    seated(to_hieu.unit_id, 5)

    data = figures.unit_figures(DAY, son_la.unit_id, gaps=False)

    assert data["communes"][0]["name"] == chieng_an.name
    assert data["communes"][0]["surplus"] == -2
    assert data["communes"][-1]["name"] == to_hieu.name
    assert data["communes"][-1]["surplus"] == 3
    assert len(data["communes"]) == 75
    assert (data["quota"], data["filled"], data["surplus"]) == (22, 23, 1)


# -- a quota row covers its unit's subtree: only the topmost rows of an area count ----------
def peoples_committee(commune: UnitVersion) -> int:
    """The people's committee serving `commune` (a unit under it in the registry)."""
    found = (
        selectors.versions_on(DAY)
        .filter(parent_id=commune.unit_id, kind=Kind.PEOPLES_COMMITTEE)
        .values_list("unit_id", flat=True)
        .first()
    )
    assert found is not None, commune.name
    return found


def test_a_province_quota_of_100_over_communes_of_30_and_40_is_100_not_170(
    son_la, chieng_an, to_hieu
):
    quota(son_la.unit_id, 100)
    quota(chieng_an.unit_id, 30)
    quota(to_hieu.unit_id, 40)

    province = figures.unit_figures(DAY, son_la.unit_id, gaps=False)

    assert province["quota"] == 100
    civil = next(r for r in province["categories"] if r["category"] == Category.CIVIL_SERVANT)
    assert civil["quota"] == 100
    assert figures.unit_figures(DAY, chieng_an.unit_id, gaps=False)["quota"] == 30
    assert figures.unit_figures(DAY, to_hieu.unit_id, gaps=False)["quota"] == 40
    # The ranking's communes are areas of their own: their rows are topmost there.
    ranked = {row["name"]: row["quota"] for row in province["communes"]}
    assert (ranked[chieng_an.name], ranked[to_hieu.name]) == (30, 40)


def test_a_commune_whose_only_row_is_on_its_peoples_committee_has_that_quota(chieng_an):
    quota(peoples_committee(chieng_an), 12)

    assert figures.unit_figures(DAY, chieng_an.unit_id, gaps=False)["quota"] == 12


def test_a_commune_row_covers_the_row_of_its_peoples_committee(chieng_an):
    quota(chieng_an.unit_id, 25)
    quota(peoples_committee(chieng_an), 12)  # inside the 25

    assert figures.unit_figures(DAY, chieng_an.unit_id, gaps=False)["quota"] == 25


def test_rows_of_another_category_or_year_above_a_unit_do_not_cover_it(son_la, chieng_an):
    quota(son_la.unit_id, 100, category=Category.PUBLIC_EMPLOYEE)
    quota(son_la.unit_id, 90, year=2025)
    quota(chieng_an.unit_id, 30)

    province = figures.unit_figures(DAY, son_la.unit_id, gaps=False)

    by = {r["category"]: r["quota"] for r in province["categories"]}
    assert (by[Category.PUBLIC_EMPLOYEE], by[Category.CIVIL_SERVANT]) == (100, 30)
    assert province["quota"] == 130


# -- dates before and after a plan -----------------------------------------------------------
def merge_three(codes: list[str]) -> None:
    spec = planfile.load_yaml(
        f"title: Thử nghiệm\neffective_date: {PLAN_DAY}\nlegal_basis: {{number: 02/NQ-HĐND}}\n"
        "steps:\n- action: consolidate\n"
        f"  sources: {codes!r}\n"
        "  target: {code: '03999', name: Phường Tô Chiềng, kind: ward, parent: '14'}\n"
    )
    engine.apply_plan(spec)


def test_figures_before_a_merger_are_the_old_wards_and_after_it_the_new_ward(chieng_an, to_hieu):
    third = third_ward()
    seated(chieng_an.unit_id, 5)
    seated(to_hieu.unit_id, 3)
    seated(third.unit_id, 2)
    quota(chieng_an.unit_id, 6, year=2025)
    before = dt.date(2025, 12, 31)
    assert figures.unit_figures(before, chieng_an.unit_id)["filled"] == 5

    merge_three([chieng_an.code, to_hieu.code, third.code])

    new = selectors.resolve("03999", day=DAY)
    # The records moved in place to the new ward ...
    assert Assignment.objects.filter(unit_id=new.unit_id).count() == 10
    after = figures.unit_figures(DAY, new.unit_id)
    assert after["filled"] == 10
    # ... and a date before the plan still finds each where it was.
    assert figures.unit_figures(before, chieng_an.unit_id)["filled"] == 5
    assert figures.unit_figures(before, to_hieu.unit_id)["filled"] == 3
    assert figures.unit_figures(before, third.unit_id)["filled"] == 2
    assert figures.unit_figures(before, chieng_an.unit_id)["quota"] == 6
    son_la = unit("Sơn La", level=Level.PROVINCE, province=None)
    ranked_before = figures.unit_figures(before, son_la.unit_id, gaps=False)["communes"]
    ranked_after = figures.unit_figures(DAY, son_la.unit_id, gaps=False)["communes"]
    assert (len(ranked_before), len(ranked_after)) == (75, 73)
    assert {r["name"]: r["filled"] for r in ranked_after}["Phường Tô Chiềng"] == 10


def test_after_two_mergers_each_earlier_date_finds_the_records_where_they_were(chieng_an, to_hieu):
    third = third_ward()
    seated(chieng_an.unit_id, 5)
    seated(to_hieu.unit_id, 3)
    seated(third.unit_id, 2)
    merge_three([chieng_an.code, to_hieu.code, third.code])
    first = selectors.resolve("03999", day=DAY)
    quota(first.unit_id, 9)  # the 2026 quota of the first merger's ward
    fourth = (
        selectors.versions_on(DAY)
        .filter(province_id=first.province_id, kind=Kind.WARD)
        .exclude(unit_id=first.unit_id)
        .order_by("code")
        .first()
    )
    assert fourth is not None
    seated(fourth.unit_id, 4)
    second_day = dt.date(2026, 7, 1)
    engine.apply_plan(
        planfile.load_yaml(
            f"title: Lần hai\neffective_date: {second_day}\nlegal_basis: {{number: 03/NQ-HĐND}}\n"
            "steps:\n- action: consolidate\n"
            f"  sources: ['03999', '{fourth.code}']\n"
            "  target: {code: '03998', name: Phường Sơn La Mới, kind: ward, parent: '14'}\n"
        )
    )

    second = selectors.resolve("03998", day=dt.date(2026, 8, 1))
    now = figures.unit_figures(dt.date(2026, 8, 1), second.unit_id)
    assert (now["filled"], now["quota"]) == (14, 9)
    between = figures.unit_figures(DAY, first.unit_id)
    assert (between["filled"], between["quota"]) == (10, 9)
    assert figures.unit_figures(DAY, fourth.unit_id)["filled"] == 4
    assert figures.unit_figures(dt.date(2025, 12, 31), chieng_an.unit_id)["filled"] == 5


# -- leaders, evaluations, gaps --------------------------------------------------------------
def test_leaders_above_the_norm_of_their_kind_are_counted(chieng_an):
    LeaderNorm.objects.create(
        kind=chieng_an.kind, heads=1, deputies=2, valid_from=dt.date(2026, 2, 1), source="test"
    )
    seated(chieng_an.unit_id, 1, leader_role=LeaderRole.HEAD, group="leadership")
    seated(chieng_an.unit_id, 3, leader_role=LeaderRole.DEPUTY, group="leadership")
    seated(chieng_an.unit_id, 4)

    data = figures.unit_figures(DAY, chieng_an.unit_id)

    assert data["leaders"] == {"heads": 1, "deputies": 3}
    [row] = [r for r in data["leaders_by_unit"] if r["unit_id"] == chieng_an.unit_id]
    assert (row["norm_heads"], row["norm_deputies"], row["over"]) == (1, 2, 1)


def test_the_evaluation_distribution_counts_ratings_by_year(chieng_an):
    officials = [staff.official(chieng_an.unit_id) for _ in range(4)]
    ratings = [Rating.GOOD, Rating.GOOD, Rating.OUTSTANDING, Rating.NOT_COMPLETED]
    for official, rating in zip(officials, ratings, strict=True):
        Evaluation.objects.create(
            official_id=official, unit_id=chieng_an.unit_id, year=2025, rating=rating
        )
    Evaluation.objects.create(
        official_id=officials[0], unit_id=chieng_an.unit_id, year=2027, rating=Rating.GOOD
    )

    [row] = figures.unit_figures(DAY, chieng_an.unit_id)["evaluations"]

    assert row == {
        "year": 2025,
        "outstanding": 1,
        "good": 2,
        "completed": 0,
        "not_completed": 1,
        "total": 4,
    }


def test_a_gap_is_closed_only_by_a_passed_training_conferring_what_the_position_requires(
    chieng_an,
):
    def holder(level: int, field: str) -> int:
        official = staff.official(chieng_an.unit_id, level=level, field=field)
        Assignment.objects.create(
            official_id=official,
            position_id=staff.position(chieng_an.unit_id),  # bachelor, administration
            unit_id=chieng_an.unit_id,
            valid_from=EARLIER,
        )
        return official

    fits = holder(Qualification.MASTER, Field.ADMINISTRATION)
    college = holder(Qualification.COLLEGE, Field.ADMINISTRATION)
    trained = holder(Qualification.COLLEGE, Field.ADMINISTRATION)
    failed = holder(Qualification.COLLEGE, Field.ADMINISTRATION)
    lawyer = holder(Qualification.BACHELOR, Field.LAW)
    for official, result, end in [
        (trained, Training.Result.PASSED, dt.date(2026, 1, 15)),
        (failed, Training.Result.FAILED, dt.date(2026, 1, 15)),
        (college, Training.Result.PASSED, dt.date(2026, 6, 1)),  # passes after the date
    ]:
        Training.objects.create(
            official_id=official,
            course="Đại học hành chính",
            field=Field.ADMINISTRATION,
            level=Qualification.BACHELOR,
            start=dt.date(2022, 9, 1),
            end=end,
            result=result,
        )

    gaps = figures.unit_figures(DAY, chieng_an.unit_id)["gaps"]

    by = {row["official_id"]: row for row in gaps["rows"]}
    assert fits not in by
    assert (gaps["count"], gaps["closed"], gaps["open"]) == (4, 1, 3)
    assert by[trained]["closed_by_training"] is True
    assert by[failed]["closed_by_training"] is False
    assert by[college]["closed_by_training"] is False
    assert (by[lawyer]["level_gap"], by[lawyer]["field_gap"]) == (False, True)
    assert "national_id" not in json.dumps(gaps)


# -- command, API, page ----------------------------------------------------------------------
def test_the_command_prints_quota_filled_vacant_and_surplus_as_json(chieng_an):
    quota(chieng_an.unit_id, 20)
    seated(chieng_an.unit_id, 18)
    out = io.StringIO()

    call_command(
        "staff",
        "figures",
        "--unit",
        chieng_an.code,
        "--as-of",
        "01/03/2026",
        "--format",
        "json",
        stdout=out,
    )

    data = json.loads(out.getvalue())
    assert (data["quota"], data["filled"], data["vacant"], data["surplus"]) == (20, 18, 2, -2)
    assert data["by_category"]["civil_servant"]["surplus"] == -2


def test_the_command_refuses_an_unknown_unit_in_one_line(db):
    with pytest.raises(CommandError) as refused:
        call_command("staff", "figures", "--unit", "no-such-unit", "--format", "json")
    assert "\n" not in str(refused.value)


def test_a_commune_official_reads_their_commune_but_not_another(
    chieng_an, to_hieu, commune_official
):
    quota(chieng_an.unit_id, 20)
    seated(chieng_an.unit_id, 18)
    client = commune_official.api()

    mine = client.get("/api/staff/figures", {"unit": chieng_an.code, "as_of": "2026-03-01"})
    other = client.get("/api/staff/figures", {"unit": to_hieu.code, "as_of": "2026-03-01"})

    assert mine.status_code == 200, mine.content
    assert mine.json()["surplus"] == -2
    assert other.status_code in (403, 404)


def test_the_page_shows_the_figures_and_exports_them(chieng_an, commune_official):
    quota(chieng_an.unit_id, 20)
    [first, *_rest] = seated(chieng_an.unit_id, 18)
    Official.objects.filter(assignments=first).update(level=Qualification.COLLEGE)
    browser = commune_official.browser()

    page = browser.get("/staff/figures/", {"unit": chieng_an.code, "as-of": "01/03/2026"})
    sheet = browser.get(
        "/staff/figures/", {"unit": chieng_an.code, "as-of": "01/03/2026", "format": "xlsx"}
    )

    assert page.status_code == 200
    body = page.content.decode()
    assert "chart-categories" in body
    assert Official.objects.get(assignments=first).full_name in body
    book = load_workbook(io.BytesIO(sheet.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[-1][1:] == (20, 18, 2, -2)


def test_a_gap_of_another_communes_official_holding_a_seat_here_is_counted_not_named(
    chieng_an, to_hieu, commune_official
):
    outsider = staff.official(to_hieu.unit_id, level=Qualification.COLLEGE)
    Assignment.objects.create(
        official_id=outsider,
        position_id=staff.position(chieng_an.unit_id),
        unit_id=chieng_an.unit_id,
        valid_from=EARLIER,
    )

    data = commune_official.api().get(
        "/api/staff/figures", {"unit": chieng_an.code, "as_of": "2026-03-01"}
    )

    gaps = data.json()["gaps"]
    assert gaps["count"] == 1
    assert gaps["rows"][0]["official_id"] is None
    assert Official.objects.get(pk=outsider).full_name not in data.content.decode()


def test_the_province_page_ranks_its_communes(son_la, chieng_an, province_admin):
    quota(chieng_an.unit_id, 20)
    seated(chieng_an.unit_id, 18)

    page = province_admin.browser().get("/staff/figures/", {"unit": son_la.code})

    assert page.status_code == 200
    body = page.content.decode()
    assert "chart-communes" in body
    ranking = body[body.index('id="communes-title"') :]
    first_row = ranking[ranking.index('<th scope="row">') :].split("</th>", 1)[0]
    assert chieng_an.name in first_row  # the largest shortage (-2) first


def test_the_page_refuses_a_unit_outside_the_scope(to_hieu, commune_official):
    page = commune_official.browser().get("/staff/figures/", {"unit": to_hieu.code})
    assert page.status_code in (403, 404)
