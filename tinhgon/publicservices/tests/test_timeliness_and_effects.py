"""Timeliness classes of dossiers, and the effects that follow each change of status."""

from __future__ import annotations

import datetime as dt

import pytest

from tinhgon.conftest import unit
from tinhgon.publicservices import effects, services
from tinhgon.publicservices.models import Timeliness
from tinhgon.publicservices.tests.factories import file_dossier
from tinhgon.workdays.calendar import VIETNAM

pytestmark = pytest.mark.django_db


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, 0, tzinfo=VIETNAM)


@pytest.fixture
def ward(db):
    return unit("Phường Chiềng An").unit_id


def finish_on(clock, dossier, moment):
    services.dossier_assign(actor=None, code=dossier.code, assignee=_someone())
    clock.set(moment)
    return services.dossier_approve(actor=None, code=dossier.code)


def _someone():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get_or_create(username="clerk")[0]


def test_an_open_dossier_is_within_its_deadline_until_the_due_time_and_overdue_after(clock, ward):
    dossier = file_dossier(ward)  # due Thursday 5 March at 17:00
    assert dossier.timeliness(at(5, 17)) == Timeliness.WITHIN
    assert dossier.timeliness(at(5, 17) + dt.timedelta(seconds=1)) == Timeliness.OVERDUE


def test_a_dossier_finished_before_its_due_day_is_early(clock, ward):
    dossier = finish_on(clock, file_dossier(ward), at(4, 16))
    assert dossier.timeliness(at(20)) == Timeliness.EARLY


def test_a_dossier_finished_on_its_due_day_by_the_due_time_is_on_time(clock, ward):
    dossier = finish_on(clock, file_dossier(ward), at(5, 16))
    assert dossier.timeliness(at(20)) == Timeliness.ON_TIME


def test_a_dossier_finished_after_its_due_time_is_late(clock, ward):
    dossier = finish_on(clock, file_dossier(ward), at(6, 9))
    assert dossier.timeliness(at(20)) == Timeliness.LATE


def test_a_dossier_not_yet_received_has_no_timeliness(clock, ward):
    assert file_dossier(ward, receive=False).timeliness(at(20)) is None


def test_every_change_of_status_reaches_the_registered_effects_once(clock, ward, monkeypatch):
    seen: list[tuple[str, str, int]] = []
    monkeypatch.setattr(effects, "_effects", [])
    effects.register(lambda dossier, event: seen.append((dossier.code, event.move, dossier.status)))
    dossier = file_dossier(ward)
    services.dossier_receive(actor=None, code=dossier.code)  # a repeat: no effect
    assert seen == [(dossier.code, "submit", 1), (dossier.code, "receive", 2)]


def test_a_stopped_or_withdrawn_dossier_is_neither_early_nor_late(clock, ward):
    stopped = file_dossier(ward)
    stopped = services.dossier_stop(actor=None, code=stopped.code, note="Người nộp đã mất")
    withdrawn = file_dossier(ward)
    withdrawn = services.dossier_withdraw(actor=None, code=withdrawn.code)
    assert stopped.timeliness(at(20)) is None and withdrawn.timeliness(at(20)) is None
