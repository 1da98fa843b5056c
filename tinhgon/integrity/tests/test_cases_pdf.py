"""The decision and its notice as PDF, read back with pypdf: the decision names its number,
date, handler unit and content and never the author; the notice names the author and is the
handler's alone; an anonymous case has no notice."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tinhgon.core.errors import NotFound
from tinhgon.integrity import cases, cases_pdf
from tinhgon.integrity.models import Case, CaseKind
from tinhgon.integrity.tests.cases_factories import AUTHOR, CONTACT, receive
from tinhgon.publicservices import printing

pytestmark = pytest.mark.django_db

DECISION = "Nội dung tố cáo đúng một phần. Kiến nghị kiểm điểm công chức một cửa."


def words(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() or "" for page in pages).split())


def _decided(unit_id: int, handler, **fields) -> Case:  # type: ignore[no-untyped-def]
    case = receive(unit_id, received_at=None, **fields)
    cases.case_accept(actor=handler, case_id=case.pk)
    return cases.case_decide(actor=handler, case_id=case.pk, decision=DECISION)


def test_the_decision_names_its_number_date_unit_and_content_but_never_the_author(
    chieng_an, commune_official
):
    case = _decided(
        chieng_an.unit_id, commune_official.user, body=f"Tôi là {AUTHOR}, xin tố cáo ..."
    )
    text = words(cases_pdf.render(case, "decision", reader=commune_official.user))
    assert "KẾT LUẬN NỘI DUNG TỐ CÁO" in text
    assert f"Số: {case.pk}/KL-GQTC" in text
    assert "Mã hồ sơ" not in text
    assert case.decided_at is not None
    assert printing.dated("Sơn La", case.decided_at) in text  # "Sơn La, ngày 06 tháng 12 năm ..."
    assert "Ủy ban nhân dân Phường Chiềng An".upper() in text.upper()
    assert "Nội dung tố cáo đúng một phần" in text
    assert AUTHOR not in text and CONTACT not in text  # not even from the case's content


def test_the_notice_names_the_author_and_only_the_handler_prints_it(
    chieng_an, commune_official, province_admin, superuser
):
    case = _decided(chieng_an.unit_id, commune_official.user)
    text = words(cases_pdf.render(case, "notice", reader=commune_official.user))
    assert "THÔNG BÁO KẾT QUẢ GIẢI QUYẾT" in text
    assert f"Ông/Bà {AUTHOR}" in text and CONTACT in text
    assert f"{case.pk}/KL-GQTC" in text
    for reader in (province_admin.user, superuser.user):
        with pytest.raises(NotFound):
            cases_pdf.render(case, "notice", reader=reader)


def test_an_anonymous_case_has_no_notice_but_its_decision(chieng_an, commune_official):
    case = _decided(
        chieng_an.unit_id, commune_official.user, anonymous=True, author_name="", author_contact=""
    )
    with pytest.raises(NotFound, match="anonymous"):
        cases_pdf.render(case, "notice", reader=commune_official.user)
    assert "KẾT LUẬN NỘI DUNG TỐ CÁO" in words(
        cases_pdf.render(case, "decision", reader=commune_official.user)
    )


def test_a_case_not_yet_decided_has_no_decision(chieng_an, commune_official):
    case = receive(chieng_an.unit_id, received_at=None, kind=CaseKind.FEEDBACK)
    with pytest.raises(NotFound, match="not decided"):
        cases_pdf.render(case, "decision", reader=commune_official.user)


def test_the_pages_serve_the_decision_to_readers_and_the_notice_to_the_handler_only(
    chieng_an, commune_official, province_admin, other_commune_official
):
    case = _decided(chieng_an.unit_id, commune_official.user, kind=CaseKind.FEEDBACK)
    base = f"/integrity/cases/{case.pk}/"
    page = commune_official.browser().get(base).content.decode()
    assert f"{base}notice.pdf" in page and f"{base}decision.pdf" in page
    assert f"{base}notice.pdf" not in province_admin.browser().get(base).content.decode()
    decision = province_admin.browser().get(f"{base}decision.pdf")
    assert decision.status_code == 200 and decision["Content-Type"] == "application/pdf"
    assert decision["Cache-Control"] == "private, no-store"
    assert "TRẢ LỜI PHẢN ÁNH, KIẾN NGHỊ" in words(decision.content)
    assert province_admin.browser().get(f"{base}notice.pdf").status_code == 404
    assert other_commune_official.browser().get(f"{base}decision.pdf").status_code == 404
    notice = commune_official.browser().get(f"{base}notice.pdf")
    assert notice.status_code == 200 and AUTHOR in words(notice.content)
    assert commune_official.browser().get(f"{base}minutes.pdf").status_code == 404
