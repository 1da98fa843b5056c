"""Red flags through a reorganization: a real plan merges two wards; the counters of an official
at both add up at the new ward (raising the flag neither raised alone), the flags move there
with their dismissals, every move is recorded, and a rebuild after the plan gives the same."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tinhgon.carriers.models import RecordMove
from tinhgon.integrity import flags
from tinhgon.integrity.models import FlagCounter, FlagKind, RedFlag
from tinhgon.integrity.tests.test_flags import sent_back
from tinhgon.publicservices.tests.conftest import FrozenClock
from tinhgon.publicservices.tests.factories import file_dossier
from tinhgon.reorg import engine, planfile
from tinhgon.units import selectors
from tinhgon.workdays.calendar import VIETNAM

pytestmark = pytest.mark.django_db

EFFECTIVE = dt.date(2026, 4, 1)
MERGE_TWO_WARDS = """
title: Hợp nhất hai phường
effective_date: {effective}
legal_basis: {{number: 07/NQ-HĐND}}
steps:
- action: consolidate
  sources: ['{a}', '{b}']
  target: {{code: '03999', name: Phường Chiềng Tô, kind: ward, parent: '14'}}
"""


@pytest.fixture
def clock(monkeypatch):
    frozen = FrozenClock(dt.datetime(2026, 3, 23, 9, 0, tzinfo=VIETNAM))  # a Monday
    monkeypatch.setattr(timezone, "now", frozen.now)
    return frozen


def snapshot():  # type: ignore[no-untyped-def]
    counters = set(
        FlagCounter.objects.values_list(
            "official_id", "unit_id", "procedure_id", "handled", "supplements", "repeated"
        )
    )
    found = set(
        RedFlag.objects.values_list("official_id", "unit_id", "kind", "score", "dismissed_reason")
    )
    dossiers = {(f.official_id, f.kind): tuple(f.dossiers) for f in RedFlag.objects.all()}
    return counters, found, dossiers


def test_merging_two_wards_adds_the_counters_up_and_moves_the_flags_to_the_new_ward(
    clock, chieng_an, to_hieu, province_admin, commune_official
):
    admin, desk = province_admin.user, commune_official.user
    # The province's official sends one dossier back twice at each ward: not a pattern at either.
    first = file_dossier(chieng_an.unit_id, actor=admin).code
    second = file_dossier(to_hieu.unit_id, actor=admin).code
    sent_back(first, admin, 2)
    sent_back(second, admin, 2)
    assert not RedFlag.objects.filter(official=admin).exists()
    # The ward's official does it to two dossiers at Chiềng An: a flag, dismissed with a reason.
    theirs = [file_dossier(chieng_an.unit_id, actor=desk).code for _n in range(2)]
    for code in theirs:
        sent_back(code, desk, 2)
    flag = RedFlag.objects.get(official=desk)
    flags.flag_dismiss(actor=admin, flag_id=flag.pk, reason="Hồ sơ thiếu thật")

    plan = MERGE_TWO_WARDS.format(effective=EFFECTIVE, a=chieng_an.code, b=to_hieu.code)
    outcome = engine.apply_plan(planfile.load_yaml(plan))
    assert outcome.plan is not None
    merged = selectors.resolve("Phường Chiềng Tô", day=EFFECTIVE).unit_id

    closed = {chieng_an.unit_id, to_hieu.unit_id}
    assert not FlagCounter.objects.filter(unit_id__in=closed).exists()
    assert not RedFlag.objects.filter(unit_id__in=closed).exists()
    counter = FlagCounter.objects.get(official=admin)
    assert (counter.unit_id, counter.handled, counter.supplements, counter.repeated) == (
        merged,
        2,
        4,
        2,
    )
    raised = RedFlag.objects.get(official=admin)
    assert (raised.unit_id, raised.kind, raised.dossiers) == (
        merged,
        FlagKind.REPEATED_SUPPLEMENTS,
        sorted([first, second]),
    )
    kept = RedFlag.objects.get(official=desk)
    assert (kept.pk, kept.unit_id, kept.dismissed_reason) == (flag.pk, merged, "Hồ sơ thiếu thật")
    moves = RecordMove.objects.filter(plan_ref=outcome.plan.pk)
    assert moves.filter(carrier="flag_counters").count() == 3
    assert moves.filter(carrier="red_flags", record_id=flag.pk, to_unit_id=merged).count() == 1

    before = snapshot()
    flags.rebuild()
    assert snapshot() == before


def test_a_flag_that_meets_its_twin_at_the_successor_is_merged_into_one(
    clock, chieng_an, to_hieu, province_admin
):
    admin = province_admin.user
    for ward in (chieng_an, to_hieu):
        for _n in range(2):
            sent_back(file_dossier(ward.unit_id, actor=admin).code, admin, 2)
    assert RedFlag.objects.filter(official=admin).count() == 2  # one at each ward
    plan = MERGE_TWO_WARDS.format(effective=EFFECTIVE, a=chieng_an.code, b=to_hieu.code)
    engine.apply_plan(planfile.load_yaml(plan))
    merged = selectors.resolve("Phường Chiềng Tô", day=EFFECTIVE).unit_id
    (flag,) = RedFlag.objects.filter(official=admin)
    assert (flag.unit_id, flag.score, len(flag.dossiers)) == (merged, 4.0, 4)
