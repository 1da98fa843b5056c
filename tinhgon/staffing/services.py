"""Writes of people: positions, quotas, officials, assignments, training.

Every function is keyword-only, atomic, takes an `actor` (None: the operator at the command
line, full scope) and writes one audit row (core.models.audit). The actor's write scope on the
unit concerned is checked here, so a page, the API and a command refuse the same things.

Invariants kept here:
- a parent's quota caps the sum of its children's quotas for the same year and category (the
  units' tree on the quota's day: its decision's, else the last day of the year);
- an official's identity number is stored sealed and found by its digest: one official a number;
- an official holds a position at most once at a time, a position never has more holders than
  seats on any date, and an official's category is the position's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.accounts.access import access_unit
from tinhgon.core import text
from tinhgon.core.errors import DomainError, NotFound, Problem, invalid
from tinhgon.core.models import audit
from tinhgon.core.numbers import parse_decimal
from tinhgon.staffing import protect
from tinhgon.staffing.access import access_official, access_position
from tinhgon.staffing.models import (
    Assignment,
    Category,
    Field,
    Gender,
    Group,
    LeaderRole,
    Official,
    Position,
    Qualification,
    Quota,
    Status,
    Training,
    live,
)
from tinhgon.units import selectors as units
from tinhgon.units.models import UnitVersion

NAME_LIMIT = 120
TITLE_LIMIT = 200
CODE_LIMIT = 40
DECISION_LIMIT = 120
MAX_SEATS = 500
MAX_QUOTA = 1_000_000
# Salary coefficients of the state pay scales (Decree 204/2004: from 1.00 up to 10.00).
MIN_COEFFICIENT, MAX_COEFFICIENT = Decimal("1.00"), Decimal("10.00")
MIN_AGE, MAX_AGE = 16, 75


# -- checks ----------------------------------------------------------------------------------
def _unit_on(actor: Any, unit_id: int, day: dt.date) -> UnitVersion:
    """The unit's version on `day`, if the actor may change its records."""
    if actor is None:
        return units.version_on(unit_id, day)
    return access_unit(actor, unit_id, day=day, write=True)


def _province_of(version: UnitVersion) -> int:
    return int(version.province_id or version.unit_id)


def _choice(value: Any, choices: Iterable[Any], name: str) -> Any:
    allowed = [c.value if hasattr(c, "value") else c for c in choices]
    if value not in allowed:
        raise invalid(
            _("'%(value)s' is not one of: %(allowed)s.")
            % {"value": str(value)[:40], "allowed": ", ".join(map(str, allowed))},
            field=name,
        )
    return value


def _text(value: str | None, name: str, limit: int, *, required: bool = True) -> str:
    cleaned = " ".join((value or "").split())
    if required and not cleaned:
        raise invalid(_("This field is required."), field=name)
    if len(cleaned) > limit:
        raise invalid(_("At most %(limit)s characters.") % {"limit": limit}, field=name)
    return cleaned


def _coefficient(value: Any) -> Decimal:
    number = parse_decimal(value)
    if number is None:
        raise invalid(
            _("'%(value)s' is not a number.") % {"value": str(value)[:20]},
            field="salary_coefficient",
        )
    number = number.quantize(Decimal("0.01"))
    if not MIN_COEFFICIENT <= number <= MAX_COEFFICIENT:
        raise invalid(
            _("A salary coefficient lies between %(low)s and %(high)s.")
            % {"low": MIN_COEFFICIENT, "high": MAX_COEFFICIENT},
            field="salary_coefficient",
        )
    return number


# -- positions -------------------------------------------------------------------------------
def position_create(
    *,
    actor: Any,
    unit_id: int,
    code: str,
    title: str,
    group: str,
    category: str,
    level_required: int,
    field_required: str,
    valid_from: dt.date,
    seats: int = 1,
    leader_role: str = "",
    synthetic: bool = False,
) -> Position:
    """A job position of a unit open on `valid_from`. Its code is unique among the unit's
    positions open on that day."""
    version = _unit_on(actor, unit_id, valid_from)
    code = _text(code, "code", CODE_LIMIT)
    title = _text(title, "title", TITLE_LIMIT)
    _choice(group, Group, "group")
    _choice(category, Category, "category")
    _choice(level_required, Qualification, "level_required")
    _choice(field_required, Field, "field_required")
    _choice(leader_role, LeaderRole, "leader_role")
    if leader_role and group != Group.LEADERSHIP:
        raise invalid(_("Only a leadership position has a head or a deputy."), field="leader_role")
    if not 1 <= seats <= MAX_SEATS:
        raise invalid(
            _("A position has from 1 to %(max)s seats.") % {"max": MAX_SEATS}, field="seats"
        )
    with transaction.atomic():
        taken = Position.objects.filter(live(valid_from), unit_id=unit_id, code=code)
        if taken.exists():
            raise invalid(
                _("%(unit)s already has an open position coded %(code)s.")
                % {"unit": version.name, "code": code},
                field="code",
            )
        position = Position.objects.create(
            unit_id=unit_id,
            province_id=_province_of(version),
            code=code,
            title=title,
            group=group,
            leader_role=leader_role,
            category=category,
            level_required=level_required,
            field_required=field_required,
            seats=seats,
            valid_from=valid_from,
            synthetic=synthetic,
        )
        audit(
            actor=actor,
            action="staffing.position_create",
            unit=unit_id,
            position=position.pk,
            code=code,
            seats=seats,
        )
    return position


def position_close(*, actor: Any, position_id: int, last_day: dt.date) -> Position:
    """Close a position after `last_day`. Refused while someone holds it after that day (end
    their assignments first); closing again on the same day does nothing."""
    with transaction.atomic():
        position = _position_for_update(actor, position_id)
        if position.valid_to == last_day:
            return position
        if position.valid_to is not None:
            raise invalid(
                _("Position %(code)s is already closed after %(day)s.")
                % {"code": position.code, "day": text.day(position.valid_to)},
                field="last_day",
            )
        if last_day < position.valid_from:
            raise invalid(
                _("Position %(code)s opened on %(day)s: it cannot close before.")
                % {"code": position.code, "day": text.day(position.valid_from)},
                field="last_day",
            )
        holders = list(
            position.assignments.exclude(valid_to__lte=last_day)
            .select_related("official")
            .values_list("official__full_name", flat=True)[:5]
        )
        if holders:
            raise invalid(
                _(
                    "Position %(code)s is still held after %(day)s by %(names)s: end the assignments first."
                )
                % {"code": position.code, "day": text.day(last_day), "names": ", ".join(holders)},
                field="last_day",
            )
        position.valid_to = last_day
        position.save(update_fields=["valid_to"])
        audit(
            actor=actor,
            action="staffing.position_close",
            unit=position.unit_id,
            position=position.pk,
            last_day=last_day.isoformat(),
        )
    return position


def _position_for_update(actor: Any, position_id: int) -> Position:
    if actor is not None:
        access_position(actor, position_id, write=True)
    position = Position.objects.select_for_update().filter(pk=position_id).first()
    if position is None:
        raise NotFound(_("No position %(id)s in your scope.") % {"id": position_id})
    return position


# -- quotas ----------------------------------------------------------------------------------
def quota_of(unit_id: int, year: int, category: str) -> int | None:
    """The quota of a unit for a year and category (the sum of its rows), None if none is set."""
    rows = Quota.objects.filter(unit_id=unit_id, year=year, category=category)
    return rows.aggregate(total=Sum("count"))["total"]


def quota_day(year: int, decided_on: dt.date | None) -> dt.date:
    """The day whose tree of units a quota is checked against (its decision's, else 31/12)."""
    if decided_on is not None and decided_on.year == year:
        return decided_on
    return dt.date(year, 12, 31)


def quota_set(
    *,
    actor: Any,
    unit_id: int,
    year: int,
    category: str,
    count: int,
    decision: str,
    decided_on: dt.date | None = None,
    synthetic: bool = False,
) -> Quota:
    """Set a unit's quota for a year and category (replacing its rows, inherited ones included).

    Refused when the unit's parent has a quota and the children's quotas would then exceed it,
    and when the unit's own children already hold more than `count`."""
    _choice(category, Category, "category")
    if not 2000 <= year <= 2100:
        raise invalid(_("'%(year)s' is not a year.") % {"year": year}, field="year")
    if not 0 <= count <= MAX_QUOTA:
        raise invalid(
            _("A quota is a whole number from 0 to %(max)s.") % {"max": MAX_QUOTA}, field="count"
        )
    decision = _text(decision, "decision", DECISION_LIMIT)
    day = quota_day(year, decided_on)
    version = _unit_on(actor, unit_id, day)
    label = Category(category).label
    with transaction.atomic():
        # Lock the rows the check reads (the parent's and this unit's), so two siblings set at
        # once cannot both pass the parent's cap on PostgreSQL.
        family = [unit_id] + ([version.parent_id] if version.parent_id else [])
        list(
            Quota.objects.select_for_update()
            .filter(unit_id__in=family, year=year, category=category)
            .values_list("pk", flat=True)
        )
        children = units.versions_on(day).filter(parent_id=unit_id).values("unit_id")
        children_total = (
            Quota.objects.filter(unit_id__in=children, year=year, category=category).aggregate(
                total=Sum("count")
            )["total"]
            or 0
        )
        if count < children_total:
            raise invalid(
                _(
                    "The quota of %(unit)s for %(year)s (%(category)s) cannot be %(count)s: its "
                    "units under it already hold %(children)s."
                )
                % {
                    "unit": version.name,
                    "year": year,
                    "category": label,
                    "count": text.number(count),
                    "children": text.number(children_total),
                },
                field="count",
            )
        if version.parent_id:
            cap = quota_of(version.parent_id, year, category)
            if cap is not None:
                siblings = (
                    units.versions_on(day)
                    .filter(parent_id=version.parent_id)
                    .exclude(unit_id=unit_id)
                    .values("unit_id")
                )
                others = (
                    Quota.objects.filter(
                        unit_id__in=siblings, year=year, category=category
                    ).aggregate(total=Sum("count"))["total"]
                    or 0
                )
                if others + count > cap:
                    parent = units.version_on(version.parent_id, day)
                    raise invalid(
                        _(
                            "The quota of %(parent)s for %(year)s (%(category)s) is %(cap)s: its "
                            "units would hold %(total)s (%(others)s already, %(count)s for "
                            "%(unit)s). At most %(room)s is left for %(unit)s."
                        )
                        % {
                            "parent": parent.name,
                            "year": year,
                            "category": label,
                            "cap": text.number(cap),
                            "total": text.number(others + count),
                            "others": text.number(others),
                            "count": text.number(count),
                            "unit": version.name,
                            "room": text.number(max(cap - others, 0)),
                        },
                        field="count",
                    )
        replaced = Quota.objects.filter(unit_id=unit_id, year=year, category=category)
        before = quota_of(unit_id, year, category)
        replaced.delete()
        quota = Quota.objects.create(
            unit_id=unit_id,
            province_id=_province_of(version),
            year=year,
            category=category,
            count=count,
            decision=decision,
            decided_on=decided_on,
            synthetic=synthetic,
        )
        audit(
            actor=actor,
            action="staffing.quota_set",
            unit=unit_id,
            year=year,
            category=category,
            count=count,
            before=before,
            decision=decision,
        )
    return quota


# -- officials -------------------------------------------------------------------------------
def _check_person(
    *, birth_date: dt.date, hire_date: dt.date, today: dt.date | None = None
) -> list[Problem]:
    today = today or timezone.localdate()
    problems = []
    age_at_hire = (hire_date - birth_date).days // 365
    if birth_date > today or not MIN_AGE <= (today - birth_date).days // 365 <= MAX_AGE + 20:
        problems.append(Problem(_("This date of birth is not plausible."), field="birth_date"))
    elif age_at_hire < MIN_AGE:
        problems.append(
            Problem(
                _("Hired at %(age)s years old: at least %(min)s.")
                % {"age": age_at_hire, "min": MIN_AGE},
                field="hire_date",
            )
        )
    if hire_date > today:
        problems.append(Problem(_("The hire date is in the future."), field="hire_date"))
    return problems


def _home_commune(home_commune_id: int | None) -> int | None:
    if home_commune_id is None:
        return None
    if not UnitVersion.objects.filter(unit_id=home_commune_id).exists():
        raise invalid(
            _("Unit %(id)s does not exist.") % {"id": home_commune_id}, field="home_commune"
        )
    return home_commune_id


def _number_free(number: str, *, official_id: int | None = None) -> tuple[str, str]:
    """The digest and sealed form of a new identity number; refused if another official has it."""
    number = protect.normalize(number)
    digest = protect.digest(number)
    clash = Official.objects.filter(national_id_digest=digest)
    if official_id is not None:
        clash = clash.exclude(pk=official_id)
    if clash.exists():
        raise invalid(
            _("An official with identity number %(masked)s is already recorded.")
            % {"masked": protect.masked(number[-4:])},
            field="national_id",
        )
    return digest, protect.seal(number)


def official_create(
    *,
    actor: Any,
    unit_id: int,
    full_name: str,
    national_id: str,
    birth_date: dt.date,
    gender: str,
    ethnicity: str,
    level: int,
    field: str,
    category: str,
    salary_coefficient: Decimal | str | float,
    hire_date: dt.date,
    home_commune_id: int | None = None,
    rank: str = "",
    day: dt.date | None = None,
    synthetic: bool = False,
) -> Official:
    """Record an official employed by `unit_id` (open on `day`, default today). The identity
    number is sealed (protect.seal) and kept with its digest and last four digits only."""
    day = day or timezone.localdate()
    version = _unit_on(actor, unit_id, day)
    full_name = _text(full_name, "full_name", NAME_LIMIT)
    ethnicity = _text(ethnicity, "ethnicity", 40)
    rank = _text(rank, "rank", 120, required=False)
    _choice(gender, Gender, "gender")
    _choice(level, Qualification, "level")
    _choice(field, Field, "field")
    _choice(category, Category, "category")
    coefficient = _coefficient(salary_coefficient)
    problems = _check_person(birth_date=birth_date, hire_date=hire_date)
    if problems:
        raise DomainError(_("The official's dates are not valid."), problems=problems)
    home = _home_commune(home_commune_id)
    with transaction.atomic():
        digest, sealed = _number_free(national_id)
        try:
            # Two records of one number at once: the unique digest refuses the second.
            with transaction.atomic():
                official = Official.objects.create(
                    unit_id=unit_id,
                    province_id=_province_of(version),
                    full_name=full_name,
                    national_id_digest=digest,
                    national_id_sealed=sealed,
                    national_id_last=protect.normalize(national_id)[-4:],
                    birth_date=birth_date,
                    gender=gender,
                    ethnicity=ethnicity,
                    home_commune_id=home,
                    level=level,
                    field=field,
                    category=category,
                    rank=rank,
                    salary_coefficient=coefficient,
                    hire_date=hire_date,
                    synthetic=synthetic,
                )
        except IntegrityError:
            raise invalid(
                _("An official with identity number %(masked)s is already recorded.")
                % {"masked": protect.masked(protect.normalize(national_id)[-4:])},
                field="national_id",
            ) from None
        # The audit row names the official, never their identity number.
        audit(actor=actor, action="staffing.official_create", unit=unit_id, official=official.pk)
    return official


_UPDATABLE = (
    "full_name",
    "birth_date",
    "gender",
    "ethnicity",
    "home_commune_id",
    "level",
    "field",
    "category",
    "rank",
    "salary_coefficient",
    "hire_date",
)


def official_update(*, actor: Any, official_id: int, **changes: Any) -> Official:
    """Change an official's record (the fields of `_UPDATABLE`, and `national_id`). Their unit
    changes through an assignment or a reorganization, not here. A category change is refused
    while the official holds a position of another category."""
    unknown = set(changes) - set(_UPDATABLE) - {"national_id"}
    if unknown:
        raise invalid(
            _("These fields cannot be changed here: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))},
            field=sorted(unknown)[0],
        )
    with transaction.atomic():
        if actor is not None:
            access_official(actor, official_id, write=True)
        official = Official.objects.select_for_update().filter(pk=official_id).first()
        if official is None:
            raise NotFound(_("No official %(id)s in your scope.") % {"id": official_id})
        changed: list[str] = []
        for name, value in changes.items():
            if name == "national_id":
                digest, sealed = _number_free(value, official_id=official.pk)
                if digest != official.national_id_digest:
                    official.national_id_digest = digest
                    official.national_id_sealed = sealed
                    official.national_id_last = protect.normalize(value)[-4:]
                    changed += ["national_id_digest", "national_id_sealed", "national_id_last"]
                continue
            if name in ("full_name", "ethnicity"):
                value = _text(value, name, NAME_LIMIT if name == "full_name" else 40)
            elif name == "rank":
                value = _text(value, name, 120, required=False)
            elif name == "salary_coefficient":
                value = _coefficient(value)
            elif name == "gender":
                _choice(value, Gender, name)
            elif name == "level":
                _choice(value, Qualification, name)
            elif name == "field":
                _choice(value, Field, name)
            elif name == "category":
                _choice(value, Category, name)
            elif name == "home_commune_id":
                value = _home_commune(value)
            if getattr(official, name) != value:
                setattr(official, name, value)
                changed.append(name)
        problems = _check_person(birth_date=official.birth_date, hire_date=official.hire_date)
        if problems:
            raise DomainError(_("The official's dates are not valid."), problems=problems)
        if "category" in changed:
            other = (
                official.assignments.filter(valid_to__isnull=True)
                .exclude(position__category=official.category)
                .select_related("position")
                .first()
            )
            if other is not None:
                raise invalid(
                    _(
                        "%(name)s holds position %(code)s, which is for a %(category)s: end that "
                        "assignment before changing the category."
                    )
                    % {
                        "name": official.full_name,
                        "code": other.position.code,
                        "category": Category(other.position.category).label,
                    },
                    field="category",
                )
        if not changed:
            return official
        official.save(update_fields=changed)
        # Field names only: the audit row holds no personal data.
        fields = sorted({"national_id" if c.startswith("national_id") else c for c in changed})
        audit(
            actor=actor,
            action="staffing.official_update",
            unit=official.unit_id,
            official=official.pk,
            fields=fields,
        )
    return official


# -- assignments -----------------------------------------------------------------------------
def _most_holders(intervals: list[tuple[dt.date, dt.date | None]], start: dt.date) -> int:
    """The largest number of the intervals that overlap on one day from `start` on."""
    events: list[tuple[dt.date, int]] = []
    for begin, end in intervals:
        if end is not None and end < start:
            continue
        events.append((max(begin, start), 1))
        if end is not None:
            events.append((end + dt.timedelta(days=1), -1))
    # On one day the departures (-1) count before the arrivals.
    events.sort()
    most = current = 0
    for _day, change in events:
        current += change
        most = max(most, current)
    return most


def assignment_start(
    *,
    actor: Any,
    official_id: int,
    position_id: int,
    valid_from: dt.date,
    decision: str = "",
    placement_id: int | None = None,
) -> Assignment:
    """The official holds the position from `valid_from` on (open-ended).

    Refused: an official of another category than the position's; a position not open that day
    or closed later (an open assignment would outlive it); an official who already holds the
    position then; a position whose seats are all held on some day from `valid_from` on."""
    decision = _text(decision, "decision", DECISION_LIMIT, required=False)
    with transaction.atomic():
        if actor is not None:
            access_official(actor, official_id, write=True)
        # The position's row lock serializes two assignments to its last seat.
        position = _position_for_update(actor, position_id)
        official = Official.objects.filter(pk=official_id).first()
        if official is None:
            raise NotFound(_("No official %(id)s in your scope.") % {"id": official_id})
        if official.status != Status.ACTIVE:
            raise invalid(
                _("%(name)s has left: they hold no position.") % {"name": official.full_name},
                field="official",
            )
        if official.category != position.category:
            raise invalid(
                _("%(name)s is a %(official)s; position %(code)s is for a %(position)s.")
                % {
                    "name": official.full_name,
                    "official": Category(official.category).label,
                    "code": position.code,
                    "position": Category(position.category).label,
                },
                field="position",
            )
        if valid_from < position.valid_from or position.valid_to is not None:
            raise invalid(
                _(
                    "Position %(code)s is open from %(start)s%(end)s: no open assignment from %(day)s."
                )
                % {
                    "code": position.code,
                    "start": text.day(position.valid_from),
                    "end": (" " + _("to") + " " + text.day(position.valid_to))
                    if position.valid_to
                    else "",
                    "day": text.day(valid_from),
                },
                field="valid_from",
            )
        held = position.assignments.exclude(valid_to__lt=valid_from)
        if held.filter(official_id=official_id).exists():
            raise invalid(
                _("%(name)s already holds position %(code)s on %(day)s.")
                % {"name": official.full_name, "code": position.code, "day": text.day(valid_from)},
                field="official",
            )
        intervals = list(held.values_list("valid_from", "valid_to"))
        if _most_holders([*intervals, (valid_from, None)], valid_from) > position.seats:
            raise invalid(
                _("Position %(code)s has %(seats)s seat(s), all held from %(day)s on.")
                % {"code": position.code, "seats": position.seats, "day": text.day(valid_from)},
                field="position",
            )
        assignment = Assignment.objects.create(
            official_id=official_id,
            position_id=position.pk,
            unit_id=position.unit_id,
            valid_from=valid_from,
            decision=decision,
            placement_id=placement_id,
        )
        audit(
            actor=actor,
            action="staffing.assignment_start",
            unit=position.unit_id,
            assignment=assignment.pk,
            official=official_id,
            position=position.pk,
            valid_from=valid_from.isoformat(),
        )
    return assignment


def assignment_end(
    *, actor: Any, assignment_id: int, last_day: dt.date, decision: str = ""
) -> Assignment:
    """The official holds the position until `last_day` included. Ending again on the same day
    does nothing; another day is refused."""
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update()
            .filter(pk=assignment_id)
            .select_related("official", "position")
            .first()
        )
        if assignment is None:
            raise NotFound(_("No assignment %(id)s in your scope.") % {"id": assignment_id})
        if actor is not None:
            access_official(actor, assignment.official_id, write=True)
        if assignment.valid_to == last_day:
            return assignment
        if assignment.valid_to is not None:
            raise invalid(
                _("This assignment already ended on %(day)s.")
                % {"day": text.day(assignment.valid_to)},
                field="last_day",
            )
        if last_day < assignment.valid_from:
            raise invalid(
                _("This assignment started on %(day)s: it cannot end before.")
                % {"day": text.day(assignment.valid_from)},
                field="last_day",
            )
        assignment.valid_to = last_day
        assignment.save(update_fields=["valid_to"])
        audit(
            actor=actor,
            action="staffing.assignment_end",
            unit=assignment.unit_id,
            assignment=assignment.pk,
            official=assignment.official_id,
            last_day=last_day.isoformat(),
            decision=_text(decision, "decision", DECISION_LIMIT, required=False),
        )
    return assignment


# -- training --------------------------------------------------------------------------------
def training_record(
    *,
    actor: Any,
    official_id: int,
    course: str,
    field: str,
    start: dt.date,
    result: str,
    end: dt.date | None = None,
    level: int | None = None,
) -> Training:
    """Record a course an official took (ongoing, passed or not passed). A passed course that
    confers a qualification above the official's raises it."""
    course = _text(course, "course", 200)
    _choice(field, Field, "field")
    _choice(result, Training.Result, "result")
    if level is not None:
        _choice(level, Qualification, "level")
    if end is not None and end < start:
        raise invalid(_("The course ends before it starts."), field="end")
    if result != Training.Result.ONGOING and end is None:
        raise invalid(_("A finished course has an end date."), field="end")
    with transaction.atomic():
        if actor is not None:
            access_official(actor, official_id, write=True)
        official = Official.objects.select_for_update().filter(pk=official_id).first()
        if official is None:
            raise NotFound(_("No official %(id)s in your scope.") % {"id": official_id})
        training = Training.objects.create(
            official=official,
            course=course,
            field=field,
            level=level,
            start=start,
            end=end,
            result=result,
        )
        raised = result == Training.Result.PASSED and level is not None and level > official.level
        if raised and level is not None:
            official.level = level
            official.save(update_fields=["level"])
        audit(
            actor=actor,
            action="staffing.training_record",
            unit=official.unit_id,
            official=official.pk,
            training=training.pk,
            result=result,
            raised_level=level if raised else None,
        )
    return training
