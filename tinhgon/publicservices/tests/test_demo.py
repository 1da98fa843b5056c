"""`tinhgon services demo`: synthetic dossiers over a province's communes, in every status, with
a consistent history, deterministic for a seed, coded without collisions with later filings."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json

import pytest
from django.core.management import call_command
from django.db.models import Count

from tinhgon.conftest import unit
from tinhgon.core import commands
from tinhgon.core.errors import DomainError
from tinhgon.publicservices import demo as demo_service
from tinhgon.publicservices.management.commands.services import Command
from tinhgon.publicservices.models import (
    OPEN,
    Dossier,
    DossierCounter,
    DossierEvent,
    ProcedureVersion,
    Status,
)
from tinhgon.publicservices.services import MOVES
from tinhgon.publicservices.tests.factories import file_dossier, load_catalogue
from tinhgon.units import selectors as units
from tinhgon.units.kinds import Level

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("services", *args, stdout=out)
    return out.getvalue()


def demo(count: int, seed: int = 7) -> str:
    return run("demo", "--province", "Sơn La", "--dossiers", str(count), "--seed", str(seed))


def son_la_communes(day) -> set[int]:  # type: ignore[no-untyped-def]
    province = units.resolve_province("Sơn La", day=day).unit_id
    return set(
        units.versions_on(day)
        .filter(province_id=province, level=Level.COMMUNE)
        .values_list("unit_id", flat=True)
    )


def test_the_demo_files_n_dossiers_over_the_provinces_communes_only(clock):
    out = demo(300)
    communes = son_la_communes(clock.at.date())
    province = unit("Sơn La", level=Level.PROVINCE, province=None).unit_id
    dossiers = Dossier.objects.all()
    assert dossiers.count() == 300
    assert set(dossiers.values_list("applicant_commune_id", flat=True)) <= communes
    assert set(dossiers.values_list("receiving_unit_id", flat=True)) <= communes
    assert set(dossiers.values_list("unit_id", flat=True)) <= communes | {province}
    assert len(set(dossiers.values_list("applicant_commune_id", flat=True))) > 30  # spread
    assert set(dossiers.values_list("province_id", flat=True)) == {province}
    assert out.startswith("Tỉnh Sơn La: 300 hồ sơ mẫu ở 75 xã, phường (hạt giống 7): ")


def test_applicants_are_marked_synthetic_and_no_identity_number_is_stored(clock):
    demo(50)
    names = list(Dossier.objects.values_list("applicant_name", flat=True))
    assert all(n.startswith(("Công dân mẫu ", "Doanh nghiệp mẫu ")) for n in names)
    assert "Công dân mẫu 000001" in names or "Doanh nghiệp mẫu 000001" in names
    for row in Dossier.objects.values("applicant_id_digest", "applicant_id_last"):
        assert len(row["applicant_id_digest"]) == 64 and len(row["applicant_id_last"]) == 4
    submits = DossierEvent.objects.filter(move="submit")
    assert submits.count() == 50 and all(e.data["demo"] == 7 for e in submits)


def test_every_status_is_present_with_a_history_each_move_of_which_is_legal(clock):
    out = demo(2000)
    statuses = dict(Dossier.objects.values_list("status").annotate(n=Count("id")))
    assert set(statuses) == set(range(1, 11))
    assert statuses[Status.RETURNED] > statuses[Status.STOPPED]  # plausible proportions
    now = clock.at
    for dossier in Dossier.objects.prefetch_related("events"):
        events = list(dossier.events.all())
        assert events[0].move == "submit" and events[0].from_status is None
        assert events[-1].to_status == dossier.status
        assert dossier.version == len(events) - 1
        for before, after in itertools.pairwise(events):
            sources, target = MOVES[after.move]
            assert after.from_status == before.to_status in sources and after.to_status == target
            assert before.at <= after.at <= now
        if dossier.status not in (Status.REGISTERED, Status.NOT_RECEIVED):
            assert dossier.received_at is not None and dossier.due_at is not None
            assert dossier.due_at.astimezone(clock.at.tzinfo).hour == 17  # close of business
        if dossier.status in (Status.SUPPLEMENT, Status.PAYMENT):
            assert dossier.paused_at is not None
        # Decided (9) counts as open until the result is returned, yet is finished.
        finished = dossier.status not in OPEN or dossier.status == Status.DONE
        assert (dossier.finished_at is not None) == finished
    running = Dossier.objects.filter(status__in=[Status.RECEIVED, Status.PROCESSING])
    overdue = running.filter(due_at__lt=now).count()
    assert 0 < overdue < running.count() / 2
    assert f"chưa kết thúc, {overdue} quá hạn" in out


def snapshot() -> list[tuple]:
    return list(
        Dossier.objects.order_by("id").values_list(
            "applicant_name",
            "applicant_commune_id",
            "procedure_id",
            "status",
            "channel",
            "submitted_at",
            "due_at",
        )
    )


def test_the_same_seed_gives_the_same_dossiers_and_another_seed_others(clock):
    demo(200, seed=3)
    first = snapshot()
    Dossier.objects.all().delete()
    DossierCounter.objects.all().delete()
    demo(200, seed=3)
    assert snapshot() == first
    Dossier.objects.all().delete()
    demo(200, seed=4)
    assert snapshot() != first


def test_a_second_run_adds_n_more_without_code_collisions(clock):
    demo(400, seed=5)
    demo(400, seed=5)
    codes = list(Dossier.objects.values_list("code", flat=True))
    assert len(codes) == 800 == len(set(codes))
    for code in codes[:50]:
        _centre, day, sequence = code.split("-")
        assert len(day) == 8 and len(sequence) == 6


def test_a_dossier_filed_normally_afterwards_on_the_same_day_gets_a_fresh_code(clock):
    demo(3000, seed=2)
    ward = unit("Phường Chiềng An")
    today = f"{ward.code}-{clock.at:%Y%m%d}-"
    demo_today = Dossier.objects.filter(code__startswith=today).count()
    assert demo_today > 0  # the demo filed some there today
    filed = file_dossier(ward.unit_id, receive=False)
    assert filed.code == f"{today}{demo_today + 1:06d}"
    assert Dossier.objects.filter(code=filed.code).count() == 1


def test_the_open_dossiers_of_a_unit_are_listed_as_json(clock):
    demo(1500, seed=9)
    ward = unit("Phường Chiềng An")
    rows = json.loads(run("dossiers", "--unit", ward.code, "--open", "--format", "json"))
    expected = set(
        Dossier.objects.filter(unit_id=ward.unit_id, status__in=[int(s) for s in OPEN]).values_list(
            "code", flat=True
        )
    )
    assert expected and {r["code"] for r in rows} == expected
    assert all(r["unit"] == ward.code and r["status"] in OPEN for r in rows)
    assert all(r["applicant_id"].startswith("********") for r in rows)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--province", "Xứ Sở Thần Tiên", "--dossiers", "10"), "Xứ Sở Thần Tiên"),
        (("--province", "Sơn La", "--dossiers", "0"), "'0'"),
        (("--province", "Sơn La", "--dossiers", "5000001"), "'5000001'"),
        (("--province", "Sơn La", "--dossiers", "many"), "'many'"),
        (("--province", "Sơn La", "--dossiers", "10", "--seed", "-1"), "--seed"),
    ],
)
def test_bad_input_is_one_line_and_exit_1_and_files_nothing(
    clock, capsys, monkeypatch, args, message
):
    # The command line's own path (run_from_argv); it closes connections when done, which the
    # test's transaction must survive.
    monkeypatch.setattr(commands.connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["tinhgon", "services", "demo", *args])
    captured = capsys.readouterr()
    assert exited.value.code == 1
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1 and message in captured.err
    assert not Dossier.objects.exists()


def test_the_same_seed_at_another_moment_draws_the_same_dossiers_shifted_in_time(clock):
    demo(200, seed=3)
    first = [row[:5] for row in snapshot()]
    Dossier.objects.all().delete()
    clock.set(clock.at + dt.timedelta(days=1, hours=2))
    demo(200, seed=3)
    assert [row[:5] for row in snapshot()] == first


def test_the_service_refuses_a_count_out_of_bounds_whoever_calls_it(clock, son_la):
    with pytest.raises(DomainError, match="5000000"):
        demo_service.dossiers_demo(actor=None, province_id=son_la.unit_id, count=0, seed=1)
    assert not Dossier.objects.exists()


def test_long_limits_keep_every_dossier_in_the_window_so_a_second_run_still_collides_nowhere(
    clock,
):
    load_catalogue()
    ProcedureVersion.objects.update(days=30)  # late ones would otherwise start 96 days back
    demo(600, seed=11)
    demo(600, seed=11)
    codes = list(Dossier.objects.values_list("code", flat=True))
    assert len(codes) == 1200 == len(set(codes))
    first = clock.at - dt.timedelta(days=demo_service.WINDOW_DAYS)
    assert not Dossier.objects.filter(submitted_at__lt=first).exists()
