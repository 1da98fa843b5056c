"""The national portal's outbox: every change of a dossier, queued in the transaction that made
it, in the portal's dossier-sync shape; `sync.push` delivers the rows later, in order per dossier.

Also the delivery bookkeeping that the portal's outbox and the emails (`Notification`) share:
a row is claimed with a conditional UPDATE (two runners never deliver it twice), and a failed
delivery is tried again after a delay that doubles up to a cap.

The payload (docs/public-services.md, "National portal sync", says where each name comes from):
the names and the `yyyyMMddHHmmss` times (Asia/Ho_Chi_Minh) are those a provincial one-stop
system sends to the Cổng Dịch vụ công quốc gia's dossier-sync service; a time not yet known is
"". The identity number is never part of it (tinhgon does not hold it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, Model, Q
from django.utils import timezone, translation

from tinhgon.core.errors import NotFound
from tinhgon.publicservices import effects, inserts
from tinhgon.publicservices.models import (
    ERROR_LIMIT,
    PENDING,
    ApplicantKind,
    Channel,
    Dossier,
    DossierEvent,
    PortalOutbox,
    Status,
)
from tinhgon.units import selectors as units
from tinhgon.workdays.calendar import local_time

# A failed delivery waits 30 s, then 1, 2, 4 ... minutes, at most an hour; after this many
# attempts the row is failed (kept with its error; `tinhgon jobs outbox --requeue` tries again).
BACKOFF_FIRST = dt.timedelta(seconds=30)
BACKOFF_CAP = dt.timedelta(hours=1)
MAX_ATTEMPTS = 20
# How long a runner owns a claimed row: longer than one delivery can take (the HTTP or SMTP
# timeout), so a runner that died mid-delivery leaves the row to the next one after this.
LEASE = dt.timedelta(minutes=5)
NOTE_LIMIT = 1000


def portal_time(moment: dt.datetime | None) -> str:
    """`yyyyMMddHHmmss` in Vietnam's time, as the portal reads it; "" when not known."""
    return local_time(moment).strftime("%Y%m%d%H%M%S") if moment else ""


def _unit(unit_id: int, day: dt.date) -> tuple[str, str]:
    """The unit's code and name on the day; blank when it has no version that day."""
    version = effects.known_version(unit_id, day)
    if version is None:
        try:
            version = units.version_on(unit_id, day)
        except NotFound:
            return "", ""
    return version.code, version.name


# The portal's dossier-sync service, and its envelope: {"service", "isUpdating", "data": [...]}.
SERVICE = "DongBoHoSoMC"


def envelope(dossier: Dossier, event: DossierEvent) -> dict[str, Any]:
    """What is posted: the service's name, whether the portal has the dossier already (every
    change after the filing), and the dossier."""
    return {
        "service": SERVICE,
        "isUpdating": event.move != "submit",
        "data": [record(dossier, event)],
    }


def record(dossier: Dossier, event: DossierEvent) -> dict[str, Any]:
    """The dossier as the portal's dossier-sync service takes it, after `event`."""
    procedure = dossier.procedure
    with translation.override("vi"):
        status_name = str(Status(dossier.status).label)
    unit_code, unit_name = _unit(dossier.unit_id, local_time(event.at).date())
    return {
        "MaHoSo": dossier.code,
        "MaTTHC": procedure.procedure.code,
        "TenTTHC": procedure.name,
        "TenLinhVuc": procedure.field,
        "ChuHoSo": dossier.applicant_name,
        "LoaiDoiTuong": "2" if dossier.applicant_kind == ApplicantKind.BUSINESS else "1",
        "Email": dossier.applicant_email,
        "TrangThaiHoSo": str(dossier.status),
        "TenTrangThaiHoSo": status_name,
        "NgayNopHoSo": portal_time(dossier.submitted_at),
        "NgayTiepNhan": portal_time(dossier.received_at),
        "NgayHenTra": portal_time(dossier.due_at),
        "NgayHenTraMoi": portal_time(dossier.promised_at),
        "NgayKetThucXuLy": portal_time(dossier.finished_at),
        "NgayTra": portal_time(dossier.returned_at),
        # 1: the result goes back by post (the dossier came by post); 0: at the counter or online.
        "HinhThuc": "1" if dossier.channel == Channel.POSTAL else "0",
        "MaDonViXuLy": unit_code,
        "DonViXuLy": unit_name,
        # This change: what the portal's status-sync service calls the processing step.
        "ThoiDiemXuLy": portal_time(event.at),
        "NoiDungXuLy": event.move,
        "GhiChu": event.note[:NOTE_LIMIT],
    }


@effects.register
def enqueue(dossier: Dossier, event: DossierEvent) -> None:
    """Queue the change for the portal, in the transaction that made it (a rolled-back change
    leaves no row)."""
    now = timezone.now()
    inserts.insert(
        PortalOutbox,
        dossier=dossier,
        event=event,
        event_at=event.at,
        payload=envelope(dossier, event),
        created_at=now,
        next_attempt_at=now,
    )


# -- delivery bookkeeping, shared with the emails ---------------------------------------------
def pending() -> Q:
    return PENDING


def unclaimed(now: dt.datetime) -> Q:
    return Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)


def claim(model: type[Model], pk: int, now: dt.datetime) -> bool:
    """Take the row for one delivery attempt; False when another runner holds it or it is done.
    The conditional UPDATE is the lock: of two runners, one updates the row, the other none."""
    taken = (
        model._default_manager.filter(pending(), unclaimed(now), pk=pk)  # type: ignore[attr-defined]
        .filter(next_attempt_at__lte=now)
        .update(claimed_until=now + LEASE, attempts=F("attempts") + 1)
    )
    return bool(taken)


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed attempt: 30 s, 1 min, 2 min ... at most an hour."""
    return min(BACKOFF_CAP, BACKOFF_FIRST * 2 ** max(0, attempts - 1))


def failed(model: type[Model], pk: int, error: str, *, retry: bool) -> None:
    """Record a failed attempt: try again after the backoff, or give up (a refusal that no
    retry can mend, or the attempts ran out)."""
    now = timezone.now()
    attempts = model._default_manager.values_list("attempts", flat=True).get(pk=pk)  # type: ignore[attr-defined]
    changes: dict[str, Any] = {"claimed_until": None, "last_error": error[:ERROR_LIMIT]}
    if retry and attempts < MAX_ATTEMPTS:
        changes["next_attempt_at"] = now + backoff(attempts)
    else:
        changes["failed_at"] = now
    model._default_manager.filter(pk=pk).update(**changes)  # type: ignore[attr-defined]


def purge(model: type[Model], *, before: dt.datetime, batch: int = 10_000) -> int:
    """Delete up to `batch` rows sent before `before` (failed rows stay for inspection)."""
    manager = model._default_manager  # type: ignore[attr-defined]
    ids = list(
        manager.filter(sent_at__lt=before).order_by("id").values_list("pk", flat=True)[:batch]
    )
    return int(manager.filter(pk__in=ids).delete()[0]) if ids else 0
