"""The tallies kept at each transition equal the tallies recomputed from the dossiers."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.contrib.auth import get_user_model

from tinhgon.conftest import unit
from tinhgon.core.errors import DomainError
from tinhgon.publicservices import demo, figures, services
from tinhgon.publicservices.models import Dossier, Status, Tally
from tinhgon.publicservices.tests.factories import load_catalogue
from tinhgon.units.kinds import Level

pytestmark = pytest.mark.django_db

PROCEDURES = ["1.004194", "1.000894", "2.000815", "1.004873", "1.002755"]


def tallies() -> dict[tuple, dict[str, int]]:
    return {
        (t.unit_id, t.month, t.online, t.filed_online): {
            name: getattr(t, name) for name in figures.COUNTS if getattr(t, name)
        }
        for t in Tally.objects.all()
        if any(getattr(t, name) for name in figures.COUNTS)
    }


def act(dossier: Dossier, move: str, *, official, other_ward: int) -> None:
    code = dossier.code
    calls = {
        "receive": lambda: services.dossier_receive(actor=None, code=code),
        "refuse": lambda: services.dossier_refuse(actor=None, code=code, note="Thiếu giấy tờ"),
        "assign": lambda: services.dossier_assign(actor=None, code=code, assignee=official),
        "request_supplement": lambda: services.dossier_request_supplement(
            actor=None, code=code, note="Bổ sung bản sao"
        ),
        "supplement": lambda: services.dossier_supplement(actor=None, code=code),
        "request_payment": lambda: services.dossier_request_payment(
            actor=None, code=code, amount=20000
        ),
        "pay": lambda: services.dossier_pay(actor=None, code=code),
        "transfer": lambda: services.dossier_transfer(actor=None, code=code, to_unit_id=other_ward),
        "approve": lambda: services.dossier_approve(actor=None, code=code),
        "reject": lambda: services.dossier_reject(actor=None, code=code, note="Không đủ điều kiện"),
        "stop": lambda: services.dossier_stop(actor=None, code=code, note="Dừng theo yêu cầu"),
        "withdraw": lambda: services.dossier_withdraw(actor=None, code=code),
        "return_result": lambda: services.dossier_return_result(actor=None, code=code),
    }
    calls[move]()


def test_a_random_walk_of_transitions_leaves_the_tallies_a_rebuild_computes(clock):
    load_catalogue()
    wards = [unit("Phường Chiềng An").unit_id, unit("Phường Tô Hiệu").unit_id]
    official = get_user_model().objects.create_user("walker")
    rng = random.Random(766)
    codes = []
    for n in range(30):
        commune = wards[n % 2]
        dossier = services.dossier_submit(
            actor=None,
            procedure_code=PROCEDURES[n % len(PROCEDURES)],
            applicant_kind="citizen",
            applicant_name="Lò Văn Thử",
            applicant_id=f"0141{n:08d}",
            applicant_commune_id=commune,
            channel=rng.choice(["online", "in_person", "postal"]),
            receiving_unit_id=commune,
        )
        codes.append(dossier.code)
    moves = 0
    for _step in range(300):
        clock.set(clock.at + dt.timedelta(hours=rng.choice([1, 5, 20, 70])))
        dossier = Dossier.objects.get(code=rng.choice(codes))
        legal = [m for m, (sources, _t) in services.MOVES.items() if dossier.status in sources]
        if not legal:
            continue
        # Endings that skip the work (refuse, stop, withdraw) are rare, as they are in life.
        weights = [1 if m in ("refuse", "stop", "withdraw") else 12 for m in legal]
        move = rng.choices(legal, weights)[0]
        other = wards[1] if dossier.unit_id == wards[0] else wards[0]
        try:
            act(dossier, move, official=official, other_ward=other)
            moves += 1
        except DomainError:
            pass  # e.g. a repeated transfer target: the walk goes on
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert moves > 120 and len(statuses) >= 4, (moves, statuses)
    assert Tally.objects.values("month").distinct().count() >= 2  # the walk crossed months
    incremental = tallies()
    figures.rebuild()
    assert tallies() == incremental


def test_a_rebuild_of_some_units_leaves_the_others_alone(clock):
    load_catalogue()
    ward, other = unit("Phường Chiềng An").unit_id, unit("Phường Tô Hiệu").unit_id
    from tinhgon.publicservices.tests.factories import file_dossier

    file_dossier(ward)
    file_dossier(other)
    Tally.objects.filter(unit_id=other).update(received=99)
    figures.rebuild(unit_ids=[ward])
    assert Tally.objects.get(unit_id=ward).received == 1
    assert Tally.objects.get(unit_id=other).received == 99
    figures.rebuild(unit_ids=[other])
    assert Tally.objects.get(unit_id=other).received == 1


def test_processed_dossiers_count_once_whatever_their_returns(clock):
    from tinhgon.publicservices.tests.factories import file_dossier

    ward = unit("Phường Chiềng An").unit_id
    dossier = file_dossier(ward)
    services.dossier_assign(
        actor=None, code=dossier.code, assignee=get_user_model().objects.create_user("x")
    )
    services.dossier_approve(actor=None, code=dossier.code)
    services.dossier_approve(actor=None, code=dossier.code)  # a repeated click
    services.dossier_return_result(actor=None, code=dossier.code)
    row = Tally.objects.get(unit_id=ward)
    assert (row.received, row.processed, row.returned) == (1, 1, 1)
    assert Dossier.objects.get(code=dossier.code).status == Status.RETURNED


def test_the_demo_leaves_the_tallies_its_dossiers_give(clock):
    province = unit("Sơn La", level=Level.PROVINCE, province=None).unit_id
    demo.dossiers_demo(actor=None, province_id=province, count=200, seed=3)
    kept = tallies()
    assert sum(counts.get("received", 0) for counts in kept.values()) == (
        Dossier.objects.filter(received_at__isnull=False).count()
    )
    figures.rebuild()
    assert tallies() == kept
