"""Due dates in Vietnamese working days. The functions read no clock: every moment is given, so
the tests are frozen by construction (a dossier's receipt is its own fixed time)."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest

from tinhgon.core.errors import DomainError
from tinhgon.workdays import selectors
from tinhgon.workdays.calendar import VIETNAM, WORKING, build_calendar, due
from tinhgon.workdays.models import DayException

pytestmark = pytest.mark.django_db


def at(text: str) -> dt.datetime:
    """A moment in Vietnam's time: at("2026-02-12 10:00")."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=VIETNAM)


def close(day: str) -> dt.datetime:
    return at(f"{day} 17:00")


@pytest.fixture
def calendar():
    return selectors.calendar_for(2024, 2027)


def test_a_dossier_of_five_days_received_before_tet_lands_after_tet(calendar):
    # Thursday 12/02/2026: Friday 13 counts, Tết runs 16-20/02, then 23, 24, 25, 26.
    assert calendar.due(at("2026-02-12 10:00"), 5) == close("2026-02-26")


def test_the_tet_days_and_the_weekends_around_them_are_days_off(calendar):
    days_off = [dt.date(2026, 2, d) for d in range(14, 23)]
    assert not any(calendar.is_working_day(day) for day in days_off)
    assert calendar.is_working_day(dt.date(2026, 2, 13))
    assert calendar.is_working_day(dt.date(2026, 2, 23))


def test_a_due_date_landing_on_a_make_up_saturday_is_that_saturday(calendar):
    # Thursday 24/04/2025 + 2: Friday 25, then Saturday 26, worked in place of Friday 02/05.
    assert calendar.due(at("2025-04-24 09:00"), 2) == close("2025-04-26")


def test_without_the_decision_the_same_dossier_is_due_on_monday():
    plain = build_calendar(2025, 2025, exceptions=())
    assert plain.due(at("2025-04-24 09:00"), 2) == close("2025-04-28")


def test_a_day_recorded_as_working_is_counted_from_the_database():
    DayException.objects.create(
        day=dt.date(2027, 2, 13), kind=WORKING, reason="Làm bù", source="Quyết định thử"
    )
    calendar = selectors.calendar_for(2027, 2027)
    assert calendar.is_working_day(dt.date(2027, 2, 13))
    # Friday 12/02/2027 + 1: that Saturday.
    assert calendar.due(at("2027-02-12 09:00"), 1) == close("2027-02-13")


def test_a_day_decided_after_the_calendar_was_built_counts_at_once():
    before = selectors.calendar_for(2027, 2027)
    assert not before.is_working_day(dt.date(2027, 3, 13))  # a Saturday
    DayException.objects.create(
        day=dt.date(2027, 3, 13), kind=WORKING, reason="Làm bù", source="Quyết định thử"
    )
    assert selectors.calendar_for(2027, 2027).is_working_day(dt.date(2027, 3, 13))
    assert selectors.calendar_for(2027, 2027) is selectors.calendar_for(2027, 2027)  # built once


def test_a_pause_for_supplement_moves_the_due_date_by_the_paused_working_days(calendar):
    received = at("2025-03-03 09:00")  # Monday
    assert calendar.due(received, 5) == close("2025-03-10")
    # Asked on Wednesday (counted), supplemented on Friday (counted like a new receipt): the
    # clock missed Thursday and Friday, so the due date moves two working days.
    pause = (at("2025-03-05 10:00"), at("2025-03-07 10:00"))
    assert calendar.due(received, 5, pauses=[pause]) == close("2025-03-12")
    assert calendar.working_days_between(dt.date(2025, 3, 10), dt.date(2025, 3, 12)) == 2


def test_a_pause_within_one_day_moves_nothing(calendar):
    pause = (at("2025-03-05 08:00"), at("2025-03-05 11:00"))
    assert calendar.due(at("2025-03-03 09:00"), 5, pauses=[pause]) == close("2025-03-10")


def test_a_supplement_answered_after_the_close_resumes_the_next_working_day(calendar):
    # Answered Friday 18:00: counting resumes after Monday, as for a receipt on Monday.
    pause = (at("2025-03-05 10:00"), at("2025-03-07 18:00"))
    assert calendar.due(at("2025-03-03 09:00"), 5, pauses=[pause]) == close("2025-03-13")


def test_a_pause_across_tet_moves_the_due_date_past_the_holidays(calendar):
    # Received Monday 09/02/2026 for 3 days, due Thursday 12; waiting from Tuesday 10 to
    # Monday 23: Tuesday counted, then Tuesday 24 and Wednesday 25.
    pause = (at("2026-02-10 15:00"), at("2026-02-23 09:00"))
    assert calendar.due(at("2026-02-09 09:00"), 3) == close("2026-02-12")
    assert calendar.due(at("2026-02-09 09:00"), 3, pauses=[pause]) == close("2026-02-25")


def test_overlapping_pauses_count_once(calendar):
    one = (at("2025-03-05 10:00"), at("2025-03-07 10:00"))
    overlapping = (at("2025-03-06 10:00"), at("2025-03-07 09:00"))
    assert calendar.due(at("2025-03-03 09:00"), 5, pauses=[overlapping, one]) == close("2025-03-12")


def test_a_pause_that_starts_after_the_due_date_moves_nothing(calendar):
    late = (at("2025-03-11 09:00"), at("2025-03-20 09:00"))
    assert calendar.due(at("2025-03-03 09:00"), 5, pauses=[late]) == close("2025-03-10")


def test_a_pause_that_ends_before_it_starts_is_refused(calendar):
    with pytest.raises(DomainError):
        calendar.due(at("2025-03-03 09:00"), 5, pauses=[(at("2025-03-06"), at("2025-03-05"))])


def test_a_pause_before_the_receipt_is_refused(calendar):
    with pytest.raises(DomainError):
        calendar.due(at("2025-03-03 09:00"), 5, pauses=[(at("2025-03-01"), at("2025-03-04"))])


def test_received_on_a_friday_afternoon_before_the_close_counts_from_monday(calendar):
    assert calendar.due(at("2025-03-07 16:30"), 1) == close("2025-03-10")


def test_received_on_a_friday_after_the_close_counts_as_received_on_monday(calendar):
    assert calendar.due(at("2025-03-07 17:00"), 1) == close("2025-03-11")
    assert calendar.due(at("2025-03-07 17:00"), 0) == close("2025-03-10")


def test_received_on_a_saturday_counts_as_received_on_monday(calendar):
    assert calendar.due(at("2025-03-08 10:00"), 1) == close("2025-03-11")
    assert calendar.due(at("2025-03-08 10:00"), 0) == close("2025-03-10")


def test_a_moment_in_another_zone_is_read_in_vietnam_time(calendar):
    # 09:30 UTC on Friday is 16:30 in Hà Nội (before the close); 10:30 UTC is after it.
    assert calendar.due(dt.datetime(2025, 3, 7, 9, 30, tzinfo=dt.UTC), 1) == close("2025-03-10")
    assert calendar.due(dt.datetime(2025, 3, 7, 10, 30, tzinfo=dt.UTC), 1) == close("2025-03-11")


def test_working_days_between_counts_the_days_after_the_first_up_to_the_second(calendar):
    friday, next_friday = dt.date(2025, 3, 7), dt.date(2025, 3, 14)
    assert calendar.working_days_between(friday, next_friday) == 5
    assert calendar.working_days_between(next_friday, friday) == -5
    assert calendar.working_days_between(friday, friday) == 0
    # Around 30/4/2025: Friday 25, Saturday 26 (make-up), Monday 28, Tuesday 29, then off.
    assert calendar.working_days_between(dt.date(2025, 4, 24), dt.date(2025, 5, 4)) == 4


def test_the_module_functions_answer_as_the_calendar_does(calendar):
    assert due(at("2026-02-12 10:00"), 5, calendar=calendar) == close("2026-02-26")


def test_a_due_date_beyond_the_loaded_years_is_refused_not_guessed():
    calendar = selectors.calendar_for(2025, 2025)
    with pytest.raises(DomainError) as refused:
        calendar.due(at("2025-12-30 09:00"), 10)
    assert refused.value.code == "outside_calendar"


def test_a_calendar_of_several_years_costs_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        calendar = selectors.calendar_for(2024, 2027)
    with django_assert_num_queries(0):
        for day in range(1, 29):
            calendar.due(at(f"2026-02-{day:02d} 09:00"), 10)


def test_every_make_up_day_the_package_knows_since_2018_is_stored_with_its_source():
    package = holidays.country_holidays("VN", years=range(2018, 2027))
    known = {day for day in package.weekend_workdays if day.year >= 2018}
    stored = dict(DayException.objects.filter(kind=WORKING).values_list("day", "source"))
    assert known <= set(stored)
    assert all(stored[day] for day in known)


def test_every_stored_decision_names_its_source():
    assert not DayException.objects.filter(source="").exists()
    assert DayException.objects.filter(day=dt.date(2025, 4, 26), kind=WORKING).exists()
