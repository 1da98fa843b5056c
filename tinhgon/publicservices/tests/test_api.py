"""The staff's API of dossiers through the test client: scope (a commune official sees only
their commune's dossiers), an observer cannot move, every move, 409 on an illegal one, the
apology before and after the due date under the frozen clock, filing at a counter."""

from __future__ import annotations

import datetime as dt

import pytest

from tinhgon.publicservices.models import Apology, Dossier, DossierEvent, Status
from tinhgon.publicservices.tests.factories import file_dossier, load_catalogue
from tinhgon.workdays.calendar import VIETNAM

pytestmark = pytest.mark.django_db


def at(day: int, hour: int = 9, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=VIETNAM)


def move(client, code: str, name: str, body: dict | None = None):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/services/dossiers/{code}/{name}", body or {}, content_type="application/json"
    )


def history(code: str) -> list[str]:
    return list(
        DossierEvent.objects.filter(dossier__code=code)
        .order_by("id")
        .values_list("move", flat=True)
    )


@pytest.fixture
def ward(chieng_an):
    return chieng_an.unit_id


@pytest.fixture
def neighbour(to_hieu):
    return to_hieu.unit_id


def test_a_commune_official_lists_only_the_dossiers_of_their_commune(
    clock, ward, neighbour, commune_official
):
    mine = file_dossier(ward)
    file_dossier(neighbour)
    response = commune_official.api().get("/api/services/dossiers")
    assert response.status_code == 200
    assert [row["code"] for row in response.json()["items"]] == [mine.code]


def test_the_work_list_is_soonest_due_first_with_timeliness_and_masked_identity(
    clock, ward, province_admin
):
    late = file_dossier(ward, procedure="1.004222")  # permanent residence: a longer limit
    soon = file_dossier(ward)
    registered = file_dossier(ward, receive=False)
    clock.set(at(6, 9))  # Friday: the 3-day one was due on Thursday
    body = province_admin.api().get("/api/services/dossiers", {"unit_id": ward}).json()
    codes = [row["code"] for row in body["items"]]
    assert codes == [soon.code, late.code, registered.code]
    first = body["items"][0]
    assert first["timeliness"] == "overdue" and body["items"][1]["timeliness"] == "within"
    assert first["applicant_id"].startswith("********") and len(first["applicant_id"]) == 12
    assert first["due"].startswith("2026-03-05T17:00:00+07:00")


def test_the_filters_overdue_status_and_paging(clock, ward, province_admin):
    codes = [file_dossier(ward).code for _ in range(3)]
    file_dossier(ward, receive=False)
    clock.set(at(9, 9))
    api = province_admin.api()
    overdue = api.get("/api/services/dossiers", {"overdue": "true", "unit_id": ward}).json()
    assert sorted(row["code"] for row in overdue["items"]) == sorted(codes)
    registered = api.get("/api/services/dossiers", {"status": 1, "unit_id": ward}).json()
    assert [row["status"] for row in registered["items"]] == [1]
    first = api.get("/api/services/dossiers", {"limit": 2, "unit_id": ward}).json()
    assert len(first["items"]) == 2 and first["next_offset"] == 2
    rest = api.get("/api/services/dossiers", {"limit": 2, "offset": 2, "unit_id": ward}).json()
    assert len(rest["items"]) == 2 and rest["next_offset"] is None


def test_a_page_is_bounded_and_a_unit_outside_the_scope_is_not_found(
    clock, ward, neighbour, commune_official
):
    api = commune_official.api()
    too_many = api.get("/api/services/dossiers", {"limit": 501})
    assert too_many.status_code == 422
    assert too_many.json()["error"]["problems"][0]["field"] == "limit"
    assert api.get("/api/services/dossiers", {"unit_id": neighbour}).status_code == 404


def test_a_dossier_shows_its_history_and_its_contact_only_to_who_may_change_it(
    clock, ward, commune_official, observer
):
    dossier = file_dossier(ward, actor=commune_official.user)
    Dossier.objects.filter(pk=dossier.pk).update(
        applicant_email="lo.van.thu@example.vn", applicant_phone_last="6789"
    )
    official = commune_official.api().get(f"/api/services/dossiers/{dossier.code}").json()
    assert [e["move"] for e in official["events"]] == ["submit", "receive"]
    assert official["events"][1]["actor"] == "chieng-an-official"
    assert official["events"][1]["unit"] == "Phường Chiềng An"
    assert official["applicant_email"] == "lo.van.thu@example.vn"
    assert official["applicant_phone_last"] == "6789"
    assert "receive" not in official["moves"] and "assign" in official["moves"]
    seen = observer.api().get(f"/api/services/dossiers/{dossier.code}").json()
    assert seen["applicant_email"] is None and seen["applicant_phone_last"] is None
    assert seen["moves"] == []


def test_an_official_of_another_commune_does_not_find_the_dossier(
    clock, ward, other_commune_official
):
    dossier = file_dossier(ward)
    api = other_commune_official.api()
    assert api.get(f"/api/services/dossiers/{dossier.code}").status_code == 404
    assert move(api, dossier.code, "assign", {"assignee": "x"}).status_code == 404


def test_an_observer_cannot_move_a_dossier(clock, ward, observer):
    dossier = file_dossier(ward, receive=False)
    response = move(observer.api(), dossier.code, "receive")
    assert response.status_code == 403
    assert Dossier.objects.get(pk=dossier.pk).status == Status.REGISTERED


def test_every_move_through_the_api(clock, ward, neighbour, commune_official, province_admin):
    api = commune_official.api()
    official = commune_official.user
    code = file_dossier(ward, receive=False).code
    steps: list[tuple[str, dict, int]] = [
        ("receive", {}, 2),
        ("assign", {"assignee": "chieng-an-official"}, 4),
        ("request_supplement", {"note": "Thiếu giấy xác nhận chỗ ở"}, 5),
        ("supplement", {}, 4),
        ("request_payment", {"amount": 15000}, 6),
        ("pay", {}, 4),
        ("approve", {"note": "Đủ điều kiện"}, 9),
        ("return_result", {}, 10),
    ]
    for name, body, status in steps:
        response = move(api, code, name, body)
        assert response.status_code == 200, (name, response.json())
        assert response.json()["status"] == status, name
    assert Dossier.objects.get(code=code).assignee == official
    assert history(code) == ["submit"] + [name for name, _body, _status in steps]
    refused = file_dossier(ward, receive=False).code
    assert move(api, refused, "refuse", {"note": "Sai thẩm quyền"}).json()["status"] == 3
    stopped = file_dossier(ward).code
    assert move(api, stopped, "stop", {"note": "Người nộp đề nghị dừng"}).json()["status"] == 8
    withdrawn = file_dossier(ward).code
    assert move(api, withdrawn, "withdraw").json()["status"] == 7
    rejected = file_dossier(ward).code
    assert move(api, rejected, "assign", {"assignee": official.pk}).status_code == 200
    body = move(api, rejected, "reject", {"note": "Không đủ điều kiện"}).json()
    assert body["status"] == 9 and body["outcome"] == "rejected"
    transferred = file_dossier(ward).code
    response = move(province_admin.api(), transferred, "transfer", {"to_unit_id": neighbour})
    assert response.status_code == 200 and response.json()["unit_name"] == "Phường Tô Hiệu"


def test_an_illegal_move_is_a_conflict_that_names_the_status(clock, ward, commune_official):
    code = file_dossier(ward, receive=False).code
    response = move(commune_official.api(), code, "approve")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "illegal_move"
    assert code in response.json()["error"]["message"]
    assert history(code) == ["submit"]


def test_a_move_without_what_it_needs_names_the_field(clock, ward, commune_official):
    code = file_dossier(ward).code
    api = commune_official.api()
    for name, field in [
        ("request_supplement", "note"),
        ("assign", "assignee"),
        ("request_payment", "amount"),
        ("apologize", "new_due_at"),
    ]:
        response = move(api, code, name)
        assert response.status_code == 400, name
        assert response.json()["error"]["problems"][0]["field"] == field, name
    assert move(api, code, "fly").status_code == 422
    assert move(api, code, "assign", {"assignee": "nobody-here"}).status_code == 400
    assert history(code) == ["submit", "receive"]


def test_an_apology_before_the_due_date_promises_a_new_date_and_due_stays(
    clock, ward, commune_official
):
    dossier = file_dossier(ward)  # due Thursday 5 March, 17:00
    clock.set(at(5, 10))
    body = {"new_due_at": "2026-03-10", "reason": "Chờ xác minh của công an xã"}
    response = move(commune_official.api(), dossier.code, "apologize", body)
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert answer["promised"] == "2026-03-10T17:00:00+07:00"
    assert answer["due"] == "2026-03-05T17:00:00+07:00"
    assert answer["apologies"][0]["reason"] == "Chờ xác minh của công an xã"
    stored = Dossier.objects.get(pk=dossier.pk)
    assert stored.due_at == at(5, 17) and stored.promised_at == at(10, 17)
    event = DossierEvent.objects.filter(dossier=dossier).last()
    assert event is not None and event.move == "apologize"
    assert event.from_status == event.to_status == Status.RECEIVED
    # The same date again: nothing more.
    assert move(commune_official.api(), dossier.code, "apologize", body).status_code == 200
    assert Apology.objects.filter(dossier=dossier).count() == 1
    assert history(dossier.code).count("apologize") == 1


def apologize(persona, code: str, day: str):  # type: ignore[no-untyped-def]
    return move(persona.api(), code, "apologize", {"new_due_at": day, "reason": "Chậm"})


def test_an_apology_after_the_due_date_is_refused_as_too_late(clock, ward, commune_official):
    dossier = file_dossier(ward)
    clock.set(at(6, 9))  # the day after the due date
    response = apologize(commune_official, dossier.code, "2026-03-10")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "apology_too_late"
    assert not Apology.objects.filter(dossier=dossier).exists()


def test_an_apology_must_promise_a_date_after_the_due_date(clock, ward, commune_official):
    dossier = file_dossier(ward)
    response = apologize(commune_official, dossier.code, "2026-03-04")
    assert response.status_code == 400
    assert response.json()["error"]["problems"][0]["field"] == "new_due_at"


def filing(ward: int, **changes: str) -> dict:
    load_catalogue()
    return {
        "procedure_code": "1.004194",
        "applicant_kind": "citizen",
        "applicant_name": "Cầm Thị Hoa",
        "applicant_id": "014123456789",
        "applicant_commune_id": ward,
        "receiving_unit_id": ward,
        **changes,
    }


def test_filing_at_a_counter_creates_a_registered_dossier_once_per_client_ref(
    clock, ward, commune_official
):
    body = filing(
        ward,
        applicant_email="hoa@example.vn",
        applicant_phone="0912 345 678",
        client_ref="quay-1-0001",
    )
    api = commune_official.api()
    response = api.post("/api/services/dossiers", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    answer = response.json()
    assert answer["status"] == 1 and answer["applicant_id"] == "********6789"
    assert answer["applicant_phone_last"] == "5678"
    assert "014123456789" not in response.content.decode()
    again = api.post("/api/services/dossiers", body, content_type="application/json")
    assert again.json()["code"] == answer["code"]
    assert Dossier.objects.filter(client_ref="quay-1-0001").count() == 1


def test_filing_refuses_bad_input_naming_the_field(clock, ward, commune_official):
    body = filing(ward, applicant_id="0141")
    api = commune_official.api()
    response = api.post("/api/services/dossiers", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["problems"][0]["field"] == "applicant_id"
    bad_email = {**body, "applicant_id": "014123456789", "applicant_email": "not-an-email"}
    response = api.post("/api/services/dossiers", bad_email, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["problems"][0]["field"] == "applicant_email"
    assert not Dossier.objects.exists()


def test_the_catalogue_in_force_lists_the_procedures_with_their_limits_and_fees(
    clock, commune_official
):
    load_catalogue()
    response = commune_official.api().get("/api/services/procedures", {"as_of": "2026-03-02"})
    assert response.status_code == 200
    by_code = {p["code"]: p for p in response.json()}
    assert by_code["1.004194"]["days"] == 3 and by_code["1.004194"]["level"] == "commune"
    assert by_code["2.001610"]["level"] == "province"
    assert (
        commune_official.api().get("/api/services/procedures", {"as_of": "2020-01-01"}).json() == []
    )


def test_an_apology_tells_the_applicant_by_email_after_commit(
    clock, ward, commune_official, django_capture_on_commit_callbacks, mailoutbox
):
    dossier = file_dossier(ward)
    Dossier.objects.filter(pk=dossier.pk).update(applicant_email="hoa@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        body = {"new_due_at": "2026-03-10T17:00:00+07:00", "reason": "Chờ xác minh nơi cư trú"}
        assert move(commune_official.api(), dossier.code, "apologize", body).status_code == 200
    letter = mailoutbox[-1]
    assert "10/03/2026 17:00" in letter.body and "Chờ xác minh nơi cư trú" in letter.body


def test_assigned_to_me_lists_the_dossiers_handed_to_the_caller(clock, ward, commune_official):
    api = commune_official.api()
    mine = file_dossier(ward).code
    file_dossier(ward)
    move(api, mine, "assign", {"assignee": "chieng-an-official"})
    body = api.get("/api/services/dossiers", {"assigned_to_me": "true"}).json()
    assert [row["code"] for row in body["items"]] == [mine]
    assert body["items"][0]["assignee"] == "chieng-an-official"


def test_the_work_list_reads_in_a_fixed_number_of_queries(
    clock, ward, province_admin, django_assert_max_num_queries
):
    api = province_admin.api()
    for _ in range(2):
        file_dossier(ward)
    with django_assert_max_num_queries(12) as few:
        assert len(api.get("/api/services/dossiers").json()["items"]) == 2
    for _ in range(8):
        file_dossier(ward)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get("/api/services/dossiers").json()["items"]) == 10


def test_no_apology_for_a_dossier_not_yet_received_nor_for_a_finished_one(
    clock, ward, commune_official
):
    registered = file_dossier(ward, receive=False)
    refused = apologize(commune_official, registered.code, "2026-03-10")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "illegal_move"
    returned = file_dossier(ward)
    for name, body in [
        ("request_supplement", {"note": "Thiếu giấy tờ"}),
        ("supplement", {}),
        ("approve", {}),
    ]:
        move(commune_official.api(), returned.code, name, body)
    refused = apologize(commune_official, returned.code, "2026-03-10")
    assert refused.status_code == 409
    assert not Apology.objects.exists()


def test_an_apology_while_waiting_for_the_applicant_is_allowed(clock, ward, commune_official):
    dossier = file_dossier(ward)
    move(commune_official.api(), dossier.code, "request_supplement", {"note": "Thiếu giấy tờ"})
    answer = apologize(commune_official, dossier.code, "2026-03-12")
    assert answer.status_code == 200
    assert answer.json()["status"] == Status.SUPPLEMENT
    assert answer.json()["events"][-1]["move"] == "apologize"


def test_the_work_list_is_of_open_dossiers_unless_the_finished_are_asked_for(
    clock, ward, commune_official
):
    api = commune_official.api()
    open_one = file_dossier(ward).code
    stopped = file_dossier(ward).code
    move(api, stopped, "stop", {"note": "Người nộp đề nghị dừng"})
    listed = api.get("/api/services/dossiers").json()["items"]
    assert [row["code"] for row in listed] == [open_one]
    finished = api.get("/api/services/dossiers", {"open": "false"}).json()["items"]
    assert [row["code"] for row in finished] == [stopped]


def test_neither_the_identity_number_nor_its_digest_leaves_through_the_api(
    clock, ward, commune_official
):
    api = commune_official.api()
    body = filing(ward, applicant_id="014123456789")
    filed = api.post("/api/services/dossiers", body, content_type="application/json").json()
    digest = Dossier.objects.get(code=filed["code"]).applicant_id_digest
    for response in [
        api.get("/api/services/dossiers"),
        api.get(f"/api/services/dossiers/{filed['code']}"),
        move(api, filed["code"], "receive"),
    ]:
        text = response.content.decode()
        assert "014123456789" not in text and digest not in text
        assert "********6789" in text


def test_a_client_ref_used_at_another_centre_names_no_dossier(
    clock, ward, neighbour, commune_official, other_commune_official
):
    body = filing(ward, client_ref="quay-1-0001")
    first = commune_official.api().post(
        "/api/services/dossiers", body, content_type="application/json"
    )
    code = first.json()["code"]
    replay = other_commune_official.api().post(
        "/api/services/dossiers",
        filing(neighbour, client_ref="quay-1-0001"),
        content_type="application/json",
    )
    assert replay.status_code == 409
    assert replay.json()["error"]["code"] == "client_ref_used"
    assert code not in replay.content.decode()
    outside = other_commune_official.api().post(
        "/api/services/dossiers", body, content_type="application/json"
    )
    assert outside.status_code in (403, 404) and code not in outside.content.decode()


@pytest.mark.parametrize("path", ["/services/{code}%00/", "/services/a%00b/receive/"])
def test_a_code_with_a_nul_byte_in_a_page_address_is_not_found(clock, ward, commune_official, path):
    dossier = file_dossier(ward)
    assert commune_official.browser().get(path.format(code=dossier.code)).status_code == 404


def test_filing_takes_a_fixed_few_queries_and_answers_as_the_dossier_reads_after(
    clock, ward, commune_official, province_admin, django_assert_max_num_queries
):
    api = commune_official.api()
    body = filing(ward, applicant_email="hoa@example.vn", applicant_phone="0912 345 678")
    api.get("/api/services/procedures")  # the token's first use is written once
    answers = []
    for number in range(2):
        # The token, the client_ref, the scope, the procedure, the commune, the centre, the
        # day's counter, the dossier, its event, the outbox, the email, the answer's scope.
        with django_assert_max_num_queries(16):
            response = api.post(
                "/api/services/dossiers",
                {**body, "client_ref": f"quay-1-{number}"},
                content_type="application/json",
            )
        assert response.status_code == 201, response.json()
        answers.append(response.json())
    assert [a["code"] for a in answers] == ["03667-20260302-000001", "03667-20260302-000002"]
    for answer in answers:
        assert answer == api.get(f"/api/services/dossiers/{answer['code']}").json()
    as_admin = province_admin.api().post(
        "/api/services/dossiers",
        {**body, "client_ref": "quay-2-0"},
        content_type="application/json",
    )
    assert (
        as_admin.json()
        == province_admin.api().get(f"/api/services/dossiers/{as_admin.json()['code']}").json()
    )
