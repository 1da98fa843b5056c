"""Reads of dossiers: a unit's list, tracking by code, in a shape commands and pages share."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.core.errors import NotFound
from tinhgon.publicservices.models import OPEN, Dossier, Status, is_code
from tinhgon.units import selectors as units
from tinhgon.workdays.calendar import local_time

MAX_LIST = 10_000


def _unit_codes(unit_ids: set[int], day: dt.date) -> dict[int, tuple[str, str]]:
    """unit id -> (code, name) as of `day`, else as last recorded (a closed unit)."""
    found = {
        v.unit_id: (v.code, v.name) for v in units.versions_on(day).filter(unit_id__in=unit_ids)
    }
    for unit_id in unit_ids - set(found):
        version = units.latest_version(unit_id)
        found[unit_id] = (version.code, version.name)
    return found


def _moment(value: dt.datetime | None) -> str | None:
    return local_time(value).isoformat() if value is not None else None


def rows(
    dossiers: list[Dossier],
    *,
    day: dt.date | None = None,
    codes: dict[int, tuple[str, str]] | None = None,
) -> list[dict[str, Any]]:
    """The public shape of dossiers: never the applicant's identity number, nor the digest.
    `codes`: the units' (code, name) on `day` when the caller has them already."""
    day = day or timezone.localdate()
    names = codes if codes is not None else _unit_codes({d.unit_id for d in dossiers}, day)
    return [
        {
            "code": d.code,
            "status": d.status,
            "status_name": str(Status(d.status).label),
            "unit": names[d.unit_id][0],
            "unit_name": names[d.unit_id][1],
            "procedure": d.procedure.procedure.code,
            "procedure_name": d.procedure.name,
            "applicant": d.applicant_name,
            "applicant_id": d.applicant_id_masked,
            "received": _moment(d.received_at),
            "due": _moment(d.due_at),
        }
        for d in dossiers
    ]


def unit_dossiers(*, unit_id: int, open_only: bool, limit: int = MAX_LIST) -> list[Dossier]:
    """The dossiers whose competent unit is `unit_id`, the soonest due first (index: unit,
    status)."""
    found = Dossier.objects.filter(unit_id=unit_id)
    if open_only:
        found = found.filter(status__in=[int(s) for s in OPEN])
    return list(found.select_related("procedure__procedure").order_by("due_at", "code")[:limit])


def dossier_by_code(code: str) -> Dossier:
    """A dossier by its code. Codes never change (a reorganization or a transfer keeps them),
    so a code printed on a receipt before a merger still finds its dossier after it."""
    if not is_code(code.strip()):
        raise NotFound(_("No dossier %(code)s.") % {"code": repr(code.strip()[:64])})
    dossier = (
        Dossier.objects.filter(code=code.strip()[:64])
        .select_related("procedure__procedure")
        .first()
    )
    if dossier is None:
        raise NotFound(_("No dossier %(code)s.") % {"code": code.strip()[:64]})
    return dossier
