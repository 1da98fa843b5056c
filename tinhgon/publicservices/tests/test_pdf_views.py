"""The printable documents over the pages and the API: PDF answers that are not cached, scope
(a dossier outside it does not exist), the applicant's signed links from the portal."""

from __future__ import annotations

import time

import pytest

from tinhgon.conftest import unit
from tinhgon.publicservices import pdf_views, printing, services
from tinhgon.publicservices.tests.factories import file_dossier
from tinhgon.publicservices.tests.test_pdf import words

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(clock, commune_official):
    return file_dossier(unit("Phường Chiềng An").unit_id, actor=commune_official.user)


def test_an_official_gets_the_receipt_of_a_dossier_of_the_ward_as_a_pdf(dossier, commune_official):
    response = commune_official.browser().get(f"/services/pdf/{dossier.code}/receipt.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (f'inline; filename="tiep-nhan-{dossier.code}.pdf"')
    assert response["Cache-Control"] == "private, no-store"
    shown = words(response.content)
    assert "Thời gian hẹn trả kết quả: 05/03/2026 17:00" in shown
    # The tracking address of the portal, on this server.
    assert f"http://testserver/dich-vu-cong/?code={dossier.code}" in shown


def test_an_official_of_another_commune_finds_no_such_dossier(dossier, other_commune_official):
    response = other_commune_official.browser().get(f"/services/pdf/{dossier.code}/receipt.pdf")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_kind_that_does_not_apply_answers_404_with_its_reason(dossier, commune_official):
    response = commune_official.browser().get(f"/services/pdf/{dossier.code}/refusal.pdf")
    assert response.status_code == 404
    assert f"Hồ sơ {dossier.code} không bị từ chối tiếp nhận." in response.content.decode()


def test_someone_not_logged_in_is_sent_to_the_login_page(dossier, client):
    response = client.get(f"/services/pdf/{dossier.code}/receipt.pdf")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_api_lists_the_documents_the_history_gives(dossier, commune_official):
    services.dossier_request_supplement(
        actor=commune_official.user, code=dossier.code, note="Bổ sung tờ khai"
    )
    response = commune_official.api().get(f"/api/services/documents/{dossier.code}")
    assert response.status_code == 200
    kinds = [(d["kind"], d["public"]) for d in response.json()["documents"]]
    assert kinds == [("receipt", True), ("supplement", True), ("control", False)]


def test_the_api_gives_a_document_as_pdf_and_refuses_an_unknown_kind(dossier, commune_official):
    api = commune_official.api()
    response = api.get(f"/api/services/documents/{dossier.code}/control")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"%PDF-")
    assert api.get(f"/api/services/documents/{dossier.code}/passport").status_code == 422
    missing = api.get(f"/api/services/documents/{dossier.code}/stop")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_the_api_answers_404_outside_the_scope(dossier, other_commune_official):
    api = other_commune_official.api()
    assert api.get(f"/api/services/documents/{dossier.code}").status_code == 404
    assert api.get(f"/api/services/documents/{dossier.code}/receipt").status_code == 404


def test_the_applicant_prints_the_receipt_with_a_portal_link_without_logging_in(dossier, client):
    url = pdf_views.portal_url(dossier.code, "receipt")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert dossier.code in words(response.content)


def test_the_portal_link_does_not_print_the_control_slip(dossier, client):
    token = printing.portal_token(dossier.code)
    assert client.get(f"/services/pdf/cong-dan/{token}/control.pdf").status_code == 404


def test_a_portal_link_expires(dossier, client, monkeypatch):
    # The signer reads time.time(): the link is made as it would have been 31 minutes ago.
    past = time.time() - printing.PORTAL_TOKEN_SECONDS - 60
    with monkeypatch.context() as patched:
        patched.setattr(time, "time", lambda: past)
        url = pdf_views.portal_url(dossier.code, "receipt")
    response = client.get(url)
    assert response.status_code == 404
    assert "Đường dẫn này đã hết hạn" in response.content.decode()


def test_a_portal_link_for_one_dossier_does_not_open_another(clock, dossier, client):
    other = file_dossier(unit("Phường Chiềng An").unit_id)
    token = printing.portal_token(dossier.code)
    forged = token.replace(dossier.code, other.code)
    assert client.get(f"/services/pdf/cong-dan/{forged}/receipt.pdf").status_code == 404
