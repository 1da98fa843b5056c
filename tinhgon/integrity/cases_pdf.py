"""A case's decision and its notice to the author, as PDF in Vietnamese (fpdf2 and Noto Serif,
with the building blocks of `publicservices.printing`: the font, the A4 sheet in the
administrative style of Decree 30/2020/NĐ-CP, paragraphs, fields and signature blocks).

- decision: what the handler unit decided (the complaint's settlement decision, the conclusion
  on a denunciation, the answer to a feedback), its number, date, the handler unit and the
  content. It never carries the author, nor the case's content (the author's own words may
  name them): the Law on Denunciations 2018, Art. 47, keeps the denouncer's identity secret,
  and a decision is read by the unit and the official concerned.
- notice: the notice of the result to the author, by name: only the handler reads the author,
  so only the handler downloads it; an anonymous case has no one to notify, hence no notice.

The number is the case's own (`<case>/<kind's mark>`): the handler unit's register of outgoing
documents is not in tinhgon yet, and the case number is unique and stable.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from tinhgon.core.errors import NotFound
from tinhgon.integrity import cases
from tinhgon.integrity.models import Case, CaseKind, CaseStatus
from tinhgon.publicservices import printing
from tinhgon.units import selectors as units
from tinhgon.workdays.calendar import local_time

DOCUMENTS = ("decision", "notice")

# kind -> (title of the decision, mark of its number, what the author did)
TITLES = {
    CaseKind.COMPLAINT: ("QUYẾT ĐỊNH GIẢI QUYẾT KHIẾU NẠI", "QĐ-GQKN", "khiếu nại"),
    CaseKind.DENUNCIATION: ("KẾT LUẬN NỘI DUNG TỐ CÁO", "KL-GQTC", "tố cáo"),
    CaseKind.FEEDBACK: ("VĂN BẢN TRẢ LỜI PHẢN ÁNH, KIẾN NGHỊ", "TL-PAKN", "phản ánh, kiến nghị"),
}
NOTICE_TITLE = "THÔNG BÁO KẾT QUẢ GIẢI QUYẾT"


def number(case: Case) -> str:
    return f"{case.pk}/{TITLES[CaseKind(case.kind)][1]}"


def _name(unit_id: int, day: dt.date) -> str:
    version = units.versions_on(day).filter(unit_id=unit_id).first()
    return (version or units.latest_version(unit_id)).name


def _place(province_id: int | None, day: dt.date) -> tuple[str, str]:
    if province_id is None:
        return "", ""
    name = _name(province_id, day)
    for prefix in ("Tỉnh ", "Thành phố "):
        if name.startswith(prefix):
            return name, name[len(prefix) :]
    return name, name


def _sheet(title: str, reference: str) -> printing.Sheet:
    """The administrative sheet with the document's number ("Số: ...") as its reference."""
    return printing.Sheet(
        title=title,
        form="Mẫu giải quyết đơn",
        document=f"{title.capitalize()} - {reference}",
        reference_label="Số",
    )


def _head(sheet: printing.Sheet, case: Case, reference: str) -> str:
    """The header as issued by the handler unit on the day of the decision; returns the unit's
    name for the body."""
    day = local_time(case.decided_at or timezone.now()).date()
    province, place = _place(case.handler_province_id, day)
    unit = _name(case.handler_unit_id, day)
    sheet.heading(
        authority=province if unit != province else "",
        unit=unit,
        reference=reference,
        place_date=printing.dated(place or unit, case.decided_at or timezone.now()),
    )
    return unit


def _decider(case: Case) -> str:
    event = case.events.filter(move="decide").select_related("actor").order_by("-id").first()
    actor = event.actor if event is not None else None
    return (actor.get_full_name() or actor.get_username()) if actor is not None else ""


def render(case: Case, document: str, *, reader) -> bytes:  # type: ignore[no-untyped-def]
    """The PDF of the decision or the notice of a decided case. The caller has checked that the
    reader may read the case; the notice is refused (not found) to anyone but the handler."""
    if document not in DOCUMENTS:
        raise NotFound(_("There is no document '%(name)s' of a case.") % {"name": document[:32]})
    if case.status not in (CaseStatus.DECIDED, CaseStatus.CLOSED):
        raise NotFound(_("Case %(id)s is not decided: there is no decision yet.") % {"id": case.pk})
    if document == "notice":
        if case.anonymous:
            raise NotFound(
                _("Case %(id)s is anonymous: there is no one to notify.") % {"id": case.pk}
            )
        author = cases.author_for(reader, case)
        if author is None:
            raise NotFound(_("Only the handler prints the notice to the author."))
        return _notice(case, author)
    return _decision(case)


def _decision(case: Case) -> bytes:
    title, _mark, what = TITLES[CaseKind(case.kind)]
    with override("vi"):
        sheet = _sheet(title, number(case))
        unit = _head(sheet, case, number(case))
        day = local_time(case.received_at).date()
        sheet.field("Về việc", case.subject)
        sheet.field(f"Đơn vị bị {what}", _name(case.unit_id, day))
        sheet.field("Ngày tiếp nhận đơn", printing.day(case.received_at))
        sheet.para(f"{unit} kết luận, giải quyết như sau:")
        sheet.para(case.decision)
        sheet.signatures(
            [("THỦ TRƯỞNG ĐƠN VỊ", "(Ký, ghi rõ họ tên, đóng dấu)", _decider(case))],
            receivers=["Người có đơn (qua thông báo)", "Đơn vị có liên quan", "Lưu: VT, hồ sơ"],
        )
        return bytes(sheet.output())


def _notice(case: Case, author: cases.Author) -> bytes:
    _title, _mark, what = TITLES[CaseKind(case.kind)]
    with override("vi"):
        reference = f"{case.pk}/TB-GQ"
        sheet = _sheet(NOTICE_TITLE, reference)
        unit = _head(sheet, case, reference)
        sheet.field("Kính gửi", f"Ông/Bà {author.name}")
        sheet.field("Địa chỉ liên hệ", author.contact)
        sheet.para(
            f"{unit} thông báo kết quả giải quyết đơn {what} của Ông/Bà, tiếp nhận ngày "
            f"{printing.day(case.received_at)}, về việc: {case.subject}."
        )
        sheet.para(
            f"Ngày {printing.day(case.decided_at)}, {unit} đã ban hành văn bản số "
            f"{number(case)} với nội dung:"
        )
        sheet.para(case.decision)
        sheet.para("Thông tin về người có đơn được giữ bí mật theo quy định của pháp luật.")
        sheet.signatures(
            [("THỦ TRƯỞNG ĐƠN VỊ", "(Ký, ghi rõ họ tên, đóng dấu)", _decider(case))],
            receivers=[f"Ông/Bà {author.name}", "Lưu: VT, hồ sơ"],
        )
        return bytes(sheet.output())


def filename(case: Case, document: str) -> str:
    return f"{'thong-bao' if document == 'notice' else 'quyet-dinh'}-{case.pk}.pdf"
