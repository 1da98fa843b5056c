"""Vietnamese working days and statutory due dates: pure functions over a `Calendar` built once.

The rule (docs/calendar.md gives its sources):

- a working day is a weekday that is not a public holiday (Labour Code 2019, Art. 112, through
  the `holidays` package), unless the Government decided otherwise for that day (a stored
  `DayException`: a make-up Saturday is a working day, a swapped weekday is a day off);
- the day of receipt is not counted: a limit of N working days ends at the close of the N-th
  working day after it (Civil Code 2015, Art. 147(1)); N = 0 is the day of receipt itself;
- a dossier received on a day off, or on a working day at or after the close of business
  (`CLOSE`, 17:00), counts as received on the next working day;
- a pause (waiting for the applicant) stops the clock: the working days from its start up to
  its start day count, and the day the applicant answers counts like a new receipt, so the due
  date moves by the working days after the pause's start day up to the day counting resumes.

Nothing here touches the database: `tinhgon.workdays.selectors.calendar_for` loads a year range
(one query) and the functions below answer from memory, in microseconds.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import holidays
from django.utils.translation import gettext as _

from tinhgon.core.errors import DomainError

# Vietnam's time: a dossier's day is the day in Vietnam, whatever the server's zone.
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
# The close of business of a working day: a dossier received at or after it counts from the
# next working day, and a due date falls at it.
CLOSE = dt.time(17, 0)
WORKING = "working"
OFF = "off"
HOLIDAYS_SOURCE = f"holidays {holidays.__version__} (Bộ luật Lao động 2019, Điều 112)"

Pause = tuple[dt.datetime, dt.datetime]


def public_holidays(first_year: int, last_year: int, *, language: str = "vi") -> dict[dt.date, str]:
    """Vietnam's public holidays of the years, observed days included, named in `language`."""
    found = holidays.country_holidays(
        "VN", years=range(first_year, last_year + 1), language=language
    )
    return dict(found.items())


@dataclass(frozen=True)
class Calendar:
    """The working days of `first_year`..`last_year`, as a sorted list of ordinals."""

    first_year: int
    last_year: int
    exceptions: Mapping[dt.date, str]  # day -> WORKING or OFF, as decided
    holidays: Mapping[dt.date, str]  # day -> name
    _ordinals: list[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        first = dt.date(self.first_year, 1, 1).toordinal()
        last = dt.date(self.last_year, 12, 31).toordinal()
        ordinals = [n for n in range(first, last + 1) if self._works(dt.date.fromordinal(n))]
        object.__setattr__(self, "_ordinals", ordinals)

    def _works(self, day: dt.date) -> bool:
        kind = self.exceptions.get(day)
        if kind is not None:
            return kind == WORKING
        return day.weekday() < 5 and day not in self.holidays

    def _check(self, day: dt.date) -> None:
        if not self.first_year <= day.year <= self.last_year:
            raise DomainError(
                _("The calendar holds the years %(first)s to %(last)s, not %(day)s.")
                % {"first": self.first_year, "last": self.last_year, "day": day.isoformat()},
                code="outside_calendar",
            )

    def is_working_day(self, day: dt.date) -> bool:
        self._check(day)
        return self._works(day)

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """The working days after `a` up to and including `b` (negative when b comes first):
        what a dossier received on `a` has used by the close of `b`."""
        if b < a:
            return -self.working_days_between(b, a)
        self._check(a)
        self._check(b)
        return bisect_right(self._ordinals, b.toordinal()) - bisect_right(
            self._ordinals, a.toordinal()
        )

    def _working_day(self, index: int) -> dt.date:
        if index >= len(self._ordinals):
            self._check(dt.date(self.last_year + 1, 1, 1))
        return dt.date.fromordinal(self._ordinals[index])

    def _counting_day(self, moment: dt.datetime) -> int:
        """The index of the working day a moment counts as (received, or answered)."""
        local = local_time(moment)
        day = local.date()
        self._check(day)
        index = bisect_left(self._ordinals, day.toordinal())
        if local.time() >= CLOSE and self._works(day):
            index += 1  # after the close of business: the next working day
        return index

    def due(self, received: dt.datetime, days: int, *, pauses: Sequence[Pause] = ()) -> dt.datetime:
        """The close of business of the day a limit of `days` working days ends, for a dossier
        received at `received` that waited for its applicant during `pauses`."""
        if days < 0:
            raise DomainError(_("A time limit cannot be negative."), code="invalid")
        start = self._counting_day(received)
        remaining = days
        for pause_start, pause_end in _merged(pauses, received):
            due_day = self._working_day(start + remaining)
            if local_time(pause_start) >= _close_of(due_day):
                break  # the pause began after the due date: it moves nothing
            paused_on = local_time(pause_start).date()
            used = bisect_right(self._ordinals, paused_on.toordinal()) - 1 - start
            remaining -= max(0, min(used, remaining))
            start = self._counting_day(pause_end)
        return _close_of(self._working_day(start + remaining))


def local_time(moment: dt.datetime) -> dt.datetime:
    """A moment in Vietnam's time; a naive one is taken to be Vietnam's already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=VIETNAM)
    return moment.astimezone(VIETNAM)


def _close_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, CLOSE, tzinfo=VIETNAM)


def _merged(pauses: Sequence[Pause], received: dt.datetime) -> list[Pause]:
    """The pauses in order, overlapping ones joined; refused when one ends before it starts or
    starts before the dossier was received."""
    ordered = sorted((local_time(a), local_time(b)) for a, b in pauses)
    merged: list[Pause] = []
    for start, end in ordered:
        if end < start:
            raise DomainError(_("A pause ends before it starts."), code="invalid")
        if start < local_time(received):
            raise DomainError(_("A pause starts before the dossier was received."), code="invalid")
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def build_calendar(
    first_year: int, last_year: int, *, exceptions: Iterable[tuple[dt.date, str]]
) -> Calendar:
    """A calendar of the years from the package's holidays and the decided exceptions."""
    if last_year < first_year:
        raise DomainError(_("The last year comes before the first."), code="invalid")
    return Calendar(
        first_year=first_year,
        last_year=last_year,
        exceptions=dict(exceptions),
        holidays=public_holidays(first_year, last_year),
    )


# The pure function API, for callers that hold a calendar (selectors.calendar_for).
def due(
    received: dt.datetime, days: int, *, pauses: Sequence[Pause] = (), calendar: Calendar
) -> dt.datetime:
    return calendar.due(received, days, pauses=pauses)


def working_days_between(a: dt.date, b: dt.date, *, calendar: Calendar) -> int:
    return calendar.working_days_between(a, b)


def is_working_day(day: dt.date, *, calendar: Calendar) -> bool:
    return calendar.is_working_day(day)
