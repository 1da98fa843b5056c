"""`tinhgon calendar`: due dates in Vietnamese working days, the days off of a year, and the
Government's yearly decision (make-up Saturdays, swapped days off).

Scripts depend on `tinhgon calendar due --received DATETIME --days N --format json`, which prints
`{"due": "2026-02-24T17:00:00+07:00", ...}`: the close of business of the last day (docs/calendar.md).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time

from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhgon.core.commands import (
    TranslatedCommand,
    bounded_int,
    day_text,
    number_text,
    parse_day,
    table,
    to_json,
)
from tinhgon.workdays import selectors, services
from tinhgon.workdays.calendar import VIETNAM, WORKING, local_time
from tinhgon.workdays.models import DayKind

MAX_DAYS = 1000  # the longest statutory limits are months, not years


def parse_moment(value: str) -> dt.datetime:
    """An ISO date and time (2026-02-13T16:30, +07:00 or Z allowed; without a zone, Vietnam's
    time); a date alone means during that day's working hours (08:00)."""
    try:
        if len(value) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(value), dt.time(8, 0))
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("%(option)s: '%(value)s' is not a date and time (YYYY-MM-DDTHH:MM).")
            % {"option": "--received", "value": value[:40]}
        ) from None


class Command(TranslatedCommand):
    help = gettext_lazy(
        "The working-day calendar: due dates, the days off of a year, the yearly decision."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        due = sub.add_parser(
            "due", help=_("The due date of a limit in working days from a receipt.")
        )
        due.add_argument(
            "--received", required=True, help=_("When the dossier was received (ISO).")
        )
        due.add_argument("--days", required=True, type=bounded_int(0, MAX_DAYS))
        due.add_argument("--format", choices=["text", "json"], default="text")
        days = sub.add_parser("days", help=_("The days off and make-up days of a year."))
        days.add_argument("--year", required=True, type=bounded_int(1995, 2100))
        days.add_argument("--format", choices=["table", "json"], default="table")
        add = sub.add_parser(
            "add", help=_("Record a make-up working day or an extra day off (the yearly decision).")
        )
        add.add_argument("--day", required=True, help=_("The day (YYYY-MM-DD)."))
        add.add_argument("--kind", required=True, choices=DayKind.values)
        add.add_argument("--reason", required=True)
        add.add_argument("--source", required=True, help=_("The decision's number and date."))
        bench = sub.add_parser(
            "benchmark", help=_("Time the due dates of many dossiers (one calendar, one query).")
        )
        bench.add_argument("--count", type=bounded_int(1, 10_000_000), default=100_000)
        bench.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, action: str, **options):
        getattr(self, "_" + action)(**options)

    def _due(self, *, received, days, format, **_o):
        parsed = parse_moment(received)
        if not 1995 <= parsed.year <= 2100:
            raise CommandError(
                _("%(argument)s: '%(value)s' is not valid")
                % {"argument": "--received", "value": received}
            )
        moment = local_time(parsed)
        calendar = selectors.calendar_around(moment, days)
        due = calendar.due(moment, days)
        if format == "json":
            self.stdout.write(
                to_json({"due": due.isoformat(), "received": moment.isoformat(), "days": days})
            )
            return
        self.stdout.write(formats.date_format(due, "SHORT_DATETIME_FORMAT"))

    def _days(self, *, year, format, **_o):
        language = "en_US" if (translation.get_language() or "vi").startswith("en") else "vi"
        rows = selectors.year_days(year, language=language)
        if format == "json":
            self.stdout.write(
                to_json(
                    [
                        {
                            "day": row.day.isoformat(),
                            "kind": row.kind,
                            "reason": row.reason,
                            "source": row.source,
                            "decided": row.decided,
                        }
                        for row in rows
                    ]
                )
            )
            return
        kinds = dict(DayKind.choices)
        lines = [
            (
                day_text(row.day),
                formats.date_format(row.day, "l"),
                kinds[row.kind],
                row.reason,
                row.source,
            )
            for row in rows
        ]
        self.stdout.write(
            table(lines, [_("day"), _("weekday"), _("kind"), _("reason"), _("source")])
        )

    def _add(self, *, day, kind, reason, source, **_o):
        when = parse_day(day, name="--day")
        assert when is not None
        row = services.day_exception_set(
            actor=None, day=when, kind=kind, reason=reason, source=source
        )
        message = (
            _("%(day)s is a working day: %(reason)s.")
            if row.kind == WORKING
            else _("%(day)s is a day off: %(reason)s.")
        )
        self.stdout.write(message % {"day": day_text(row.day), "reason": row.reason})

    def _benchmark(self, *, count, format, **_o):
        rng = random.Random(8)
        first = dt.datetime(2025, 1, 1, tzinfo=VIETNAM)
        cases = []
        for _n in range(count):
            received = first + dt.timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
            pauses = []
            if rng.random() < 0.1:  # one dossier in ten waits for its applicant once
                start = received + dt.timedelta(hours=rng.randrange(1, 200))
                pauses.append((start, start + dt.timedelta(hours=rng.randrange(1, 300))))
            cases.append((received, rng.choice((1, 3, 5, 7, 10, 15, 20, 30)), pauses))
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            calendar = selectors.calendar_for(2025, 2027)
        loaded = time.perf_counter() - began
        began = time.perf_counter()
        for received, days, pauses in cases:
            calendar.due(received, days, pauses=pauses)
        seconds = time.perf_counter() - began
        result = {
            "due_dates": count,
            "calendar_s": round(loaded, 4),
            "due_s": round(seconds, 3),
            "per_s": round(count / seconds),
            "queries": len(queries),
        }
        if format == "json":
            self.stdout.write(json.dumps(result))
            return
        self.stdout.write(
            _(
                "%(count)s due dates in %(seconds)s s (%(rate)s per second); calendar loaded in "
                "%(loaded)s s with %(queries)s query."
            )
            % {
                "count": number_text(count),
                "seconds": formats.number_format(seconds, 3),
                "rate": number_text(result["per_s"]),
                "loaded": formats.number_format(loaded, 3),
                "queries": len(queries),
            }
        )
