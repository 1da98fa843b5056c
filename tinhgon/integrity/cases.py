"""Cases: receipt, routing, deadlines and handling (one function per transition).

Routing (`route`): a case goes to the unit it concerns (an administrative unit: its people's
committee), unless the official concerned manages that unit: an official holding a head or
deputy position manages the unit of the position and everything under it, and one who leads a
people's committee manages its whole administrative unit. Then it climbs the parent chain to the
first unit the official does not manage; above the administrative unit concerned, complaints and
denunciations go to the province's inspectorate (Law on Inspection 84/2025: the provincial
inspectorate handles complaints and denunciations), feedback to the province's people's committee.
A case never lands with the official concerned nor anyone that official manages.

Deadlines (`due`) are the close of the last working day of the statutory limit (TimeLimit rows,
seeded with their articles) counted on the working-day calendar from receipt; an extension adds
the limit's extension days counted from the current due date, as many times as the law allows.

Transitions: received → accepted → decided → closed, with `case_accept`, `case_extend`,
`case_decide`, `case_close`. Each is checked and applied with a conditional UPDATE (status and
version as read): an illegal move is refused, the same move again does nothing, a concurrent
change is retried. Every change writes a CaseEvent with its actor and an audit row; neither ever
holds the author's identity, which only the handler reads (`author_for`).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.accounts.access import (
    hierarchy_filter,
    member_of,
    memberships_in_force,
    records_filter,
    scope_for,
)
from tinhgon.core.errors import DomainError, Forbidden, NotFound, invalid
from tinhgon.core.models import audit
from tinhgon.integrity import flags_complaints
from tinhgon.integrity.models import (
    OPEN_CASE,
    Case,
    CaseEvent,
    CaseKind,
    CaseStatus,
    Channel,
    TimeLimit,
    Variant,
)
from tinhgon.staffing.models import Assignment, LeaderRole, Official
from tinhgon.units import selectors
from tinhgon.units.kinds import KIND_INFO, Kind
from tinhgon.units.models import UnitVersion
from tinhgon.workdays.calendar import VIETNAM, local_time
from tinhgon.workdays.selectors import calendar_around

# -- the sealed author ------------------------------------------------------------------------


def _fernet() -> Fernet:
    # Its own key context: a token of staffing.protect never opens here, nor one of here there.
    key = hashlib.sha256(("tinhgon-case-author:" + settings.TINHGON_FIELD_KEY).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal_author(*, name: str, contact: str) -> str:
    return _fernet().encrypt(json.dumps({"name": name, "contact": contact}).encode()).decode()


@dataclass(frozen=True)
class Author:
    name: str
    contact: str


def is_handler(user, case: Case) -> bool:  # type: ignore[no-untyped-def]
    """The handler: the person who accepted the case; before that, an official (not an
    administrator, not an observer) whose membership in force is at the handler unit itself, or
    at the administrative unit whose people's committee handles it. Superusers and provincial
    administrators are not handlers as such: the author stays sealed from them."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if case.handler_id is not None:
        return bool(case.handler_id == user.pk)
    return _member_of(user, case.handler_unit_id)


def _member_of(user, unit_id: int) -> bool:  # type: ignore[no-untyped-def]
    return member_of(user, unit_id)


def author_for(user, case: Case) -> Author | None:  # type: ignore[no-untyped-def]
    """The author's name and contact for the handler; None for anyone else and for an
    anonymous case. The only place the seal is opened."""
    if case.anonymous or not case.author_sealed or not is_handler(user, case):
        return None
    try:
        data = json.loads(_fernet().decrypt(case.author_sealed.encode()))
    except InvalidToken:
        raise DomainError(_("The author cannot be read with the current key.")) from None
    return Author(name=data["name"], contact=data["contact"])


# -- routing ------------------------------------------------------------------------------------

ADMIN_KINDS = frozenset(k for k, info in KIND_INFO.items() if info.admin_level is not None)


def _managed(official: Official | None, day: dt.date) -> tuple[set[int], set[int]]:
    """The units an official leads (head or deputy, in force on `day`), and the administrative
    units they lead whole (by leading its people's committee or the unit itself)."""
    if official is None:
        return set(), set()
    led = set(
        Assignment.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
            official=official,
            valid_from__lte=day,
            position__leader_role__in=[LeaderRole.HEAD, LeaderRole.DEPUTY],
        ).values_list("unit_id", flat=True)
    )
    whole = {
        v.admin_unit_id
        for v in selectors.versions_on(day).filter(unit_id__in=led)
        if v.kind == Kind.PEOPLES_COMMITTEE or v.kind in ADMIN_KINDS
    }
    return led, whole


def committee_of(admin_unit_id: int, day: dt.date) -> int | None:
    return (
        selectors.versions_on(day)
        .filter(parent_id=admin_unit_id, kind=Kind.PEOPLES_COMMITTEE)
        .values_list("unit_id", flat=True)
        .first()
    )


def inspectorate_of(admin_unit_id: int, day: dt.date) -> int | None:
    committee = committee_of(admin_unit_id, day)
    return (
        selectors.versions_on(day)
        .filter(parent_id=committee, kind=Kind.DEPARTMENT, name_folded__startswith="thanh tra")
        .values_list("unit_id", flat=True)
        .first()
    )


def route(*, kind: str, unit_id: int, official: Official | None, day: dt.date) -> int:
    """The handler unit of a case of `kind` concerning `unit_id` (and `official`) on `day`."""
    concerned = selectors.version_on(unit_id, day)
    led, whole = _managed(official, day)
    chain = [unit_id, *selectors.ancestor_ids(unit_id, day)]
    versions = {v.unit_id: v for v in selectors.versions_on(day).filter(unit_id__in=chain)}

    def managed(candidate: int) -> bool:
        at = chain.index(candidate)
        version = versions[candidate]
        return bool(led & set(chain[at:])) or version.admin_unit_id in whole

    for candidate in chain:
        version = versions[candidate]
        if version.kind in ADMIN_KINDS and candidate != concerned.admin_unit_id:
            # Above the administrative unit concerned: its inspectorate or people's committee.
            target = above(kind, candidate, day)
            if target is not None and not _is_managed_unit(target, led, whole, day):
                return target
            continue
        if not managed(candidate):
            return _handling_unit(candidate, version, day)
    raise DomainError(
        _(
            "No unit in the registry may handle this case: the official concerned leads the "
            "province; it goes to the Government Inspectorate."
        ),
        code="no_handler",
    )


def _handling_unit(candidate: int, version: UnitVersion, day: dt.date) -> int:
    """An administrative unit handles through its people's committee."""
    if version.kind in ADMIN_KINDS:
        return committee_of(candidate, day) or candidate
    return candidate


def above(kind: str, admin_unit_id: int, day: dt.date) -> int | None:
    if kind in (CaseKind.COMPLAINT, CaseKind.DENUNCIATION):
        return inspectorate_of(admin_unit_id, day) or committee_of(admin_unit_id, day)
    return committee_of(admin_unit_id, day)


def _is_managed_unit(unit_id: int, led: set[int], whole: set[int], day: dt.date) -> bool:
    chain = {unit_id, *selectors.ancestor_ids(unit_id, day)}
    return bool(led & chain) or selectors.version_on(unit_id, day).admin_unit_id in whole


# -- deadlines ----------------------------------------------------------------------------------


def time_limit(kind: str, variant: str) -> TimeLimit:
    """The limit of a kind and variant; a variant the law does not distinguish for that kind
    (a remote denunciation) takes the kind's normal limit."""
    found = {t.variant: t for t in TimeLimit.objects.filter(kind=kind)}
    limit = found.get(variant) or found.get(Variant.NORMAL)
    if limit is None:
        raise invalid(_("No time limit is recorded for %(kind)s.") % {"kind": kind}, field="kind")
    return limit


def due(start: dt.datetime, days: int) -> dt.datetime:
    return calendar_around(local_time(start), days).due(start, days)


# -- transitions --------------------------------------------------------------------------------


def _user(actor):  # type: ignore[no-untyped-def]
    return actor if getattr(actor, "is_authenticated", False) else None


def _record(
    case: Case, *, actor, move: str, from_status: str, at: dt.datetime, note: str = "", data=None
) -> None:  # type: ignore[no-untyped-def]
    CaseEvent.objects.create(
        case=case,
        move=move,
        from_status=from_status,
        to_status=case.status,
        actor=_user(actor),
        unit_id=case.handler_unit_id,
        at=at,
        note=note,
        data=data or {},
    )
    # The audit row names the case, never its author.
    audit(
        actor=actor, action=f"case_{move}", unit=case.handler_unit_id, case=case.pk, kind=case.kind
    )


@transaction.atomic
def case_receive(  # type: ignore[no-untyped-def]
    *,
    actor,
    kind: str,
    subject: str,
    body: str,
    channel: str,
    unit_id: int,
    received_at: dt.datetime | None = None,
    variant: str = Variant.NORMAL,
    official_id: int | None = None,
    dossier_code: str = "",
    anonymous: bool = False,
    author_name: str = "",
    author_contact: str = "",
    synthetic: bool = False,
) -> Case:
    """Record a case and route it: the handler unit is never one the official concerned leads;
    due is the limit of its kind and variant on the working-day calendar from receipt."""
    if kind not in CaseKind.values:
        raise invalid(_("Unknown kind of case: %(v)s.") % {"v": kind}, field="kind")
    if channel not in Channel.values:
        raise invalid(_("Unknown channel: %(v)s.") % {"v": channel}, field="channel")
    if variant not in Variant.values:
        raise invalid(_("Unknown variant: %(v)s.") % {"v": variant}, field="variant")
    subject, body = " ".join((subject or "").split()), (body or "").strip()
    if not subject:
        raise invalid(_("A case needs a subject."), field="subject")
    if not body:
        raise invalid(_("A case needs its content."), field="body")
    name, contact = (author_name or "").strip(), (author_contact or "").strip()
    if anonymous and (name or contact):
        raise invalid(_("An anonymous case has no author's name or contact."), field="anonymous")
    if not anonymous and not name:
        raise invalid(_("Give the author's name, or mark the case anonymous."), field="author_name")
    if kind == CaseKind.COMPLAINT and anonymous:
        # Law on Complaints 2011, Art. 8: a complaint names its complainant.
        raise invalid(_("A complaint cannot be anonymous."), field="anonymous")
    received_at = received_at or timezone.now()
    day = local_time(received_at).date()
    concerned = selectors.version_on(unit_id, day)
    official = None
    if official_id is not None:
        official = Official.objects.filter(pk=official_id).first()
        if official is None:
            raise invalid(
                _("Official %(id)s does not exist.") % {"id": official_id}, field="official"
            )
    handler_unit = route(kind=kind, unit_id=unit_id, official=official, day=day)
    handler = selectors.version_on(handler_unit, day)
    limit = time_limit(kind, variant)
    case = Case.objects.create(
        kind=kind,
        variant=variant,
        subject=subject[:300],
        body=body,
        channel=channel,
        received_at=received_at,
        unit_id=unit_id,
        province_id=concerned.province_id or concerned.unit_id,
        official=official,
        dossier_code=(dossier_code or "").strip()[:40],
        handler_unit_id=handler_unit,
        handler_province_id=handler.province_id or handler.unit_id,
        due=due(received_at, limit.days),
        anonymous=anonymous,
        author_sealed="" if anonymous else seal_author(name=name, contact=contact),
        synthetic=synthetic,
    )
    _record(
        case,
        actor=actor,
        move="receive",
        from_status="",
        at=received_at,
        data={"limit": limit.days, "source": limit.source},
    )
    flags_complaints.case_received(case)  # the complaints red flag (integrity/flags_complaints.py)
    return case


Change = Callable[[Case, dt.datetime], dict[str, Any]]

MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    "accept": ((CaseStatus.RECEIVED,), CaseStatus.ACCEPTED),
    "extend": ((CaseStatus.ACCEPTED,), CaseStatus.ACCEPTED),
    "decide": ((CaseStatus.ACCEPTED,), CaseStatus.DECIDED),
    "close": ((CaseStatus.DECIDED,), CaseStatus.CLOSED),
}


def access_case(actor, case_id: int) -> Case:  # type: ignore[no-untyped-def]
    """A case the actor may act on: one they may read (`readable_case`: else it does not exist
    for them, as an unknown case) and whose handler unit they are a member of, or which they
    accepted (else Forbidden). None: the system. Acting never reaches further than reading: a
    member of the handler unit who also holds a membership at a unit the official concerned
    leads reads no denunciation against that official, so does not act on it either."""
    if actor is None:
        case = Case.objects.filter(pk=case_id).first()
        if case is None:
            raise NotFound(_("Case %(id)s does not exist.") % {"id": case_id})
        return case
    case = readable_case(actor, case_id)
    if case.handler_id != actor.pk and not _member_of(actor, case.handler_unit_id):
        raise Forbidden(_("Only the handler unit acts on this case."))
    return case


def _transition(  # type: ignore[no-untyped-def]
    *,
    actor,
    case_id: int,
    move: str,
    version: int | None = None,
    change: Change | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
    repeated: Callable[[Case], bool] | None = None,
) -> Case:
    sources, target = MOVES[move]
    with transaction.atomic():
        for _attempt in range(5):
            case = access_case(actor, case_id)
            if version is not None and case.version != version:
                if repeated is not None and repeated(case):
                    return case
                raise DomainError(
                    _("Case %(id)s changed since you read it; reload it.") % {"id": case_id},
                    code="stale",
                    status=409,
                )
            if repeated(case) if repeated else case.status == target:
                return case  # the same move again: nothing to do
            if case.status not in sources:
                raise DomainError(
                    _("Case %(id)s is %(status)s: it cannot be %(move)s.")
                    % {"id": case_id, "status": case.get_status_display(), "move": move},
                    code="illegal_move",
                    status=409,
                )
            now = timezone.now()
            changes = change(case, now) if change else {}
            updated = Case.objects.filter(
                pk=case.pk, status=case.status, version=case.version
            ).update(status=target, version=F("version") + 1, **changes)
            if updated:
                from_status = case.status
                case.refresh_from_db()
                _record(
                    case,
                    actor=actor,
                    move=move,
                    from_status=from_status,
                    at=now,
                    note=note,
                    data=data,
                )
                return case
        raise DomainError(
            _("Case %(id)s is changing; try again.") % {"id": case_id}, code="busy", status=409
        )


def case_accept(*, actor, case_id: int, version: int | None = None) -> Case:  # type: ignore[no-untyped-def]
    """Accept the case for handling: the acting member becomes its handler (the one who reads
    the author from now on)."""
    return _transition(
        actor=actor,
        case_id=case_id,
        move="accept",
        version=version,
        change=lambda case, now: {"handler": _user(actor)},
    )


def case_extend(  # type: ignore[no-untyped-def]
    *, actor, case_id: int, reason: str, extensions: int, version: int | None = None
) -> Case:
    """Extend an accepted case once more (`extensions` is the count it reaches, so that the same
    request twice extends once): the due date moves by the limit's extension days on the
    calendar; refused beyond the number the law allows."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise invalid(_("An extension needs its reason."), field="reason")

    def change(case: Case, now: dt.datetime) -> dict[str, Any]:
        limit = time_limit(case.kind, case.variant)
        if case.extensions + 1 != extensions:
            raise invalid(
                _("Case %(id)s has %(n)s extension(s); ask for extension %(next)s.")
                % {"id": case.pk, "n": case.extensions, "next": case.extensions + 1},
                field="extensions",
            )
        if case.extensions >= limit.max_extensions:
            raise invalid(
                _("The law allows %(n)s extension(s) for this case (%(source)s).")
                % {"n": limit.max_extensions, "source": limit.source},
                field="extensions",
            )
        # Counted from the due day itself (not from its close of business, which the calendar
        # would take as a receipt on the next working day): the N-th working day after it.
        start = dt.datetime.combine(local_time(case.due).date(), dt.time(0, 0), tzinfo=VIETNAM)
        return {"due": due(start, limit.extension_days), "extensions": extensions}

    return _transition(
        actor=actor,
        case_id=case_id,
        move="extend",
        version=version,
        change=change,
        note=reason,
        repeated=lambda case: case.status == CaseStatus.ACCEPTED and case.extensions >= extensions,
    )


def case_decide(  # type: ignore[no-untyped-def]
    *, actor, case_id: int, decision: str, version: int | None = None
) -> Case:
    """Record the decision (conclusion) of an accepted case."""
    decision = (decision or "").strip()
    if not decision:
        raise invalid(_("A decision needs its content."), field="decision")
    return _transition(
        actor=actor,
        case_id=case_id,
        move="decide",
        version=version,
        change=lambda case, now: {"decision": decision, "decided_at": now},
    )


def case_close(*, actor, case_id: int, version: int | None = None) -> Case:  # type: ignore[no-untyped-def]
    """Close a decided case (its notice sent)."""
    return _transition(actor=actor, case_id=case_id, move="close", version=version)


# -- reads ---------------------------------------------------------------------------------------


def visible_cases(user, *, day: dt.date | None = None) -> QuerySet[Case]:  # type: ignore[no-untyped-def]
    """The cases a user may read (docs/integrity-cases.md, "Who reads a case").

    Feedback and complaints: those whose handler unit the scope covers, or the unit concerned.
    A denunciation: only on its handler's side, and through a real hierarchy: the members of
    its handler unit and those whose membership is at a unit above it (a department's official
    reads the province's scope, but not what the province's other bodies handle); never anyone
    holding a membership at a unit the official concerned leads (nor its administrative unit
    when they lead its people's committee), whatever else they hold; never the account linked
    to the official concerned in the staff records (`staffing.Official.user`), whatever it holds,
    superuser or not. Superusers read all the rest."""
    day = day or timezone.localdate()
    scope = scope_for(user)
    if scope.everything:
        # An empty Q() in an OR would drop to the other side.
        return Case.objects.exclude(Q(kind=CaseKind.DENUNCIATION) & _against(user))
    if not scope.roots:
        return Case.objects.none()  # anonymous, inactive, or no membership in force
    handled = records_filter(
        scope, day, unit_field="handler_unit", province_field="handler_province"
    )
    concerned = records_filter(scope, day, unit_field="unit", province_field="province")
    above = hierarchy_filter(
        user, day, unit_field="handler_unit", province_field="handler_province"
    )
    denunciation = Q(kind=CaseKind.DENUNCIATION)
    return Case.objects.filter(
        (~denunciation & (handled | concerned))
        | (
            denunciation
            & ((handled & above) | Q(handler_id=user.pk))
            & ~_led_by_concerned(user, day)
            & ~_against(user)
        )
    )


def _against(user) -> Q:  # type: ignore[no-untyped-def]
    """The cases whose official concerned is the person whose own account `user` is (the link
    of the staff records: one official at most)."""
    return Q(official_id__in=Official.objects.filter(user_id=user.pk).values("pk"))


def refuse_link_to_handler(official: Official, user: Any, actor: Any) -> None:
    """The guard of `staffing.user_link` (registered by cases_setup): the account of who handles
    an open denunciation against the official is never linked to that official's record, for the
    link would hide the case from its own handler. Refused (409) when the account is the
    handler (`Case.handler`), for everyone; or, for every actor but the operator (None), when it
    holds a membership in force at the handler unit. The operator may still make that link: the
    person concerned may themselves hold a membership there, and only someone who has checked
    who the account's owner is (at the command line) decides that case."""
    against = Case.objects.filter(
        kind=CaseKind.DENUNCIATION, status__in=OPEN_CASE, official_id=official.pk
    )
    handles = against.filter(handler_id=user.pk).exists()
    if not handles and actor is not None:
        units = against.values("handler_unit_id")
        handles = memberships_in_force(user).filter(unit_id__in=units).exists()
    if handles:
        raise DomainError(
            message=_(
                "The account '%(username)s' handles an open case concerning this official: it "
                "is not linked to them while the case is open."
            )
            % {"username": user.get_username()},
            code="handles_case",
            status=409,
        )


def _led_by_concerned(user, day: dt.date) -> Q:  # type: ignore[no-untyped-def]
    """The cases whose official concerned leads (head or deputy, on `day`) a unit the user holds
    a membership in, or the people's committee of an administrative unit they hold one in."""
    held = list(memberships_in_force(user, day).values_list("unit_id", flat=True))
    committees = selectors.versions_on(day).filter(parent_id__in=held, kind=Kind.PEOPLES_COMMITTEE)
    leaders = Assignment.objects.filter(
        Q(unit_id__in=held) | Q(unit_id__in=committees.values("unit_id")),
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        valid_from__lte=day,
        position__leader_role__in=[LeaderRole.HEAD, LeaderRole.DEPUTY],
    )
    return Q(official_id__in=leaders.values("official_id"))


def readable_case(user, case_id: int) -> Case:  # type: ignore[no-untyped-def]
    case = visible_cases(user).filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("Case %(id)s does not exist or is not in your scope.") % {"id": case_id})
    return case


def open_cases():  # type: ignore[no-untyped-def]
    return Case.objects.filter(status__in=OPEN_CASE)
