"""The pages: a ward's official proposes, the council reviews, the province decides after a
confirmation; the decision's PDF and the list read out are read back; the figures export."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from tinhgon.accounts.models import Role
from tinhgon.commendations.models import Commendation, Decision, Proposal, ProposalStatus
from tinhgon.commendations.tests import factories as make
from tinhgon.commendations.tests.test_history import chieng_xom, record_2023
from tinhgon.conftest import AFTER, make_persona
from tinhgon.units import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def home_affairs(db):  # type: ignore[no-untyped-def]
    unit = selectors.versions_on(AFTER).get(code="14-SNV")
    return make_persona("snv-official", unit.unit_id, Role.UNIT_OFFICIAL)


def pdf_text(content: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages
    )


def test_a_proposal_goes_from_the_ward_through_the_council_to_a_decision_on_the_pages(
    son_la, chieng_an, commune_official, home_affairs, province_admin
):
    campaign = make.campaign(son_la.unit_id)
    ward = commune_official.browser()
    made = ward.post(
        f"/commendations/campaigns/{campaign.pk}/propose/",
        {
            "unit": chieng_an.unit_id,
            "title": "Đề nghị khen thưởng năm 2025",
            "kind_1": "collective",
            "form_1": "bang-khen-chu-tich-tinh",
            "reason_1": "Hoàn thành xuất sắc nhiệm vụ",
        },
    )
    proposal = Proposal.objects.get(unit_id=chieng_an.unit_id)
    assert (
        made.status_code == 302 and made["Location"] == f"/commendations/proposals/{proposal.pk}/"
    )

    confirm = ward.get(f"/commendations/proposals/{proposal.pk}/submit/")
    assert "Submit the proposal to the emulation council?" in confirm.content.decode()
    ward.post(f"/commendations/proposals/{proposal.pk}/submit/", {"version": proposal.version})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED

    item = proposal.items.get()
    council = home_affairs.browser()
    assert (
        'name="verdict_' in council.get(f"/commendations/proposals/{proposal.pk}/").content.decode()
    )
    council.post(
        f"/commendations/proposals/{proposal.pk}/review/",
        {f"verdict_{item.pk}": "accepted", "version": proposal.version + 0},
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REVIEWED

    admin = province_admin.browser()
    fields = {
        "number": "1018/QĐ-UBND",
        "date": timezone.localdate().strftime("%d/%m/%Y"),
        "authority": "province",
        "signed_by": "Nguyễn Văn A",
    }
    confirm = admin.post(f"/commendations/campaigns/{campaign.pk}/decide/", fields)
    assert "Record this decision?" in confirm.content.decode()
    assert not Decision.objects.exists()
    done = admin.post(
        f"/commendations/campaigns/{campaign.pk}/decide/",
        {**fields, "date": timezone.localdate().isoformat(), "confirmed": "True"},
    )
    decision = Decision.objects.get()
    assert done["Location"] == f"/commendations/decisions/{decision.pk}/"
    assert list(Commendation.objects.values_list("recipient_name", flat=True)) == [
        "Phường Chiềng An"
    ]

    text = pdf_text(admin.get(f"/commendations/decisions/{decision.pk}/pdf").content)
    assert "QUYẾT ĐỊNH" in text
    assert "Số: 1018/QĐ-UBND" in text
    assert "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh" in text
    assert "1 tập thể và 0 cá nhân" in text
    assert "1. Phường Chiềng An" in text
    assert "Nguyễn Văn A" in text


def test_the_proposal_form_keeps_what_was_typed_and_names_the_refused_form(
    son_la, chieng_an, commune_official
):
    campaign = make.campaign(son_la.unit_id)
    page = commune_official.browser().post(
        f"/commendations/campaigns/{campaign.pk}/propose/",
        {
            "unit": chieng_an.unit_id,
            "title": "Đề nghị",
            "kind_1": "individual",
            "official_1": "",
            "form_1": "co-thi-dua-tinh",
            "reason_1": "Lý do đã gõ",
        },
    )
    text = page.content.decode()
    assert page.status_code == 400
    assert "Name either a unit (a collective) or an official (an individual)." in text
    assert "Lý do đã gõ" in text
    assert not Proposal.objects.exists()


def test_the_register_filters_by_unit_with_its_predecessors(son_la, province_admin):
    record_2023(son_la.unit_id, chieng_xom())
    from tinhgon.commendations.tests.test_history import successor

    page = province_admin.browser().get(f"/commendations/?unit={successor()}")

    assert "Xã Chiềng Xôm" in page.content.decode()
    assert "15/11/2023" in page.content.decode() or "11/15/2023" in page.content.decode()


def test_the_figures_export_counts_by_form_and_lists_the_register(son_la, province_admin):
    record_2023(son_la.unit_id, chieng_xom())

    response = province_admin.browser().get("/commendations/figures.xlsx")

    book = load_workbook(io.BytesIO(response.content))
    by_form = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
    assert by_form[1] == ["Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", 1, 0, 1]
    register = [[c.value for c in row] for row in book.worksheets[3].iter_rows()]
    assert register[1][1:4] == [
        "1234/QĐ-UBND",
        "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
        "Xã Chiềng Xôm",
    ]


def test_the_list_read_out_puts_collectives_before_individuals(son_la, chieng_an, province_admin):
    from tinhgon.commendations import decisions
    from tinhgon.staffing.tests import factories as staff

    official = staff.official(chieng_an.unit_id, day=AFTER, full_name="Lò Văn Bình")
    made = decisions.decision_record(
        actor=None,
        province_id=son_la.unit_id,
        number="88/QĐ-UBND",
        date=AFTER,
        authority="province",
        signed_by="Chủ tịch",
        rows=[
            decisions.RecordedRow(form="bang-khen-chu-tich-tinh", official_id=official, reason="x"),
            decisions.RecordedRow(form="co-thi-dua-tinh", unit_id=chieng_an.unit_id, reason="x"),
        ],
    )

    page = (
        province_admin.browser()
        .get(f"/commendations/read-out/?decision={made.pk}")
        .content.decode()
    )
    text = pdf_text(
        province_admin.browser().get(f"/commendations/read-out.pdf?decision={made.pk}").content
    )

    assert page.index("Phường Chiềng An") < page.index("Lò Văn Bình")
    assert re.search(
        r"I\. TẬP THỂ .*Cờ thi đua.*1\. Phường Chiềng An.*II\. CÁ NHÂN.*Lò Văn Bình", text
    )


def test_the_council_opens_a_campaign_with_its_quotas_and_a_ward_may_not(
    son_la, home_affairs, commune_official
):
    from tinhgon.commendations.models import Campaign

    fields = {
        "province": son_la.unit_id,
        "code": "nq18-2026",
        "theme": "Thi đua thực hiện Nghị quyết 18",
        "opens": "01/01/2026",
        "closes": "31/12/2026",
        "quota_bang-khen-chu-tich-tinh": "12",
    }
    assert (
        commune_official.browser().post("/commendations/campaigns/new/", fields).status_code == 403
    )

    done = home_affairs.browser().post("/commendations/campaigns/new/", fields)

    campaign = Campaign.objects.get(code="nq18-2026")
    assert done["Location"] == f"/commendations/campaigns/{campaign.pk}/"
    assert {q.form.code: q.quota for q in campaign.quotas.all()} == {"bang-khen-chu-tich-tinh": 12}
