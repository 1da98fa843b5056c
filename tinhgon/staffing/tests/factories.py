"""Small builders of staffing rows for tests (the lead owns this file; parts add their own
builders in their own test modules)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from tinhgon.staffing import protect
from tinhgon.staffing.models import (
    Assignment,
    Category,
    Field,
    Gender,
    Group,
    Official,
    Position,
    Qualification,
)
from tinhgon.units import selectors

EARLIER = dt.date(2025, 9, 1)
_serial = itertools.count(1)


def _province_of(unit_id: int, day: dt.date) -> int:
    version = selectors.version_on(unit_id, day)
    return version.province_id or version.unit_id


def position(unit_id: int, *, day: dt.date = EARLIER, **fields: Any) -> int:
    values: dict[str, Any] = {
        "code": f"VT-{next(_serial)}",
        "title": "Chuyên viên",
        "group": Group.PROFESSIONAL,
        "category": Category.CIVIL_SERVANT,
        "level_required": Qualification.BACHELOR,
        "field_required": Field.ADMINISTRATION,
        "seats": 1,
        "valid_from": day,
    }
    values.update(fields)
    return Position.objects.create(
        unit_id=unit_id, province_id=_province_of(unit_id, day), **values
    ).pk


def official(
    unit_id: int, *, day: dt.date = EARLIER, number: str | None = None, **fields: Any
) -> int:
    serial = next(_serial)
    number = number or f"{serial:012d}"
    values: dict[str, Any] = {
        "full_name": f"Cán bộ {serial}",
        "birth_date": dt.date(1985, 5, 17),
        "gender": Gender.FEMALE,
        "ethnicity": "Thái",
        "level": Qualification.BACHELOR,
        "field": Field.ADMINISTRATION,
        "category": Category.CIVIL_SERVANT,
        "salary_coefficient": Decimal("3.33"),
        "hire_date": dt.date(2010, 9, 1),
    }
    values.update(fields)
    return Official.objects.create(
        unit_id=unit_id,
        province_id=_province_of(unit_id, day),
        national_id_digest=protect.digest(number),
        national_id_sealed=protect.seal(number),
        national_id_last=number[-4:],
        **values,
    ).pk


def assignment(unit_id: int, *, day: dt.date = EARLIER) -> int:
    return Assignment.objects.create(
        official_id=official(unit_id, day=day),
        position_id=position(unit_id, day=day),
        unit_id=unit_id,
        valid_from=day,
    ).pk
