"""Example records of the flags part's carriers, for the carriers' contract suite
(carriers/tests/test_contract.py): each call a new key, so that several may share a ward."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model
from django.utils import timezone

from tinhgon.integrity.models import ComplaintCounter, FlagCounter, FlagKind, RedFlag
from tinhgon.publicservices.models import Procedure
from tinhgon.publicservices.tests.factories import load_catalogue
from tinhgon.staffing.tests import factories as staff

_serial = itertools.count(1)


def _user():  # type: ignore[no-untyped-def]
    return get_user_model().objects.create(username=f"flagged-{next(_serial)}")


def flag_counter(unit_id: int) -> int:
    load_catalogue()
    procedure = Procedure.objects.order_by("pk").first()
    assert procedure is not None
    return FlagCounter.objects.create(
        official=_user(), unit_id=unit_id, procedure=procedure, handled=1
    ).pk


def red_flag(unit_id: int) -> int:
    return RedFlag.objects.create(
        official=_user(),
        unit_id=unit_id,
        kind=FlagKind.IDLE,
        score=2.0,
        explanation="example",
        computed_at=timezone.now(),
    ).pk


def complaint_counter(unit_id: int) -> int:
    return ComplaintCounter.objects.create(
        staff_id=staff.official(unit_id), unit_id=unit_id, complaints=1
    ).pk
