"""The citizens' and businesses' portal: file online with documents, track a dossier by its code
and the last four digits of the phone (the second factor), supplement it, rate it.

The same functions serve the portal's pages and its API (`portal_views`, `portal_api`); no login:
the applicant proves who they are with the second factor, checked by `dossier_for_applicant`,
whose failures are throttled per address and per code. A wrong pair answers exactly as an
unknown code does, so the answer tells nothing about which codes exist.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from tinhgon.core import throttle
from tinhgon.core.errors import DomainError, NotFound, Problem
from tinhgon.core.models import audit
from tinhgon.core.text import fold
from tinhgon.publicservices import documents, effects, services
from tinhgon.publicservices.models import (
    Channel,
    Document,
    Dossier,
    DossierEvent,
    Online,
    ProcedureVersion,
    Rating,
    Stage,
    Status,
    is_code,
)
from tinhgon.units import selectors as units
from tinhgon.units.kinds import KINDS_BY_LEVEL, Level
from tinhgon.units.models import UnitVersion
from tinhgon.workdays.calendar import local_time

CODE_LIMIT = 64
# Older commune versions looked up for one typed name (each costs a lineage walk).
LEGACY_CANDIDATES = 20
EMAIL_LIMIT = services.EMAIL_LIMIT
COMMUNE_LIMIT = 100
# Vietnamese numbers: 10 digits from 0 (mobile and fixed lines), or +84 and 9 digits.
PHONE = re.compile(r"^(?:\+?84|0)\d{9,10}$")
# What the history shows of each move: the reason when the applicant needs it.
NOTE_SHOWN = {"refuse", "request_supplement", "reject", "stop"}


# -- what the portal offers --------------------------------------------------------------------
def portal_province(day: dt.date) -> UnitVersion:
    return units.resolve_province(settings.TINHGON_PORTAL_PROVINCE, day=day)


def communes(day: dt.date) -> list[UnitVersion]:
    """Today's communes, wards and special zones of the portal's province, in Vietnamese order."""
    return list(
        units.versions_on(day)
        .filter(
            province_id=portal_province(day).unit_id,
            kind__in=list(KINDS_BY_LEVEL[Level.COMMUNE]),
        )
        .order_by("name_sort")
    )


def online_procedures(day: dt.date) -> list[ProcedureVersion]:
    """The catalogue in force on `day` that may be filed online (fully or partly)."""
    return list(
        ProcedureVersion.objects.filter(
            valid_from__lte=day, online__in=[Online.FULL, Online.PARTIAL]
        )
        .exclude(valid_to__lt=day)
        .select_related("procedure")
        .order_by("procedure__code")
    )


def _names(versions: Sequence[UnitVersion]) -> str:
    return ", ".join(v.name for v in versions[:10])


def commune_find(text: str, *, day: dt.date) -> UnitVersion:
    """The commune of the portal's province open on `day` named or coded `text`; a commune's
    name from before a reorganization (such as a pre-2025 commune) leads to the commune it
    became, through the registry's lineage. Several candidates: refused, naming them."""
    wanted = " ".join((text or "").split())[:COMMUNE_LIMIT]
    folded = fold(wanted)
    if not folded:
        raise DomainError(
            _("Give your commune or ward."),
            problems=[Problem(_("This field is required."), field="applicant_commune")],
        )
    today = {v.unit_id: v for v in communes(day)}

    def matching(versions: Sequence[UnitVersion]) -> list[UnitVersion]:
        for rule in (
            lambda v: v.code == wanted,
            lambda v: v.name_folded == folded,
            lambda v: v.name_folded.endswith(" " + folded),
        ):
            found = [v for v in versions if rule(v)]
            if found:
                return found
        return []

    found = matching(list(today.values()))
    if not found:
        # An older name: every commune-level version ever recorded, then where it went.
        old = UnitVersion.objects.filter(kind__in=list(KINDS_BY_LEVEL[Level.COMMUNE])).filter(
            name_folded__endswith=folded
        ) | UnitVersion.objects.filter(code=wanted)
        successors: dict[int, UnitVersion] = {}
        for version in matching(list(old[:LEGACY_CANDIDATES])):
            for link, _distance in units.lineage(version.unit_id, direction="successors"):
                if link.successor_id in today:
                    successors[link.successor_id] = today[link.successor_id]
        found = list(successors.values())
    if len({v.unit_id for v in found}) > 1:
        names = _names(found)
        raise DomainError(
            _("'%(wanted)s' matches several communes: %(names)s. Choose one.")
            % {"wanted": wanted, "names": names},
            code="ambiguous",
            problems=[
                Problem(_("several: %(names)s") % {"names": names}, field="applicant_commune")
            ],
        )
    if not found:
        raise DomainError(
            _("No commune or ward named '%(wanted)s' in the province.") % {"wanted": wanted},
            problems=[Problem(_("not found in the province"), field="applicant_commune")],
        )
    return found[0]


# -- counting what one address (or one code) does (core/throttle.py) ---------------------------
def _digest(text: str) -> str:
    # A key of fixed length, whatever is typed.
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _track_keys(code: str, address: str) -> list[str]:
    return [
        f"portal-track:address:{_digest(address[:64])}",
        f"portal-track:code:{_digest(fold(code)[:CODE_LIMIT])}",
    ]


def _filing_key(address: str) -> str:
    return f"portal-file:address:{_digest(address[:64])}"


def _take(keys: list[str], limit: int, *, seconds: int) -> bool:
    """Count one attempt under each key, before it runs; True when any key is now over the
    limit (refuse). Counted in the database (core/throttle.py): one limit for every server
    process, and requests at once cannot all slip under it."""
    return throttle.take(keys, limit, seconds=seconds)


def _give_back(keys: list[str]) -> None:
    """An attempt that succeeded does not count against the limit of failures."""
    throttle.give_back(keys)


def _too_many(message: str) -> DomainError:
    return DomainError(message, code="throttled", status=429)


# -- filing ------------------------------------------------------------------------------------
def phone_digits(phone: str) -> str:
    digits = re.sub(r"[\s.()-]", "", phone or "")[:20]
    if not PHONE.fullmatch(digits):
        raise DomainError(
            _("The phone number is not valid."),
            problems=[Problem(_("10 digits, such as 0912 345 678"), field="applicant_phone")],
        )
    return digits.lstrip("+")


def portal_file(
    *,
    procedure_code: str,
    applicant_kind: str,
    applicant_name: str,
    applicant_id: str,
    applicant_commune: str,
    applicant_phone: str,
    applicant_email: str = "",
    files: Sequence[UploadedFile] = (),
    client_ref: str | None = None,
    address: str | None = None,
) -> Dossier:
    """File a dossier online at the competent unit (status 1), with its documents. Everything
    is checked before anything is stored; nothing is stored when anything is refused. The same
    `client_ref` again (a double click, a retried request) returns the first dossier. From one
    `address` (the pages and the API give it), at most TINHGON_PORTAL_FILINGS_PER_HOUR new
    dossiers an hour: then 429, so that nobody fills the disk and the desks with filings."""
    client_ref = (client_ref or "").strip()[: services.REF_LIMIT] or None
    # From one address, every new filing and every refused one counts (each costs lookups),
    # counted before it runs so that requests at once cannot all pass under the limit; a retry
    # of a dossier filed already does not count.
    limit = int(settings.TINHGON_PORTAL_FILINGS_PER_HOUR)

    def count_attempt() -> None:
        if address is not None and _take([_filing_key(address)], limit, seconds=3600):
            raise _too_many(
                _("Too many dossiers filed from this address. Try again in an hour, or at a desk.")
            )

    today = local_time(timezone.now()).date()
    problems: list[Problem] = []
    checked: dict[str, Any] = {}
    for key, check in (
        ("phone", lambda: phone_digits(applicant_phone)),
        ("commune", lambda: commune_find(applicant_commune, day=today)),
        ("identity", lambda: services.normalized_identity(applicant_kind, applicant_id)),
    ):
        try:
            checked[key] = check()
        except DomainError as error:
            problems.extend(error.problems or [Problem(error.message)])
    name = " ".join((applicant_name or "").split())
    if not name or len(name) > services.NAME_LIMIT:
        problems.append(
            Problem(
                _("from 1 to %(max)s characters") % {"max": services.NAME_LIMIT},
                field="applicant_name",
            )
        )
    procedure = next(
        (p for p in online_procedures(today) if p.procedure.code == (procedure_code or "")[:32]),
        None,
    )
    if procedure is None:
        problems.append(Problem(_("Choose a procedure of the list."), field="procedure"))
    try:
        incoming = documents.check_files(files)
    except DomainError as error:
        problems.extend(error.problems)
    if problems or procedure is None:
        count_attempt()
        raise DomainError(_("The dossier was not filed."), problems=problems)
    if client_ref is not None:
        # The applicant's own reference, kept apart from the desks' (a prefix) and bound to the
        # phone and the identity: someone who learns a reference gets nobody else's dossier.
        client_ref = "portal:" + _digest(
            f"{client_ref}|{checked['phone']}|{services.identity_digest(checked['identity'])}"
        )
        existing = Dossier.objects.filter(client_ref=client_ref).first()
        if existing is not None:
            return existing
    count_attempt()
    competent = services.competent_unit(procedure, checked["commune"].unit_id, today)
    try:
        with documents.storing() as written, transaction.atomic():
            dossier = services.dossier_submit(
                actor=None,
                procedure_code=procedure_code,
                applicant_kind=applicant_kind,
                applicant_name=name,
                applicant_id=checked["identity"],
                applicant_commune_id=checked["commune"].unit_id,
                channel=Channel.ONLINE,
                receiving_unit_id=competent,
                client_ref=client_ref,
                applicant_email=applicant_email,
                applicant_phone=checked["phone"],
            )
            documents.documents_store(
                actor=None, dossier=dossier, files=incoming, stage=Stage.FILED, written=written
            )
    except IntegrityError:
        # The same client_ref filed at the same moment by another request: that one counts.
        existing = Dossier.objects.filter(client_ref=client_ref).first() if client_ref else None
        if existing is None:
            raise
        return existing
    return dossier


# -- the second factor -------------------------------------------------------------------------
def unknown(code: str) -> NotFound:
    """The one answer for an unknown code and for a wrong second factor."""
    return NotFound(
        _("No dossier %(code)s with these phone digits.") % {"code": code.strip()[:CODE_LIMIT]}
    )


def dossier_for_applicant(*, code: str, phone_last: str, address: str) -> Dossier:
    """The dossier whose code and last four phone digits match. Unknown code or wrong digits:
    the same 404. After TINHGON_TRACK_FAILURE_LIMIT failures from the address or for the code
    within the window, refused (429) until the window ends, even with the right digits."""
    code = (code or "").strip()[:CODE_LIMIT]
    keys = _track_keys(code, address or "")
    window = int(settings.TINHGON_TRACK_WINDOW_MINUTES) * 60
    if _take(keys, int(settings.TINHGON_TRACK_FAILURE_LIMIT), seconds=window):
        raise _too_many(
            _("Too many wrong attempts. Try again in %(minutes)s minutes.")
            % {"minutes": settings.TINHGON_TRACK_WINDOW_MINUTES}
        )
    digits = re.sub(r"\D", "", phone_last or "")[-4:]
    dossier = (
        Dossier.objects.filter(code=code).select_related("procedure__procedure").first()
        if is_code(code)
        else None
    )
    expected = dossier.applicant_phone_last if dossier is not None else "????"
    # Compared in constant time, and compared even for an unknown code.
    matches = constant_time_compare(expected, digits) and len(digits) == 4
    if dossier is None or not matches:
        raise unknown(code)
    _give_back(keys)
    return dossier


# -- what the applicant sees -------------------------------------------------------------------
def move_label(event: DossierEvent) -> str:
    return services.move_name(event.move).capitalize()


def _unit_name(unit_id: int, day: dt.date) -> str:
    version = units.versions_on(day).filter(unit_id=unit_id).first()
    return (version or units.latest_version(unit_id)).name


@dataclass(frozen=True)
class PublicEvent:
    at: dt.datetime
    move: str
    status: str
    note: str


@dataclass(frozen=True)
class Tracking:
    dossier: Dossier
    status_name: str
    procedure_name: str
    unit_name: str
    history: list[PublicEvent]
    documents: list[Document]
    may_supplement: bool
    may_rate: bool


def tracking(dossier: Dossier) -> Tracking:
    """What the applicant sees: status, procedure, the competent unit by today's name, dates,
    the public history (no official's name) and their documents."""
    today = timezone.localdate()
    events = DossierEvent.objects.filter(dossier=dossier).order_by("id")
    history = [
        PublicEvent(
            at=event.at,
            move=move_label(event),
            status=str(Status(event.to_status).label),
            note=event.note if event.move in NOTE_SHOWN else "",
        )
        for event in events
    ]
    return Tracking(
        dossier=dossier,
        status_name=str(Status(dossier.status).label),
        procedure_name=dossier.procedure.name,
        unit_name=_unit_name(dossier.unit_id, today),
        history=history,
        documents=documents.dossier_documents(dossier, stages=documents.applicant_stages()),
        may_supplement=dossier.status == Status.SUPPLEMENT,
        may_rate=dossier.status in RATEABLE and dossier.rating is None,
    )


def _moment(value: dt.datetime | None) -> str | None:
    return local_time(value).isoformat() if value is not None else None


def tracking_dict(found: Tracking) -> dict[str, Any]:
    """The API's shape of `tracking`."""
    dossier = found.dossier
    return {
        "code": dossier.code,
        "status": dossier.status,
        "status_name": found.status_name,
        "procedure": dossier.procedure.procedure.code,
        "procedure_name": found.procedure_name,
        "unit_name": found.unit_name,
        "submitted": _moment(dossier.submitted_at),
        "received": _moment(dossier.received_at),
        "due": _moment(dossier.due_at),
        "promised": _moment(dossier.promised_at),
        "finished": _moment(dossier.finished_at),
        "returned": _moment(dossier.returned_at),
        "rating": dossier.rating,
        "history": [
            {"at": _moment(e.at), "move": e.move, "status": e.status, "note": e.note}
            for e in found.history
        ],
        "documents": [
            {
                "id": d.pk,
                "name": d.name,
                "content_type": d.content_type,
                "size": d.size,
                "stage": d.stage,
                "uploaded": _moment(d.uploaded_at),
            }
            for d in found.documents
        ],
    }


# -- supplement and rating ---------------------------------------------------------------------
def portal_supplement(
    *, dossier: Dossier, files: Sequence[UploadedFile], note: str = ""
) -> Dossier:
    """The applicant answers a request for documents (status 5): the documents are stored
    (stage supplement) and the dossier goes back to processing, in one transaction; refused,
    with nothing stored, unless the dossier waits for documents."""
    if dossier.status != Status.SUPPLEMENT:
        raise _not_waiting(dossier)
    held = Document.objects.filter(dossier=dossier).count()
    incoming = documents.check_files(files, already=held, required=True)
    with documents.storing() as written, transaction.atomic():
        # Of two uploads at once, the second waits here and then finds the dossier moved on.
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if locked.status != Status.SUPPLEMENT:
            raise _not_waiting(locked)
        documents.documents_store(
            actor=None, dossier=locked, files=incoming, stage=Stage.SUPPLEMENT, written=written
        )
        return services.dossier_supplement(actor=None, code=locked.code, note=note)


def _not_waiting(dossier: Dossier) -> DomainError:
    return DomainError(
        _("Dossier %(code)s is not waiting for documents.") % {"code": dossier.code},
        code="illegal_move",
        status=409,
    )


RATEABLE = (Status.DONE, Status.RETURNED)


def portal_rate(*, dossier: Dossier, rating: int) -> Dossier:
    """The applicant rates the service once the dossier is processed (9) or its result returned
    (10), once: a second rating is refused (409), so the figures count each dossier once and
    nobody can change an applicant's rating later. Not a status change: no DossierEvent; an
    audit row records it, and `effects.rated` runs in the same transaction."""
    if isinstance(rating, bool) or rating not in Rating.values:
        raise DomainError(
            _("Choose a rating."),
            problems=[Problem(_("1, 2 or 3"), field="rating")],
        )
    if dossier.status not in RATEABLE:
        raise DomainError(
            _("Dossier %(code)s can be rated once it is processed.") % {"code": dossier.code},
            code="not_rateable",
            status=409,
        )
    now = timezone.now()
    with transaction.atomic():
        updated = Dossier.objects.filter(
            pk=dossier.pk, rating__isnull=True, status__in=[int(s) for s in RATEABLE]
        ).update(rating=rating, rated_at=now)
        if not updated:
            raise DomainError(
                _("Dossier %(code)s has been rated already.") % {"code": dossier.code},
                code="already_rated",
                status=409,
            )
        audit(
            actor=None,
            action="dossier_rate",
            unit=dossier.unit_id,
            dossier=dossier.code,
            rating=int(rating),
        )
        dossier.rating, dossier.rated_at = rating, now
        effects.rated(dossier)  # the red flags count it (integrity.flags_ratings)
    return dossier
