"""Obstacles: a unit raises a difficulty, the responsible provincial body answers it by a
deadline in working days, the scheduled job escalates it when late, the answer closes it and may
be published as guidance every unit of the province searches (so a question is answered once).

Routing: the province's `ObstacleRoute` for the category names the responsible body and its
working days to answer; without one, the fallback is the office of the province's people's
committee (Văn phòng Ủy ban nhân dân tỉnh), else the people's committee, else the province, with
DEFAULT_ANSWER_DAYS. Escalation goes to the province's people's committee.

Transitions (one function each): raise → open; answer (open or escalated) → answered;
close (answered) → closed; publish (answered or closed) sets `published`. Each refuses an
illegal move (409), does nothing when repeated, applies with a conditional UPDATE on the
version read, and writes an audit row with the actor.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.accounts.access import access_unit, memberships_in_force, records_filter, scope_for
from tinhgon.coordination import mail
from tinhgon.coordination.models import (
    Obstacle,
    ObstacleCategory,
    ObstacleRoute,
    ObstacleStatus,
    Reminder,
)
from tinhgon.core import text
from tinhgon.core.errors import DomainError, Forbidden, NotFound, invalid
from tinhgon.core.models import audit
from tinhgon.units import selectors as units
from tinhgon.units.kinds import Kind, Level
from tinhgon.units.models import UnitVersion
from tinhgon.workdays.calendar import local_time
from tinhgon.workdays.selectors import calendar_around

log = logging.getLogger(__name__)

SUBJECT_LIMIT = 300
BODY_LIMIT = 10_000
ANSWER_LIMIT = 10_000
DEFAULT_ANSWER_DAYS = 10
MAX_ANSWER_DAYS = 90
OPEN = (ObstacleStatus.OPEN, ObstacleStatus.ESCALATED)
# Obstacles that follow their raising unit through a reorganization: not closed yet.
LIVE = (ObstacleStatus.OPEN, ObstacleStatus.ESCALATED, ObstacleStatus.ANSWERED)
# The body of the standard apparatus (units.template) that answers each category by default.
DEFAULT_ROUTES = {
    ObstacleCategory.STAFF: "SNV",  # Sở Nội vụ: organization, staff, positions
    ObstacleCategory.FINANCE: "STC",  # Sở Tài chính: budgets, public assets
    ObstacleCategory.FACILITIES: "SXD",  # Sở Xây dựng: offices, buildings
    ObstacleCategory.PROCEDURES: "VP",  # Văn phòng UBND: control of administrative procedures
    ObstacleCategory.DATA: "SKHCN",  # Sở Khoa học và Công nghệ: digital transformation, data
    ObstacleCategory.LEGAL: "STP",  # Sở Tư pháp
    ObstacleCategory.OTHER: "VP",
}
OFFICE_FOLDED = "van phong uy ban nhan dan"
MAX_RESULTS = 200


# -- routing ---------------------------------------------------------------------------------
def _province_version(province_id: int, day: dt.date) -> UnitVersion:
    version = units.version_on(province_id, day)
    if version.level != Level.PROVINCE or version.admin_unit_id != version.unit_id:
        raise invalid(_("%(name)s is not a province.") % {"name": version.name}, field="province")
    return version


def peoples_committee(province_id: int, day: dt.date) -> int:
    """The province's people's committee (where escalations go), else the province itself."""
    found = (
        units.versions_on(day)
        .filter(parent_id=province_id, kind=Kind.PEOPLES_COMMITTEE)
        .values_list("unit_id", flat=True)
        .first()
    )
    return int(found or province_id)


def fallback_body(province_id: int, day: dt.date) -> int:
    """The documented fallback: the office of the province's people's committee."""
    office = (
        units.versions_on(day)
        .filter(
            province_id=province_id,
            kind=Kind.DEPARTMENT,
            name_folded__startswith=OFFICE_FOLDED,
        )
        .order_by("unit_id")
        .values_list("unit_id", flat=True)
        .first()
    )
    return int(office or peoples_committee(province_id, day))


def route_for(province_id: int, category: str, day: dt.date) -> tuple[int, int]:
    """(responsible body, working days to answer) for a category in the province."""
    route = (
        ObstacleRoute.objects.filter(province_id=province_id, category=category)
        .values_list("body_id", "answer_days")
        .first()
    )
    if route is not None:
        body, days = route
        if units.versions_on(day).filter(unit_id=body).exists():
            return int(body), int(days)
        # The body closed (a reorganization): its successor is not known here; the office is.
        return fallback_body(province_id, day), int(days)
    return fallback_body(province_id, day), DEFAULT_ANSWER_DAYS


@transaction.atomic
def route_set(  # type: ignore[no-untyped-def]
    *, actor, province_id: int, category: str, body_id: int, answer_days: int = DEFAULT_ANSWER_DAYS
) -> ObstacleRoute:
    """Route a category to a body of the province (the province's administrators decide)."""
    if category not in ObstacleCategory.values:
        raise invalid(_("Unknown category."), field="category")
    if not 1 <= answer_days <= MAX_ANSWER_DAYS:
        raise invalid(
            _("From 1 to %(n)s working days.") % {"n": MAX_ANSWER_DAYS}, field="answer_days"
        )
    today = timezone.localdate()
    if actor is not None:
        access_unit(actor, province_id, write=True)
    body = units.version_on(body_id, today)
    if body.province_id != province_id or body.unit_id == province_id:
        raise invalid(_("The body must be a unit of the province."), field="body")
    route, _created = ObstacleRoute.objects.update_or_create(
        province_id=province_id,
        category=category,
        defaults={"body_id": body_id, "answer_days": answer_days},
    )
    audit(
        actor=actor, action="obstacle_route_set", unit=province_id, category=category, body=body_id
    )
    return route


@transaction.atomic
def routes_seed_defaults(*, actor, province_id: int) -> int:  # type: ignore[no-untyped-def]
    """The default routes (DEFAULT_ROUTES) for the categories the province has not routed yet,
    to the bodies of its standard apparatus that exist; returns how many were made."""
    today = timezone.localdate()
    province = _province_version(province_id, today)
    bodies = dict(
        units.versions_on(today)
        .filter(province_id=province_id, kind=Kind.DEPARTMENT)
        .values_list("code", "unit_id")
    )
    routed = set(
        ObstacleRoute.objects.filter(province_id=province_id).values_list("category", flat=True)
    )
    made = [
        ObstacleRoute(province_id=province_id, category=category, body_id=bodies[code])
        for category, code in ((c, f"{province.code}-{s}") for c, s in DEFAULT_ROUTES.items())
        if category not in routed and code in bodies
    ]
    ObstacleRoute.objects.bulk_create(made)
    if made:
        audit(actor=actor, action="obstacle_routes_seed", unit=province_id, made=len(made))
    return len(made)


# -- who may act -----------------------------------------------------------------------------
def raised_filter(actor, day: dt.date, *, write: bool = False) -> Q:  # type: ignore[no-untyped-def]
    """Obstacles raised by the actor's units (the province's, for the province)."""
    return records_filter(
        scope_for(actor), day, unit_field="unit", province_field="province", write=write
    )


def routed_filter(actor, day: dt.date) -> Q:  # type: ignore[no-untyped-def]
    """Obstacles routed (or escalated) to a body the actor writes for."""
    scope = scope_for(actor)
    return records_filter(scope, day, unit_field="responsible", write=True) | records_filter(
        scope, day, unit_field="escalated_to", write=True
    )


def provinces_of(actor, day: dt.date) -> list[int]:  # type: ignore[no-untyped-def]
    """The provinces the actor's units lie in (where they read the published guidance)."""
    scope = scope_for(actor)
    if scope.everything:
        return list(
            units.versions_on(day)
            .filter(level=Level.PROVINCE, admin_unit_id=F("unit_id"))
            .values_list("unit_id", flat=True)
        )
    found = set()
    for membership in memberships_in_force(actor, day):
        try:
            version = units.version_on(membership.unit_id, day)
        except NotFound:
            continue
        found.add(int(version.province_id or version.unit_id))
    return sorted(found)


def access_obstacle(actor, obstacle_id: int, *, answer: bool = False) -> Obstacle:  # type: ignore[no-untyped-def]
    """The obstacle if the actor raised it (their units), it is routed to them, or it is
    published guidance of their province; answer: only the body it is routed or escalated to.
    Outside all of these it answers as if it did not exist."""
    found = Obstacle.objects.filter(pk=obstacle_id)
    obstacle = found.first()
    if obstacle is None:
        raise NotFound(_("No obstacle %(id)s in your scope.") % {"id": obstacle_id})
    if actor is None:
        return obstacle
    today = timezone.localdate()
    if found.filter(routed_filter(actor, today)).exists():
        return obstacle
    visible = found.filter(
        raised_filter(actor, today) | Q(published=True, province_id__in=provinces_of(actor, today))
    ).exists()
    if not visible:
        raise NotFound(_("No obstacle %(id)s in your scope.") % {"id": obstacle_id})
    if answer:
        raise Forbidden(_("Only the body this obstacle is routed to answers it."))
    return obstacle


# -- transitions -----------------------------------------------------------------------------
def _clean(value: str, limit: int, field: str) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise invalid(_("This field is required."), field=field)
    if len(cleaned) > limit:
        raise invalid(_("At most %(n)s characters.") % {"n": limit}, field=field)
    return cleaned


def _illegal(obstacle: Obstacle, move: str) -> DomainError:
    return DomainError(
        _("Obstacle %(id)s is %(status)s: it cannot be %(move)s.")
        % {"id": obstacle.pk, "status": ObstacleStatus(obstacle.status).label, "move": move},
        code="illegal_move",
        status=409,
    )


def _apply(obstacle: Obstacle, **changes: Any) -> None:
    """A conditional UPDATE on the status and version read: of two at once, one applies."""
    changed = Obstacle.objects.filter(
        pk=obstacle.pk, status=obstacle.status, version=obstacle.version
    ).update(version=F("version") + 1, **changes)
    if not changed:
        raise DomainError(
            _("The obstacle changed meanwhile; reload it and try again."),
            code="conflict",
            status=409,
        )
    obstacle.refresh_from_db()


def _search_text(obstacle: Obstacle) -> str:
    return text.fold(f"{obstacle.subject} {obstacle.body} {obstacle.answer}")


@transaction.atomic
def obstacle_raise(  # type: ignore[no-untyped-def]
    *,
    actor,
    unit_id: int,
    category: str,
    subject: str,
    body: str,
    plan_ref: int | None = None,
    dossier_code: str = "",
    synthetic: bool = False,
) -> Obstacle:
    """A unit raises an obstacle: routed to the responsible body of the category in its
    province, due that body's working days after it was raised."""
    if category not in ObstacleCategory.values:
        raise invalid(
            _("The category must be one of %(c)s.") % {"c": ", ".join(ObstacleCategory.values)},
            field="category",
        )
    subject = " ".join(_clean(subject, SUBJECT_LIMIT, "subject").split())
    body = _clean(body, BODY_LIMIT, "body")
    dossier_code = (dossier_code or "").strip()
    if len(dossier_code) > 64:
        raise invalid(_("At most %(n)s characters.") % {"n": 64}, field="dossier_code")
    now = timezone.now()
    today = local_time(now).date()
    if actor is None:
        version = units.version_on(unit_id, today)
    else:
        version = access_unit(actor, unit_id, write=True)
    province_id = int(version.province_id or version.unit_id)
    responsible, days = route_for(province_id, category, today)
    due = calendar_around(local_time(now), days).due(now, days).date()
    obstacle = Obstacle(
        unit_id=version.unit_id,
        province_id=province_id,
        category=category,
        subject=subject,
        body=body,
        plan_ref=plan_ref,
        dossier_code=dossier_code,
        responsible_id=responsible,
        due=due,
        raised_by=actor if getattr(actor, "is_authenticated", False) else None,
        raised_at=now,
        synthetic=synthetic,
    )
    obstacle.search_text = _search_text(obstacle)
    obstacle.save()
    audit(
        actor=actor,
        action="obstacle_raise",
        unit=version.unit_id,
        obstacle=obstacle.pk,
        responsible=responsible,
    )
    _notify(
        [responsible],
        _("New obstacle: %(subject)s") % {"subject": subject},
        _("An obstacle was raised (%(category)s), to be answered by %(due)s.")
        % {"category": ObstacleCategory(category).label, "due": text.day(due)},
    )
    return obstacle


@transaction.atomic
def obstacle_answer(*, actor, obstacle_id: int, answer: str) -> Obstacle:  # type: ignore[no-untyped-def]
    """The responsible (or escalated-to) body answers; the same answer again changes nothing."""
    obstacle = access_obstacle(actor, obstacle_id, answer=True)
    answer = _clean(answer, ANSWER_LIMIT, "answer")
    if obstacle.status == ObstacleStatus.ANSWERED and obstacle.answer == answer:
        return obstacle
    if obstacle.status not in OPEN:
        raise _illegal(obstacle, _("answered"))
    obstacle.answer = answer
    _apply(
        obstacle,
        status=ObstacleStatus.ANSWERED,
        answer=answer,
        answered_by=actor if getattr(actor, "is_authenticated", False) else None,
        answered_at=timezone.now(),
        search_text=_search_text(obstacle),
    )
    audit(actor=actor, action="obstacle_answer", unit=obstacle.responsible_id, obstacle=obstacle.pk)
    _notify(
        [obstacle.unit_id],
        _("Your obstacle was answered: %(subject)s") % {"subject": obstacle.subject},
        answer,
    )
    return obstacle


@transaction.atomic
def obstacle_close(*, actor, obstacle_id: int) -> Obstacle:  # type: ignore[no-untyped-def]
    """Close an answered obstacle with its answer (the raising unit or the responsible body)."""
    obstacle = access_obstacle(actor, obstacle_id)
    if actor is not None:
        today = timezone.localdate()
        found = Obstacle.objects.filter(pk=obstacle.pk)
        if not found.filter(
            raised_filter(actor, today, write=True) | routed_filter(actor, today)
        ).exists():
            raise Forbidden(_("You may not close this obstacle."))
    if obstacle.status == ObstacleStatus.CLOSED:
        return obstacle
    if obstacle.status != ObstacleStatus.ANSWERED:
        raise _illegal(obstacle, _("closed before it is answered"))
    _apply(obstacle, status=ObstacleStatus.CLOSED, closed_at=timezone.now())
    audit(actor=actor, action="obstacle_close", unit=obstacle.unit_id, obstacle=obstacle.pk)
    return obstacle


@transaction.atomic
def obstacle_publish(*, actor, obstacle_id: int, published: bool = True) -> Obstacle:  # type: ignore[no-untyped-def]
    """The responsible body publishes an answer as guidance (or withdraws it)."""
    obstacle = access_obstacle(actor, obstacle_id, answer=True)
    if obstacle.published == published:
        return obstacle
    if obstacle.status not in (ObstacleStatus.ANSWERED, ObstacleStatus.CLOSED):
        raise _illegal(obstacle, _("published before it is answered"))
    _apply(obstacle, published=published)
    audit(
        actor=actor,
        action="obstacle_publish" if published else "obstacle_unpublish",
        unit=obstacle.responsible_id,
        obstacle=obstacle.pk,
    )
    return obstacle


# -- the scheduled job -----------------------------------------------------------------------
def _notify(unit_ids: Iterable[int], subject: str, body: str) -> list[str]:
    """Email the officials of the units after the transaction commits (a change rolled back
    sends nothing; a mail server that fails does not undo the change)."""
    recipients = mail.member_emails(unit_ids, timezone.localdate())
    mail.send_after_commit(subject, body, recipients)
    return recipients


@transaction.atomic
def obstacles_remind_and_escalate(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The scheduled job's part: on its due day an open obstacle reminds its body (once); past
    its due day it is escalated to the province's people's committee (once), both bodies told.
    Set-based: one UPDATE per province escalates; reminders are unique per obstacle, kind, day."""
    now = now or timezone.now()
    today = local_time(now).date()
    reminded = 0
    due_today = list(
        Obstacle.objects.filter(status=ObstacleStatus.OPEN, due=today).values_list(
            "pk", "responsible_id", "subject"
        )
    )
    already = set(
        Reminder.objects.filter(
            kind="due", day=today, obstacle_id__in=[o[0] for o in due_today]
        ).values_list("obstacle_id", flat=True)
    )
    for pk, responsible, subject in due_today:
        if pk in already:
            continue
        recipients = _notify(
            [responsible],
            _("An obstacle is due today: %(subject)s") % {"subject": subject},
            _("Please answer it today; tomorrow it is escalated."),
        )
        Reminder.objects.create(
            obstacle_id=pk, kind="due", day=today, recipients=recipients, sent_at=now
        )
        reminded += 1
    escalated = 0
    late = Obstacle.objects.filter(status=ObstacleStatus.OPEN, due__lt=today)
    for province_id in late.values_list("province_id", flat=True).distinct():
        target = peoples_committee(province_id, today)
        rows = list(
            late.filter(province_id=province_id).values_list("pk", "responsible_id", "subject")
        )
        changed = late.filter(pk__in=[r[0] for r in rows]).update(
            status=ObstacleStatus.ESCALATED,
            escalated_to_id=target,
            escalated_at=now,
            version=F("version") + 1,
        )
        escalated += changed
        reminders = []
        for pk, responsible, subject in rows:
            recipients = _notify(
                [target, responsible],
                _("Obstacle escalated: %(subject)s") % {"subject": subject},
                _("It was not answered by its deadline."),
            )
            reminders.append(
                Reminder(
                    obstacle_id=pk, kind="escalated", day=today, recipients=recipients, sent_at=now
                )
            )
        Reminder.objects.bulk_create(reminders, ignore_conflicts=True)
        audit(
            actor=None,
            action="obstacles_escalate",
            unit=province_id,
            obstacles=[r[0] for r in rows],
            to=target,
        )
    return {"reminded": reminded, "escalated": escalated}


# -- reads -----------------------------------------------------------------------------------
def raised(actor, *, open_only: bool = False) -> QuerySet[Obstacle]:  # type: ignore[no-untyped-def]
    found = Obstacle.objects.filter(raised_filter(actor, timezone.localdate()))
    if open_only:
        found = found.filter(status__in=OPEN)
    return found.order_by("-raised_at", "-pk")


def inbox(actor, *, open_only: bool = True) -> QuerySet[Obstacle]:  # type: ignore[no-untyped-def]
    """What the actor's body must answer: routed or escalated to it, the soonest due first."""
    found = Obstacle.objects.filter(routed_filter(actor, timezone.localdate()))
    if open_only:
        found = found.filter(status__in=OPEN)
    return found.order_by("due", "pk")


def guidance(actor, query: str = "", *, limit: int = MAX_RESULTS) -> list[Obstacle]:  # type: ignore[no-untyped-def]
    """Published answers of the actor's provinces whose folded text holds every word of the
    query, with or without diacritics ("chi tra luong" finds "chi trả lương")."""
    today = timezone.localdate()
    found = Obstacle.objects.filter(published=True, province_id__in=provinces_of(actor, today))
    for word in text.fold(query[:200]).split()[:10]:
        found = found.filter(search_text__contains=word)
    return list(found.order_by("-answered_at", "-pk")[:limit])
