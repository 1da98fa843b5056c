"""Reads of commendations: the register in a user's scope, a unit's history through its lineage,
an official's record, the figures and the list a conference reads out.

History: a collective's row names the unit it was given to, forever. A unit's history "with
predecessors" adds the rows of every unit its lineage reaches back to (`units.selectors.lineage`,
through every reorganization), each marked `via` the predecessor's code. An individual's rows are
keyed by the official: their record is the same whichever unit they serve in now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tinhgon.accounts.access import records_filter, scope_for
from tinhgon.commendations.models import (
    AUTHORITY_RANK,
    Campaign,
    Commendation,
    Decision,
    Proposal,
    RecipientKind,
)
from tinhgon.core import text
from tinhgon.units import selectors


def visible_commendations(user, *, day: dt.date | None = None) -> QuerySet[Commendation]:  # type: ignore[no-untyped-def]
    """The register rows a user may read: those whose unit the scope covers (province-wide
    readers through the row's province, so closed units' rows are read too)."""
    day = day or timezone.localdate()
    scope = scope_for(user)
    if scope.everything:
        return Commendation.objects.all()
    return Commendation.objects.filter(
        records_filter(scope, day, unit_field="unit", province_field="province")
    )


def visible_proposals(user, *, day: dt.date | None = None) -> QuerySet[Proposal]:  # type: ignore[no-untyped-def]
    day = day or timezone.localdate()
    scope = scope_for(user)
    if scope.everything:
        return Proposal.objects.all()
    return Proposal.objects.filter(
        records_filter(scope, day, unit_field="unit", province_field="province")
    )


def provinces_for(user) -> set[int] | None:  # type: ignore[no-untyped-def]
    """The provinces whose public acts (campaigns, decisions) a user reads: those of every unit
    their scope starts from. None: every province (a superuser)."""
    scope = scope_for(user)
    if scope.everything:
        return None
    today = timezone.localdate()
    ids = [root.admin_unit_id for root in scope.roots] + list(scope.agencies)
    return {
        v.province_id or v.unit_id for v in selectors.versions_on(today).filter(unit_id__in=ids)
    }


def visible_decisions(user) -> QuerySet[Decision]:  # type: ignore[no-untyped-def]
    """Decisions are public acts of a province: whoever reads anything of the province reads
    its decisions (the register rows inside still follow the register's scope)."""
    provinces = provinces_for(user)
    found = Decision.objects.all()
    return found if provinces is None else found.filter(province_id__in=provinces)


def visible_campaigns(user) -> QuerySet[Campaign]:  # type: ignore[no-untyped-def]
    provinces = provinces_for(user)
    found = Campaign.objects.all()
    return found if provinces is None else found.filter(province_id__in=provinces)


def _codes(pairs: set[tuple[int, dt.date]]) -> dict[tuple[int, dt.date], str]:
    return {key: version.code for key, version in selectors.versions_at(pairs).items()}


ROW_FIELDS = (
    "id",
    "recipient_kind",
    "recipient_name",
    "unit_id",
    "unit_name",
    "official_id",
    "form__code",
    "form__name",
    "form__rank",
    "decision_id",
    "decision__number",
    "decision__authority",
    "date",
    "reason",
    "campaign__code",
    "campaign__theme",
    "synthetic",
)


def rows(
    found: QuerySet[Commendation],
    *,
    inherited: set[int] | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Register rows as plain data, newest first: `unit` is the unit's code on the decision's
    date; `via`, for a row of one of the `inherited` units (a predecessor), that unit's code."""
    inherited = inherited or set()
    ordered = found.order_by("-date", "decision_id", "id").values(*ROW_FIELDS)
    raw = list(ordered[offset : offset + limit] if limit is not None else ordered[offset:])
    codes = _codes({(r["unit_id"], r["date"]) for r in raw})
    result = []
    for r in raw:
        code = codes.get((r["unit_id"], r["date"]), str(r["unit_id"]))
        result.append(
            {
                "id": r["id"],
                "decision": r["decision__number"],
                "decision_id": r["decision_id"],
                "authority": r["decision__authority"],
                "date": r["date"],
                "form": r["form__name"],
                "form_code": r["form__code"],
                "recipient": r["recipient_name"],
                "recipient_kind": r["recipient_kind"],
                "unit": code,
                "unit_id": r["unit_id"],
                "unit_name": r["unit_name"],
                "official_id": r["official_id"],
                "reason": r["reason"],
                "campaign": r["campaign__theme"] or None,
                "campaign_code": r["campaign__code"] or None,
                "via": code if r["unit_id"] in inherited else None,
                "synthetic": r["synthetic"],
            }
        )
    return result


def predecessors_of(unit_id: int) -> set[int]:
    """Every unit the lineage reaches back to from `unit_id`, through every reorganization."""
    return {
        link.predecessor_id
        for link, _distance in selectors.lineage(unit_id, direction="predecessors")
    } - {unit_id}


def unit_history(unit_id: int, *, with_predecessors: bool) -> list[dict[str, Any]]:
    """The commendations given to the unit (collectives) and to officials serving in it then
    (individuals), newest first; with its predecessors', each marked `via` the predecessor's
    code."""
    inherited = predecessors_of(unit_id) if with_predecessors else set()
    found = Commendation.objects.filter(unit_id__in={unit_id, *inherited})
    return rows(found, inherited=inherited)


def official_history(official_id: int) -> list[dict[str, Any]]:
    """An official's record, whichever unit they served in (keyed by the official)."""
    return rows(Commendation.objects.filter(official_id=official_id))


# -- figures and the list read out ----------------------------------------------------------------


def figures(found: QuerySet[Commendation]) -> dict[str, list[dict[str, Any]]]:
    """Counts by form, by unit and by campaign, collectives and individuals apart."""

    def grouped(*fields: str) -> list[dict[str, Any]]:
        return list(
            found.values(*fields)
            .annotate(
                collectives=Count("id", filter=Q(recipient_kind=RecipientKind.COLLECTIVE)),
                individuals=Count("id", filter=Q(recipient_kind=RecipientKind.INDIVIDUAL)),
                total=Count("id"),
            )
            .order_by("-total", *fields)[:500]
        )

    by_unit = grouped("unit_id", "unit_name")
    codes = {}
    for row in by_unit:
        codes[row["unit_id"]] = selectors.latest_version(row["unit_id"]).code
        row["unit"] = codes[row["unit_id"]]
    return {
        "by_form": sorted(
            grouped("form__code", "form__name", "form__rank"), key=lambda r: r["form__rank"]
        ),
        "by_unit": by_unit,
        "by_campaign": grouped("campaign__code", "campaign__theme"),
    }


@dataclass(frozen=True)
class ReadOutGroup:
    kind: str
    form: str
    rows: list[dict[str, Any]]


def read_out(found: QuerySet[Commendation]) -> list[ReadOutGroup]:
    """The list a conference reads out: collectives first, then individuals; within each, the
    forms from the highest authority and rank down; within a form, by unit then name in
    Vietnamese order."""
    raw: list[dict[str, Any]] = [
        dict(r)
        for r in found.values(
            "recipient_kind",
            "recipient_name",
            "unit_name",
            "form__name",
            "form__rank",
            "form__authority",
            "decision__number",
            "date",
        )
    ]
    kind_order: dict[str, int] = {
        RecipientKind.COLLECTIVE.value: 0,
        RecipientKind.INDIVIDUAL.value: 1,
    }
    raw.sort(
        key=lambda r: (
            kind_order[r["recipient_kind"]],
            AUTHORITY_RANK.get(r["form__authority"], 9),
            r["form__rank"],
            text.sort_key(r["unit_name"]),
            text.sort_key(r["recipient_name"]),
        )
    )
    groups: list[ReadOutGroup] = []
    for r in raw:
        if not groups or (groups[-1].kind, groups[-1].form) != (
            r["recipient_kind"],
            r["form__name"],
        ):
            groups.append(ReadOutGroup(r["recipient_kind"], r["form__name"], []))
        groups[-1].rows.append(r)
    return groups


# -- collectives closed while a proposal is open ---------------------------------------------------


@dataclass(frozen=True)
class ClosedCollective:
    """A unit named by a collective item that is no longer open: its name when it closed, the
    day its successors took over (`since`: the first day it was no longer open) and the units
    open today that the lineage carries it to."""

    unit_id: int
    name: str
    since: dt.date | None
    successors: list[tuple[int, str]]


def closed_collectives(
    unit_ids: set[int], *, day: dt.date | None = None
) -> dict[int, ClosedCollective]:
    """For each unit of `unit_ids` not open on `day` (today): when it closed and where the
    lineage leads (the units open on `day`, nearest first; else the nearest successors)."""
    day = day or timezone.localdate()
    open_ids = set(
        selectors.versions_on(day).filter(unit_id__in=unit_ids).values_list("unit_id", flat=True)
    )
    found: dict[int, ClosedCollective] = {}
    for unit_id in sorted(unit_ids - open_ids):
        last = selectors.latest_version(unit_id)
        links = selectors.lineage(unit_id, direction="successors")
        reached = [link.successor_id for link, _distance in links]
        names = {v.unit_id: v.name for v in selectors.versions_on(day).filter(unit_id__in=reached)}
        current = list(dict.fromkeys(u for u in reached if u in names))
        if not current:  # nothing open today: the nearest successors as they last stood
            current = [link.successor_id for link, distance in links if distance == 1]
            names = {u: selectors.latest_version(u).name for u in current}
        first = min((link.effective_date for link, d in links if d == 1), default=None)
        since = first or (last.valid_to + dt.timedelta(days=1) if last.valid_to else None)
        found[unit_id] = ClosedCollective(
            unit_id=unit_id,
            name=last.name,
            since=since,
            successors=[(u, names[u]) for u in current],
        )
    return found
