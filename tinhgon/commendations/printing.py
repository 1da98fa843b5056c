"""A decision of commendation as PDF with its list, and the list a conference reads out.

Built from the blocks of `publicservices/printing.py` (the Noto Serif instances cut once, the
A4 sheet in the administrative style of Decree 30/2020/NĐ-CP, paragraphs and signature blocks):
only the header differs (a decision's number instead of a dossier's code). The statutory wording
is Vietnamese whatever the reader's language, as there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from fpdf import FPDF

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


@dataclass(frozen=True)
class _Kind:
    """What the sheet's footer and title read (publicservices' `Kind` has the same two)."""

    title: str
    form: str


class _Sheet(base._Sheet):
    def __init__(self, title: str, footer: str, document: str) -> None:
        FPDF.__init__(self, orientation="portrait", unit="mm", format="A4")
        self.kind = _Kind(title=title, form=footer)  # type: ignore[assignment]
        self.set_margins(left=30, top=20, right=15)
        self.set_auto_page_break(auto=True, margin=20)
        for style, path in base.font_files().items():
            self.add_font(base.FONT, style, str(path))
        self.set_title(base.text(document))
        self.set_creator("tinhgon")
        self.set_lang("vi")
        self.creation_date = timezone.now()
        self.add_page()

    def head(self, *, issuer: str, number: str, place_date: str) -> None:
        """The issuer and the number on the left, the motto and the place and date on the
        right; then the title."""
        top, left = self.get_y(), 68.0
        right_x, right = self.l_margin + left, self.epw - left
        self.set_font(base.FONT, "B", 12)
        self.multi_cell(left, 5.5, base.text(issuer.upper()), align="C", **base._next_line())
        self._rule(self.l_margin + left / 2, 24)
        self.ln(1.5)
        self.set_font(base.FONT, "", 12)
        self.multi_cell(left, 5.5, base.text(f"Số: {number}"), align="C", **base._next_line())
        bottom = self.get_y()
        self.set_xy(right_x, top)
        self.set_font(base.FONT, "B", 12)
        self.multi_cell(
            right, 5.5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C", **base._next_line()
        )
        self.set_x(right_x)
        self.set_font(base.FONT, "B", 13)
        motto = "Độc lập - Tự do - Hạnh phúc"
        self.multi_cell(right, 6, motto, align="C", **base._next_line())
        self._rule(right_x + right / 2, self.get_string_width(motto))
        self.ln(2.5)
        self.set_x(right_x)
        self.set_font(base.FONT, "I", 12)
        self.multi_cell(right, 5.5, base.text(place_date), align="C", **base._next_line())
        self.set_y(max(bottom, self.get_y()) + 8)
        self.set_font(base.FONT, "B", 14)
        self.multi_cell(0, 7, base.text(self.kind.title), align="C", **base._next_line())
        self.ln(3)

    def groups(self, groups: list[selectors.ReadOutGroup]) -> None:
        """The list: per kind of recipient and form, numbered, each with its unit."""
        kind = None
        for group in groups:
            if group.kind != kind:
                kind = group.kind
                label = "I. TẬP THỂ" if kind == RecipientKind.COLLECTIVE else "II. CÁ NHÂN"
                self.ln(2)
                self.para(label, style="B", align="L")
            self.para(f"{group.form} ({len(group.rows)})", style="B", align="L")
            self.set_font(base.FONT, "", self.BODY)
            for number, row in enumerate(group.rows, start=1):
                line = row["recipient_name"]
                if kind == RecipientKind.INDIVIDUAL:
                    line += f", {row['unit_name']}"
                self.set_x(self.l_margin + 6)
                self.multi_cell(0, self.LINE, base.text(f"{number}. {line}"), **base._next_line())


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
    sheet = _Sheet(
        "QUYẾT ĐỊNH\nVề việc tặng " + ", ".join(forms),
        f"Quyết định số {decision.number}",
        f"Quyết định {decision.number}",
    )
    issuer = (
        f"ỦY BAN NHÂN DÂN TỈNH {province}"
        if decision.authority == Authority.PROVINCE
        else AUTHORITY_TITLE[Authority(decision.authority)]
    )
    sheet.head(
        issuer=issuer,
        number=decision.number,
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
    sheet.groups(groups)
    return bytes(sheet.output())


def read_out_pdf(title: str, rows, province_id: int) -> bytes:  # type: ignore[no-untyped-def]
    """The list a conference reads out, collectives then individuals."""
    sheet = _Sheet(title, "Danh sách công bố khen thưởng", title)
    sheet.head(
        issuer=f"ỦY BAN NHÂN DÂN TỈNH {_province_name(province_id)}",
        number="—",
        place_date=_place_date(province_id, timezone.localdate()),
    )
    sheet.groups(selectors.read_out(rows))
    return bytes(sheet.output())
