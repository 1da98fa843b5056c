"""Writes of the working-day calendar: the Government's yearly decision, day by day."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tinhgon.core.errors import DomainError, Problem
from tinhgon.core.models import audit
from tinhgon.workdays.calendar import WORKING, build_calendar
from tinhgon.workdays.models import DayException, DayKind

LIMITS = {"reason": 300, "source": 300}


@transaction.atomic
def day_exception_set(  # type: ignore[no-untyped-def]
    *, actor, day: dt.date, kind: str, reason: str, source: str
) -> DayException:
    """Record that `day` is a working day or a day off by decision. Refused when the decision
    would change nothing (a make-up day that already works, a day off that is already off);
    the same decision again changes nothing and writes no audit row."""
    reason, source = " ".join(reason.split()), " ".join(source.split())
    problems = [
        Problem(_("This field is required."), field=name)
        for name, value in (("reason", reason), ("source", source))
        if not value
    ] + [
        Problem(_("at most %(max)s characters") % {"max": LIMITS[name]}, field=name)
        for name, value in (("reason", reason), ("source", source))
        if len(value) > LIMITS[name]
    ]
    if kind not in DayKind.values:
        problems.append(Problem(_("Choose a working day or a day off."), field="kind"))
    if problems:
        raise DomainError(_("The day was not recorded."), problems=problems)
    existing = DayException.objects.select_for_update().filter(day=day).first()
    if existing is None:
        # Without a decision, what would the day be? A decision that says the same is a mistake
        # (a make-up "Monday"), not a record.
        plain = build_calendar(day.year, day.year, exceptions=()).is_working_day(day)
        if plain == (kind == WORKING):
            message = (
                _("%(day)s is already a working day.")
                if plain
                else _("%(day)s is already a day off.")
            )
            raise DomainError(
                message % {"day": date_format(day, "SHORT_DATE_FORMAT")}, code="no_change"
            )
    elif (existing.kind, existing.reason, existing.source) == (kind, reason, source):
        return existing
    row, _created = DayException.objects.update_or_create(
        day=day, defaults={"kind": kind, "reason": reason, "source": source}
    )
    audit(
        actor=actor,
        action="workdays.day_exception_set",
        day=day.isoformat(),
        kind=kind,
        reason=reason,
        source=source,
        before=None if existing is None else existing.kind,
    )
    return row
