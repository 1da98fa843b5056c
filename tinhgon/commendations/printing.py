"""A decision of commendation as PDF with its list, and the list a conference reads out.

Built from the blocks of `publicservices/printing.py` (`Sheet`: the Noto Serif instances cut
once, the A4 sheet in the administrative style of Decree 30/2020/NĐ-CP, its heading, paragraphs,
numbered lists and signature blocks), its reference a decision's number ("Số: ...") instead of a
dossier's code. The statutory wording
is Vietnamese whatever the reader's language, as there.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tinhgon.commendations import selectors
from tinhgon.commendations.models import Authority, Commendation, Decision, RecipientKind
from tinhgon.publicservices import printing as base
from tinhgon.units import selectors as units

AUTHORITY_TITLE = {
    Authority.STATE: "CHỦ TỊCH NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    Authority.GOVERNMENT: "THỦ TƯỚNG CHÍNH PHỦ",
    Authority.PROVINCE: "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH {province}",
    Authority.COMMUNE: "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ",
}
BASIS = [
    "Căn cứ Luật Tổ chức chính quyền địa phương;",
    "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
    "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi "
    "tiết thi hành một số điều của Luật Thi đua, khen thưởng;",
]


def _sheet(title: str, footer: str, document: str) -> base.Sheet:
    """The administrative sheet with the decision's number ("Số: ...") as its reference."""
    return base.Sheet(title=title, form=footer, document=document, reference_label="Số")


def _groups(sheet: base.Sheet, groups: list[selectors.ReadOutGroup]) -> None:
    """The list: per kind of recipient and form, numbered, each with its unit."""
    kind = None
    for group in groups:
        if group.kind != kind:
            kind = group.kind
            label = "I. TẬP THỂ" if kind == RecipientKind.COLLECTIVE else "II. CÁ NHÂN"
            sheet.ln(2)
            sheet.para(label, style="B", align="L")
        sheet.para(f"{group.form} ({len(group.rows)})", style="B", align="L")
        sheet.items(
            [
                f"{row['recipient_name']}, {row['unit_name']}"
                if kind == RecipientKind.INDIVIDUAL
                else row["recipient_name"]
                for row in group.rows
            ],
            mark=".",
        )


def _province_name(province_id: int) -> str:
    name = units.latest_version(province_id).name
    return name.removeprefix("Tỉnh ").removeprefix("Thành phố ")


def _place_date(province_id: int, day: dt.date) -> str:
    moment = dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC)
    return base.dated(_province_name(province_id), moment)


def decision_pdf(decision: Decision) -> bytes:
    """The decision with its list (collectives, then individuals, in protocol order)."""
    rows = Commendation.objects.filter(decision=decision)
    groups = selectors.read_out(rows)
    forms = sorted({g.form for g in groups})
    province = _province_name(decision.province_id)
    collectives = sum(len(g.rows) for g in groups if g.kind == RecipientKind.COLLECTIVE)
    individuals = sum(len(g.rows) for g in groups if g.kind == RecipientKind.INDIVIDUAL)
    sheet = _sheet(
        "QUYẾT ĐỊNH\nVề việc tặng " + ", ".join(forms),
        f"Quyết định số {decision.number}",
        f"Quyết định {decision.number}",
    )
    issuer = (
        f"ỦY BAN NHÂN DÂN TỈNH {province}"
        if decision.authority == Authority.PROVINCE
        else AUTHORITY_TITLE[Authority(decision.authority)]
    )
    sheet.heading(
        authority="",
        unit=issuer,
        reference=decision.number,
        place_date=_place_date(decision.province_id, decision.date),
    )
    title = AUTHORITY_TITLE[Authority(decision.authority)].format(province=province.upper())
    sheet.para(title, style="B", align="C")
    for line in BASIS:
        sheet.para(line, style="I")
    if decision.campaign is not None:
        sheet.para(f"Căn cứ kết quả phong trào thi đua: {decision.campaign.theme};", style="I")
    sheet.para(
        "Xét đề nghị của Giám đốc Sở Nội vụ (Hội đồng Thi đua - Khen thưởng tỉnh).", style="I"
    )
    sheet.para("QUYẾT ĐỊNH:", style="B", align="C")
    sheet.para(
        f"Điều 1. Tặng {', '.join(forms)} cho {collectives} tập thể và {individuals} cá nhân "
        "có tên trong danh sách kèm theo, vì đã có thành tích xuất sắc."
    )
    sheet.para(
        "Điều 2. Tiền thưởng kèm theo thực hiện theo quy định của Nghị định số 98/2023/NĐ-CP."
    )
    sheet.para(
        "Điều 3. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Nội vụ, thủ trưởng các cơ "
        "quan, đơn vị và các tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành "
        "Quyết định này."
    )
    sheet.signatures(
        [("CHỦ TỊCH", "(Ký, ghi rõ họ tên và đóng dấu)", decision.signed_by)],
        receivers=["Như Điều 3;", "Lưu: VT, SNV."],
    )
    sheet.add_page()
    sheet.para("DANH SÁCH", style="B", align="C")
    sheet.para(
        f"(Kèm theo Quyết định số {decision.number} ngày {decision.date:%d/%m/%Y})",
        style="I",
        align="C",
    )
    _groups(sheet, groups)
    return bytes(sheet.output())


def read_out_pdf(title: str, rows, province_id: int) -> bytes:  # type: ignore[no-untyped-def]
    """The list a conference reads out, collectives then individuals."""
    sheet = _sheet(title, "Danh sách công bố khen thưởng", title)
    sheet.heading(
        authority="",
        unit=f"ỦY BAN NHÂN DÂN TỈNH {_province_name(province_id)}",
        reference="—",
        place_date=_place_date(province_id, timezone.localdate()),
    )
    _groups(sheet, selectors.read_out(rows))
    return bytes(sheet.output())
