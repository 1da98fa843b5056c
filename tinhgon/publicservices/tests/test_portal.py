"""The citizens' portal: filing online (pages and API), tracking with the second factor,
throttling, rating, and codes that keep working after a reorganization."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tinhgon.conftest import unit
from tinhgon.core.errors import DomainError
from tinhgon.core.models import AuditEvent
from tinhgon.publicservices import portal, services
from tinhgon.publicservices.models import Channel, Document, Dossier, DossierEvent, Status
from tinhgon.publicservices.tests.factories import TAM_TRU, load_catalogue
from tinhgon.publicservices.tests.test_reorganization import EFFECTIVE, MERGE_THREE_WARDS
from tinhgon.reorg import engine, planfile
from tinhgon.workdays.calendar import VIETNAM

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"
FORM = {
    "procedure": TAM_TRU,
    "applicant_kind": "citizen",
    "applicant_name": "Lò Thị Mai",
    "applicant_id": "014199001234",
    "applicant_commune": "Phường Chiềng An",
    "applicant_phone": "0912345678",
    "applicant_email": "mai@example.vn",
}


@pytest.fixture(autouse=True)
def portal_setup(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TINHGON_TRACK_FAILURE_LIMIT = 3
    cache.clear()
    load_catalogue()


def file_online(**more: str) -> Dossier:
    fields = {**FORM, **more}
    return portal.portal_file(
        procedure_code=fields.pop("procedure"),
        **fields,  # type: ignore[arg-type]
    )


def track(client: Client, code: str, digits: str, **extra):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/portal/track",
        {"code": code, "phone_last": digits},
        content_type="application/json",
        **extra,
    )


# -- filing ------------------------------------------------------------------------------------
def test_a_citizen_files_online_on_the_page_and_gets_the_code_on_a_receipt(clock):
    browser = Client()
    form = browser.get("/dich-vu-cong/nop/")
    assert form.status_code == 200 and "Đăng ký tạm trú" in form.content.decode()
    ref = form.context["form"].initial["client_ref"]
    sent = {**FORM, "client_ref": ref, "documents": SimpleUploadedFile("to-khai.pdf", PDF)}
    answer = browser.post("/dich-vu-cong/nop/", sent)
    dossier = Dossier.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/dich-vu-cong/nop/{dossier.code}/"
    assert dossier.code.startswith("03667-20260302-")
    assert dossier.channel == Channel.ONLINE and dossier.status == Status.REGISTERED
    assert dossier.receiving_unit_id == dossier.unit_id == unit("Phường Chiềng An").unit_id
    assert dossier.applicant_phone_last == "5678" and dossier.applicant_email == "mai@example.vn"
    assert dossier.applicant_id_last == "1234" and "014199001234" not in str(
        Dossier.objects.values().get()
    )
    receipt = browser.get(answer["Location"]).content.decode()
    assert dossier.code in receipt and "to-khai.pdf" in receipt
    assert "Tiếp nhận" in receipt and "site-menu" not in receipt
    # The same form sent twice (a double click) files one dossier.
    again = browser.post(
        "/dich-vu-cong/nop/", {**sent, "documents": SimpleUploadedFile("b.pdf", PDF)}
    )
    assert again["Location"] == answer["Location"] and Dossier.objects.count() == 1
    assert dossier.documents.count() == 1
    # Another browser does not see the receipt.
    assert Client().get(answer["Location"]).status_code == 404


def test_a_refused_filing_shows_the_form_again_with_the_problems_at_their_fields(clock):
    browser = Client()
    sent = {
        **FORM,
        "applicant_phone": "12",
        "applicant_commune": "Phường Không Có",
        "documents": SimpleUploadedFile("fake.pdf", b"<html>"),
    }
    answer = browser.post("/dich-vu-cong/nop/", sent)
    page = answer.content.decode()
    assert answer.status_code == 400
    assert 'href="#id_applicant_phone"' in page and 'href="#id_applicant_commune"' in page
    assert 'href="#id_documents"' in page and "fake.pdf" in page
    assert 'value="Lò Thị Mai"' in page  # what was typed stays
    assert not Dossier.objects.exists()


def test_an_old_commune_name_finds_the_commune_it_became(clock):
    dossier = file_online(applicant_commune="Xã Chiềng Xôm")
    assert dossier.applicant_commune_id == unit("Phường Chiềng An").unit_id
    assert portal.commune_find("chieng xom", day=dt.date(2026, 3, 2)).name == "Phường Chiềng An"


def test_a_province_level_procedure_is_filed_at_the_province(clock):
    dossier = file_online(
        procedure="2.001610", applicant_kind="business", applicant_id="0101234567"
    )
    assert dossier.unit_id == unit("Sơn La", level=1, province=None).unit_id


def test_the_api_files_a_dossier_with_its_documents_once_per_client_token(clock):
    client = Client()
    body = {
        **FORM,
        "client_ref": "app-7f3a",
        "documents": [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", PDF)],
    }
    answer = client.post("/api/portal/dossiers", body)
    assert answer.status_code == 201, answer.content
    assert answer.json()["documents"] == 2 and answer.json()["status"] == 1
    body["documents"] = [SimpleUploadedFile("a.pdf", PDF)]
    again = client.post("/api/portal/dossiers", body)
    assert again.json()["code"] == answer.json()["code"] and Dossier.objects.count() == 1


def test_the_api_refuses_a_bad_filing_naming_the_fields(clock):
    answer = Client().post(
        "/api/portal/dossiers",
        {**FORM, "procedure": "9.999999", "documents": [SimpleUploadedFile("x.pdf", b"GIF89a")]},
    )
    assert answer.status_code == 400
    fields = {p["field"] for p in answer.json()["error"]["problems"]}
    assert fields == {"procedure", "documents"}
    too_long = Client().post("/api/portal/dossiers", {**FORM, "applicant_name": "x" * 201})
    assert too_long.status_code == 422


def shown(response, code: str) -> str:  # type: ignore[no-untyped-def]
    """The page without its form's security token, the code replaced."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return text.replace(code, "CODE")


# -- tracking ----------------------------------------------------------------------------------
def test_tracking_with_the_right_digits_shows_the_dossier_without_officials_names(
    clock, commune_official
):
    dossier = file_online()
    services.dossier_receive(actor=commune_official.user, code=dossier.code)
    services.dossier_request_supplement(
        actor=commune_official.user, code=dossier.code, note="Thiếu giấy tờ chứng minh chỗ ở"
    )
    answer = track(Client(), dossier.code, "5678")
    assert answer.status_code == 200
    data = answer.json()
    assert data["status"] == 5 and data["status_name"] == "yêu cầu bổ sung giấy tờ"
    assert data["unit_name"] == "Phường Chiềng An"
    assert data["received"] == "2026-03-02T09:00:00+07:00" and data["due"] is not None
    assert [h["status"] for h in data["history"]] == [
        "mới đăng ký",
        "được tiếp nhận",
        "yêu cầu bổ sung giấy tờ",
    ]
    assert data["history"][-1]["note"] == "Thiếu giấy tờ chứng minh chỗ ở"
    assert commune_official.user.username not in answer.content.decode()
    page = Client()
    page.post("/dich-vu-cong/tra-cuu/", {"code": dossier.code, "phone_last": "5678"})
    shown = page.get(f"/dich-vu-cong/tra-cuu/{dossier.code}/").content.decode()
    assert "Thiếu giấy tờ chứng minh chỗ ở" in shown and "Gửi giấy tờ" in shown
    assert commune_official.user.username not in shown


def test_a_wrong_second_factor_answers_exactly_like_an_unknown_code(clock, settings):
    settings.TINHGON_TRACK_FAILURE_LIMIT = 10
    dossier = file_online()
    wrong = track(Client(), dossier.code, "0000")
    code_only = dossier.code.rsplit("-", 1)[0] + "-999999"
    unknown = track(Client(), code_only, "5678")
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == {
        **unknown.json(),
        "error": {
            **unknown.json()["error"],
            "message": unknown.json()["error"]["message"].replace(code_only, dossier.code),
        },
    }
    page_wrong = Client().post(
        "/dich-vu-cong/tra-cuu/", {"code": dossier.code, "phone_last": "0000"}
    )
    page_unknown = Client().post(
        "/dich-vu-cong/tra-cuu/", {"code": code_only, "phone_last": "0000"}
    )
    assert page_wrong.status_code == page_unknown.status_code == 404
    assert shown(page_wrong, dossier.code) == shown(page_unknown, code_only)
    # Without the second factor, the dossier's page asks for it.
    assert (
        Client()
        .get(f"/dich-vu-cong/tra-cuu/{dossier.code}/")["Location"]
        .startswith("/dich-vu-cong/tra-cuu/?code=")
    )


def test_wrong_pairs_are_throttled_per_address_and_per_code(clock):
    dossier = file_online()
    other = file_online(client_ref="second", applicant_phone="0987654321")
    for _attempt in range(3):
        assert track(Client(), dossier.code, "1111").status_code == 404
    # The code is locked, even with the right digits and from another address.
    locked = track(Client(), dossier.code, "5678", REMOTE_ADDR="10.0.0.9")
    assert locked.status_code == 429 and locked.json()["error"]["code"] == "throttled"
    # The address is locked too, whatever the code.
    assert track(Client(), other.code, "4321").status_code == 429
    assert track(Client(), other.code, "4321", REMOTE_ADDR="10.0.0.9").status_code == 200
    page = Client().post("/dich-vu-cong/tra-cuu/", {"code": other.code, "phone_last": "4321"})
    assert page.status_code == 429
    # The window ends.
    clock.set(clock.at + dt.timedelta(minutes=16))
    assert track(Client(), dossier.code, "5678").status_code == 200


def test_an_old_code_tracks_after_its_ward_merged_and_shows_the_new_wards_name(clock):
    clock.set(dt.datetime(2026, 3, 27, 9, 0, tzinfo=VIETNAM))
    dossier = file_online()
    services.dossier_receive(actor=None, code=dossier.code)
    outcome = engine.apply_plan(planfile.load_yaml(MERGE_THREE_WARDS))
    assert outcome.plan is not None
    clock.set(dt.datetime.combine(EFFECTIVE, dt.time(9), tzinfo=VIETNAM))
    answer = track(Client(), dossier.code, "5678")
    assert answer.status_code == 200
    assert answer.json()["code"] == dossier.code
    assert answer.json()["unit_name"] == "Phường Tô Chiềng Cơi"
    assert answer.json()["due"] == "2026-04-01T17:00:00+07:00"


# -- rating ------------------------------------------------------------------------------------
def rate(client: Client, code: str, rating: int, digits: str = "5678"):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/portal/rate",
        {"code": code, "phone_last": digits, "rating": rating},
        content_type="application/json",
    )


def finish(code: str, *, returned: bool = True) -> None:
    services.dossier_receive(actor=None, code=code)
    services.dossier_request_supplement(actor=None, code=code, note="Thiếu")
    services.dossier_supplement(actor=None, code=code)
    services.dossier_approve(actor=None, code=code)
    if returned:
        services.dossier_return_result(actor=None, code=code)


def test_a_dossier_is_rated_once_its_result_is_returned_and_only_once(clock):
    dossier = file_online()
    refused = rate(Client(), dossier.code, 3)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "not_rateable"
    finish(dossier.code)
    events = DossierEvent.objects.filter(dossier=dossier).count()
    answer = rate(Client(), dossier.code, 3)
    assert answer.status_code == 200 and answer.json()["rating"] == 3
    rated = Dossier.objects.get(pk=dossier.pk)
    assert rated.rating == 3 and rated.rated_at == clock.now()
    second = rate(Client(), dossier.code, 1)
    assert second.status_code == 409 and second.json()["error"]["code"] == "already_rated"
    assert Dossier.objects.get(pk=dossier.pk).rating == 3
    # Not a status change: no event; an audit row says what happened.
    assert DossierEvent.objects.filter(dossier=dossier).count() == events
    assert AuditEvent.objects.filter(action="dossier_rate", data__dossier=dossier.code).count() == 1
    assert rate(Client(), dossier.code, 2, digits="0000").status_code == 404


def test_a_processed_dossier_may_be_rated_before_the_result_is_handed_over(clock):
    dossier = file_online()
    finish(dossier.code, returned=False)
    assert rate(Client(), dossier.code, 2).status_code == 200
    with pytest.raises(DomainError):
        portal.portal_rate(dossier=Dossier.objects.get(pk=dossier.pk), rating=4)


def test_the_rating_page_asks_the_second_factor_then_confirms_before_recording(clock):
    dossier = file_online()
    finish(dossier.code)
    browser = Client()
    start = browser.get(f"/dich-vu-cong/danh-gia/?code={dossier.code}")
    assert start.status_code == 302 and "next=rate" in start["Location"]
    verified = browser.post(
        "/dich-vu-cong/tra-cuu/?next=rate", {"code": dossier.code, "phone_last": "5678"}
    )
    assert verified["Location"] == f"/dich-vu-cong/danh-gia/?code={dossier.code}"
    assert "Rất hài lòng" in browser.get(verified["Location"]).content.decode()
    confirm = browser.post("/dich-vu-cong/danh-gia/", {"code": dossier.code, "rating": "3"})
    assert confirm.status_code == 200 and 'name="confirmed" value="1"' in confirm.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).rating is None
    done = browser.post(
        "/dich-vu-cong/danh-gia/", {"code": dossier.code, "rating": "3", "confirmed": "1"}
    )
    assert done.status_code == 302 and Dossier.objects.get(pk=dossier.pk).rating == 3


# -- no login, no staff menu -------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/dich-vu-cong/", "/dich-vu-cong/nop/", "/dich-vu-cong/tra-cuu/"])
def test_the_portal_pages_need_no_login_and_show_no_staff_menu(clock, path, province_admin):
    for client in (Client(), province_admin.browser()):
        answer = client.get(path)
        assert answer.status_code == 200
        assert "site-menu" not in answer.content.decode()


def test_the_login_page_and_the_footer_lead_to_the_portal(clock):
    assert 'href="/dich-vu-cong/"' in Client().get("/accounts/login/").content.decode()


def test_the_api_supplements_a_dossier_waiting_for_documents(clock):
    dossier = file_online()
    services.dossier_receive(actor=None, code=dossier.code)
    services.dossier_request_supplement(actor=None, code=dossier.code, note="Thiếu ảnh")
    body = {"code": dossier.code, "phone_last": "5678", "note": "Ảnh 4x6"}
    empty = Client().post("/api/portal/supplement", body)
    assert empty.status_code == 400 and empty.json()["error"]["problems"][0]["field"] == "documents"
    answer = Client().post(
        "/api/portal/supplement", {**body, "documents": SimpleUploadedFile("anh.pdf", PDF)}
    )
    assert answer.status_code == 200 and answer.json()["status"] == 4
    assert [d["stage"] for d in answer.json()["documents"]] == ["supplement"]
    again = Client().post(
        "/api/portal/supplement", {**body, "documents": SimpleUploadedFile("anh.pdf", PDF)}
    )
    assert again.status_code == 409


def test_the_applicant_sends_the_documents_asked_for_on_the_page(clock):
    dossier = file_online()
    services.dossier_receive(actor=None, code=dossier.code)
    services.dossier_request_supplement(actor=None, code=dossier.code, note="Thiếu ảnh 4x6")
    page = f"/dich-vu-cong/tra-cuu/{dossier.code}/bo-sung/"
    browser = Client()
    assert browser.get(page).status_code == 302  # the second factor first
    browser.post("/dich-vu-cong/tra-cuu/", {"code": dossier.code, "phone_last": "5678"})
    assert "Thiếu ảnh 4x6" in browser.get(page).content.decode()
    refused = browser.post(page, {"documents": SimpleUploadedFile("anh.pdf", b"GIF89a")})
    assert refused.status_code == 400 and 'href="#id_documents"' in refused.content.decode()
    sent = browser.post(page, {"documents": SimpleUploadedFile("anh.pdf", PDF), "note": "Ảnh"})
    assert sent.status_code == 302 and sent["Location"] == f"/dich-vu-cong/tra-cuu/{dossier.code}/"
    assert Dossier.objects.get(pk=dossier.pk).status == Status.PROCESSING
    assert "Đã gửi giấy tờ" in browser.get(sent["Location"]).content.decode()


def test_a_wrong_email_is_refused_at_its_field_and_nothing_is_filed(clock):
    answer = Client().post(
        "/dich-vu-cong/nop/",
        {**FORM, "applicant_email": "mai@", "documents": SimpleUploadedFile("a.pdf", PDF)},
    )
    assert answer.status_code == 400 and 'href="#id_applicant_email"' in answer.content.decode()
    assert not Dossier.objects.exists() and not Document.objects.exists()


def test_tracking_costs_a_few_queries_whatever_the_history(clock, django_assert_max_num_queries):
    dossier = file_online()
    finish(dossier.code)
    # The code's dossier, its events, its documents, the unit's name today; and the attempt
    # counted (one statement for the address and the code) then given back.
    with django_assert_max_num_queries(6):
        assert track(Client(), dossier.code, "5678").status_code == 200


def test_a_browser_forgets_the_dossier_half_an_hour_after_filing_or_tracking_it(clock):
    browser = Client()
    form = browser.get("/dich-vu-cong/nop/").context["form"]
    sent = {**FORM, "client_ref": form.initial["client_ref"]}
    receipt = browser.post("/dich-vu-cong/nop/", sent)["Location"]
    code = Dossier.objects.get().code
    assert browser.get(receipt).status_code == 200
    clock.set(clock.at + dt.timedelta(minutes=31))
    assert browser.get(receipt).status_code == 404  # a shared computer at the desk
    assert browser.get(f"/dich-vu-cong/tra-cuu/{code}/").status_code == 302
    browser.post("/dich-vu-cong/tra-cuu/", {"code": code, "phone_last": "5678"})
    assert browser.get(f"/dich-vu-cong/tra-cuu/{code}/").status_code == 200
    assert browser.get(receipt).status_code == 200


def test_filings_from_one_address_are_bounded_per_hour(clock, settings):
    settings.TINHGON_PORTAL_FILINGS_PER_HOUR = 2
    client = Client()

    def send(ref: str, address: str = "127.0.0.1"):  # type: ignore[no-untyped-def]
        body = {**FORM, "client_ref": ref, "documents": SimpleUploadedFile("a.pdf", PDF)}
        return client.post("/api/portal/dossiers", body, REMOTE_ADDR=address)

    assert [send("one").status_code, send("two").status_code] == [201, 201]
    third = send("three")
    assert third.status_code == 429 and third.json()["error"]["code"] == "throttled"
    assert Dossier.objects.count() == 2 and Document.objects.count() == 2
    assert send("one").status_code == 201  # a retry of a dossier filed is not a new one
    assert send("three", address="10.0.0.7").status_code == 201


def test_a_desks_client_ref_gives_the_portal_nobody_elses_dossier(clock, commune_official):
    desk = commune_official.api().post(
        "/api/services/dossiers",
        {
            "procedure_code": TAM_TRU,
            "applicant_kind": "citizen",
            "applicant_name": "Cầm Văn Khoa",
            "applicant_id": "014123456789",
            "applicant_commune_id": unit("Phường Chiềng An").unit_id,
            "channel": "in_person",
            "receiving_unit_id": unit("Phường Chiềng An").unit_id,
            "client_ref": "quay-1-0001",
        },
        content_type="application/json",
    )
    assert desk.status_code == 201, desk.content
    stranger = Client()
    body = {**FORM, "client_ref": "quay-1-0001", "documents": SimpleUploadedFile("a.pdf", PDF)}
    answer = stranger.post("/api/portal/dossiers", body)
    assert answer.status_code == 201 and answer.json()["code"] != desk.json()["code"]
    assert Dossier.objects.count() == 2


def test_the_same_portal_reference_with_another_phone_files_another_dossier(clock):
    first = file_online(client_ref="app-7f3a")
    second = file_online(client_ref="app-7f3a", applicant_phone="0987000111")
    assert first.code != second.code
    assert file_online(client_ref="app-7f3a").code == first.code


def test_a_code_with_a_nul_byte_is_unknown_on_the_pages_and_the_api(clock):
    dossier = file_online()
    browser = Client()
    assert browser.get(f"/dich-vu-cong/nop/{dossier.code}%00/").status_code == 404
    assert browser.get(f"/dich-vu-cong/tra-cuu/{dossier.code}%00/").status_code == 404
    answer = track(browser, dossier.code + "\x00", "5678")
    assert answer.status_code in (404, 422)


def test_refused_filings_count_against_the_hourly_bound_of_an_address(clock, settings):
    settings.TINHGON_PORTAL_FILINGS_PER_HOUR = 2
    client = Client()
    bad = {**FORM, "applicant_commune": "Không có xã này"}
    assert [client.post("/api/portal/dossiers", bad).status_code for _ in range(2)] == [400, 400]
    assert client.post("/api/portal/dossiers", bad).status_code == 429
