"""The one-stop workflow: one function per transition of a dossier.

Every transition
- refuses an illegal move with a DomainError naming the dossier, its status and the move
  (code "illegal_move", 409);
- does nothing when it is repeated (the same move again, with the same target, while the
  dossier is where that move left it): no second history row;
- applies with a conditional UPDATE (WHERE status = the status read AND version = the version
  read), so of two clicks at once one applies and the other sees its result;
- writes one `DossierEvent` (actor, unit, time) in the same transaction;
- checks the actor's write scope through `accounts.access.records_filter` (actor None: the
  operator or the system, as in commands).

The clock (`due_at`): set at receipt from the procedure version's limit in working days
(tinhgon.workdays); a request for supplement pauses it (policy "pause": the pause is added when
the applicant answers) or restarts it from the supplement (policy "restart"); a request for
payment pauses it until payment.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from tinhgon.accounts.access import access_unit, records_filter, scope_for
from tinhgon.core.db import instances
from tinhgon.core.errors import DomainError, Forbidden, NotFound, Problem
from tinhgon.publicservices import effects, inserts
from tinhgon.publicservices.models import (
    Apology,
    ApplicantKind,
    Channel,
    Clock,
    Dossier,
    DossierCounter,
    DossierEvent,
    Level,
    Outcome,
    Procedure,
    ProcedureVersion,
    Status,
    is_code,
)
from tinhgon.units import selectors as units
from tinhgon.units.kinds import Level as UnitLevel
from tinhgon.units.models import UnitVersion
from tinhgon.workdays.calendar import CLOSE, VIETNAM, local_time
from tinhgon.workdays.selectors import calendar_around

NAME_LIMIT = 200
NOTE_LIMIT = 1000
EMAIL_LIMIT = 254
REF_LIMIT = 64
MAX_FEE = 10**9
IDENTITY_SALT = "tinhgon.publicservices.applicant_id"
# Citizens: the 12-digit personal identification number (9 digits: the old identity card);
# businesses: the tax code, 10 digits or 13 for a branch (written with a dash or not).
IDENTITY_DIGITS = {ApplicantKind.CITIZEN: (9, 12), ApplicantKind.BUSINESS: (10, 13)}


# -- who may act -----------------------------------------------------------------------------
def dossier_scope_filter(actor, day: dt.date, *, write: bool):  # type: ignore[no-untyped-def]
    return records_filter(
        scope_for(actor),
        day,
        unit_field="unit",
        province_field="province",
        admin_unit_field="admin_unit",
        write=write,
    )


def access_dossier(actor, code: str, *, write: bool = False) -> Dossier:  # type: ignore[no-untyped-def]
    """The dossier if the actor may read it (write: change it). Outside the scope it answers as
    if it did not exist; readable but not writable is forbidden. Actor None: the operator."""
    if not is_code(code):
        raise NotFound(_("No dossier %(code)s in your scope.") % {"code": repr(code[:64])})
    found = Dossier.objects.filter(code=code[:64])
    if actor is None:
        dossier = found.first()
    else:
        today = timezone.localdate()
        dossier = found.filter(dossier_scope_filter(actor, today, write=False)).first()
        writable = found.filter(dossier_scope_filter(actor, today, write=True))
        if dossier is not None and write and not writable.exists():
            raise Forbidden(_("You may not change the dossiers of this unit."))
    if dossier is None:
        raise NotFound(_("No dossier %(code)s in your scope.") % {"code": code[:64]})
    return dossier


# -- the applicant's identity ----------------------------------------------------------------
def identity_digest(number: str) -> str:
    """The keyed HMAC that finds an applicant's dossiers by identity number without storing it.
    Keyed by TINHGON_IDENTITY_KEY (default: the secret key; changing it orphans the lookups)."""
    secret = getattr(settings, "TINHGON_IDENTITY_KEY", "") or settings.SECRET_KEY
    return salted_hmac(IDENTITY_SALT, number, secret=secret, algorithm="sha256").hexdigest()


def normalized_identity(kind: str, number: str) -> str:
    digits = re.sub(r"[\s.-]", "", number or "")[:40]
    lengths = IDENTITY_DIGITS.get(kind)  # type: ignore[call-overload]
    if lengths is None or not digits.isdigit() or len(digits) not in lengths:
        raise DomainError(
            _("The identity number is not valid."),
            problems=[
                Problem(
                    _("%(short)s or %(long)s digits")
                    % dict(zip(("short", "long"), lengths or (9, 12), strict=True)),
                    field="applicant_id",
                )
            ],
        )
    return digits


# -- the catalogue ---------------------------------------------------------------------------
# The version of a procedure in force on a day, with its procedure: every filing reads it, and
# building it with the ORM cost ten times what the database spends running it
# (docs/benchmarks.md, intake), so it is written out.
_PROCEDURE_ON = (
    "SELECT v.*, p.code AS procedure_code "
    f"FROM {ProcedureVersion._meta.db_table} v JOIN {Procedure._meta.db_table} p "
    "ON p.id = v.procedure_id "
    "WHERE p.code = %s AND v.valid_from <= %s AND (v.valid_to IS NULL OR v.valid_to >= %s) "
    "ORDER BY v.id LIMIT 1"
)


def procedure_version_on(code: str, day: dt.date) -> ProcedureVersion:
    version = next(iter(instances(ProcedureVersion, _PROCEDURE_ON, [code[:32], day, day])), None)
    if version is not None:
        code_read = version.procedure_code  # type: ignore[attr-defined]
        version.procedure = Procedure.from_db(
            version._state.db, ["id", "code"], [version.procedure_id, code_read]
        )
    if version is None:
        raise NotFound(
            _("No procedure %(code)s in force on %(day)s.")
            % {"code": code[:32], "day": day.isoformat()}
        )
    return version


def competent_unit(procedure: ProcedureVersion, commune_id: int, day: dt.date) -> int:
    """Where a dossier is decided: the applicant's commune for a commune-level procedure, its
    province for a province-level one (Decree 118/2025: any centre of the province receives it)."""
    return _competent(procedure, units.version_on(commune_id, day))


def _competent(procedure: ProcedureVersion, commune: UnitVersion) -> int:
    commune_id = commune.unit_id
    if procedure.level == Level.PROVINCE:
        return int(commune.province_id or commune.unit_id)
    return commune_id


# -- submit ----------------------------------------------------------------------------------
def _next_code(centre: UnitVersion, day: dt.date) -> str:
    """The centre's next code of the day: one statement that creates or increments the day's
    counter and returns it (PostgreSQL; SQLite from 3.35), serialized by the row's lock."""
    table, unit, day_, last = map(
        connection.ops.quote_name, (DossierCounter._meta.db_table, "unit_id", "day", "last")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({unit}, {day_}, {last}) VALUES (%s, %s, 1) "
            f"ON CONFLICT ({unit}, {day_}) DO UPDATE SET {last} = {table}.{last} + 1 "
            f"RETURNING {last}",
            [centre.unit_id, day],
        )
        (sequence,) = cursor.fetchone()
    return f"{centre.code}-{day:%Y%m%d}-{sequence:06d}"


def dossier_submit(  # type: ignore[no-untyped-def]
    *,
    actor,
    procedure_code: str,
    applicant_kind: str,
    applicant_name: str,
    applicant_id: str,
    applicant_commune_id: int,
    channel: str,
    receiving_unit_id: int,
    client_ref: str | None = None,
    applicant_email: str = "",
    applicant_phone: str = "",
) -> Dossier:
    """File a dossier (status 1, newly registered) at a receiving centre of the province, coded
    `<centre code>-<YYYYMMDD>-<sequence>`. With `client_ref`, submitting again returns the same
    dossier. The identity number is kept only as a keyed digest and its last four digits."""
    return dossier_file(
        actor=actor,
        procedure_code=procedure_code,
        applicant_kind=applicant_kind,
        applicant_name=applicant_name,
        applicant_id=applicant_id,
        applicant_commune_id=applicant_commune_id,
        channel=channel,
        receiving_unit_id=receiving_unit_id,
        client_ref=client_ref,
        applicant_email=applicant_email,
        applicant_phone=applicant_phone,
    ).dossier


def _by_client_ref(client_ref: str) -> tuple[int, int] | None:
    """The id and receiving centre of the dossier filed with this reference (its unique index),
    written out: every filing with a reference asks it."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, receiving_unit_id FROM {Dossier._meta.db_table} WHERE client_ref = %s",
            [client_ref],
        )
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


@dataclass(frozen=True)
class Filed:
    """A filing's dossier; for a new one, its event and the units' versions it named (to
    answer without reading them again); None for a dossier found again by its client_ref."""

    dossier: Dossier
    event: DossierEvent | None = None
    versions: dict[int, UnitVersion] = field(default_factory=dict)


@transaction.atomic
def dossier_file(  # type: ignore[no-untyped-def]
    *,
    actor,
    procedure_code: str,
    applicant_kind: str,
    applicant_name: str,
    applicant_id: str,
    applicant_commune_id: int,
    channel: str,
    receiving_unit_id: int,
    client_ref: str | None = None,
    applicant_email: str = "",
    applicant_phone: str = "",
) -> Filed:
    """dossier_submit, with what the filing read and wrote."""
    now = timezone.now()
    today = local_time(now).date()
    if client_ref is not None:
        client_ref = client_ref.strip()[:REF_LIMIT] or None
    centre: UnitVersion | None = None
    if client_ref is not None:
        # The same reference again at the same centre returns the first dossier; the actor must
        # be able to file there first, and a reference used elsewhere names no dossier.
        if actor is not None:
            centre = access_unit(actor, receiving_unit_id, day=today, write=True)
        existing = _by_client_ref(client_ref)
        if existing is not None and existing[1] == receiving_unit_id:
            return Filed(Dossier.objects.get(pk=existing[0]))
        if existing is not None:
            raise DomainError(
                _("This client reference was used for another dossier."),
                code="client_ref_used",
                status=409,
                problems=[Problem(_("used already"), field="client_ref")],
            )
    problems = []
    name = " ".join((applicant_name or "").split())
    if not name:
        problems.append(Problem(_("This field is required."), field="applicant_name"))
    elif len(name) > NAME_LIMIT:
        problems.append(
            Problem(_("at most %(max)s characters") % {"max": NAME_LIMIT}, field="applicant_name")
        )
    if applicant_kind not in ApplicantKind.values:
        problems.append(Problem(_("Choose a citizen or a business."), field="applicant_kind"))
    if channel not in Channel.values:
        problems.append(Problem(_("Choose in person, online or by post."), field="channel"))
    email, phone_last = _contact(applicant_email, applicant_phone, problems)
    if problems:
        raise DomainError(_("The dossier was not filed."), problems=problems)
    digits = normalized_identity(applicant_kind, applicant_id)
    procedure = procedure_version_on(procedure_code, today)
    if actor is not None and centre is None and receiving_unit_id == applicant_commune_id:
        centre = access_unit(actor, receiving_unit_id, day=today, write=True)
    if centre is not None and centre.unit_id == applicant_commune_id:
        commune = centre  # filed at the applicant's own commune: the version is read already
    else:
        commune = units.version_on(applicant_commune_id, today)
    if commune.level != UnitLevel.COMMUNE or commune.admin_unit_id != commune.unit_id:
        raise DomainError(
            _("%(name)s is not a commune or ward.") % {"name": commune.name},
            problems=[Problem(_("a commune or ward"), field="applicant_commune")],
        )
    if actor is None:
        centre = units.version_on(receiving_unit_id, today)
    elif centre is None:
        centre = access_unit(actor, receiving_unit_id, day=today, write=True)
    if centre.province_id != commune.province_id:
        raise DomainError(
            _("%(centre)s receives the dossiers of its own province only.")
            % {"centre": centre.name},
            problems=[Problem(_("another province"), field="receiving_unit")],
        )
    unit_id = _competent(procedure, commune)
    versions = {commune.unit_id: commune, centre.unit_id: centre}
    if unit_id not in versions:
        versions[unit_id] = units.version_on(unit_id, today)
    unit = versions[unit_id]
    dossier = inserts.insert(
        Dossier,
        code=_next_code(centre, today),
        procedure=procedure,
        status=Status.REGISTERED,
        applicant_kind=applicant_kind,
        applicant_name=name,
        applicant_id_digest=identity_digest(digits),
        applicant_id_last=digits[-4:],
        applicant_commune_id=commune.unit_id,
        applicant_email=email,
        applicant_phone_last=phone_last,
        channel=channel,
        client_ref=client_ref,
        receiving_unit_id=centre.unit_id,
        unit_id=unit_id,
        province_id=unit.province_id or unit.unit_id,
        admin_unit_id=unit.admin_unit_id or unit.unit_id,
        submitted_at=now,
    )
    event = inserts.insert(
        DossierEvent,
        dossier=dossier,
        move="submit",
        from_status=None,
        to_status=Status.REGISTERED,
        actor=_user(actor),
        unit_id=centre.unit_id,
        at=now,
        data={"channel": channel},
    )
    effects.changed(dossier, event, versions=versions)
    return Filed(dossier, event, versions)


def _contact(email: str, phone: str, problems: list[Problem]) -> tuple[str, str]:
    """The applicant's email (optional) and the last four digits of their phone (optional: the
    whole number or its last four digits; only those four are kept)."""
    email = (email or "").strip()
    if email:
        try:
            if len(email) > EMAIL_LIMIT:
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError:
            problems.append(Problem(_("Enter a valid email address."), field="applicant_email"))
            email = ""
    digits = re.sub(r"[\s.+()-]", "", (phone or "")[:40])
    if digits and (not digits.isdigit() or not 4 <= len(digits) <= 15):
        problems.append(
            Problem(_("the phone number, or its last four digits"), field="applicant_phone")
        )
        digits = ""
    return email, digits[-4:]


# -- the transitions -------------------------------------------------------------------------
# move -> (the statuses it leaves from, the status it leads to)
MOVES: dict[str, tuple[frozenset[int], int]] = {
    "receive": (frozenset({Status.REGISTERED}), Status.RECEIVED),
    "refuse": (frozenset({Status.REGISTERED}), Status.NOT_RECEIVED),
    "assign": (frozenset({Status.RECEIVED, Status.PROCESSING}), Status.PROCESSING),
    "request_supplement": (frozenset({Status.RECEIVED, Status.PROCESSING}), Status.SUPPLEMENT),
    "supplement": (frozenset({Status.SUPPLEMENT}), Status.PROCESSING),
    "request_payment": (frozenset({Status.RECEIVED, Status.PROCESSING}), Status.PAYMENT),
    "pay": (frozenset({Status.PAYMENT}), Status.PROCESSING),
    "transfer": (frozenset({Status.RECEIVED, Status.PROCESSING}), Status.PROCESSING),
    "approve": (frozenset({Status.PROCESSING}), Status.DONE),
    "reject": (frozenset({Status.PROCESSING}), Status.DONE),
    "stop": (
        frozenset({Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.PAYMENT}),
        Status.STOPPED,
    ),
    "withdraw": (
        frozenset(
            {
                Status.REGISTERED,
                Status.RECEIVED,
                Status.PROCESSING,
                Status.SUPPLEMENT,
                Status.PAYMENT,
            }
        ),
        Status.WITHDRAWN,
    ),
    "return_result": (frozenset({Status.DONE}), Status.RETURNED),
}


def move_name(move: str) -> str:
    names = {
        "submit": _("submit"),
        "receive": _("receive"),
        "refuse": _("refuse to receive"),
        "assign": _("assign"),
        "request_supplement": _("request a supplement"),
        "supplement": _("supplement"),
        "request_payment": _("request payment"),
        "pay": _("pay"),
        "transfer": _("transfer to another unit"),
        "approve": _("approve"),
        "reject": _("reject"),
        "stop": _("stop processing"),
        "withdraw": _("withdraw"),
        "return_result": _("return the result"),
        "apologize": _("apologize with a new date"),
    }
    return str(names.get(move, move))


def _user(actor):  # type: ignore[no-untyped-def]
    return actor if getattr(actor, "is_authenticated", False) else None


def _note(note: str, *, required: bool) -> str:
    note = " ".join((note or "").split())
    if required and not note:
        raise DomainError(
            _("Give the reason."), problems=[Problem(_("This field is required."), field="note")]
        )
    if len(note) > NOTE_LIMIT:
        raise DomainError(
            _("The reason is too long."),
            problems=[Problem(_("at most %(max)s characters") % {"max": NOTE_LIMIT}, field="note")],
        )
    return note


def _illegal(dossier: Dossier, move: str) -> DomainError:
    return DomainError(
        _("Dossier %(code)s is %(status)s (status %(number)s): it cannot %(move)s.")
        % {
            "code": dossier.code,
            "status": Status(dossier.status).label,
            "number": dossier.status,
            "move": move_name(move),
        },
        code="illegal_move",
        status=409,
    )


def _due(dossier: Dossier, pauses: list[list[str]], start: dt.datetime) -> dt.datetime:
    days = dossier.procedure.days
    calendar = calendar_around(local_time(start), days + 20 * len(pauses))
    spans = [(dt.datetime.fromisoformat(a), dt.datetime.fromisoformat(b)) for a, b in pauses]
    return calendar.due(start, days, pauses=spans)


Change = Callable[[Dossier, dt.datetime], dict[str, Any]]


def _transition(
    *,
    actor,  # type: ignore[no-untyped-def]
    code: str,
    move: str,
    change: Change | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
    repeated: Callable[[Dossier], bool] | None = None,
) -> Dossier:
    """Apply `move` to the dossier: check, update conditionally, record. `change` gives the
    columns the move sets besides the status; `repeated` says whether the dossier already is
    where this very move would leave it (default: the last event is this move)."""
    sources, target = MOVES[move]
    with transaction.atomic():
        for _attempt in range(5):
            dossier = access_dossier(actor, code, write=True)
            dossier = Dossier.objects.select_related("procedure").get(pk=dossier.pk)
            if dossier.status == target and (
                repeated(dossier) if repeated else _last_move(dossier) == move
            ):
                return dossier  # the same click again: nothing to do
            if dossier.status not in sources:
                raise _illegal(dossier, move)
            now = timezone.now()
            changes = change(dossier, now) if change else {}
            updated = Dossier.objects.filter(
                pk=dossier.pk, status=dossier.status, version=dossier.version
            ).update(status=target, version=F("version") + 1, **changes)
            if updated:
                return _record(
                    dossier, actor=actor, move=move, to_status=target, at=now, note=note, data=data
                )
            # Someone else moved it between our read and our write: look again.
        raise _busy(code)


def _record(  # type: ignore[no-untyped-def]
    dossier: Dossier,
    *,
    actor,
    move: str,
    to_status: int,
    at: dt.datetime,
    note: str,
    data: dict[str, Any] | None,
) -> Dossier:
    """The history row of a change just written, and what follows every change."""
    event = DossierEvent.objects.create(
        dossier=dossier,
        move=move,
        from_status=dossier.status,
        to_status=to_status,
        actor=_user(actor),
        unit_id=dossier.unit_id,
        at=at,
        note=note,
        data=data or {},
    )
    dossier = Dossier.objects.select_related("procedure").get(pk=dossier.pk)
    effects.changed(dossier, event)
    return dossier


def _busy(code: str) -> DomainError:
    return DomainError(
        _("Dossier %(code)s is changing; try again.") % {"code": code[:64]},
        code="busy",
        status=409,
    )


def _last_move(dossier: Dossier) -> str | None:
    return (
        DossierEvent.objects.filter(dossier=dossier)
        .order_by("-id")
        .values_list("move", flat=True)
        .first()
    )


def dossier_receive(*, actor, code: str) -> Dossier:  # type: ignore[no-untyped-def]
    """Accept a registered dossier (1 → 2): the clock starts; due is the close of the last
    working day of the procedure's limit."""

    def change(dossier: Dossier, now: dt.datetime) -> dict[str, Any]:
        return {"received_at": now, "clock_from": now, "due_at": _due(dossier, [], now)}

    return _transition(actor=actor, code=code, move="receive", change=change)


def dossier_refuse(*, actor, code: str, note: str) -> Dossier:  # type: ignore[no-untyped-def]
    """Refuse to receive a registered dossier (1 → 3), with the reason."""
    note = _note(note, required=True)
    return _transition(
        actor=actor,
        code=code,
        move="refuse",
        note=note,
        change=lambda d, now: {"finished_at": now},
    )


def dossier_assign(*, actor, code: str, assignee) -> Dossier:  # type: ignore[no-untyped-def]
    """Hand the dossier to an official (2 or 4 → 4); to the same official again changes nothing."""
    if assignee is None or not getattr(assignee, "pk", None):
        raise DomainError(
            _("Choose the official."), problems=[Problem(_("required"), field="assignee")]
        )
    return _transition(
        actor=actor,
        code=code,
        move="assign",
        change=lambda d, now: {"assignee_id": assignee.pk},
        data={"assignee": assignee.pk},
        repeated=lambda d: d.assignee_id == assignee.pk,
    )


def dossier_request_supplement(*, actor, code: str, note: str) -> Dossier:  # type: ignore[no-untyped-def]
    """Ask the applicant for missing documents (2 or 4 → 5): the clock stands still."""
    note = _note(note, required=True)
    return _transition(
        actor=actor,
        code=code,
        move="request_supplement",
        note=note,
        change=lambda d, now: {"paused_at": now},
    )


def _resume(dossier: Dossier, now: dt.datetime, *, restart: bool) -> dict[str, Any]:
    if dossier.received_at is None or dossier.clock_from is None:
        return {"paused_at": None}
    if restart:
        return {
            "paused_at": None,
            "clock_from": now,
            "pauses": [],
            "due_at": _due(dossier, [], now),
        }
    pauses = list(dossier.pauses or [])
    if dossier.paused_at is not None:
        pauses.append([dossier.paused_at.isoformat(), now.isoformat()])
    return {
        "paused_at": None,
        "pauses": pauses,
        "due_at": _due(dossier, pauses, dossier.clock_from),
    }


def dossier_supplement(*, actor, code: str, note: str = "") -> Dossier:  # type: ignore[no-untyped-def]
    """The applicant supplied the documents (5 → 4): the clock goes on from where it stopped
    (policy "pause": the due date moves by the working days waited) or starts again (policy
    "restart": the full limit from the supplement)."""
    note = _note(note, required=False)
    return _transition(
        actor=actor,
        code=code,
        move="supplement",
        note=note,
        change=lambda d, now: _resume(d, now, restart=d.procedure.clock == Clock.RESTART),
    )


def dossier_request_payment(*, actor, code: str, amount: int) -> Dossier:  # type: ignore[no-untyped-def]
    """Ask the applicant to pay `amount` đồng of fees (2 or 4 → 6): the clock stands still."""
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_FEE:
        raise DomainError(
            _("The amount is not valid."),
            problems=[
                Problem(
                    _("a whole number from %(low)s to %(high)s") % {"low": 1, "high": MAX_FEE},
                    field="amount",
                )
            ],
        )
    return _transition(
        actor=actor,
        code=code,
        move="request_payment",
        change=lambda d, now: {"paused_at": now, "fees_due": d.fees_due + amount},
        data={"amount": amount},
    )


def dossier_pay(*, actor, code: str) -> Dossier:  # type: ignore[no-untyped-def]
    """The applicant paid what was asked (6 → 4): the clock goes on."""

    def change(dossier: Dossier, now: dt.datetime) -> dict[str, Any]:
        return {**_resume(dossier, now, restart=False), "fees_paid": dossier.fees_due}

    return _transition(actor=actor, code=code, move="pay", change=change)


def dossier_transfer(*, actor, code: str, to_unit_id: int, note: str = "") -> Dossier:  # type: ignore[no-untyped-def]
    """Send the dossier to another unit of the province (2 or 4 → 4), its due date unchanged;
    the actor must be able to change the dossier and see the unit."""
    note = _note(note, required=False)
    today = timezone.localdate()
    target = (
        units.version_on(to_unit_id, today)
        if actor is None
        else access_unit(actor, to_unit_id, day=today)
    )

    def change(dossier: Dossier, now: dt.datetime) -> dict[str, Any]:
        if target.unit_id == dossier.unit_id:
            raise DomainError(
                _("Dossier %(code)s is at %(unit)s already.")
                % {"code": dossier.code, "unit": target.name},
                code="no_change",
            )
        if (target.province_id or target.unit_id) != dossier.province_id:
            raise DomainError(
                _("%(unit)s is in another province.") % {"unit": target.name},
                problems=[Problem(_("another province"), field="to_unit")],
            )
        return {
            "unit_id": target.unit_id,
            "province_id": target.province_id or target.unit_id,
            "admin_unit_id": target.admin_unit_id or target.unit_id,
            "assignee_id": None,
        }

    return _transition(
        actor=actor,
        code=code,
        move="transfer",
        note=note,
        change=change,
        data={"to_unit": target.unit_id},
        repeated=lambda d: d.unit_id == target.unit_id,
    )


def _decide(actor, code: str, outcome: str, note: str) -> Dossier:  # type: ignore[no-untyped-def]
    move = "approve" if outcome == Outcome.APPROVED else "reject"
    return _transition(
        actor=actor,
        code=code,
        move=move,
        note=note,
        change=lambda d, now: {"outcome": outcome, "finished_at": now},
        repeated=lambda d: d.outcome == outcome,
    )


def dossier_approve(*, actor, code: str, note: str = "") -> Dossier:  # type: ignore[no-untyped-def]
    """Decide for the applicant (4 → 9, processed): the result waits to be returned."""
    return _decide(actor, code, Outcome.APPROVED, _note(note, required=False))


def dossier_reject(*, actor, code: str, note: str) -> Dossier:  # type: ignore[no-untyped-def]
    """Decide against the applicant (4 → 9, processed), with the reason: the written refusal is
    the result."""
    return _decide(actor, code, Outcome.REJECTED, _note(note, required=True))


def dossier_stop(*, actor, code: str, note: str) -> Dossier:  # type: ignore[no-untyped-def]
    """Stop processing (2, 4, 5 or 6 → 8), with the reason."""
    note = _note(note, required=True)
    return _transition(
        actor=actor, code=code, move="stop", note=note, change=lambda d, now: {"finished_at": now}
    )


def dossier_withdraw(*, actor, code: str, note: str = "") -> Dossier:  # type: ignore[no-untyped-def]
    """The applicant withdraws the dossier (1, 2, 4, 5 or 6 → 7)."""
    note = _note(note, required=False)
    return _transition(
        actor=actor,
        code=code,
        move="withdraw",
        note=note,
        change=lambda d, now: {"finished_at": now},
    )


def dossier_return_result(*, actor, code: str) -> Dossier:  # type: ignore[no-untyped-def]
    """Hand the result to the applicant (9 → 10)."""
    return _transition(
        actor=actor,
        code=code,
        move="return_result",
        change=lambda d, now: {"returned_at": now},
    )


# -- the apology -----------------------------------------------------------------------------
# Where an apology may be written: the clock runs or waits for the applicant (Decision 766).
APOLOGY_FROM = frozenset({Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.PAYMENT})


def close_of_business(day: dt.date) -> dt.datetime:
    """The moment a date given as a day means: its close of business (as due dates are)."""
    return dt.datetime.combine(day, CLOSE, tzinfo=VIETNAM)


def apology_allowed(dossier: Dossier, now: dt.datetime) -> bool:
    """Whether an apology may still be written: open with the clock started, due not passed."""
    return dossier.status in APOLOGY_FROM and dossier.due_at is not None and now <= dossier.due_at


def dossier_apologize(  # type: ignore[no-untyped-def]
    *, actor, code: str, new_due_at: dt.datetime, reason: str
) -> Dossier:
    """Apologize in writing for a dossier that will be late, with the new date promised.

    Only while the dossier is open (received, processing, waiting for the applicant) and before
    its due date passes: afterwards it is late already, and the apology comes too late (409).
    The new date must be after the due date. `due_at` never moves (Decision 766 counts the
    dossier late all the same): `promised_at` keeps the new date. The same date again writes
    nothing. One `Apology` and one `DossierEvent` ("apologize", the status unchanged) per
    apology, and what follows every change (`effects.changed`) follows it too."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(
            _("Give the reason."),
            problems=[Problem(_("This field is required."), field="reason")],
        )
    if len(reason) > NOTE_LIMIT:
        raise DomainError(
            _("The reason is too long."),
            problems=[
                Problem(_("at most %(max)s characters") % {"max": NOTE_LIMIT}, field="reason")
            ],
        )
    if timezone.is_naive(new_due_at):
        new_due_at = new_due_at.replace(tzinfo=VIETNAM)
    with transaction.atomic():
        for _attempt in range(5):
            dossier = access_dossier(actor, code, write=True)
            dossier = Dossier.objects.select_related("procedure").get(pk=dossier.pk)
            if (
                dossier.promised_at == new_due_at
                and dossier.apologies.filter(new_due_at=new_due_at).exists()
            ):
                return dossier  # the same apology again: nothing to do
            now = timezone.now()
            if dossier.status not in APOLOGY_FROM or dossier.due_at is None:
                raise _illegal(dossier, "apologize")
            if now > dossier.due_at:
                raise DomainError(
                    _(
                        "Dossier %(code)s was due on %(due)s: an apology is written before the "
                        "due date passes. It is late already."
                    )
                    % {"code": dossier.code, "due": _when(dossier.due_at)},
                    code="apology_too_late",
                    status=409,
                )
            if new_due_at <= dossier.due_at:
                raise DomainError(
                    _("The new date must be after the due date (%(due)s).")
                    % {"due": _when(dossier.due_at)},
                    problems=[Problem(_("after the due date"), field="new_due_at")],
                )
            updated = Dossier.objects.filter(
                pk=dossier.pk, status=dossier.status, version=dossier.version
            ).update(promised_at=new_due_at, version=F("version") + 1)
            if not updated:
                continue  # moved between our read and our write: look again
            Apology.objects.create(
                dossier=dossier,
                new_due_at=new_due_at,
                reason=reason,
                actor=_user(actor),
                unit_id=dossier.unit_id,
                at=now,
            )
            return _record(
                dossier,
                actor=actor,
                move="apologize",
                to_status=dossier.status,
                at=now,
                note=reason,
                data={"new_due_at": new_due_at.isoformat()},
            )
        raise _busy(code)


def _when(moment: dt.datetime) -> str:
    return local_time(moment).strftime("%d/%m/%Y %H:%M")
