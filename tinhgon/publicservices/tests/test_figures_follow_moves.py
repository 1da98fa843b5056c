"""A plan carries the figures' counters of the dossiers it moves, set-based, and leaves the
tallies a rebuild from the dossiers computes."""

from __future__ import annotations

import datetime as dt

import pytest

from tinhgon.conftest import unit
from tinhgon.publicservices import figures, services
from tinhgon.publicservices.models import Channel, Status, Tally
from tinhgon.publicservices.tests.factories import file_dossier
from tinhgon.publicservices.tests.test_reorganization import MERGE_THREE_WARDS
from tinhgon.reorg import engine, planfile
from tinhgon.workdays.calendar import VIETNAM

pytestmark = pytest.mark.django_db


def tallies() -> dict[tuple, dict[str, int]]:
    found = {}
    for tally in Tally.objects.all():
        counts = {name: getattr(tally, name) for name in figures.COUNTS}
        if any(counts.values()):
            found[(tally.unit_id, tally.month, tally.online, tally.filed_online)] = counts
    return found


def processing(code: str) -> str:
    services.dossier_request_supplement(actor=None, code=code, note="Thiếu tờ khai")
    return services.dossier_supplement(actor=None, code=code).code


def test_a_plan_moves_the_counts_of_open_dossiers_and_leaves_those_of_finished_ones(clock):
    wards = [unit(name).unit_id for name in ("Tô Hiệu", "Chiềng An", "Chiềng Cơi")]
    # Received in February, decided and paid in March: counts in two months.
    clock.set(dt.datetime(2026, 2, 26, 9, 0, tzinfo=VIETNAM))
    received = [file_dossier(ward) for ward in wards] + [file_dossier(wards[0])]
    clock.set(dt.datetime(2026, 3, 2, 9, 0, tzinfo=VIETNAM))
    decided = services.dossier_approve(actor=None, code=processing(received[1].code))  # 9: open
    returned = services.dossier_approve(actor=None, code=processing(received[2].code))
    returned = services.dossier_return_result(actor=None, code=returned.code)  # 10: stays
    services.dossier_request_payment(actor=None, code=received[3].code, amount=10_000)
    paid = services.dossier_pay(actor=None, code=received[3].code)
    clock.set(dt.datetime(2026, 3, 27, 9, 0, tzinfo=VIETNAM))
    late = services.dossier_reject(
        actor=None, code=processing(received[0].code), note="Không đủ điều kiện"
    )
    file_dossier(wards[2], receive=False)  # 1: counts nothing yet
    online = services.dossier_submit(
        actor=None, procedure_code="1.004194", applicant_kind="citizen",
        applicant_name="Lò Thị Mạng", applicant_id="014100009999",
        applicant_commune_id=wards[1], channel=Channel.ONLINE, receiving_unit_id=wards[1],
    )  # fmt: skip
    services.dossier_receive(actor=None, code=online.code)
    assert [d.status for d in (decided, paid, late)] == [
        Status.DONE,
        Status.PROCESSING,
        Status.DONE,
    ]
    before = tallies()

    outcome = engine.apply_plan(planfile.load_yaml(MERGE_THREE_WARDS))
    assert outcome.plan is not None

    after = tallies()
    assert after != before
    assert {key[0] for key in after} >= {wards[2]}, "the returned dossier's counts stay"
    figures.rebuild()
    assert tallies() == after
