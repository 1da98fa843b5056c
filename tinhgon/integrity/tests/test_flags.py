"""Red flags: counted by the effects hook at each transition, recomputed for the official and
procedure touched, the same as a rebuild from the history; found on synthetic data with planted
patterns; read and dismissed only within the scope of the flag's unit."""

from __future__ import annotations

import datetime as dt
import io
import json
import random

import pytest
from django.core.management import call_command
from django.utils import timezone

from tinhgon.accounts.models import Role
from tinhgon.conftest import make_persona
from tinhgon.core.errors import DomainError, Forbidden, NotFound
from tinhgon.core.models import AuditEvent
from tinhgon.integrity import flags, flags_demo
from tinhgon.integrity.models import FlagCounter, FlagKind, RedFlag
from tinhgon.publicservices import services as dossiers
from tinhgon.publicservices.tests.conftest import FrozenClock
from tinhgon.publicservices.tests.factories import file_dossier, load_catalogue
from tinhgon.workdays.calendar import VIETNAM

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    frozen = FrozenClock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=VIETNAM))  # a Monday
    monkeypatch.setattr(timezone, "now", frozen.now)
    return frozen


def sent_back(code: str, official, times: int) -> None:  # type: ignore[no-untyped-def]
    for _time in range(times):
        dossiers.dossier_request_supplement(actor=official, code=code, note="Thiếu giấy tờ")
        dossiers.dossier_supplement(actor=None, code=code)


def test_a_dossier_sent_back_twice_by_one_official_is_counted_once_as_repeated(
    clock, chieng_an, commune_official
):
    official = commune_official.user
    code = file_dossier(chieng_an.unit_id, actor=official).code
    sent_back(code, official, 3)
    counter = FlagCounter.objects.get(official=official, unit_id=chieng_an.unit_id)
    assert (counter.handled, counter.supplements, counter.repeated) == (1, 3, 1)
    assert not RedFlag.objects.exists()  # one dossier is not a pattern yet


def test_two_dossiers_sent_back_again_and_again_raise_a_flag_naming_them(
    clock, chieng_an, commune_official
):
    official = commune_official.user
    codes = [file_dossier(chieng_an.unit_id, actor=official).code for _n in range(3)]
    sent_back(codes[0], official, 2)
    sent_back(codes[1], official, 3)
    sent_back(codes[2], official, 1)
    flag = RedFlag.objects.get(kind=FlagKind.REPEATED_SUPPLEMENTS)
    assert (flag.official, flag.unit_id, flag.score) == (official, chieng_an.unit_id, 2.0)
    assert flag.dossiers == sorted(codes[:2])
    assert "at most 3 times" in flag.explanation


def test_a_transfer_back_to_a_unit_the_dossier_left_counts_as_bounced(
    clock, chieng_an, to_hieu, province_admin
):
    admin = province_admin.user
    codes = [file_dossier(chieng_an.unit_id, actor=admin).code for _n in range(2)]
    for code in codes:
        dossiers.dossier_transfer(actor=admin, code=code, to_unit_id=to_hieu.unit_id)
        dossiers.dossier_transfer(actor=admin, code=code, to_unit_id=chieng_an.unit_id)
    bounced = FlagCounter.objects.filter(official=admin).values_list("unit_id", "bounced")
    assert dict(bounced) == {chieng_an.unit_id: 0, to_hieu.unit_id: 2}
    flag = RedFlag.objects.get(kind=FlagKind.BOUNCING_TRANSFERS)
    assert (flag.unit_id, flag.dossiers) == (to_hieu.unit_id, sorted(codes))


def test_a_decision_after_the_due_date_counts_as_late(clock, chieng_an, commune_official):
    official = commune_official.user
    on_time = file_dossier(chieng_an.unit_id, actor=official).code
    late = file_dossier(chieng_an.unit_id, actor=official).code
    for code in (on_time, late):
        dossiers.dossier_assign(actor=official, code=code, assignee=official)
    dossiers.dossier_approve(actor=official, code=on_time)
    clock.set(clock.at + dt.timedelta(days=14))
    dossiers.dossier_approve(actor=official, code=late)
    counter = FlagCounter.objects.get(official=official)
    assert (counter.decided, counter.late) == (2, 1)


def test_the_flags_kept_current_equal_a_rebuild_after_a_random_walk_of_transitions(
    clock, monkeypatch, chieng_an, to_hieu, province_admin
):
    # Low thresholds, so that the walk raises flags of every kind compared; idle flags depend
    # on the hour they are read, not on the history: left out here (tested with the demo).
    for name, value in {
        "REPEATED_MIN": 1,
        "BOUNCED_MIN": 1,
        "RATE_MIN_HANDLED": 2,
        "RATE_MIN_PEERS": 1,
        "IDLE_MIN": 10**6,
    }.items():
        monkeypatch.setattr(flags, name, value)
    rng = random.Random(11)
    officials = [province_admin.user] + [
        make_persona(f"walker-{i}", chieng_an.unit_id, Role.UNIT_OFFICIAL).user for i in range(3)
    ]
    load_catalogue()
    procedures = ["1.004194", "2.000815", "1.001193"]
    open_codes: list[str] = []
    moves = 0
    while moves < 160:
        who = rng.choice(officials)
        if not open_codes or rng.random() < 0.15:
            code = file_dossier(
                chieng_an.unit_id, procedure=rng.choice(procedures), actor=province_admin.user
            ).code
            open_codes.append(code)
            continue
        code = rng.choice(open_codes)
        dossier = dossiers.access_dossier(None, code)
        if dossier.unit_id != chieng_an.unit_id:
            who = province_admin.user  # only the province reaches the other ward
        step = rng.random()
        try:
            if dossier.status == 5:
                dossiers.dossier_supplement(actor=None, code=code)
            elif step < 0.35:
                dossiers.dossier_request_supplement(actor=who, code=code, note="Thiếu")
            elif step < 0.5:
                target = to_hieu if dossier.unit_id == chieng_an.unit_id else chieng_an
                dossiers.dossier_transfer(
                    actor=province_admin.user, code=code, to_unit_id=target.unit_id
                )
            elif step < 0.65:
                dossiers.dossier_assign(actor=who, code=code, assignee=who)
            elif step < 0.85:
                dossiers.dossier_approve(actor=who, code=code)
                open_codes.remove(code)
            else:
                clock.set(clock.at + dt.timedelta(hours=rng.choice([3, 30, 100])))
                continue
        except DomainError:
            continue  # an illegal move is refused and counts nothing
        moves += 1

    def snapshot():  # type: ignore[no-untyped-def]
        counters = set(
            FlagCounter.objects.values_list(
                "official_id",
                "unit_id",
                "procedure_id",
                "handled",
                "decided",
                "supplements",
                "repeated",
                "bounced",
                "late",
            )
        )
        found = {
            (f.official_id, f.unit_id, f.kind, f.procedure_id): (
                f.score,
                tuple(f.dossiers),
                f.explanation,
                json.dumps(f.peers, sort_keys=True),
            )
            for f in RedFlag.objects.all()
        }
        return {c for c in counters if any(c[3:])}, found

    kept = snapshot()
    assert {kind for _o, _u, kind, _p in kept[1]} >= {
        FlagKind.REPEATED_SUPPLEMENTS,
        FlagKind.SUPPLEMENT_RATE,
        FlagKind.BOUNCING_TRANSFERS,
    }
    flags.rebuild(now=timezone.now())
    assert snapshot() == kept


def test_the_flags_find_the_planted_officials_and_the_false_positives_are_listed(clock, son_la):
    load_catalogue()
    planted = flags_demo.plant(province_id=son_la.unit_id, rng=random.Random(5))
    assert planted["synthetic"] is True
    raised: dict[str, set[str]] = {}
    explained: dict[tuple[str, str], str] = {}
    for flag in RedFlag.objects.select_related("official", "staff"):
        name = flags.official_key(flag)
        raised.setdefault(name, set()).add(flag.kind)
        explained[(name, flag.kind)] = flag.explanation
    patterns = {name: role for name, role in planted["officials"].items() if role != "peer"}
    found = [
        name
        for name, role in patterns.items()
        if flags_demo.EXPECTED[role][0] in raised.get(name, set())
    ]
    missed = [name for name in patterns if name not in found]
    false_positives = {
        (name, kind): explained[(name, kind)]
        for name, kinds in raised.items()
        for kind in kinds
        if kind not in planted["expected"].get(name, [])
    }
    print("found", found, "missed", missed, "false positives", false_positives)
    # Every planted pattern, of every kind, is found: two harassers, the high supplement rate,
    # the idle desk, the low ratings, the complaints.
    assert sorted(patterns.values()) == [
        "complained",
        "harasser",
        "harasser",
        "high_rate",
        "idle",
        "rude",
    ]
    assert len(found) == len(patterns) == 6 and missed == []
    assert {kind for kinds in raised.values() for kind in kinds} == set(FlagKind.values) - {
        FlagKind.BOUNCING_TRANSFERS,  # no transfer planted
        FlagKind.LATE_RATE,  # every decision in time
    }
    # The peers ask for a document now and then, and are rated "not satisfied" by chance: at
    # most one of them may look like a pattern, and then it says why (the test lists it above).
    assert len(false_positives) <= 1
    assert all(text for text in false_positives.values())


def test_the_unit_s_flags_are_read_as_json_by_the_command(clock, chieng_an, commune_official):
    official = commune_official.user
    codes = [file_dossier(chieng_an.unit_id, actor=official).code for _n in range(2)]
    for code in codes:
        sent_back(code, official, 2)
    out = io.StringIO()
    call_command("integrity", "flags", "--unit", chieng_an.code, "--format", "json", stdout=out)
    (flag,) = json.loads(out.getvalue())
    assert flag["official"] == official.username
    assert (flag["kind"], flag["score"], flag["dossiers"]) == (
        "repeated_supplements",
        2.0,
        sorted(codes),
    )
    assert flag["explanation"] and "peers" in flag


def repeated_flag(unit_id: int, clerk=None) -> RedFlag:  # type: ignore[no-untyped-def]
    """The flag about a clerk of the unit (a new one unless given) who sent two dossiers back
    twice each: read and dismissed by the unit's other officials, never by the clerk (it is
    about them)."""
    clerk = clerk or make_persona("mot-cua", unit_id, Role.UNIT_OFFICIAL).user
    for _n in range(2):
        sent_back(file_dossier(unit_id, actor=clerk).code, clerk, 2)
    return RedFlag.objects.get()


@pytest.fixture
def flag(clock, chieng_an) -> RedFlag:
    return repeated_flag(chieng_an.unit_id)


def test_an_official_of_the_unit_dismisses_a_flag_with_a_reason_and_an_audit_row(
    flag, commune_official
):
    done = flags.flag_dismiss(
        actor=commune_official.user, flag_id=flag.pk, reason="Hồ sơ thiếu thật"
    )
    assert (done.dismissed_by, done.dismissed_reason) == (commune_official.user, "Hồ sơ thiếu thật")
    assert AuditEvent.objects.filter(action="red_flag_dismiss", data__flag=flag.pk).count() == 1
    flags.flag_dismiss(actor=commune_official.user, flag_id=flag.pk, reason="Hồ sơ thiếu thật")
    assert AuditEvent.objects.filter(action="red_flag_dismiss").count() == 1  # repeated: nothing


def test_a_dismissal_without_a_reason_is_refused_and_changes_nothing(flag, commune_official):
    with pytest.raises(DomainError):
        flags.flag_dismiss(actor=commune_official.user, flag_id=flag.pk, reason="  ")
    flag.refresh_from_db()
    assert flag.dismissed_at is None


def test_an_observer_may_read_a_flag_but_not_dismiss_it(flag, observer):
    assert list(flags.flags_of_unit(observer.user, unit_id=flag.unit_id)) == [flag]
    with pytest.raises(Forbidden):
        flags.flag_dismiss(actor=observer.user, flag_id=flag.pk, reason="Không")


def test_an_official_of_another_commune_does_not_see_the_flag(flag, other_commune_official):
    with pytest.raises(NotFound):
        flags.flags_of_unit(other_commune_official.user, unit_id=flag.unit_id)
    with pytest.raises(NotFound):
        flags.flag_dismiss(actor=other_commune_official.user, flag_id=flag.pk, reason="Không")


def test_the_api_lists_and_dismisses_within_the_scope_and_never_to_the_public(
    client, flag, commune_official, other_commune_official
):
    url = f"/api/integrity/flags?unit={flag.unit_id}"
    assert client.get(url).status_code == 401
    assert other_commune_official.api().get(url).status_code == 404
    listed = commune_official.api().get(url)
    assert listed.status_code == 200
    assert [f["id"] for f in listed.json()] == [flag.pk]
    dismiss = f"/api/integrity/flags/{flag.pk}/dismiss"
    answer = commune_official.api().post(
        dismiss, {"reason": "Đã kiểm tra"}, content_type="application/json"
    )
    assert answer.status_code == 200 and answer.json()["dismissed"] is True
    assert commune_official.api().get(url).json() == []  # dismissed ones are not listed


def test_the_job_flags_dossiers_left_idle_and_clears_the_flag_once_they_move(
    clock, chieng_an, commune_official
):
    from tinhgon.core.jobs import parts

    official = commune_official.user
    codes = [file_dossier(chieng_an.unit_id, actor=official).code for _n in range(2)]
    for code in codes:
        dossiers.dossier_assign(actor=official, code=code, assignee=official)
    refresh = parts()["integrity_flags_idle"]
    refresh()
    assert not RedFlag.objects.exists()  # assigned today: not idle
    clock.set(clock.at + dt.timedelta(days=21))
    assert refresh()["idle_flags"] == 1
    flag = RedFlag.objects.get()
    assert (flag.kind, flag.official, flag.dossiers) == ("idle", official, sorted(codes))
    dossiers.dossier_approve(actor=official, code=codes[0])  # the hook recomputes at once
    assert not RedFlag.objects.exists()


def test_a_dismissal_survives_a_rebuild(flag, commune_official):
    flags.flag_dismiss(actor=commune_official.user, flag_id=flag.pk, reason="Đã xác minh")
    flags.rebuild()
    again = RedFlag.objects.get()
    assert (again.dismissed_reason, again.dismissed_by) == ("Đã xác minh", commune_official.user)


def test_the_median_of_the_peers_leaves_out_the_official_compared():
    import statistics

    rng = random.Random(3)
    for size in range(2, 12):
        rates = sorted(rng.choice([0, 0.1, 0.25, 0.5, 1.0]) for _n in range(size))
        for index in range(size):
            others = rates[:index] + rates[index + 1 :]
            assert flags._median_without(rates, index) == statistics.median(others)
