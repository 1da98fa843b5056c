"""The figures through a merger: open dossiers take their counts to the new ward, finished ones
leave theirs with the ward that decided them, and the new ward's page adds its predecessors'."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from tinhgon.conftest import unit
from tinhgon.publicservices import figures, services
from tinhgon.publicservices.models import Tally
from tinhgon.publicservices.tests.factories import file_dossier
from tinhgon.publicservices.tests.test_reorganization import EFFECTIVE, MERGE_THREE_WARDS
from tinhgon.reorg import engine, planfile
from tinhgon.units import selectors
from tinhgon.workdays.calendar import VIETNAM

pytestmark = pytest.mark.django_db


def tallies() -> dict[tuple, tuple]:
    return {
        (t.unit_id, t.month, t.online, t.filed_online): tuple(getattr(t, c) for c in figures.COUNTS)
        for t in Tally.objects.all()
        if any(getattr(t, c) for c in figures.COUNTS)
    }


def received(unit_id: int) -> int:
    return sum(Tally.objects.filter(unit_id=unit_id).values_list("received", flat=True))


@pytest.mark.parametrize("batch_rows", [None, 3], ids=["one transaction", "in batches of 3"])
def test_a_merger_carries_open_counts_and_leaves_finished_ones_where_they_were_decided(
    clock, batch_rows
):
    wards = [unit(name).unit_id for name in ("Tô Hiệu", "Chiềng An", "Chiềng Cơi")]
    clock.set(dt.datetime(2026, 3, 27, 9, 0, tzinfo=VIETNAM))
    for ward in wards:
        file_dossier(ward)
        file_dossier(ward)
    # One processed and waiting to be returned (status 9: it moves), one that paid its fees.
    clerk = get_user_model().objects.create_user("clerk")
    done = file_dossier(wards[1])
    services.dossier_assign(actor=None, code=done.code, assignee=clerk)
    services.dossier_approve(actor=None, code=done.code)
    paid = file_dossier(wards[2])
    services.dossier_request_payment(actor=None, code=paid.code, amount=15000)
    services.dossier_pay(actor=None, code=paid.code)
    stopped = services.dossier_stop(actor=None, code=file_dossier(wards[0]).code, note="Dừng")
    before = {
        (t.unit_id, t.month, t.online, t.filed_online): t.received for t in Tally.objects.all()
    }
    assert received(wards[0]) == 3

    engine.apply_plan(planfile.load_yaml(MERGE_THREE_WARDS), batch_rows=batch_rows)

    new_ward = selectors.resolve("Phường Tô Chiềng Cơi", day=EFFECTIVE).unit_id
    assert received(new_ward) == 8  # the eight open dossiers
    assert received(wards[0]) == 1 and received(wards[1]) == 0  # the stopped one stays
    assert Tally.objects.get(unit_id=wards[0], stopped=1).stopped == 1
    assert sum(before.values()) == sum(Tally.objects.values_list("received", flat=True))
    moved = Tally.objects.filter(unit_id=new_ward)
    assert sum(t.processed for t in moved) == 1 and sum(t.paid for t in moved) == 1
    # What the counters hold is what the dossiers say.
    kept = tallies()
    figures.rebuild()
    assert tallies() == kept
    # The new ward's page adds up its predecessors' months: all seven received.
    clock.set(dt.datetime(2026, 4, 2, 9, 0, tzinfo=VIETNAM))
    found = figures.unit_dashboard(new_ward, dt.date(2026, 3, 1), dt.date(2026, 4, 30))
    assert found["arrived"] == 9 and found["stopped"] == 1 and found["finished"] == 1
    assert set(wards) <= set(found["predecessors"])  # and the communes they came from
    assert stopped.unit_id == wards[0]


def test_a_provinces_figures_count_the_communes_of_before_a_merger(clock):
    wards = [unit(name).unit_id for name in ("Tô Hiệu", "Chiềng An", "Chiềng Cơi")]
    clock.set(dt.datetime(2026, 3, 27, 9, 0, tzinfo=VIETNAM))
    stopped = file_dossier(wards[0])
    services.dossier_stop(actor=None, code=stopped.code, note="Dừng")
    engine.apply_plan(planfile.load_yaml(MERGE_THREE_WARDS))
    clock.set(dt.datetime(2026, 4, 2, 9, 0, tzinfo=VIETNAM))
    area = figures.area_for(None, date_to=dt.date(2026, 4, 2), province="Sơn La")
    assert wards[0] in area.unit_ids  # closed, still counted for the months it worked
    found = figures.dashboard(area, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert (found["arrived"], found["stopped"]) == (1, 1)
