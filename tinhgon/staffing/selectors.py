"""Reads of people: the officials of a unit as of a date, the positions of a unit with their
holders and vacancies, an official's history. Every read takes the user (None: the operator)
and applies `staffing.access`; personal data only for those who manage the person."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from tinhgon.accounts import access as units_access
from tinhgon.core.text import fold
from tinhgon.staffing import access
from tinhgon.staffing.models import (
    Assignment,
    Category,
    Field,
    Group,
    LeaderRole,
    Official,
    Position,
    Qualification,
    Status,
    live,
)
from tinhgon.units import selectors as registry
from tinhgon.units.models import UnitVersion

SEARCH_LIMIT = 100


def officials_of_unit(
    *, user: Any, unit_id: int, day: dt.date | None = None, search: str = ""
) -> QuerySet[Official]:
    """The officials the unit employs on `day` (default today) that the user may see: those
    recorded at the unit, hired by then and still working, and those holding one of its
    positions that day. `search` matches the name (accents ignored) or the last digits of the
    identity number."""
    day = day or timezone.localdate()
    holding = Assignment.objects.filter(live(day), unit_id=unit_id).values("official_id")
    employed = Q(unit_id=unit_id, hire_date__lte=day, status=Status.ACTIVE)
    found = access.visible_officials(user).filter(employed | Q(pk__in=holding))
    words = (search or "").strip()[:SEARCH_LIMIT]
    if words.isdigit() and len(words) <= 4:
        found = found.filter(national_id_last__endswith=words)
    elif words:
        # Names are few per unit: fold them in Python (accents and case ignored).
        wanted = fold(words)
        ids = [pk for pk, name in found.values_list("pk", "full_name") if wanted in fold(name)]
        found = found.filter(pk__in=ids)
    return found.order_by("full_name", "pk")


def official_row(user: Any, official: Official, *, manages: bool | None = None) -> dict[str, Any]:
    """An official as a page, the API or a command shows them (personal data per `access`)."""
    return {
        "id": official.pk,
        "full_name": official.full_name,
        "unit_id": official.unit_id,
        "gender": official.gender,
        "level": official.level,
        "level_label": str(Qualification(official.level).label),
        "field": official.field,
        "field_label": str(Field(official.field).label),
        "category": official.category,
        "category_label": str(Category(official.category).label),
        "rank": official.rank,
        "hire_date": official.hire_date,
        "status": official.status,
        "synthetic": official.synthetic,
        **access.personal_data(user, official, manages=manages),
    }


@dataclass
class PositionView:
    position: Position
    holders: list[tuple[Assignment, Official]] = field(default_factory=list)

    @property
    def vacant(self) -> int:
        return max(self.position.seats - len(self.holders), 0)

    def as_dict(self) -> dict[str, Any]:
        p = self.position
        return {
            "id": p.pk,
            "code": p.code,
            "title": p.title,
            "group": p.group,
            "group_label": str(Group(p.group).label),
            "leader_role": p.leader_role,
            "leader_role_label": str(LeaderRole(p.leader_role).label) if p.leader_role else "",
            "category": p.category,
            "level_required": p.level_required,
            "field_required": p.field_required,
            "seats": p.seats,
            "vacant": self.vacant,
            "valid_from": p.valid_from,
            "valid_to": p.valid_to,
            "synthetic": p.synthetic,
            "holders": [
                {
                    "assignment_id": a.pk,
                    "official_id": o.pk,
                    "full_name": o.full_name,
                    "since": a.valid_from,
                }
                for a, o in self.holders
            ],
        }


def positions_of_unit(*, user: Any, unit_id: int, day: dt.date | None = None) -> list[PositionView]:
    """The unit's positions open on `day`, each with its holders that day (two queries)."""
    day = day or timezone.localdate()
    positions = list(
        access.visible_positions(user)
        .filter(live(day), unit_id=unit_id)
        .order_by("group", "leader_role", "code", "pk")
    )
    views = {p.pk: PositionView(p) for p in positions}
    held = (
        Assignment.objects.filter(live(day), position_id__in=list(views))
        .select_related("official")
        .order_by("valid_from", "pk")
    )
    for assignment in held:
        views[assignment.position_id].holders.append((assignment, assignment.official))
    # Leaders first (heads, then deputies), then the rest in the order of the kinds.
    order = {LeaderRole.HEAD: 0, LeaderRole.DEPUTY: 1, LeaderRole.NONE: 2}
    groups = list(Group.values)
    return sorted(
        views.values(),
        key=lambda v: (
            order.get(v.position.leader_role, 2),  # type: ignore[call-overload]
            groups.index(v.position.group),
            v.position.code,
        ),
    )


@dataclass
class History:
    official: Official
    assignments: list[Assignment]
    trainings: list[Any]
    evaluations: list[Any]


def official_history(*, user: Any, official_id: int) -> History:
    """An official's assignments (newest first), training and evaluations, if the user may see
    them (NotFound otherwise)."""
    official = access.access_official(user, official_id)
    return History(
        official=official,
        assignments=list(
            official.assignments.select_related("position").order_by("-valid_from", "-pk")
        ),
        trainings=list(official.trainings.order_by("-start", "-pk")),
        evaluations=list(official.evaluations.order_by("-year")),
    )


def unit_for(user: Any, name_or_code: str, day: dt.date | None = None) -> UnitVersion:
    """The unit named or coded so, open on `day`, if the user may see it (a unit outside the
    scope is not found, as if it did not exist)."""
    day = day or timezone.localdate()
    if user is None:
        return registry.resolve(name_or_code, day=day)
    version = registry.resolve(
        name_or_code, day=day, keep=lambda ids: units_access.visible_unit_ids(user, ids)
    )
    return units_access.access_unit(user, version.unit_id, day=day)


def managed_ids(user: Any, official_ids: list[int]) -> set[int]:
    """Those of the officials the user manages, in one query."""
    if user is None:
        return set(official_ids)
    return set(
        access.managed_officials(user).filter(pk__in=official_ids).values_list("pk", flat=True)
    )
