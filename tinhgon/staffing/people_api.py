"""Staffing API: people, under /api/staff. Each endpoint loads through `staffing.access` (the
scope of `accounts.access` on the official's unit) and returns personal data only to those who
manage the person: everyone else gets the identity number masked and no date of birth,
ethnicity, home commune or salary coefficient.

The writes are thin: the access check (write scope on the unit, or managing the official), one
service of `staffing.services` (which checks it again, so a command refuses the same), the
output schema. A refusal is the usual error JSON (400 with the field, 403, 404)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from tinhgon.accounts.access import access_unit, scopes_cached
from tinhgon.core.errors import NotFound
from tinhgon.core.schemas import PRINTABLE_REGEX, BodyId, Day, Id, SearchText
from tinhgon.staffing import access, selectors, services, user_link
from tinhgon.staffing.models import Assignment

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
    # The official's own account: for those who manage the official only (null otherwise).
    user: str | None = None
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
        user=user_link.linked_username(request.user, official, manages=manages),
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


# -- writes ------------------------------------------------------------------------------------
# The choices of the models, written literally: an enum would enter the OpenAPI document's
# components under its class name ("Category", "Field", "Result"), where another app's enum of
# the same name would take its place. test_people_writes checks they equal the models' choices.
Gender = Literal["female", "male"]
Group = Literal["leadership", "professional", "shared", "support"]
Role = Literal["", "head", "deputy"]
Category = Literal["civil_servant", "public_employee", "contract"]
Qualification = Literal[1, 2, 3, 4, 5, 6]
TrainingField = Literal[
    "administration",
    "law",
    "economics",
    "it",
    "agriculture",
    "land",
    "construction",
    "culture",
    "education",
    "health",
    "security",
    "other",
]
TrainingResult = Literal["ongoing", "passed", "failed"]
IDENTITY_REGEX = r"^(?:[0-9]{12}|[0-9]{9})$"
Text = Annotated[str, Field(pattern=PRINTABLE_REGEX, min_length=1, max_length=200)]
OptionalText = Annotated[str, Field(pattern=PRINTABLE_REGEX, max_length=200)]
Coefficient = Annotated[
    Decimal, Field(ge=services.MIN_COEFFICIENT, le=services.MAX_COEFFICIENT, decimal_places=2)
]


class OfficialIn(Schema):
    unit_id: BodyId
    full_name: Text
    national_id: Annotated[str, Field(pattern=IDENTITY_REGEX, examples=["014190001234"])]
    birth_date: Day
    gender: Gender
    ethnicity: Text
    level: Qualification
    field: TrainingField
    category: Category
    salary_coefficient: Coefficient
    hire_date: Day
    home_commune_id: BodyId | None = None
    rank: OptionalText = ""


class OfficialPatch(Schema):
    """The fields to change; those left out stay as they are."""

    full_name: Text | None = None
    national_id: Annotated[str, Field(pattern=IDENTITY_REGEX)] | None = None
    birth_date: Day | None = None
    gender: Gender | None = None
    ethnicity: Text | None = None
    level: Qualification | None = None
    field: TrainingField | None = None
    category: Category | None = None
    salary_coefficient: Coefficient | None = None
    hire_date: Day | None = None
    home_commune_id: BodyId | None = None
    rank: OptionalText | None = None


def _official_out(request: HttpRequest, official_id: int) -> OfficialOut:
    official = access.access_official(request.user, official_id)
    manages = access.may_manage(request.user, official)
    return OfficialOut(**selectors.official_row(request.user, official, manages=manages))


@router.post("/officials", response={201: OfficialOut}, summary="Add an official")
def official_create(request: HttpRequest, payload: OfficialIn) -> Any:
    """The identity number is sealed; a number already recorded is refused (named masked)."""
    with scopes_cached():
        day = timezone.localdate()
        access_unit(request.user, payload.unit_id, day=day, write=True)
        official = services.official_create(
            actor=request.user, day=day, **payload.dict(exclude_none=True)
        )
        return Status(201, _official_out(request, official.pk))


@router.patch("/officials/{official_id}", response=OfficialOut, summary="Change an official")
def official_update(request: HttpRequest, official_id: Id, payload: OfficialPatch) -> Any:
    with scopes_cached():
        access.access_official(request.user, official_id, write=True)
        services.official_update(
            actor=request.user, official_id=official_id, **payload.dict(exclude_unset=True)
        )
        return _official_out(request, official_id)


class PositionIn(Schema):
    unit_id: BodyId
    code: Annotated[str, Field(pattern=PRINTABLE_REGEX, min_length=1, max_length=40)]
    title: Text
    group: Group
    leader_role: Role = ""
    category: Category
    level_required: Qualification
    field_required: TrainingField
    seats: Annotated[int, Field(ge=1, le=services.MAX_SEATS)] = 1
    valid_from: Day


class LastDayIn(Schema):
    last_day: Day
    decision: OptionalText = ""


@router.post("/positions", response={201: PositionOut}, summary="Open a position")
def position_create(request: HttpRequest, payload: PositionIn) -> Any:
    with scopes_cached():
        access_unit(request.user, payload.unit_id, day=payload.valid_from, write=True)
        position = services.position_create(actor=request.user, **payload.dict())
        return Status(201, PositionOut(**selectors.PositionView(position).as_dict()))


@router.post(
    "/positions/{position_id}/close",
    response=PositionOut,
    summary="Close a position after its last day (refused while someone holds it)",
)
def position_close(request: HttpRequest, position_id: Id, payload: LastDayIn) -> Any:
    with scopes_cached():
        access.access_position(request.user, position_id, write=True)
        position = services.position_close(
            actor=request.user, position_id=position_id, last_day=payload.last_day
        )
        return PositionOut(**selectors.PositionView(position).as_dict())


class QuotaIn(Schema):
    unit_id: BodyId
    year: Annotated[int, Field(ge=2000, le=2100)]
    category: Category
    count: Annotated[int, Field(ge=0, le=services.MAX_QUOTA)]
    decision: Annotated[str, Field(pattern=PRINTABLE_REGEX, min_length=1, max_length=120)]
    decided_on: Day | None = None


class QuotaOut(Schema):
    unit_id: int
    year: int
    category: str
    count: int
    decision: str
    decided_on: dt.date | None


@router.post(
    "/quotas",
    response={201: QuotaOut},
    summary="Set a unit's quota for a year and category (400 over the parent's cap)",
)
def quota_set(request: HttpRequest, payload: QuotaIn) -> Any:
    with scopes_cached():
        day = services.quota_day(payload.year, payload.decided_on)
        access_unit(request.user, payload.unit_id, day=day, write=True)
        quota = services.quota_set(actor=request.user, **payload.dict())
        return Status(
            201,
            QuotaOut(
                unit_id=quota.unit_id,
                year=quota.year,
                category=quota.category,
                count=quota.count,
                decision=quota.decision,
                decided_on=quota.decided_on,
            ),
        )


class AssignmentIn(Schema):
    official_id: BodyId
    position_id: BodyId
    valid_from: Day
    decision: OptionalText = ""


def _assignment_out(assignment: Any) -> AssignmentOut:
    return AssignmentOut(
        id=assignment.pk,
        position_id=assignment.position_id,
        position_code=assignment.position.code,
        position_title=assignment.position.title,
        unit_id=assignment.unit_id,
        valid_from=assignment.valid_from,
        valid_to=assignment.valid_to,
        decision=assignment.decision,
    )


@router.post(
    "/assignments", response={201: AssignmentOut}, summary="An official takes a vacant seat"
)
def assignment_start(request: HttpRequest, payload: AssignmentIn) -> Any:
    with scopes_cached():
        access.access_official(request.user, payload.official_id, write=True)
        access.access_position(request.user, payload.position_id, write=True)
        assignment = services.assignment_start(actor=request.user, **payload.dict())
        return Status(201, _assignment_out(assignment))


@router.post(
    "/assignments/{assignment_id}/end",
    response=AssignmentOut,
    summary="End an assignment on its last day",
)
def assignment_end(request: HttpRequest, assignment_id: Id, payload: LastDayIn) -> Any:
    with scopes_cached():
        official_id = (
            Assignment.objects.filter(pk=assignment_id)
            .values_list("official_id", flat=True)
            .first()
        )
        if official_id is None:
            raise NotFound(_("No assignment %(id)s in your scope.") % {"id": assignment_id})
        access.access_official(request.user, official_id, write=True)
        assignment = services.assignment_end(
            actor=request.user,
            assignment_id=assignment_id,
            last_day=payload.last_day,
            decision=payload.decision,
        )
        return _assignment_out(assignment)


class TrainingIn(Schema):
    course: Text
    field: TrainingField
    level: Qualification | None = Field(None, description="the qualification it confers, if any")
    start: Day
    end: Day | None = None
    result: TrainingResult


@router.post(
    "/officials/{official_id}/trainings",
    response={201: TrainingOut},
    summary="Record a course an official took",
)
def training_record(request: HttpRequest, official_id: Id, payload: TrainingIn) -> Any:
    with scopes_cached():
        access.access_official(request.user, official_id, write=True)
        training = services.training_record(
            actor=request.user, official_id=official_id, **payload.dict()
        )
        return Status(
            201,
            TrainingOut(
                course=training.course,
                field=training.field,
                level=training.level,
                start=training.start,
                end=training.end,
                result=training.result,
            ),
        )


class LinkUserIn(Schema):
    username: Annotated[str, Field(pattern=PRINTABLE_REGEX, min_length=1, max_length=150)]


class LinkedUserOut(Schema):
    official_id: int
    user: str | None


@router.post(
    "/officials/{official_id}/link-user",
    response=LinkedUserOut,
    summary="Link the official to their own user account (the province's personnel authority)",
    description="403 unless a superuser, an administrator of the official's province or an "
    "official of its Sở Nội vụ; 400 when the account is linked to another official or the "
    "official to another account; 409 when the account handles an open denunciation against "
    "the official; an unknown account and one outside your scope answer alike.",
)
def official_link_user(request: HttpRequest, official_id: Id, payload: LinkUserIn) -> Any:
    with scopes_cached():
        access.access_link(request.user, official_id)
        official = user_link.official_link_user(
            actor=request.user, official_id=official_id, username=payload.username
        )
        return LinkedUserOut(official_id=official.pk, user=user_link.account_name(official))


@router.post(
    "/officials/{official_id}/unlink-user",
    response=LinkedUserOut,
    summary="Undo the link between the official and their user account",
)
def official_unlink_user(request: HttpRequest, official_id: Id) -> Any:
    with scopes_cached():
        access.access_link(request.user, official_id)
        official = user_link.official_unlink_user(actor=request.user, official_id=official_id)
        return LinkedUserOut(official_id=official.pk, user=None)
