"""Reads for the staff: a work list in the caller's scope, and one dossier with its history,
in the shape the API and the pages share (never the identity number nor its digest)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, F, QuerySet, Value, When
from django.utils import timezone

from tinhgon.accounts.access import access_unit, covers, scope_for
from tinhgon.publicservices import selectors, services
from tinhgon.publicservices.models import OPEN, Apology, Dossier, DossierEvent, Status
from tinhgon.units import selectors as units
from tinhgon.workdays.calendar import local_time

MAX_PAGE = 500
# Open with the clock counting or waiting: overdue once due_at has passed (Dossier.timeliness).
RUNNING = [int(s) for s in OPEN if s != Status.DONE]


@dataclass(frozen=True)
class Filters:
    unit_id: int | None = None
    open: bool | None = None
    status: int | None = None
    overdue: bool | None = None
    assigned_to_me: bool = False


def dossiers(actor, filters: Filters, *, now: dt.datetime | None = None) -> QuerySet[Dossier]:  # type: ignore[no-untyped-def]
    """The dossiers the actor may read, filtered, the soonest due first (not yet received
    last). A unit outside the scope is refused as not found (access_unit)."""
    now = now or timezone.now()
    today = local_time(now).date()
    found = Dossier.objects.filter(services.dossier_scope_filter(actor, today, write=False))
    if filters.unit_id is not None:
        access_unit(actor, filters.unit_id, day=today)
        found = found.filter(unit_id=filters.unit_id)
    if filters.open is True:
        found = found.filter(status__in=[int(s) for s in OPEN])
    elif filters.open is False:
        found = found.exclude(status__in=[int(s) for s in OPEN])
    if filters.status is not None:
        found = found.filter(status=filters.status)
    if filters.overdue is True:
        found = found.filter(status__in=RUNNING, due_at__lt=now)
    elif filters.overdue is False:
        found = found.exclude(status__in=RUNNING, due_at__lt=now)
    if filters.assigned_to_me:
        found = found.filter(assignee_id=getattr(actor, "pk", None))
    return found.select_related("procedure__procedure", "assignee").order_by(
        F("due_at").asc(nulls_last=True), "code"
    )


def page(
    actor,  # type: ignore[no-untyped-def]
    filters: Filters,
    *,
    limit: int,
    offset: int,
    now: dt.datetime | None = None,
) -> tuple[list[dict[str, Any]], bool]:
    """One page of the work list as rows, and whether more follow (no count over the table)."""
    now = now or timezone.now()
    found = list(dossiers(actor, filters, now=now)[offset : offset + limit + 1])
    return rows(found[:limit], now=now), len(found) > limit


def _person(user) -> str | None:  # type: ignore[no-untyped-def]
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return local_time(value) if value is not None else None


def rows(
    found: list[Dossier],
    *,
    now: dt.datetime,
    codes: dict[int, tuple[str, str]] | None = None,
) -> list[dict[str, Any]]:
    """selectors.rows, with timeliness, the assignee and the promised date."""
    shaped = selectors.rows(found, day=local_time(now).date(), codes=codes)
    for row, dossier in zip(shaped, found, strict=True):
        timeliness = dossier.timeliness(now)
        row["timeliness"] = str(timeliness) if timeliness is not None else None
        row["timeliness_name"] = str(timeliness.label) if timeliness is not None else None
        row["assignee"] = dossier.assignee.get_username() if dossier.assignee else None
        row["promised"] = _local(dossier.promised_at)
    return shaped


def legal_moves(dossier: Dossier, now: dt.datetime) -> list[str]:
    """The moves that may apply to the dossier now (the apology while it is allowed)."""
    found = [
        move for move, (sources, _target) in services.MOVES.items() if dossier.status in sources
    ]
    if services.apology_allowed(dossier, now):
        found.append("apologize")
    return found


def detail(dossier: Dossier, *, now: dt.datetime, contact: bool) -> dict[str, Any]:
    """One dossier, its history and its apologies; the applicant's email and phone digits only
    with `contact` (to those who may change the dossier)."""
    dossier = (
        Dossier.objects.select_related("procedure__procedure", "assignee")
        .filter(pk=dossier.pk)
        .get()
    )
    today = local_time(now).date()
    row = rows([dossier], now=now)[0]
    events = list(
        DossierEvent.objects.filter(dossier=dossier).select_related("actor").order_by("id")
    )
    apologies = list(dossier.apologies.select_related("actor").order_by("at", "id"))
    names = _names(
        {dossier.receiving_unit_id, dossier.applicant_commune_id}
        | {e.unit_id for e in events}
        | {a.unit_id for a in apologies},
        today,
    )
    return _shape(row, dossier, events, apologies, names, now=now, contact=contact)


def filed_detail(actor, filed: services.Filed, *, now: dt.datetime) -> dict[str, Any] | None:  # type: ignore[no-untyped-def]
    """`detail` of a dossier just filed, from what the filing wrote and read (its one event,
    no apology, the units' versions), with at most one query for the actor's scope: None if the
    actor may not read it (a province's dossier filed at a commune's counter)."""
    dossier, event = filed.dossier, filed.event
    assert event is not None
    scope = scope_for(actor)
    province, admin_unit = dossier.province_id, dossier.admin_unit_id
    if covers(scope, province_id=province, admin_unit_id=admin_unit) and covers(
        scope, province_id=province, admin_unit_id=admin_unit, write=True
    ):
        # The usual case, decided without a query: filed in the actor's province or commune.
        return _filed_shape(filed, now=now, contact=True)
    today = local_time(now).date()
    write = services.dossier_scope_filter(actor, today, write=True)
    writable = (
        Case(When(write, then=Value(True)), default=Value(False), output_field=BooleanField())
        if write  # an empty Q (everything) is no condition of When
        else Value(True, output_field=BooleanField())
    )
    found = (
        Dossier.objects.filter(
            services.dossier_scope_filter(actor, today, write=False), pk=dossier.pk
        )
        .annotate(writable=writable)
        .values_list("writable", flat=True)
        .first()
    )
    if found is None:
        return None
    return _filed_shape(filed, now=now, contact=bool(found))


def _filed_shape(filed: services.Filed, *, now: dt.datetime, contact: bool) -> dict[str, Any]:
    dossier, event = filed.dossier, filed.event
    assert event is not None
    versions = filed.versions
    row = rows(
        [dossier],
        now=now,
        codes={dossier.unit_id: (versions[dossier.unit_id].code, versions[dossier.unit_id].name)},
    )[0]
    names = {unit_id: version.name for unit_id, version in versions.items()}
    return _shape(row, dossier, [event], [], names, now=now, contact=contact)


def _shape(
    row: dict[str, Any],
    dossier: Dossier,
    events: list[DossierEvent],
    apologies: list[Apology],
    names: dict[int, str],
    *,
    now: dt.datetime,
    contact: bool,
) -> dict[str, Any]:
    row.update(
        {
            "applicant_kind": dossier.applicant_kind,
            "applicant_commune": names[dossier.applicant_commune_id],
            "channel": dossier.channel,
            "receiving_unit": names[dossier.receiving_unit_id],
            "submitted": _local(dossier.submitted_at),
            "finished": _local(dossier.finished_at),
            "returned": _local(dossier.returned_at),
            "fees_due": dossier.fees_due,
            "fees_paid": dossier.fees_paid,
            "outcome": dossier.outcome or None,
            "applicant_email": dossier.applicant_email if contact else None,
            "applicant_phone_last": dossier.applicant_phone_last if contact else None,
            "events": [
                {
                    "move": e.move,
                    "move_name": services.move_name(e.move),
                    "from_status": e.from_status,
                    "to_status": e.to_status,
                    "status_name": str(Status(e.to_status).label),
                    "actor": _person(e.actor),
                    "unit": names[e.unit_id],
                    "at": _local(e.at),
                    "note": e.note,
                }
                for e in events
            ],
            "apologies": [
                {
                    "new_due": _local(a.new_due_at),
                    "reason": a.reason,
                    "actor": _person(a.actor),
                    "unit": names[a.unit_id],
                    "at": _local(a.at),
                }
                for a in apologies
            ],
            "moves": legal_moves(dossier, now) if contact else [],
        }
    )
    return row


def _names(unit_ids: set[int], day: dt.date) -> dict[int, str]:
    found = {v.unit_id: v.name for v in units.versions_on(day).filter(unit_id__in=unit_ids)}
    for unit_id in unit_ids - set(found):
        found[unit_id] = units.latest_version(unit_id).name
    return found


def may_change(actor, dossier: Dossier) -> bool:  # type: ignore[no-untyped-def]
    """Whether the actor's write scope holds the dossier (an observer's does not)."""
    today = timezone.localdate()
    return Dossier.objects.filter(
        services.dossier_scope_filter(actor, today, write=True), pk=dossier.pk
    ).exists()
