"""Staffing API: people, under /api/staff. Each endpoint loads through `staffing.access` (the
scope of `accounts.access` on the official's unit) and returns personal data only to those who
manage the person: everyone else gets the identity number masked and no date of birth,
ethnicity, home commune or salary coefficient."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from tinhgon.core.schemas import Day, Id, SearchText
from tinhgon.staffing import access, selectors

router = Router(tags=["staff"])
# A unit employs at most a few thousand people; a list longer than this is cut.
MAX_LISTED = 5_000


class UnitRef(Schema):
    id: int
    code: str
    name: str


class OfficialOut(Schema):
    id: int
    full_name: str
    unit_id: int
    gender: str
    level: int
    level_label: str
    field: str
    field_label: str
    category: str
    category_label: str
    rank: str
    hire_date: dt.date
    status: str
    synthetic: bool
    # Personal data: whole for a manager of the official; masked or null for anyone else.
    national_id: str
    masked: bool
    birth_date: dt.date | None
    birth_year: int
    ethnicity: str | None
    home_commune_id: int | None
    salary_coefficient: Decimal | None


class OfficialsOut(Schema):
    unit: UnitRef
    as_of: dt.date
    count: int
    officials: list[OfficialOut]


class AssignmentOut(Schema):
    id: int
    position_id: int
    position_code: str
    position_title: str
    unit_id: int
    valid_from: dt.date
    valid_to: dt.date | None
    decision: str


class TrainingOut(Schema):
    course: str
    field: str
    level: int | None
    start: dt.date
    end: dt.date | None
    result: str


class EvaluationOut(Schema):
    year: int
    rating: str
    points: int | None


class OfficialDetailOut(Schema):
    official: OfficialOut
    assignments: list[AssignmentOut]
    trainings: list[TrainingOut]
    evaluations: list[EvaluationOut]


class HolderOut(Schema):
    assignment_id: int
    official_id: int
    full_name: str
    since: dt.date


class PositionOut(Schema):
    id: int
    code: str
    title: str
    group: str
    group_label: str
    leader_role: str
    category: str
    level_required: int
    field_required: str
    seats: int
    vacant: int
    valid_from: dt.date
    valid_to: dt.date | None
    synthetic: bool
    holders: list[HolderOut]


class PositionsOut(Schema):
    unit: UnitRef
    as_of: dt.date
    seats: int
    vacant: int
    positions: list[PositionOut]


def _unit(version) -> UnitRef:  # type: ignore[no-untyped-def]
    return UnitRef(id=version.unit_id, code=version.code, name=version.name)


@router.get("/officials", response=OfficialsOut, summary="The officials of a unit")
def officials_list(
    request: HttpRequest, unit: SearchText, as_of: Day | None = None, q: SearchText | None = None
) -> OfficialsOut:
    """The officials a unit employs on `as_of` (default today), searched by name or by the last
    digits of the identity number (`q`)."""
    day = as_of or timezone.localdate()
    version = selectors.unit_for(request.user, unit, day)
    found = list(
        selectors.officials_of_unit(
            user=request.user, unit_id=version.unit_id, day=day, search=q or ""
        )[:MAX_LISTED]
    )
    managed = selectors.managed_ids(request.user, [o.pk for o in found])
    rows = [
        OfficialOut(**selectors.official_row(request.user, o, manages=o.pk in managed))
        for o in found
    ]
    return OfficialsOut(unit=_unit(version), as_of=day, count=len(rows), officials=rows)


@router.get("/officials/{official_id}", response=OfficialDetailOut, summary="One official")
def official_read(request: HttpRequest, official_id: Id) -> OfficialDetailOut:
    history = selectors.official_history(user=request.user, official_id=official_id)
    official = history.official
    manages = access.may_manage(request.user, official)
    return OfficialDetailOut(
        official=OfficialOut(**selectors.official_row(request.user, official, manages=manages)),
        assignments=[
            AssignmentOut(
                id=a.pk,
                position_id=a.position_id,
                position_code=a.position.code,
                position_title=a.position.title,
                unit_id=a.unit_id,
                valid_from=a.valid_from,
                valid_to=a.valid_to,
                decision=a.decision,
            )
            for a in history.assignments
        ],
        trainings=[
            TrainingOut(
                course=t.course,
                field=t.field,
                level=t.level,
                start=t.start,
                end=t.end,
                result=t.result,
            )
            for t in history.trainings
        ],
        evaluations=[
            EvaluationOut(year=e.year, rating=e.rating, points=e.points)
            for e in history.evaluations
        ],
    )


@router.get("/positions", response=PositionsOut, summary="The positions of a unit and holders")
def positions_list(
    request: HttpRequest, unit: SearchText, as_of: Day | None = None
) -> PositionsOut:
    day = as_of or timezone.localdate()
    version = selectors.unit_for(request.user, unit, day)
    views = selectors.positions_of_unit(user=request.user, unit_id=version.unit_id, day=day)
    return PositionsOut(
        unit=_unit(version),
        as_of=day,
        seats=sum(v.position.seats for v in views),
        vacant=sum(v.vacant for v in views),
        positions=[PositionOut(**v.as_dict()) for v in views],
    )
