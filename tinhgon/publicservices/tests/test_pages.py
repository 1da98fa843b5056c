"""The staff's pages through the test client: the work list in scope, a dossier with the forms
of the moves legal now (none for a read-only user), a move, the confirmation before an
irreversible one, the apology, filing at a counter."""

from __future__ import annotations

import datetime as dt

import pytest

from tinhgon.publicservices.models import Apology, Dossier, DossierEvent, Status
from tinhgon.publicservices.tests.factories import file_dossier, load_catalogue
from tinhgon.workdays.calendar import VIETNAM

pytestmark = pytest.mark.django_db


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, 0, tzinfo=VIETNAM)


@pytest.fixture
def ward(chieng_an):
    return chieng_an.unit_id


def test_the_work_list_shows_the_commune_s_open_dossiers_soonest_due_first(
    clock, ward, to_hieu, commune_official
):
    later = file_dossier(ward, procedure="1.004222")
    sooner = file_dossier(ward)
    other = file_dossier(to_hieu.unit_id)
    clock.set(at(6))
    page = commune_official.browser().get("/services/")
    text = page.content.decode()
    assert page.status_code == 200
    assert text.index(sooner.code) < text.index(later.code)
    assert other.code not in text
    assert "05/03/2026 17:00" in text  # due, as officials write it
    assert "badge--overdue" in text and "badge--within" in text
    assert sooner.applicant_id_masked in text
    assert 'href="/services/"' in text  # the menu entry


def test_the_work_list_filters_the_overdue_and_refuses_a_unit_outside_the_scope(
    clock, ward, to_hieu, commune_official
):
    overdue = file_dossier(ward)
    clock.set(at(6))
    fresh = file_dossier(ward)
    browser = commune_official.browser()
    text = browser.get("/services/", {"overdue": "on", "state": "open"}).content.decode()
    assert overdue.code in text and fresh.code not in text
    outside = browser.get("/services/", {"unit": to_hieu.code})
    assert outside.status_code == 400
    assert "error-summary" in outside.content.decode()


def test_a_dossier_page_offers_only_the_moves_legal_now(clock, ward, commune_official):
    dossier = file_dossier(ward, receive=False)
    text = commune_official.browser().get(f"/services/{dossier.code}/").content.decode()
    assert f"/services/{dossier.code}/receive/" in text
    assert f"/services/{dossier.code}/refuse/" in text
    assert f"/services/{dossier.code}/approve/" not in text
    assert "apologize" not in text


def test_a_read_only_user_sees_the_dossier_without_forms_nor_contact(
    clock, ward, commune_official, observer
):
    dossier = file_dossier(ward)
    Dossier.objects.filter(pk=dossier.pk).update(applicant_email="thu@example.vn")
    assert (
        "thu@example.vn"
        in commune_official.browser().get(f"/services/{dossier.code}/").content.decode()
    )
    page = observer.browser().get(f"/services/{dossier.code}/")
    text = page.content.decode()
    assert page.status_code == 200 and dossier.code in text
    assert '<form method="post" action="/services/' not in text
    assert "thu@example.vn" not in text
    refused = observer.browser().post(f"/services/{dossier.code}/assign/", {})
    assert refused.status_code == 403


def test_an_official_of_another_commune_does_not_find_the_dossier_page(
    clock, ward, other_commune_official
):
    dossier = file_dossier(ward)
    assert other_commune_official.browser().get(f"/services/{dossier.code}/").status_code == 404


def test_a_move_from_its_form_applies_and_comes_back_to_the_dossier(clock, ward, commune_official):
    dossier = file_dossier(ward, receive=False)
    browser = commune_official.browser()
    response = browser.post(f"/services/{dossier.code}/receive/", {})
    assert response.status_code == 302 and response["Location"] == f"/services/{dossier.code}/"
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RECEIVED
    response = browser.post(
        f"/services/{dossier.code}/assign/", {"assign-assignee": "chieng-an-official"}
    )
    assert response.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).assignee == commune_official.user


def test_a_move_without_its_reason_shows_the_page_again_with_the_problem(
    clock, ward, commune_official
):
    dossier = file_dossier(ward)
    page = commune_official.browser().post(
        f"/services/{dossier.code}/request_supplement/", {"request_supplement-note": ""}
    )
    assert page.status_code == 400
    assert 'href="#id_request_supplement-note"' in page.content.decode()
    assert '<details class="more-moves" open>' in page.content.decode()  # the form, open
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RECEIVED


def test_an_irreversible_move_asks_for_confirmation_first(clock, ward, commune_official):
    dossier = file_dossier(ward)
    browser = commune_official.browser()
    url = f"/services/{dossier.code}/stop/"
    first = browser.post(url, {"stop-note": "Người nộp đề nghị dừng"})
    assert first.status_code == 200
    text = first.content.decode()
    assert 'name="stop-confirmed" value="on"' in text and "Người nộp đề nghị dừng" in text
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RECEIVED
    done = browser.post(url, {"stop-note": "Người nộp đề nghị dừng", "stop-confirmed": "on"})
    assert done.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).status == Status.STOPPED


def test_an_illegal_move_shows_the_dossier_again_as_a_conflict(clock, ward, commune_official):
    dossier = file_dossier(ward)
    page = commune_official.browser().post(f"/services/{dossier.code}/approve/", {})
    assert page.status_code == 409
    assert dossier.code in page.content.decode()


def test_the_apology_form_promises_a_new_date_before_the_due_date_only(
    clock, ward, commune_official
):
    dossier = file_dossier(ward)  # due 05/03/2026 17:00
    browser = commune_official.browser()
    assert "/apologize/" in browser.get(f"/services/{dossier.code}/").content.decode()
    body = {"apologize-new_due_at": "10/03/2026", "apologize-reason": "Chờ xác minh"}
    response = browser.post(f"/services/{dossier.code}/apologize/", body)
    assert response.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).promised_at == at(10, 17)
    text = browser.get(f"/services/{dossier.code}/").content.decode()
    assert "10/03/2026 17:00" in text
    clock.set(at(6))
    late = file_dossier(ward)
    clock.set(at(12))
    assert "/apologize/" not in browser.get(f"/services/{late.code}/").content.decode()
    refused = browser.post(f"/services/{late.code}/apologize/", body)
    assert refused.status_code == 409
    assert not Apology.objects.filter(dossier=late).exists()


def test_filing_at_a_counter_files_a_dossier_and_leads_to_it(
    clock, ward, chieng_an, commune_official
):
    load_catalogue()
    browser = commune_official.browser()
    form = browser.get("/services/new/")
    assert form.status_code == 200 and f'value="{chieng_an.code}"' in form.content.decode()
    response = browser.post(
        "/services/new/",
        {
            "procedure": "1.004194",
            "applicant_kind": "citizen",
            "applicant_name": "Cầm Thị Hoa",
            "applicant_id": "014123456789",
            "applicant_commune": chieng_an.code,
            "receiving_unit": chieng_an.code,
            "channel": "in_person",
            "applicant_phone": "0912345678",
        },
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert response["Location"] == f"/services/{dossier.code}/"
    assert dossier.applicant_phone_last == "5678" and dossier.status == Status.REGISTERED
    assert DossierEvent.objects.get(dossier=dossier).actor == commune_official.user


def test_filing_with_a_wrong_identity_number_keeps_what_was_typed(
    clock, ward, chieng_an, commune_official
):
    load_catalogue()
    page = commune_official.browser().post(
        "/services/new/",
        {
            "procedure": "1.004194",
            "applicant_kind": "citizen",
            "applicant_name": "Cầm Thị Hoa",
            "applicant_id": "0141",
            "applicant_commune": chieng_an.code,
            "receiving_unit": chieng_an.code,
            "channel": "in_person",
        },
    )
    assert page.status_code == 400
    assert 'href="#id_applicant_id"' in page.content.decode()
    assert "Cầm Thị Hoa" in page.content.decode()
    assert not Dossier.objects.exists()


def test_a_read_only_user_may_not_file(clock, observer):
    assert observer.browser().get("/services/new/").status_code == 403


def test_a_provincial_administrator_chooses_among_the_province_s_units(
    clock, chieng_an, to_hieu, province_admin
):
    mine = file_dossier(chieng_an.unit_id)
    other = file_dossier(to_hieu.unit_id)
    browser = province_admin.browser()
    page = browser.get("/services/").content.decode()
    assert f'<option value="{chieng_an.code}">Phường Chiềng An</option>' in page
    assert mine.code in page and other.code in page
    chosen = browser.get("/services/", {"unit": chieng_an.code, "state": "open"}).content
    assert mine.code in chosen.decode() and other.code not in chosen.decode()


def test_a_superuser_types_the_unit_s_code_rather_than_scrolling_the_country(
    clock, chieng_an, superuser
):
    dossier = file_dossier(chieng_an.unit_id)
    browser = superuser.browser()
    page = browser.get("/services/").content.decode()
    assert 'name="unit"' in page and '<select name="unit"' not in page
    assert dossier.code in browser.get("/services/", {"unit": chieng_an.code}).content.decode()


def test_the_filing_form_lists_the_province_s_communes_to_pick_the_applicant_s(
    clock, chieng_an, commune_official
):
    load_catalogue()
    page = commune_official.browser().get("/services/new/").content.decode()
    assert 'list="communes"' in page
    assert f'<option value="{chieng_an.code}">Phường Chiềng An</option>' in page
    assert page.count("<option value=") > 70  # Sơn La's 75 communes and wards, and more


def test_the_usual_next_step_is_the_one_primary_action_and_comes_first(
    clock, ward, commune_official
):
    dossier = file_dossier(ward)  # received: the usual next step is to assign it
    text = commune_official.browser().get(f"/services/{dossier.code}/").content.decode()
    assert text.count("btn btn-primary") == 1
    assert text.index(f"/services/{dossier.code}/assign/") < text.index(
        f"/services/{dossier.code}/request_supplement/"
    )
    assert '<option value="chieng-an-official" selected>' in text  # oneself, offered first


def test_a_transfer_names_the_unit_by_its_code_and_a_payment_its_amount(
    clock, ward, to_hieu, province_admin
):
    browser = province_admin.browser()
    paying = file_dossier(ward)
    response = browser.post(
        f"/services/{paying.code}/request_payment/", {"request_payment-amount": "15000"}
    )
    assert response.status_code == 302
    assert Dossier.objects.get(pk=paying.pk).fees_due == 15000
    moving = file_dossier(ward)
    unknown = browser.post(f"/services/{moving.code}/transfer/", {"transfer-to_unit": "99999"})
    assert unknown.status_code == 400 and 'href="#id_transfer-to_unit"' in unknown.content.decode()
    moved = browser.post(f"/services/{moving.code}/transfer/", {"transfer-to_unit": to_hieu.code})
    assert moved.status_code == 302
    assert Dossier.objects.get(pk=moving.pk).unit_id == to_hieu.unit_id


def test_the_work_list_page_reads_in_a_fixed_number_of_queries(
    clock, ward, commune_official, django_assert_max_num_queries
):
    browser = commune_official.browser()
    file_dossier(ward)
    with django_assert_max_num_queries(25) as few:
        assert browser.get("/services/").status_code == 200
    for _ in range(9):
        file_dossier(ward)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert browser.get("/services/").content.decode().count("/services/03667-") == 10


def test_a_move_s_address_opened_as_a_page_leads_to_the_dossier(clock, ward, commune_official):
    dossier = file_dossier(ward)
    response = commune_official.browser().get(f"/services/{dossier.code}/stop/")
    assert response.status_code == 302 and response["Location"] == f"/services/{dossier.code}/"
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RECEIVED
