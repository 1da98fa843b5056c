"""The red flags added to the first increment: low ratings (counted through the rating hook of
public services) and complaints (counted when a case is received), each kept current and equal
to a rebuild from the history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tinhgon.accounts.models import Role
from tinhgon.conftest import make_persona
from tinhgon.integrity import flags
from tinhgon.integrity.models import CaseKind, ComplaintCounter, FlagCounter, FlagKind, RedFlag
from tinhgon.integrity.tests.cases_factories import committee_of, leader, receive
from tinhgon.publicservices import portal
from tinhgon.publicservices import services as dossiers
from tinhgon.publicservices.models import Dossier
from tinhgon.publicservices.tests.conftest import FrozenClock
from tinhgon.publicservices.tests.factories import file_dossier
from tinhgon.staffing.tests import factories as staff
from tinhgon.workdays.calendar import VIETNAM

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    frozen = FrozenClock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=VIETNAM))  # a Monday
    monkeypatch.setattr(timezone, "now", frozen.now)
    return frozen


def decided(unit_id: int, official, *, rating: int | None) -> str:  # type: ignore[no-untyped-def]
    """A dossier the official receives, takes and approves; then rated by its applicant."""
    code = file_dossier(unit_id, actor=official).code
    dossiers.dossier_assign(actor=official, code=code, assignee=official)
    dossiers.dossier_approve(actor=official, code=code)
    if rating is not None:
        portal.portal_rate(dossier=Dossier.objects.get(code=code), rating=rating)
    return code


def counted() -> set[tuple[int, int, int, int]]:
    return set(FlagCounter.objects.values_list("official_id", "unit_id", "rated", "low_rated"))


# -- low ratings -------------------------------------------------------------------------------
def test_a_rating_counts_once_for_every_official_who_handled_the_dossier(
    clock, chieng_an, commune_official
):
    desk = commune_official.user
    head = make_persona("truong-phong", chieng_an.unit_id, Role.UNIT_OFFICIAL).user
    code = file_dossier(chieng_an.unit_id, actor=desk).code
    dossiers.dossier_assign(actor=head, code=code, assignee=head)
    dossiers.dossier_approve(actor=head, code=code)
    portal.portal_rate(dossier=Dossier.objects.get(code=code), rating=1)
    # The desk hands the result over after the rating: nothing counts twice.
    dossiers.dossier_return_result(actor=desk, code=code)
    assert counted() == {(desk.pk, chieng_an.unit_id, 1, 1), (head.pk, chieng_an.unit_id, 1, 1)}


def test_an_official_who_first_acts_after_the_rating_counts_it_too_as_a_rebuild_would(
    clock, chieng_an, commune_official
):
    desk = commune_official.user
    clerk = make_persona("van-thu", chieng_an.unit_id, Role.UNIT_OFFICIAL).user
    code = decided(chieng_an.unit_id, desk, rating=3)
    dossiers.dossier_return_result(actor=clerk, code=code)
    kept = counted()
    assert kept == {(desk.pk, chieng_an.unit_id, 1, 0), (clerk.pk, chieng_an.unit_id, 1, 0)}
    flags.rebuild()
    assert counted() == kept


def test_low_ratings_far_above_the_peers_raise_a_flag_naming_the_dossiers(
    clock, monkeypatch, chieng_an, commune_official
):
    monkeypatch.setattr(flags, "RATE_MIN_HANDLED", 3)
    peers = [
        make_persona(f"dong-nghiep-{i}", chieng_an.unit_id, Role.UNIT_OFFICIAL).user
        for i in range(3)
    ]
    for i, peer in enumerate(peers):
        for n in range(3):
            decided(chieng_an.unit_id, peer, rating=2 if (i, n) == (0, 0) else 3)
    rude = commune_official.user
    low = [decided(chieng_an.unit_id, rude, rating=1) for _n in range(2)]
    decided(chieng_an.unit_id, rude, rating=2)
    decided(chieng_an.unit_id, rude, rating=None)  # not rated: not in the share
    flag = RedFlag.objects.get(kind=FlagKind.LOW_RATINGS)
    assert (flag.official, flag.unit_id, flag.dossiers) == (rude, chieng_an.unit_id, sorted(low))
    assert "2 of 3 rated dossiers (67%)" in flag.explanation
    assert "not satisfied" in flag.explanation
    assert (flag.peers["peers"], flag.peers["median"], flag.peers["rate"]) == (3, 0.0, 0.6667)
    kept = (flag.score, flag.dossiers, flag.explanation, flag.peers)
    flags.rebuild()
    again = RedFlag.objects.get(kind=FlagKind.LOW_RATINGS)
    assert (again.score, again.dossiers, again.explanation, again.peers) == kept


# -- complaints --------------------------------------------------------------------------------
def test_complaints_concerning_an_official_raise_a_flag_at_the_handler_unit_not_at_theirs(
    settings, son_la, chieng_an
):
    settings.TINHGON_FLAG_COMPLAINTS_AT = 3
    chairman = leader(committee_of(chieng_an.unit_id))
    first = receive(chieng_an.unit_id, official_id=chairman, dossier_code="HS-1")
    receive(chieng_an.unit_id, official_id=chairman, kind=CaseKind.COMPLAINT)
    receive(chieng_an.unit_id, official_id=chairman, kind=CaseKind.FEEDBACK)  # not counted
    assert not RedFlag.objects.exists()
    third = receive(
        chieng_an.unit_id, official_id=chairman, anonymous=True, author_name="", author_contact=""
    )
    handler = first.handler_unit_id
    assert handler != chieng_an.unit_id  # routed above the commune, and so is the flag
    counter = ComplaintCounter.objects.get()
    assert (counter.staff_id, counter.unit_id, counter.complaints, counter.denunciations) == (
        chairman,
        handler,
        1,
        2,
    )
    flag = RedFlag.objects.get()
    assert (flag.kind, flag.staff_id, flag.official_id, flag.unit_id) == (
        FlagKind.COMPLAINTS,
        chairman,
        None,
        handler,
    )
    assert flag.dossiers == ["HS-1"] and flag.peers["cases"][0] == first.pk
    assert third.pk in flag.peers["cases"] and flag.peers["threshold"] == 3
    assert "1 complaints and 2 denunciations" in flag.explanation
    assert flags.as_json(flag)["official"] == f"staff:{chairman}"
    assert not flags.flags_of_unit(None, unit_id=chieng_an.unit_id).exists()


def test_the_complaints_threshold_is_a_setting_and_a_rebuild_gives_the_same_flag(
    settings, son_la, chieng_an
):
    settings.TINHGON_FLAG_COMPLAINTS_AT = 1
    someone = staff.official(chieng_an.unit_id)
    receive(chieng_an.unit_id, official_id=someone)
    flag = RedFlag.objects.get(kind=FlagKind.COMPLAINTS)
    flag_id, kept = flag.pk, (flag.unit_id, flag.score, flag.explanation, flag.peers)
    flags.flag_dismiss(actor=None, flag_id=flag_id, reason="Đã xác minh: không có cơ sở")
    flags.rebuild()
    again = RedFlag.objects.get(kind=FlagKind.COMPLAINTS)
    assert (again.unit_id, again.score, again.explanation, again.peers) == kept
    assert again.dismissed_reason == "Đã xác minh: không có cơ sở"
    settings.TINHGON_FLAG_COMPLAINTS_AT = 2
    flags.rebuild()
    assert not RedFlag.objects.exists()
