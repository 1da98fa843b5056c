"""What the inspections part registers from IntegrityConfig.ready(): its carriers and the
scheduled job's part for overdue recommendations.

Carriers. Open inspections (planned, decided, underway) follow their subject unit through a
reorganization, their subject province refreshed; open recommendations (open, escalated) follow
the unit that must implement them, same id and due date. Concluded and closed inspections, and
recommendations implemented or withdrawn, stay with the units of their time: they are record.

Job part `integrity_recommendations` (`tinhgon jobs run`), in Vietnam's time:
- remind: an open recommendation past its due date and not reported implemented: the officials
  of its unit, once (`reminded_at` set by a conditional update: two runners never send it twice);
- escalate: TINHGON_INSP_ESCALATE_DAYS working days (default 10) past its due date, reminded on
  an earlier day and still not reported: escalated to the level above its unit
  (`inspections.level_above`), whose officials are told. Emails go out after commit.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tinhgon.accounts.models import WRITE_ROLES, Membership
from tinhgon.carriers import contract
from tinhgon.carriers.contract import UnitRowsCarrier
from tinhgon.core import jobs
from tinhgon.core.errors import DomainError
from tinhgon.core.models import audit
from tinhgon.integrity.models import (
    OPEN_INSPECTION,
    OPEN_RECOMMENDATION,
    Inspection,
    Recommendation,
    RecommendationStatus,
)
from tinhgon.workdays.calendar import VIETNAM, local_time
from tinhgon.workdays.selectors import calendar_for

log = logging.getLogger(__name__)
RECIPIENT_LIMIT = 50


def _statuses(values) -> str:  # type: ignore[no-untyped-def]
    # Constants, not parameters: the bases bind their own.
    return ", ".join(f"'{status.value}'" for status in values)


class InspectionsCarrier(UnitRowsCarrier):
    """Open inspections follow their subject unit."""

    name = "inspections"
    model = Inspection
    unit_field = "subject_unit"
    province_field = "subject_province"

    def extra(self, alias: str = "t") -> str:
        return f" AND {alias}.status IN ({_statuses(OPEN_INSPECTION)})"


class RecommendationsCarrier(UnitRowsCarrier):
    """Open recommendations follow the unit that must implement them."""

    name = "recommendations"
    model = Recommendation
    unit_field = "unit"
    province_field = "province"

    def extra(self, alias: str = "t") -> str:
        return f" AND {alias}.status IN ({_statuses(OPEN_RECOMMENDATION)})"


# -- the job part -------------------------------------------------------------------------------


def escalate_days() -> int:
    return int(getattr(settings, "TINHGON_INSP_ESCALATE_DAYS", 10))


def _late_since(today: dt.date, days: int) -> dt.date:
    """The day `days` working days before `today`."""
    calendar = calendar_for(today.year - 1, today.year)
    day = today
    while days:
        day -= dt.timedelta(days=1)
        if calendar.is_working_day(day):
            days -= 1
    return day


def _emails(unit_id: int, day: dt.date) -> list[str]:
    from django.db.models import Q

    found = (
        Membership.objects.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
            unit_id=unit_id,
            role__in=list(WRITE_ROLES),
            user__is_active=True,
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    return sorted(set(found))[:RECIPIENT_LIMIT]


def _send(subject: str, body: str, to: list[str]) -> None:
    try:
        send_mail(subject, body, None, to)
    except Exception:  # a mail server down must not undo the round: the row says it was due
        log.exception("recommendation reminder not sent to %s", to)


def _mail(recommendation: Recommendation, *, escalated: bool, to: list[str]) -> None:
    if not to:
        return
    with translation.override("vi"):
        values = {
            "id": recommendation.pk,
            "inspection": recommendation.inspection_id,
            "due": recommendation.due.strftime("%d/%m/%Y"),
        }
        if escalated:
            subject = _("Recommendation %(id)s escalated: overdue since %(due)s") % values
        else:
            subject = _("Recommendation %(id)s is overdue (due %(due)s)") % values
        body = "\n".join([subject, "", recommendation.text[:2000], ""])
    transaction.on_commit(partial(_send, subject[:300], body, to))


def run(*, now: dt.datetime | None = None) -> dict[str, Any]:
    """One round: remind the overdue recommendations not yet reminded, escalate those reminded
    earlier and late by the escalation delay. Returns how many of each."""
    from tinhgon.integrity import inspections

    now = now or timezone.now()
    today = local_time(now).date()
    start_of_today = dt.datetime.combine(today, dt.time.min, tzinfo=VIETNAM)
    overdue = Recommendation.objects.filter(
        status=RecommendationStatus.OPEN, implemented_on__isnull=True, due__lt=today
    )
    reminded = 0
    for pk in list(overdue.filter(reminded_at__isnull=True).values_list("pk", flat=True)):
        with transaction.atomic():
            claimed = Recommendation.objects.filter(pk=pk, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if not claimed:
                continue  # another runner reminded it
            recommendation = Recommendation.objects.get(pk=pk)
            audit(
                actor=None,
                action="recommendation_remind",
                unit=recommendation.unit_id,
                recommendation=pk,
                due=recommendation.due.isoformat(),
            )
            _mail(recommendation, escalated=False, to=_emails(recommendation.unit_id, today))
        reminded += 1
    escalated = 0
    late = overdue.filter(
        due__lte=_late_since(today, escalate_days()),
        reminded_at__isnull=False,
        reminded_at__lt=start_of_today,
    )
    for pk in list(late.values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                before = Recommendation.objects.get(pk=pk).version
                recommendation = inspections.recommendation_escalate(
                    actor=None, recommendation_id=pk, now=now, day=today
                )
                if recommendation.version == before:
                    continue  # another runner escalated it
                assert recommendation.escalated_to_id is not None
                _mail(
                    recommendation,
                    escalated=True,
                    to=_emails(recommendation.escalated_to_id, today),
                )
        except DomainError:
            log.exception("recommendation %s not escalated", pk)  # reported meanwhile, ...
            continue
        escalated += 1
    return {"reminded": reminded, "escalated": escalated}


def register_all() -> None:
    contract.register(InspectionsCarrier())
    contract.register(RecommendationsCarrier())
    jobs.register_part("integrity_recommendations", run)
