"""The one-stop workflow under a frozen clock: every transition, every illegal move, repeats,
the clock paused for a supplement, scope, and the applicant's identity kept protected."""

from __future__ import annotations

import datetime as dt

import pytest

from tinhgon.conftest import unit
from tinhgon.core.errors import DomainError, Forbidden, NotFound
from tinhgon.publicservices import catalogue, selectors, services
from tinhgon.publicservices.models import Dossier, DossierEvent, Status
from tinhgon.publicservices.tests.factories import CATALOGUE_DAY, TAM_TRU, file_dossier
from tinhgon.workdays.calendar import VIETNAM

pytestmark = pytest.mark.django_db


def at(day: int, hour: int = 9, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=VIETNAM)


def moves(dossier: Dossier) -> list[tuple[str, int | None, int]]:
    return list(
        DossierEvent.objects.filter(dossier=dossier)
        .order_by("id")
        .values_list("move", "from_status", "to_status")
    )


@pytest.fixture
def ward(db):
    return unit("Phường Chiềng An").unit_id


def test_a_filed_dossier_is_coded_by_its_centre_date_and_sequence(clock, ward):
    code = unit("Phường Chiềng An").code
    first = file_dossier(ward, receive=False)
    second = file_dossier(ward, receive=False)
    assert first.code == f"{code}-20260302-000001"
    assert second.code == f"{code}-20260302-000002"
    assert first.status == Status.REGISTERED and first.unit_id == ward
    assert moves(first) == [("submit", None, 1)]


def test_a_received_dossier_is_due_at_the_close_of_the_last_working_day_of_its_limit(clock, ward):
    dossier = file_dossier(ward)  # Monday 09:00, 3 working days
    assert dossier.status == Status.RECEIVED
    assert dossier.received_at == at(2)
    assert dossier.due_at == at(5, 17)  # Thursday at the close of business
    assert moves(dossier) == [("submit", None, 1), ("receive", 1, 2)]


def test_a_dossier_walks_from_receipt_to_the_returned_result_with_one_event_per_move(
    clock, ward, commune_official
):
    official = commune_official.user
    dossier = file_dossier(ward, actor=official)
    code = dossier.code
    clock.set(at(2, 10))
    assert services.dossier_assign(actor=official, code=code, assignee=official).status == 4
    clock.set(at(2, 11))
    paying = services.dossier_request_payment(actor=official, code=code, amount=15000)
    assert paying.status == Status.PAYMENT and paying.fees_due == 15000
    clock.set(at(3, 9))
    paid = services.dossier_pay(actor=official, code=code)
    assert paid.status == Status.PROCESSING and paid.fees_paid == 15000
    clock.set(at(3, 15))
    done = services.dossier_approve(actor=official, code=code)
    assert done.status == Status.DONE and done.outcome == "approved"
    assert done.finished_at == at(3, 15)
    clock.set(at(4, 8))
    returned = services.dossier_return_result(actor=official, code=code)
    assert returned.status == Status.RETURNED and returned.returned_at == at(4, 8)
    assert moves(returned) == [
        ("submit", None, 1),
        ("receive", 1, 2),
        ("assign", 2, 4),
        ("request_payment", 4, 6),
        ("pay", 6, 4),
        ("approve", 4, 9),
        ("return_result", 9, 10),
    ]
    events = DossierEvent.objects.filter(dossier=returned)
    assert set(events.values_list("actor_id", flat=True)) == {official.pk}
    assert set(events.values_list("unit_id", flat=True)) == {ward}
    assert events.get(move="approve").at == at(3, 15)


def test_waiting_for_payment_moves_the_due_date_by_the_working_days_waited(clock, ward):
    dossier = file_dossier(ward)  # due Thursday 5 March
    clock.set(at(3, 10))  # Tuesday: one working day used
    services.dossier_request_payment(actor=None, code=dossier.code, amount=1000)
    clock.set(at(9, 10))  # the next Monday
    paid = services.dossier_pay(actor=None, code=dossier.code)
    assert paid.due_at == at(11, 17)  # two days left from Monday: Wednesday 11 March


def test_a_pause_for_supplement_moves_the_due_date_and_the_supplement_resumes_the_clock(
    clock, ward
):
    dossier = file_dossier(ward)
    clock.set(at(3, 10))  # Tuesday: one of three working days used
    waiting = services.dossier_request_supplement(
        actor=None, code=dossier.code, note="Thiếu giấy tờ chứng minh chỗ ở hợp pháp"
    )
    assert waiting.status == Status.SUPPLEMENT and waiting.paused_at == at(3, 10)
    clock.set(at(9, 10))  # the applicant comes back the next Monday
    resumed = services.dossier_supplement(actor=None, code=dossier.code)
    assert resumed.status == Status.PROCESSING and resumed.paused_at is None
    assert resumed.due_at == at(11, 17)  # was Thursday 5 March
    assert resumed.pauses == [
        [at(3, 10).astimezone(dt.UTC).isoformat(), at(9, 10).astimezone(dt.UTC).isoformat()]
    ]


def test_under_a_restart_policy_the_supplement_starts_the_full_limit_again(clock, ward):
    data = catalogue.starter()
    for entry in data["procedures"]:
        if entry["code"] == TAM_TRU:
            entry["clock"] = "restart"
    catalogue.catalogue_import(actor=None, data=data, valid_from=CATALOGUE_DAY)
    dossier = file_dossier(ward)
    clock.set(at(3, 10))
    services.dossier_request_supplement(actor=None, code=dossier.code, note="Thiếu tờ khai")
    clock.set(at(9, 10))
    resumed = services.dossier_supplement(actor=None, code=dossier.code)
    assert resumed.due_at == at(12, 17)  # three full working days from Monday 9 March


def test_refusing_to_receive_ends_a_registered_dossier_with_its_reason(clock, ward):
    dossier = file_dossier(ward, receive=False)
    refused = services.dossier_refuse(actor=None, code=dossier.code, note="Không thuộc thẩm quyền")
    assert refused.status == Status.NOT_RECEIVED and refused.due_at is None
    assert DossierEvent.objects.get(dossier=dossier, move="refuse").note == "Không thuộc thẩm quyền"


def test_a_rejection_is_a_processed_dossier_whose_result_is_the_refusal(clock, ward):
    dossier = file_dossier(ward)
    services.dossier_assign(actor=None, code=dossier.code, assignee=_official())
    rejected = services.dossier_reject(actor=None, code=dossier.code, note="Không đủ điều kiện")
    assert rejected.status == Status.DONE and rejected.outcome == "rejected"
    assert services.dossier_return_result(actor=None, code=dossier.code).status == 10


def test_stopping_and_withdrawing_end_open_dossiers(clock, ward):
    stopped = services.dossier_stop(
        actor=None, code=file_dossier(ward).code, note="Quá hạn bổ sung"
    )
    assert stopped.status == Status.STOPPED and stopped.finished_at == at(2)
    withdrawn = services.dossier_withdraw(actor=None, code=file_dossier(ward, receive=False).code)
    assert withdrawn.status == Status.WITHDRAWN


def test_a_transfer_moves_the_dossier_to_another_unit_with_its_due_date(clock, ward):
    dossier = file_dossier(ward)
    other = unit("Phường Tô Hiệu").unit_id
    moved = services.dossier_transfer(actor=None, code=dossier.code, to_unit_id=other)
    assert moved.unit_id == other and moved.admin_unit_id == other
    assert moved.due_at == dossier.due_at and moved.status == Status.PROCESSING
    again = services.dossier_transfer(actor=None, code=dossier.code, to_unit_id=other)
    assert again.version == moved.version
    assert DossierEvent.objects.filter(dossier=dossier, move="transfer").count() == 1
    ha_noi = unit("Phường Ba Đình", province="Hà Nội").unit_id
    with pytest.raises(DomainError, match=r"another province|tỉnh khác"):
        services.dossier_transfer(actor=None, code=dossier.code, to_unit_id=ha_noi)


def _official():
    from django.contrib.auth.models import User

    return User.objects.get_or_create(username="official-of-test")[0]


ILLEGAL = [
    # (status reached first, move refused there)
    ("registered", "approve"),
    ("registered", "assign"),
    ("registered", "pay"),
    ("registered", "return_result"),
    ("received", "receive"),
    ("received", "supplement"),
    ("received", "approve"),
    ("received", "refuse"),
    ("done", "withdraw"),
    ("done", "stop"),
    ("done", "request_supplement"),
    ("stopped", "receive"),
    ("stopped", "return_result"),
]


def _reach(ward: int, state: str) -> Dossier:
    dossier = file_dossier(ward, receive=state != "registered")
    if state == "done":
        services.dossier_assign(actor=None, code=dossier.code, assignee=_official())
        dossier = services.dossier_approve(actor=None, code=dossier.code)
    if state == "stopped":
        dossier = services.dossier_stop(actor=None, code=dossier.code, note="Dừng")
    return dossier


CALLS = {
    "receive": lambda code: services.dossier_receive(actor=None, code=code),
    "refuse": lambda code: services.dossier_refuse(actor=None, code=code, note="x"),
    "assign": lambda code: services.dossier_assign(actor=None, code=code, assignee=_official()),
    "request_supplement": lambda code: services.dossier_request_supplement(
        actor=None, code=code, note="x"
    ),
    "supplement": lambda code: services.dossier_supplement(actor=None, code=code),
    "pay": lambda code: services.dossier_pay(actor=None, code=code),
    "approve": lambda code: services.dossier_approve(actor=None, code=code),
    "stop": lambda code: services.dossier_stop(actor=None, code=code, note="x"),
    "withdraw": lambda code: services.dossier_withdraw(actor=None, code=code),
    "return_result": lambda code: services.dossier_return_result(actor=None, code=code),
}


@pytest.mark.parametrize(("state", "move"), ILLEGAL)
def test_an_illegal_move_is_refused_naming_the_dossier_its_status_and_the_move(
    clock, ward, state, move
):
    dossier = _reach(ward, state)
    before = (dossier.status, DossierEvent.objects.filter(dossier=dossier).count())
    if state == "received" and move == "receive":
        # Receiving twice is a repeat, not an error: nothing happens.
        assert CALLS[move](dossier.code).version == dossier.version
        return
    with pytest.raises(DomainError) as refused:
        CALLS[move](dossier.code)
    assert refused.value.code == "illegal_move" and refused.value.status == 409
    assert dossier.code in refused.value.message
    assert (
        f"({dossier.status})" in refused.value.message
        or str(dossier.status) in refused.value.message
    )
    assert services.move_name(move) in refused.value.message
    after = Dossier.objects.get(pk=dossier.pk)
    assert (after.status, DossierEvent.objects.filter(dossier=dossier).count()) == before


def test_the_same_transition_twice_leaves_one_history_row_and_the_same_dossier(clock, ward):
    dossier = file_dossier(ward)
    official = _official()
    for _ in range(2):
        services.dossier_receive(actor=None, code=dossier.code)
    for _ in range(2):
        services.dossier_assign(actor=None, code=dossier.code, assignee=official)
    clock.set(at(3))
    for _ in range(2):
        services.dossier_request_supplement(actor=None, code=dossier.code, note="Thiếu")
    clock.set(at(4))
    for _ in range(2):
        services.dossier_supplement(actor=None, code=dossier.code)
    for _ in range(2):
        services.dossier_approve(actor=None, code=dossier.code)
    for _ in range(2):
        services.dossier_return_result(actor=None, code=dossier.code)
    assert [m for m, _f, _t in moves(dossier)] == [
        "submit",
        "receive",
        "assign",
        "request_supplement",
        "supplement",
        "approve",
        "return_result",
    ]
    with pytest.raises(DomainError, match=dossier.code):
        services.dossier_reject(actor=None, code=dossier.code, note="Đổi ý")


def test_an_official_acts_on_the_dossiers_of_units_in_their_write_scope_only(
    clock, ward, commune_official, other_commune_official, observer, province_admin
):
    dossier = file_dossier(ward)
    with pytest.raises(NotFound):
        services.dossier_assign(
            actor=other_commune_official.user, code=dossier.code, assignee=_official()
        )
    with pytest.raises(Forbidden):
        services.dossier_assign(actor=observer.user, code=dossier.code, assignee=_official())
    assert (
        services.dossier_assign(
            actor=province_admin.user, code=dossier.code, assignee=commune_official.user
        ).assignee_id
        == commune_official.user.pk
    )
    assert services.access_dossier(observer.user, dossier.code).pk == dossier.pk
    assert (
        services.dossier_approve(actor=commune_official.user, code=dossier.code).status
        == Status.DONE
    )


def test_the_identity_number_is_stored_only_as_a_keyed_digest_and_shown_masked(clock, ward):
    _loaded()
    dossier = services.dossier_submit(
        actor=None,
        procedure_code=TAM_TRU,
        applicant_kind="citizen",
        applicant_name="Cầm Thị Mai",
        applicant_id="014 123 456 789",
        applicant_commune_id=ward,
        channel="online",
        receiving_unit_id=ward,
    )
    stored = Dossier.objects.filter(pk=dossier.pk).values().get()
    assert not any("123456789" in str(value) for value in stored.values())
    assert stored["applicant_id_last"] == "6789"
    assert (
        Dossier.objects.filter(applicant_id_digest=services.identity_digest("014123456789")).get()
        == dossier
    )
    row = selectors.rows([dossier])[0]
    assert row["applicant_id"] == "********6789"
    assert "014123456789" not in str(row)
    with pytest.raises(DomainError) as refused:
        services.dossier_submit(
            actor=None,
            procedure_code=TAM_TRU,
            applicant_kind="citizen",
            applicant_name="Cầm Thị Mai",
            applicant_id="12345",
            applicant_commune_id=ward,
            channel="online",
            receiving_unit_id=ward,
        )
    assert "12345" not in str(refused.value)


def _loaded() -> bool:
    from tinhgon.publicservices.tests.factories import load_catalogue

    load_catalogue()
    return True


def test_submitting_again_with_the_same_client_reference_returns_the_same_dossier(clock, ward):
    _loaded()
    arguments = dict(
        actor=None,
        procedure_code=TAM_TRU,
        applicant_kind="business",
        applicant_name="Hợp tác xã Chè Tà Xùa",
        applicant_id="5500123456",
        applicant_commune_id=ward,
        channel="online",
        receiving_unit_id=ward,
        client_ref="portal-8f1c",
    )
    first = services.dossier_submit(**arguments)
    assert services.dossier_submit(**arguments) == first
    assert Dossier.objects.count() == 1


def test_inputs_are_bounded_in_the_service(clock, ward):
    _loaded()
    with pytest.raises(DomainError) as refused:
        services.dossier_submit(
            actor=None,
            procedure_code=TAM_TRU,
            applicant_kind="citizen",
            applicant_name="A" * 201,
            applicant_id="014123456789",
            applicant_commune_id=ward,
            channel="fax",
            receiving_unit_id=ward,
        )
    assert {p.field for p in refused.value.problems} == {"applicant_name", "channel"}
    dossier = file_dossier(ward)
    with pytest.raises(DomainError):
        services.dossier_stop(actor=None, code=dossier.code, note="x" * 1001)


def test_a_dossier_keeps_the_procedure_rules_in_force_on_the_day_it_was_received(clock, ward):
    dossier = file_dossier(ward)
    data = catalogue.starter()
    for entry in data["procedures"]:
        if entry["code"] == TAM_TRU:
            entry["days"] = 10
    counts = catalogue.catalogue_import(actor=None, data=data, valid_from=dt.date(2026, 3, 3))
    assert counts == {"new": 0, "changed": 1, "unchanged": 10}
    clock.set(at(3, 10))
    services.dossier_request_supplement(actor=None, code=dossier.code, note="Thiếu")
    clock.set(at(4, 10))
    kept = services.dossier_supplement(actor=None, code=dossier.code)
    assert kept.procedure.days == 3 and kept.due_at == at(6, 17)
    assert file_dossier(ward).procedure.days == 10


def test_a_dossier_received_before_tet_is_due_after_the_tet_break_and_walks_to_its_result(
    clock, ward
):
    # Thursday 12 February 2026; Tết Bính Ngọ: the break runs Saturday 14 to Sunday 22.
    clock.set(dt.datetime(2026, 2, 12, 10, 0, tzinfo=VIETNAM))
    dossier = file_dossier(ward)  # 3 working days: Friday 13, Monday 23, Tuesday 24
    assert dossier.due_at == dt.datetime(2026, 2, 24, 17, 0, tzinfo=VIETNAM)
    clock.set(dt.datetime(2026, 2, 13, 9, 0, tzinfo=VIETNAM))
    services.dossier_request_supplement(actor=None, code=dossier.code, note="Thiếu bản sao")
    clock.set(dt.datetime(2026, 2, 23, 9, 0, tzinfo=VIETNAM))  # the first day after Tết
    dossier = services.dossier_supplement(actor=None, code=dossier.code)
    # Waited from Friday 9:00 to Monday 9:00 across the break: one working day, due a day later.
    assert dossier.due_at == dt.datetime(2026, 2, 25, 17, 0, tzinfo=VIETNAM)
    services.dossier_approve(actor=None, code=dossier.code)
    dossier = services.dossier_return_result(actor=None, code=dossier.code)
    assert dossier.status == Status.RETURNED
    assert [m for m, _f, _t in moves(dossier)] == [
        "submit",
        "receive",
        "request_supplement",
        "supplement",
        "approve",
        "return_result",
    ]


def test_a_dossier_can_fall_due_on_a_make_up_working_saturday(clock, ward):
    # Saturday 22 August 2026 is worked to make up for Monday 31 August (the 2/9 break).
    clock.set(dt.datetime(2026, 8, 19, 9, 0, tzinfo=VIETNAM))  # Wednesday
    dossier = file_dossier(ward)  # 3 working days: Thursday 20, Friday 21, Saturday 22
    assert dossier.due_at == dt.datetime(2026, 8, 22, 17, 0, tzinfo=VIETNAM)
