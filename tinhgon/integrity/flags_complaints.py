"""The complaints flag: complaints and denunciations received concerning one official.

A case names the official concerned as a person of the personnel records (`staffing.Official`);
no user account is linked to such a person, so this flag is kept per person (`RedFlag.staff`),
not per acting user like the flags read from the dossiers. It sits at the unit that handles the
cases, never at the unit concerned: the routing sends a case away from the official and from
everyone the official manages (integrity/cases.py, `route`), and a flag must not tell them what
the routing kept from them. Only readers of the handler unit see it, and it shows the cases'
numbers and the dossiers they name, never their authors.

`case_received(case)` is called by `cases.case_receive` in the case's transaction: one upsert of
the counter, then the flag of that person at that unit recomputed. `rebuild` (called by
`flags.rebuild`) counts again from each case's receipt event.

The threshold is a setting: `TINHGON_FLAG_COMPLAINTS_AT` (default 3 complaints and denunciations
together, received at one handler unit, whatever their outcome: a lead, not a verdict).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.integrity import flags
from tinhgon.integrity.models import Case, CaseEvent, CaseKind, ComplaintCounter, FlagKind

COMPLAINTS_AT = 3
COUNTED = (CaseKind.COMPLAINT, CaseKind.DENUNCIATION)
CASES_LISTED = 50


def threshold() -> int:
    value = getattr(settings, "TINHGON_FLAG_COMPLAINTS_AT", COMPLAINTS_AT)
    return max(1, int(value))


def _add(rows: dict[tuple[int, int], dict[str, int]]) -> None:
    """One upsert per (person, unit) in key order (`n = n + excluded.n`)."""
    table = ComplaintCounter._meta.db_table
    sql = (
        f"INSERT INTO {table} (staff_id, unit_id, complaints, denunciations) "
        "VALUES (%s, %s, %s, %s) ON CONFLICT (staff_id, unit_id) DO UPDATE SET "
        f"complaints = {table}.complaints + excluded.complaints, "
        f"denunciations = {table}.denunciations + excluded.denunciations"
    )
    params = [
        [staff, unit, n.get("complaints", 0), n.get("denunciations", 0)]
        for (staff, unit), n in sorted(rows.items())
    ]
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)  # type: ignore[arg-type]


def _column(kind: str) -> str:
    return "complaints" if kind == CaseKind.COMPLAINT else "denunciations"


def case_received(case: Case) -> None:
    """Count a complaint or denunciation naming an official, at its handler unit."""
    if case.official_id is None or case.kind not in COUNTED:
        return
    _add({(case.official_id, case.handler_unit_id): {_column(case.kind): 1}})
    recompute(staff_id=case.official_id, unit_id=case.handler_unit_id, now=timezone.now())


def recompute(*, staff_id: int, unit_id: int, now: dt.datetime) -> None:
    """The complaints flag of one person at one handler unit, from its counter."""
    counter = ComplaintCounter.objects.filter(staff_id=staff_id, unit_id=unit_id).first()
    total = (counter.complaints + counter.denunciations) if counter is not None else 0
    found = None
    at = threshold()
    if counter is not None and total >= at:
        received = CaseEvent.objects.filter(
            move="receive",
            unit_id__in=flags.behind(unit_id),
            case__official_id=staff_id,
            case__kind__in=COUNTED,
        ).order_by("case_id")
        cases = list(received.values_list("case_id", "case__dossier_code"))
        found = flags.Found(
            score=float(total),
            dossiers=sorted({code for _case, code in cases if code}),
            explanation=_(
                "%(complaints)s complaints and %(denunciations)s denunciations concerning this "
                "official were received (a flag from %(at)s on, whatever their outcome)."
            )
            % {
                "complaints": counter.complaints,
                "denunciations": counter.denunciations,
                "at": at,
            },
            peers={
                "cases": [case for case, _code in cases][:CASES_LISTED],
                "complaints": counter.complaints,
                "denunciations": counter.denunciations,
                "threshold": at,
            },
        )
    flags._store(
        official_id=None,
        staff_id=staff_id,
        unit_id=unit_id,
        kind=FlagKind.COMPLAINTS,
        procedure_id=None,
        found=found,
        now=now,
    )


def rebuild(*, now: dt.datetime, heir: dict[int, int]) -> None:
    """Count again from each case's receipt (at its handler unit then, or that unit's heir)."""
    rows: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for staff_id, kind, unit_id in CaseEvent.objects.filter(
        move="receive", case__official__isnull=False, case__kind__in=COUNTED
    ).values_list("case__official_id", "case__kind", "unit_id"):
        if unit_id is not None:
            rows[(staff_id, heir.get(unit_id, unit_id))][_column(kind)] += 1
    ComplaintCounter.objects.all().delete()
    _add({key: dict(n) for key, n in rows.items()})
    for staff_id, unit_id in sorted(rows):
        recompute(staff_id=staff_id, unit_id=unit_id, now=now)
