"""Reads of the working-day calendar: a year range in one query, then pure functions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from tinhgon.workdays.calendar import HOLIDAYS_SOURCE, OFF, Calendar, build_calendar
from tinhgon.workdays.calendar import public_holidays as package_holidays
from tinhgon.workdays.models import DayException


def calendar_for(first_year: int, last_year: int) -> Calendar:
    """The calendar of the years, with the exceptions the database holds (one query)."""
    rows = DayException.objects.filter(
        day__gte=dt.date(first_year, 1, 1), day__lte=dt.date(last_year, 12, 31)
    ).values_list("day", "kind")
    return _built(first_year, last_year, tuple(rows))


@lru_cache(maxsize=16)
def _built(
    first_year: int, last_year: int, exceptions: tuple[tuple[dt.date, str], ...]
) -> Calendar:
    """Building a calendar (the package's holidays, the working days of the years) costs a few
    milliseconds; the same years with the same exceptions give the same calendar, so it is
    built once (the exceptions are read every time: a decision counts at once)."""
    return build_calendar(first_year, last_year, exceptions=exceptions)


def calendar_around(moment: dt.datetime, days: int) -> Calendar:
    """A calendar wide enough for a limit of `days` working days from `moment` (a year holds
    at least 240 working days; one more year for the pauses)."""
    return calendar_for(moment.year, moment.year + 1 + days // 240)


@dataclass(frozen=True)
class DayRow:
    day: dt.date
    kind: str  # "off" or "working"
    reason: str
    source: str
    decided: bool  # a stored decision (True) or the package's holiday (False)


def year_days(year: int, *, language: str = "vi") -> list[DayRow]:
    """The year's public holidays and decided exceptions, by day (a decision outranks the
    holiday of the same day)."""
    rows = {
        day: DayRow(day, OFF, name, HOLIDAYS_SOURCE, decided=False)
        for day, name in package_holidays(year, year, language=language).items()
    }
    for row in DayException.objects.filter(day__year=year):
        rows[row.day] = DayRow(row.day, row.kind, row.reason, row.source, decided=True)
    return [rows[day] for day in sorted(rows)]
