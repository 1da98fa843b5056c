"""Discipline proceedings: open one against an official (from a decided case, an inspection
finding, or directly) proposing a measure with its grounds; decide it (the measure is recorded
by staffing, `staffing.evaluation.measure_record`, in the same transaction, and linked) or drop
it with a reason. docs/integrity-discipline.md has the rules and their sources.

Who: the official's managers, those whose write scope covers the unit that employs the official
(`staffing.access.may_manage`); observers never. Before the proceeding is closed only they read
it, and never the official's own account (`concerned_user`) even when it manages that unit;
once closed, the official's account reads it too.

Rules:
- the measures of the Law on Cadres and Civil Servants 2025 and Decree 172/2025/NĐ-CP (in force
  01/07/2025): reprimand, warning, dismissal; demotion ("giáng chức") is no longer a measure for
  a decision from that day, and is refused;
- the statute of limitations (Law 52/2019/QH14 amending the Law on Cadres and Civil Servants,
  Art. 80, kept by the 2025 law: article to confirm): 5 years from the violation for one that
  deserves a reprimand, 10 years for a warning or heavier; a decision after it is refused;
- the time for handling (Decree 172/2025/NĐ-CP): at most 90 days from the opening, 150 for a
  complex matter; `due_on` is the 90th day, shown, not enforced (the law lets the 150 apply);
- a case is a ground once decided, and names the same official when it names one; a finding,
  likewise, when it names an official responsible.

Transitions: proposed → decided | dropped, each a conditional UPDATE on status and version; the
same move again returns the proceeding as it is; an illegal one is refused (409).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.accounts.access import (
    records_filter,
    scope_for,
    visible_unit_ids,
)
from tinhgon.core import text
from tinhgon.core.errors import DomainError, Forbidden, NotFound, invalid
from tinhgon.core.models import audit
from tinhgon.integrity import cases
from tinhgon.integrity.models import CaseStatus, Finding, Proceeding, ProceedingStatus
from tinhgon.staffing import access as staff_access
from tinhgon.staffing.evaluation import measure_record
from tinhgon.staffing.models import Measure, Official
from tinhgon.staffing.user_link import account_in_scope
from tinhgon.workdays.calendar import local_time

LAW_2025 = "Luật Cán bộ, công chức 2025; Nghị định 172/2025/NĐ-CP"
MEASURES_FROM = dt.date(2025, 7, 1)  # the 2025 law and Decree 172/2025 in force
# (measure -> years) from the violation; heavier than reprimand: 10.
LIMITATION_YEARS = {Measure.REPRIMAND: 5}
LIMITATION_DEFAULT = 10
LIMITATION_SOURCE = "Luật 52/2019/QH14, Điều 80 Luật Cán bộ, công chức (giữ trong Luật 2025)"
HANDLING_DAYS = 90
HANDLING_DAYS_COMPLEX = 150
GROUNDS_LIMIT = 20000
REASON_LIMIT = 2000


# -- reads -----------------------------------------------------------------------------------------


def _managed(user, day: dt.date) -> Q:  # type: ignore[no-untyped-def]
    """Proceedings whose official the user manages (write scope on the employing unit)."""
    scope = scope_for(user)
    if scope.everything:
        return Q(pk__isnull=False)
    return records_filter(
        scope, day, unit_field="official__unit", province_field="official__province", write=True
    )


def visible_proceedings(user, *, day: dt.date | None = None) -> QuerySet[Proceeding]:  # type: ignore[no-untyped-def]
    """What a user may read: the official's managers, except the official's own account while
    the proceeding is open; that account once it is closed."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Proceeding.objects.none()
    day = day or timezone.localdate()
    # The official's account: named when opened, or linked to their staff record since.
    to_self = Q(concerned_user=user) | Q(official__user=user)
    open_to_self = to_self & Q(status=ProceedingStatus.PROPOSED)
    closed_to_self = to_self & ~Q(status=ProceedingStatus.PROPOSED)
    return Proceeding.objects.filter((_managed(user, day) & ~open_to_self) | closed_to_self)


def readable_proceeding(user, proceeding_id: int) -> Proceeding:  # type: ignore[no-untyped-def]
    found = visible_proceedings(user).filter(pk=proceeding_id).select_related("official").first()
    if found is None:
        raise NotFound(
            _("Proceeding %(id)s does not exist or is not in your scope.") % {"id": proceeding_id}
        )
    return found


def may_act(user, proceeding: Proceeding) -> bool:  # type: ignore[no-untyped-def]
    """Whether the user decides or drops it: a manager of the official, not the official."""
    if user is not None and getattr(user, "pk", None) in (
        proceeding.concerned_user_id,
        proceeding.official.user_id,
    ):
        return False
    return staff_access.may_manage(user, proceeding.official)


def access_proceeding(user, proceeding_id: int) -> Proceeding:  # type: ignore[no-untyped-def]
    """The proceeding the user may act on (None: the operator); 404 outside the scope, 403 for
    a reader who does not manage the official."""
    if user is None:
        found = Proceeding.objects.filter(pk=proceeding_id).select_related("official").first()
        if found is None:
            raise NotFound(_("Proceeding %(id)s does not exist.") % {"id": proceeding_id})
        return found
    proceeding = readable_proceeding(user, proceeding_id)
    if not may_act(user, proceeding):
        raise Forbidden(_("Only a manager of the official decides on this proceeding."))
    return proceeding


def due_on(proceeding: Proceeding) -> dt.date:
    """The last day of the handling time (90 days from the opening, Decree 172/2025)."""
    return local_time(proceeding.opened_at).date() + dt.timedelta(days=HANDLING_DAYS)


def limitation_ends(violation_on: dt.date, measure: str) -> dt.date:
    years = LIMITATION_YEARS.get(Measure(measure), LIMITATION_DEFAULT)
    try:
        return violation_on.replace(year=violation_on.year + years)
    except ValueError:  # 29 February
        return violation_on.replace(year=violation_on.year + years, day=28)


# -- writes ----------------------------------------------------------------------------------------


def _check_measure(measure: str, *, on: dt.date, field: str) -> None:
    if measure not in Measure.values:
        raise invalid(
            _("Give one of the measures: %(measures)s.") % {"measures": ", ".join(Measure.values)},
            field=field,
        )
    if measure == Measure.DEMOTION and on >= MEASURES_FROM:
        raise invalid(
            _(
                "Demotion is no longer a disciplinary measure from %(day)s (%(source)s): "
                "choose reprimand, warning or dismissal."
            )
            % {"day": text.day(MEASURES_FROM), "source": LAW_2025},
            field=field,
        )


def _check_limitation(violation_on: dt.date | None, measure: str, on: dt.date) -> None:
    if violation_on is None:
        return
    ends = limitation_ends(violation_on, measure)
    if on > ends:
        raise invalid(
            _(
                "The statute of limitations for a %(measure)s ran out on %(day)s, "
                "%(years)s years after the violation (%(source)s)."
            )
            % {
                "measure": Measure(measure).label,
                "day": text.day(ends),
                "years": LIMITATION_YEARS.get(Measure(measure), LIMITATION_DEFAULT),
                "source": LIMITATION_SOURCE,
            },
            field="violation_on",
        )


def _source(actor, *, official_id: int, case_id: int | None, finding_id: int | None) -> None:  # type: ignore[no-untyped-def]
    if case_id is not None:
        case = (
            cases.readable_case(actor, case_id)
            if actor is not None
            else cases.Case.objects.filter(pk=case_id).first()
        )
        if case is None:
            raise NotFound(_("Case %(id)s does not exist.") % {"id": case_id})
        if case.status not in (CaseStatus.DECIDED, CaseStatus.CLOSED):
            raise invalid(
                _("Case %(id)s is not decided: a proceeding follows its decision.")
                % {"id": case_id},
                field="case",
            )
        if case.official_id is not None and case.official_id != official_id:
            raise invalid(
                _("Case %(id)s concerns another official.") % {"id": case_id}, field="case"
            )
    if finding_id is not None:
        finding = Finding.objects.filter(pk=finding_id).select_related("inspection").first()
        subject = finding.inspection.subject_unit_id if finding is not None else None
        if finding is None or (
            actor is not None and subject is not None and not visible_unit_ids(actor, [subject])
        ):
            raise NotFound(
                _("Finding %(id)s does not exist or is not in your scope.") % {"id": finding_id}
            )
        if finding.official_id is not None and finding.official_id != official_id:
            raise invalid(
                _("Finding %(id)s names another official.") % {"id": finding_id},
                field="finding",
            )


def _concerned(actor, official: Official, username: str) -> int | None:  # type: ignore[no-untyped-def]
    """The account of the official concerned: the one their staff record links to them
    (`staffing.Official.user`); for an official without a link, the one named by user name,
    among the accounts the actor's scope reads (an unknown name and one outside get the same
    answer, so the form does not tell who has an account; actor None: the operator, any
    account). A name given for a linked official must be the linked account's."""
    named = account_in_scope(actor, username, field="concerned_user")
    if official.user_id is None:
        return None if named is None else int(named.pk)
    if named is not None and named.pk != official.user_id:
        raise invalid(
            _(
                "The staff records link %(name)s to another account: leave the account empty, "
                "it is taken from there."
            )
            % {"name": official.full_name},
            field="concerned_user",
        )
    return int(official.user_id)


@transaction.atomic
def proceeding_open(  # type: ignore[no-untyped-def]
    *,
    actor,
    official_id: int,
    measure: str,
    grounds: str,
    case_id: int | None = None,
    finding_id: int | None = None,
    violation_on: dt.date | None = None,
    concerned_username: str = "",
    opened_at: dt.datetime | None = None,
    synthetic: bool = False,
) -> Proceeding:
    """Open a proceeding against an official the actor manages, proposing a measure with its
    grounds; from a decided case or a finding when given (same official when they name one)."""
    official = staff_access.access_official(actor, official_id, write=True)
    opened_at = opened_at or timezone.now()
    today = local_time(opened_at).date()
    _check_measure(measure, on=today, field="measure")
    grounds = (grounds or "").strip()
    if not grounds:
        raise invalid(_("A proceeding needs its grounds."), field="grounds")
    if len(grounds) > GROUNDS_LIMIT:
        raise invalid(
            _("The grounds are longer than %(n)s characters.") % {"n": GROUNDS_LIMIT},
            field="grounds",
        )
    if violation_on is not None and violation_on > today:
        raise invalid(_("The violation cannot be after today."), field="violation_on")
    _check_limitation(violation_on, measure, today)
    _source(actor, official_id=official.pk, case_id=case_id, finding_id=finding_id)
    concerned = _concerned(actor, official, concerned_username)
    if concerned is not None and concerned == getattr(actor, "pk", None):
        raise Forbidden(_("An official does not open a proceeding against themselves."))
    proceeding = Proceeding.objects.create(
        official=official,
        unit_id=official.unit_id,
        province_id=official.province_id,
        case_id=case_id,
        finding_id=finding_id,
        proposed_measure=measure,
        grounds=grounds,
        violation_on=violation_on,
        concerned_user_id=concerned,
        opened_by=actor if getattr(actor, "is_authenticated", False) else None,
        opened_at=opened_at,
        synthetic=synthetic,
    )
    # The audit names the proceeding and the official, never the grounds.
    audit(
        actor=actor,
        action="discipline_open",
        unit=official.unit_id,
        proceeding=proceeding.pk,
        official=official.pk,
        measure=measure,
    )
    return proceeding


def _check_open(proceeding: Proceeding, *, version: int | None, target: str) -> None:
    """Refuse a move on a proceeding read at another version (stale) or no longer proposed."""
    if version is not None and proceeding.version != version:
        raise DomainError(
            _("Proceeding %(id)s changed since you read it; reload it.") % {"id": proceeding.pk},
            code="stale",
            status=409,
        )
    if proceeding.status != ProceedingStatus.PROPOSED:
        raise DomainError(
            _("Proceeding %(id)s is %(status)s: it cannot be %(move)s.")
            % {
                "id": proceeding.pk,
                "status": proceeding.get_status_display(),
                "move": ProceedingStatus(target).label,
            },
            code="illegal_move",
            status=409,
        )


def _move(  # type: ignore[no-untyped-def]
    *, proceeding: Proceeding, version: int | None, target: str, changes: dict[str, Any]
) -> Proceeding:
    _check_open(proceeding, version=version, target=target)
    updated = Proceeding.objects.filter(
        pk=proceeding.pk, status=ProceedingStatus.PROPOSED, version=proceeding.version
    ).update(status=target, version=F("version") + 1, closed_at=timezone.now(), **changes)
    if not updated:
        # Another request moved it between our read and this write: its transaction wins, ours
        # (and the measure it recorded) rolls back.
        raise DomainError(
            _("Proceeding %(id)s changed since you read it; reload it.") % {"id": proceeding.pk},
            code="stale",
            status=409,
        )
    proceeding.refresh_from_db()
    return proceeding


@transaction.atomic
def proceeding_decide(  # type: ignore[no-untyped-def]
    *,
    actor,
    proceeding_id: int,
    measure: str,
    decision: str,
    decided_on: dt.date,
    legal_basis: str,
    version: int | None = None,
) -> Proceeding:
    """Decide: staffing records the measure (which forces that year's evaluation to "did not
    complete duties") in this transaction, and the proceeding links it. The same decision again
    (same number) returns the proceeding as it is."""
    proceeding = access_proceeding(actor, proceeding_id)
    decision = " ".join((decision or "").split())
    if (
        proceeding.status == ProceedingStatus.DECIDED
        and proceeding.measure is not None
        and proceeding.measure.decision == decision[:120]
    ):
        return proceeding
    if not decision:
        raise invalid(_("Name the decision (its number)."), field="decision")
    today = timezone.localdate()
    if decided_on > today:
        raise invalid(_("The decision cannot be dated after today."), field="decided_on")
    if decided_on < local_time(proceeding.opened_at).date():
        raise invalid(
            _("The decision cannot be dated before the proceeding was opened (%(day)s).")
            % {"day": text.day(local_time(proceeding.opened_at).date())},
            field="decided_on",
        )
    _check_measure(measure, on=decided_on, field="measure")
    _check_limitation(proceeding.violation_on, measure, decided_on)
    _check_open(proceeding, version=version, target=ProceedingStatus.DECIDED)
    recorded = measure_record(
        actor=actor,
        official_id=proceeding.official_id,
        measure=measure,
        decision=decision,
        decided_on=decided_on,
        legal_basis=legal_basis or "",
        unit_id=proceeding.unit_id,
    )
    proceeding = _move(
        proceeding=proceeding,
        version=version,
        target=ProceedingStatus.DECIDED,
        changes={"measure_id": recorded.pk},
    )
    audit(
        actor=actor,
        action="discipline_decide",
        unit=proceeding.unit_id,
        proceeding=proceeding.pk,
        official=proceeding.official_id,
        measure=measure,
        staffing_measure=recorded.pk,
    )
    return proceeding


@transaction.atomic
def proceeding_drop(  # type: ignore[no-untyped-def]
    *, actor, proceeding_id: int, reason: str, version: int | None = None
) -> Proceeding:
    """Drop the proceeding with its reason (no measure); the same again does nothing."""
    proceeding = access_proceeding(actor, proceeding_id)
    reason = " ".join((reason or "").split())
    if proceeding.status == ProceedingStatus.DROPPED:
        return proceeding
    if not reason:
        raise invalid(_("Dropping a proceeding needs its reason."), field="reason")
    if len(reason) > REASON_LIMIT:
        raise invalid(
            _("The reason is longer than %(n)s characters.") % {"n": REASON_LIMIT}, field="reason"
        )
    proceeding = _move(
        proceeding=proceeding,
        version=version,
        target=ProceedingStatus.DROPPED,
        changes={"dropped_reason": reason},
    )
    audit(
        actor=actor,
        action="discipline_drop",
        unit=proceeding.unit_id,
        proceeding=proceeding.pk,
        official=proceeding.official_id,
    )
    return proceeding


def unit_proceedings(unit_id: int) -> QuerySet[Proceeding]:
    """The proceedings of officials employed by a unit or by any unit serving it (an
    administrative unit's committee, offices, ...): the command line's listing."""
    from tinhgon.units import selectors

    today = timezone.localdate()
    serving = set(
        selectors.versions_on(today).filter(admin_unit_id=unit_id).values_list("unit_id", flat=True)
    )
    return Proceeding.objects.filter(
        Q(official__unit_id__in=serving | {unit_id}) | Q(unit_id=unit_id)
    ).select_related("official", "measure")
