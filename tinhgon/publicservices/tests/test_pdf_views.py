"""The printable documents over the pages and the API: PDF answers that are not cached, scope
(a dossier outside it does not exist), the applicant's signed links from the portal."""

from __future__ import annotations

import re
import time

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import Client

from tinhgon.conftest import unit
from tinhgon.publicservices import pdf_views, portal, printing, services
from tinhgon.publicservices.tests.factories import file_dossier, load_catalogue
from tinhgon.publicservices.tests.test_pdf import words
from tinhgon.publicservices.tests.test_portal import file_online

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
    assert f"http://testserver/dich-vu-cong/tra-cuu/?code={dossier.code}" in shown


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


def test_the_staff_include_links_every_document_that_applies(dossier, rf):
    page = render_to_string("services/_documents.html", {"dossier": dossier})
    assert f'href="/services/pdf/{dossier.code}/receipt.pdf"' in page
    assert f'href="/services/pdf/{dossier.code}/control.pdf"' in page
    assert "refusal.pdf" not in page
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (PDF)" in page
    assert "<h2>Tài liệu</h2>" in page
    assert "Không có tài liệu nào được gửi trực tuyến." in page


def test_the_portal_include_links_the_public_documents_with_signed_links(dossier, client):
    found = portal.tracking(dossier)
    page = render_to_string("portal/_documents.html", {"found": found, "dossier": None})
    links = re.findall(r'href="([^"]+)"', page)
    assert [link.rsplit("/", 1)[-1] for link in links] == ["receipt.pdf"]
    assert links[0].startswith("/services/pdf/cong-dan/")
    assert client.get(links[0])["Content-Type"] == "application/pdf"


def test_the_include_of_a_page_without_a_dossier_says_there_is_nothing_to_print(db):
    assert "Chưa có giấy tờ nào để in." in render_to_string("services/_documents.html", {})


def test_the_applicant_prints_the_receipt_from_the_portal_after_the_second_factor(
    clock, commune_official, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    load_catalogue()
    dossier = file_online()  # phone 0912345678
    services.dossier_receive(actor=commune_official.user, code=dossier.code)
    browser = Client()
    before = browser.get(f"/dich-vu-cong/tra-cuu/{dossier.code}/")
    assert "/services/pdf/cong-dan/" not in before.content.decode()
    browser.post("/dich-vu-cong/tra-cuu/", {"code": dossier.code, "phone_last": "5678"})
    page = browser.get(f"/dich-vu-cong/tra-cuu/{dossier.code}/").content.decode()
    links = re.findall(r'href="(/services/pdf/cong-dan/[^"]+)"', page)
    assert [link.rsplit("/", 1)[-1] for link in links] == ["receipt.pdf"]
    receipt = Client().get(links[0])  # the link alone opens it, for its 30 minutes
    assert receipt["Content-Type"] == "application/pdf"
    assert "Lò Thị Mai" in words(receipt.content)


def test_the_staff_dossier_page_links_its_documents(dossier, commune_official):
    page = commune_official.browser().get(f"/services/{dossier.code}/").content.decode()
    assert f'href="/services/pdf/{dossier.code}/receipt.pdf"' in page
    assert f'href="/services/pdf/{dossier.code}/control.pdf"' in page
