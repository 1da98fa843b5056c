"""The printable documents of a dossier, as PDF, in Vietnamese.

One document per kind, each following the one-stop forms (Decree 61/2018/NĐ-CP and Circular
01/2018/TT-VPCP, carried on by Decree 118/2025/NĐ-CP and Circular 03/2025/TT-VPCP, whose
Appendix I numbers them 01-07) as closely as the dossier's data allows:

    receipt     Mẫu 01  Giấy tiếp nhận hồ sơ và hẹn trả kết quả
    supplement  Mẫu 02  Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (the latest request)
    refusal     Mẫu 03  Phiếu từ chối tiếp nhận giải quyết hồ sơ
    apology     Mẫu 04  Phiếu xin lỗi và hẹn lại ngày trả kết quả (the latest apology)
    stop        Mẫu 05  Thông báo dừng giải quyết hồ sơ
    control     Mẫu 06  Phiếu kiểm soát quá trình giải quyết hồ sơ (every event)

The wording of the forms is the statutory Vietnamese text and is printed as it is whatever the
reader's language (a translated form would not be the form); messages about the documents
(a kind that does not apply, an expired link) go through gettext as everywhere else.

`render(dossier, kind)` is the one entry point (pages, the API and the portal call it); it
raises NotFound when the kind does not apply to the dossier's history. The applicant reaches
the public kinds from the portal through `portal_token(code)`: a signed, timestamped token over
the dossier's code, valid PORTAL_TOKEN_SECONDS, that the portal hands out only after the
second factor (see pdf_views.portal_document).

The font is Noto Serif (SIL OFL 1.1) from the `fontpkg-noto-serif` package. It ships as a
variable font; the regular, bold and italic instances, cut down to Latin and Vietnamese, are
made once (about 2 s) into DATA_DIR/fonts and reused, so a document renders in about 60 ms.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import importlib.resources
import os
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from tinhgon.core import text as core_text
from tinhgon.core.errors import NotFound
from tinhgon.publicservices.models import (
    Apology,
    ApplicantKind,
    Channel,
    Clock,
    Dossier,
    DossierEvent,
)
from tinhgon.publicservices.services import move_name
from tinhgon.units import selectors as units
from tinhgon.workdays.calendar import local_time

FONT = "NotoSerif"
FONT_PACKAGE = "fontpkg_noto_serif"
FONT_DISTRIBUTION = "fontpkg-noto-serif"
# style -> (file in the package, weight)
FONT_STYLES = {
    "": ("NotoSerif[wdth,wght].ttf", 400),
    "B": ("NotoSerif[wdth,wght].ttf", 700),
    "I": ("NotoSerif-Italic[wdth,wght].ttf", 400),
}
# What the documents print: ASCII, Latin-1, the Vietnamese letters of Latin Extended-A/B (ă đ ĩ
# ũ ơ ư), the combining marks, Latin Extended Additional's Vietnamese block (ạ ... ỹ), dashes,
# quotes and the đồng and numero signs. The fewer the glyphs, the faster each document is made
# (fpdf2 subsets the font again for every document).
FONT_RANGES = [(0x20, 0x7E), (0xA0, 0xFF), (0x300, 0x323), (0x1EA0, 0x1EF9), (0x2010, 0x2027)]
FONT_EXTRA = [0x102, 0x103, 0x110, 0x111, 0x128, 0x129, 0x168, 0x169, 0x1A0, 0x1A1, 0x1AF, 0x1B0]
FONT_EXTRA += [0x2030, 0x2039, 0x203A, 0x20AB, 0x2116]
# Bumped when the way instances are cut changes, so that old cached files are not reused.
FONT_RECIPE = 2

PORTAL_TOKEN_SALT = "tinhgon.publicservices.printing.portal"
PORTAL_TOKEN_SECONDS = 30 * 60


@dataclass(frozen=True)
class Kind:
    slug: str
    title: str
    form: str
    filename: str
    public: bool  # the applicant may print it from the portal


KINDS: dict[str, Kind] = {
    kind.slug: kind
    for kind in (
        Kind("receipt", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Mẫu số 01", "tiep-nhan", True),
        Kind("supplement", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Mẫu số 02", "bo-sung", True),
        Kind(
            "refusal",
            "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
            "Mẫu số 03",
            "tu-choi",
            True,
        ),
        Kind(
            "apology",
            "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
            "Mẫu số 04",
            "xin-loi",
            True,
        ),
        Kind("stop", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", "Mẫu số 05", "dung-giai-quyet", True),
        Kind(
            "control",
            "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
            "Mẫu số 06",
            "kiem-soat",
            False,
        ),
    )
}
PUBLIC_KINDS = tuple(slug for slug, kind in KINDS.items() if kind.public)
KIND_PATTERN = "|".join(KINDS)


# -- which kinds apply -----------------------------------------------------------------------
def _last_event(dossier: Dossier, move: str) -> DossierEvent | None:
    return (
        DossierEvent.objects.filter(dossier=dossier, move=move)
        .select_related("actor")
        .order_by("-id")
        .first()
    )


def kinds_for(dossier: Dossier, *, public: bool = False) -> list[str]:
    """The kinds that the dossier's history gives a document for, in the order of the forms
    (public: those the applicant may print)."""
    moves = set(DossierEvent.objects.filter(dossier=dossier).values_list("move", flat=True))
    found = []
    if dossier.received_at is not None:
        found.append("receipt")
    if "request_supplement" in moves:
        found.append("supplement")
    if "refuse" in moves:
        found.append("refusal")
    if Apology.objects.filter(dossier=dossier).exists():
        found.append("apology")
    if "stop" in moves:
        found.append("stop")
    found.append("control")
    return [kind for kind in found if KINDS[kind].public or not public]


def _no_such(dossier: Dossier, kind: str) -> NotFound:
    if kind not in KINDS:
        return NotFound(_("There is no printable document '%(kind)s'.") % {"kind": kind[:32]})
    messages = {
        "receipt": _("Dossier %(code)s has not been received: there is no receipt."),
        "supplement": _("No supplement was requested for dossier %(code)s."),
        "refusal": _("Dossier %(code)s was not refused."),
        "apology": _("No apology was made for dossier %(code)s."),
        "stop": _("The processing of dossier %(code)s was not stopped."),
        "control": _("There is no control slip for dossier %(code)s."),
    }
    return NotFound(messages[kind] % {"code": dossier.code})


def render(dossier: Dossier, kind: str, *, tracking_url: str = "") -> bytes:
    """The PDF of one kind of document of the dossier; NotFound if the kind does not apply to
    its history. `tracking_url` (the portal's address to track it) is printed on the receipt
    with its QR code. The caller has checked the reader's access."""
    if kind not in KINDS or kind not in kinds_for(dossier):
        raise _no_such(dossier, kind)
    with override("vi"):
        found = KINDS[kind]
        sheet = Sheet(
            title=found.title,
            form=found.form,
            document=f"{found.title.capitalize()} - {dossier.code}",
        )
        WRITERS[kind](sheet, dossier, tracking_url)
        return bytes(sheet.output())


def filename(dossier: Dossier, kind: str) -> str:
    """An ASCII file name: the kind in Vietnamese without diacritics, and the code."""
    safe = "".join(c for c in dossier.code if c.isascii() and (c.isalnum() or c in "-_"))
    return f"{KINDS[kind].filename}-{safe}.pdf"


# -- the portal's token ----------------------------------------------------------------------
def portal_token(code: str) -> str:
    """A token that lets whoever holds it print the public documents of dossier `code` for
    PORTAL_TOKEN_SECONDS. Hand it out only after the applicant's second factor."""
    return signing.TimestampSigner(salt=PORTAL_TOKEN_SALT).sign(code)


def code_from_token(token: str) -> str:
    """The dossier code a portal token was made for; NotFound if forged or expired."""
    try:
        return signing.TimestampSigner(salt=PORTAL_TOKEN_SALT).unsign(
            token[:200], max_age=PORTAL_TOKEN_SECONDS
        )
    except signing.SignatureExpired as expired:
        raise NotFound(
            _("This link has expired: look the dossier up again to print its documents.")
        ) from expired
    except signing.BadSignature as bad:
        raise NotFound(_("This link is not valid.")) from bad


# -- the font --------------------------------------------------------------------------------
def _font_dir() -> Path:
    for folder in (Path(settings.DATA_DIR) / "fonts", Path(tempfile.gettempdir()) / "tinhgon"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(folder, os.W_OK):
            return folder
    raise OSError("no writable folder for the fonts of the printed documents")


def _cut_instance(source: Path, weight: int, target: Path) -> None:
    """A static instance of the variable font at `weight`, cut down to Latin and Vietnamese
    (the full font would take seconds to instantiate on every document)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    font = TTFont(str(source))
    options = subset.Options()
    # fpdf2 sets text without shaping: the layout tables would only slow every document.
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "STAT", "MVAR", "HVAR"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    unicodes = [c for low, high in FONT_RANGES for c in range(low, high + 1)] + FONT_EXTRA
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    static = instancer.instantiateVariableFont(font, {"wght": weight, "wdth": 100})
    # Written beside the target and renamed: a concurrent process never reads half a file.
    handle, partial = tempfile.mkstemp(dir=target.parent, suffix=".part")
    with os.fdopen(handle, "wb") as out:
        static.save(out)
    os.replace(partial, target)


@lru_cache(maxsize=1)
def font_files() -> dict[str, Path]:
    """style -> the static instance's file, made on first use and kept in DATA_DIR/fonts."""
    version = importlib.metadata.version(FONT_DISTRIBUTION)
    package = importlib.resources.files(FONT_PACKAGE) / "files"
    folder = _font_dir()
    files = {}
    for style, (name, weight) in FONT_STYLES.items():
        target = folder / f"{FONT}-{version}-r{FONT_RECIPE}-{weight}{style or 'R'}.ttf"
        if not target.exists():
            with importlib.resources.as_file(package / name) as source:
                _cut_instance(source, weight, target)
        files[style] = target
    return files


# -- writing ---------------------------------------------------------------------------------
def text(value: object) -> str:
    """NFC (the font has precomposed Vietnamese letters; combining marks are composed into
    them), with no control characters."""
    cleaned = unicodedata.normalize("NFC", str(value))
    return "".join(c if c.isprintable() or c == "\n" else " " for c in cleaned)


def moment(value: dt.datetime | None) -> str:
    """dd/mm/yyyy HH:MM in Vietnam's time."""
    return local_time(value).strftime("%d/%m/%Y %H:%M") if value is not None else ""


def day(value: dt.datetime | None) -> str:
    return local_time(value).strftime("%d/%m/%Y") if value is not None else ""


def dated(place: str, value: dt.datetime) -> str:
    """The place and date as documents write them, "Sơn La, ngày 05 tháng 3 năm 2026": days
    below 10, and months 1 and 2, with a zero (Decree 30/2020/NĐ-CP, Appendix I)."""
    local = local_time(value)
    month = f"{local.month:02d}" if local.month < 3 else str(local.month)
    return f"{place}, ngày {local.day:02d} tháng {month} năm {local.year}"


def amount(value: int) -> str:
    return f"{core_text.number(value)} đồng"  # 15.000 đồng (rendered in Vietnamese)


class Sheet(FPDF):
    """An A4 page in the administrative style (Decree 30/2020: margins, the motto, Noto Serif
    at 13 pt for the body), for any app's document: `title` is printed under the heading,
    `form` in the footer before the page number, `document` is the PDF's own title, and
    `reference_label` is what the heading says before the reference ("Mã hồ sơ" of a dossier,
    "Số" of a numbered decision or notice)."""

    BODY = 13
    LINE = 6.5

    def __init__(
        self, *, title: str, form: str, document: str, reference_label: str = "Mã hồ sơ"
    ) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.heading_title = title
        self.form = form
        self.reference_label = reference_label
        self.set_margins(left=30, top=20, right=15)
        self.set_auto_page_break(auto=True, margin=20)
        for style, path in font_files().items():
            self.add_font(FONT, style, str(path))
        self.set_title(text(document))
        self.set_creator("tinhgon")
        self.set_lang("vi")
        self.creation_date = timezone.now()
        self.add_page()

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, "I", 9)
        self.cell(0, 5, text(f"{self.form} - trang {self.page_no()}"), align="R")

    def heading(self, *, authority: str, unit: str, reference: str, place_date: str) -> None:
        """The two header blocks: the issuing unit and the reference (a dossier's code, a
        document's number) on the left, the national motto and the place and date on the right;
        then the title."""
        top = self.get_y()
        left = 68.0
        right_x = self.l_margin + left
        right = self.epw - left
        self.set_font(FONT, "", 12)
        if authority:
            self.multi_cell(left, 5.5, text(authority.upper()), align="C", **_next_line())
        self.set_font(FONT, "B", 12)
        self.multi_cell(left, 5.5, text(unit.upper()), align="C", **_next_line())
        self._rule(self.l_margin + left / 2, 24)
        self.set_font(FONT, "", 11)
        self.ln(1.5)
        self.multi_cell(
            left, 5.5, text(f"{self.reference_label}: {reference}"), align="C", **_next_line()
        )
        bottom = self.get_y()
        self.set_xy(right_x, top)
        self.set_font(FONT, "B", 12)
        self.multi_cell(right, 5.5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C", **_next_line())
        self.set_x(right_x)
        self.set_font(FONT, "B", 13)
        motto = "Độc lập - Tự do - Hạnh phúc"
        self.multi_cell(right, 6, motto, align="C", **_next_line())
        self._rule(right_x + right / 2, self.get_string_width(motto))
        self.ln(2.5)
        self.set_x(right_x)
        self.set_font(FONT, "I", 12)
        self.multi_cell(right, 5.5, text(place_date), align="C", **_next_line())
        self.set_y(max(bottom, self.get_y()) + 8)
        self.set_font(FONT, "B", 14)
        self.multi_cell(0, 7, text(self.heading_title), align="C", **_next_line())
        self.ln(4)

    def _rule(self, centre: float, width: float) -> None:
        y = self.get_y() + 0.6
        self.set_line_width(0.3)
        self.line(centre - width / 2, y, centre + width / 2, y)

    def para(self, value: str, *, style: str = "", align: str = "J") -> None:
        self.set_font(FONT, style, self.BODY)
        self.multi_cell(0, self.LINE, text(value), align=align, **_next_line())
        self.ln(0.8)

    def reason(self, intro: str, value: str) -> None:
        """A sentence that leads to a reason, and the reason itself in bold."""
        self.para(intro)
        self.para(value, style="B")

    def field(self, label: str, value: str) -> None:
        """`label: value`, the value in bold, wrapping at the margins."""
        self.set_x(self.l_margin)
        self.set_font(FONT, "", self.BODY)
        self.write(self.LINE, text(f"{label}: "))
        self.set_font(FONT, "B", self.BODY)
        self.write(self.LINE, text(value or "-"))
        self.ln(self.LINE + 0.8)

    def items(self, values: list[str], *, mark: str = ")") -> None:
        """A numbered list, indented: "1) ...", or "1. ..." with `mark="."`."""
        self.set_font(FONT, "", self.BODY)
        for number, value in enumerate(values, start=1):
            self.set_x(self.l_margin + 6)
            self.multi_cell(0, self.LINE, text(f"{number}{mark} {value}"), **_next_line())

    def signatures(
        self, blocks: list[tuple[str, str, str]], *, receivers: list[str] | None = None
    ) -> None:
        """Signature blocks side by side (title, how to sign, the name printed under it); a
        single block stands on the right, with "Nơi nhận" on the left."""
        if self.get_y() > self.h - 75:
            self.add_page()
        self.ln(4)
        top = self.get_y()
        width = self.epw / 2
        if receivers:
            self.set_font(FONT, "I", 11)
            self.set_xy(self.l_margin, top)
            self.multi_cell(width, 5, "Nơi nhận:", **_next_line())
            self.set_font(FONT, "", 10)
            for receiver in receivers:
                self.set_x(self.l_margin)
                self.multi_cell(width, 5, text(f"- {receiver}"), **_next_line())
        lows = []
        for index, (title, how, name) in enumerate(blocks):
            x = self.l_margin + (width if len(blocks) == 1 else index * width)
            self.set_xy(x, top)
            self.set_font(FONT, "B", 12)
            self.multi_cell(width, 5.5, text(title), align="C", **_next_line())
            self.set_x(x)
            self.set_font(FONT, "I", 11)
            self.multi_cell(width, 5, text(how), align="C", **_next_line())
            self.set_xy(x, self.get_y() + 22)
            self.set_font(FONT, "B", 12)
            self.multi_cell(width, 5.5, text(name), align="C", **_next_line())
            lows.append(self.get_y())
        self.set_y(max([*lows, self.get_y()]))


def _next_line() -> dict:
    return {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}


# -- the dossier's facts as the forms write them ---------------------------------------------
def _unit_name(unit_id: int, when: dt.datetime | None = None) -> str:
    """Today's name of a unit (a unit renamed or merged since prints under its name of today,
    as the office that answers for the dossier now); a closed unit under its last name."""
    today = local_time(when or timezone.now()).date()
    version = units.versions_on(today).filter(unit_id=unit_id).first()
    return (version or units.latest_version(unit_id)).name


def _province_place(dossier: Dossier) -> tuple[str, str]:
    """(the province's name, the place written before the date: its name without "Tỉnh")."""
    name = _unit_name(dossier.province_id)
    for prefix in ("Tỉnh ", "Thành phố "):
        if name.startswith(prefix):
            return name, name[len(prefix) :]
    return name, name


def _person(user) -> str:  # type: ignore[no-untyped-def]
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _addressee(dossier: Dossier) -> str:
    prefix = "Ông/Bà" if dossier.applicant_kind == ApplicantKind.CITIZEN else "Tổ chức"
    return f"{prefix} {dossier.applicant_name}"


def _identity_label(dossier: Dossier) -> str:
    if dossier.applicant_kind == ApplicantKind.CITIZEN:
        return "Số định danh cá nhân"
    return "Mã số thuế"


def _procedure(dossier: Dossier) -> str:
    version = dossier.procedure
    return f"{version.name} (mã thủ tục {version.procedure.code})"


def _applicant_block(sheet: Sheet, dossier: Dossier) -> None:
    sheet.field("Tên người nộp", _addressee(dossier))
    sheet.field(_identity_label(dossier), dossier.applicant_id_masked)
    commune = _unit_name(dossier.applicant_commune_id)
    sheet.field("Địa chỉ", f"{commune}, {_province_place(dossier)[0]}")
    sheet.field("Nội dung yêu cầu giải quyết", _procedure(dossier))


def _head(sheet: Sheet, dossier: Dossier, unit_id: int, when: dt.datetime) -> str:
    """The header as issued by `unit_id` (its name of today) on `when`; returns the unit's
    name for the body."""
    province, place = _province_place(dossier)
    unit = _unit_name(unit_id)
    sheet.heading(
        authority=province if unit != province else "",
        unit=unit,
        reference=dossier.code,
        place_date=dated(place, when),
    )
    return unit


CHANNELS = {
    Channel.IN_PERSON: "trực tiếp",
    Channel.ONLINE: "trực tuyến",
    Channel.POSTAL: "qua dịch vụ bưu chính",
}


def _fees(dossier: Dossier) -> list[str]:
    lines = []
    for fee in dossier.procedure.fees or []:
        name = str(fee.get("name") or "Phí, lệ phí")
        value = fee.get("amount")
        lines.append(
            f"{name}: {amount(value)}" if isinstance(value, int) else f"{name}: theo mức quy định"
        )
    return lines


# -- the documents ---------------------------------------------------------------------------
def _receipt(sheet: Sheet, dossier: Dossier, tracking_url: str) -> None:
    """Mẫu 01: what was received, when, and when the result is due."""
    received = _last_event(dossier, "receive")
    when = dossier.received_at or timezone.now()
    unit = _head(sheet, dossier, dossier.receiving_unit_id, when)
    sheet.para(f"{unit} đã tiếp nhận hồ sơ của:")
    _applicant_block(sheet, dossier)
    sheet.field("Hình thức nộp", CHANNELS.get(dossier.channel, dossier.channel))  # type: ignore[call-overload]
    documents = [str(d) for d in dossier.procedure.documents or []]
    sheet.para("1. Thành phần hồ sơ nộp gồm:")
    sheet.items(documents or ["Theo quy định của thủ tục"])
    sheet.para("2. Số lượng hồ sơ: 01 (bộ)")
    sheet.para(
        f"3. Thời gian giải quyết hồ sơ theo quy định: {dossier.procedure.days:02d} ngày làm việc"
    )
    sheet.field("4. Thời gian nhận hồ sơ", moment(dossier.received_at))
    sheet.field("5. Thời gian hẹn trả kết quả", moment(dossier.due_at))
    fees = _fees(dossier)
    sheet.para("6. Phí, lệ phí:" + ("" if fees else " không"))
    if fees:
        sheet.items(fees)
    sheet.para(f"7. Đăng ký nhận kết quả tại: {_unit_name(dossier.receiving_unit_id)}")
    if tracking_url:
        _tracking(sheet, dossier, tracking_url)
    sheet.signatures(
        [
            ("NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)", dossier.applicant_name),
            (
                "NGƯỜI TIẾP NHẬN HỒ SƠ",
                "(Ký và ghi rõ họ tên)",
                _person(received and received.actor),
            ),
        ]
    )


def _tracking(sheet: Sheet, dossier: Dossier, url: str) -> None:
    """The tracking address and its QR code (drawn as squares: no image library)."""
    import segno

    code = segno.make(url, error="m", micro=False)
    module = 0.7
    size = module * len(code.matrix)
    if sheet.get_y() + size > sheet.h - 80:
        sheet.add_page()
    top = sheet.get_y() + 1
    x0 = sheet.l_margin + sheet.epw - size
    sheet.set_fill_color(0, 0, 0)
    for row_index, row in enumerate(code.matrix):
        for col_index, dark in enumerate(row):
            if dark:
                sheet.rect(x0 + col_index * module, top + row_index * module, module, module, "F")
    sheet.set_xy(sheet.l_margin, top)
    sheet.set_font(FONT, "I", 11)
    sheet.multi_cell(
        sheet.epw - size - 4,
        5.5,
        text(
            f"Tra cứu tình trạng hồ sơ bằng mã hồ sơ {dossier.code} và 4 số cuối điện thoại "
            f"đã đăng ký tại: {url}"
        ),
        align="L",
        **_next_line(),
    )
    sheet.set_y(max(sheet.get_y(), top + size) + 2)


def _supplement(sheet: Sheet, dossier: Dossier, tracking_url: str) -> None:
    """Mẫu 02: what to add, from the note of the latest request for a supplement."""
    event = _last_event(dossier, "request_supplement")
    assert event is not None  # kinds_for checked it
    unit = _head(sheet, dossier, dossier.receiving_unit_id, event.at)
    sheet.para(f"{unit} đã tiếp nhận hồ sơ của:")
    _applicant_block(sheet, dossier)
    sheet.field("Ngày tiếp nhận", day(dossier.received_at))
    sheet.reason("Yêu cầu bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:", event.note)
    if dossier.procedure.clock == Clock.RESTART:
        clock = "Thời hạn giải quyết được tính lại từ ngày nhận đủ hồ sơ bổ sung."
    else:
        clock = "Thời gian chờ bổ sung, hoàn thiện hồ sơ không tính vào thời hạn giải quyết."
    sheet.para(clock)
    sheet.para(
        f"Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ {unit} "
        "để được hướng dẫn."
    )
    sheet.signatures([("NGƯỜI HƯỚNG DẪN", "(Ký và ghi rõ họ tên)", _person(event.actor))])


def _refusal(sheet: Sheet, dossier: Dossier, tracking_url: str) -> None:
    """Mẫu 03: the reason for not receiving the dossier, from the refuse event's note."""
    event = _last_event(dossier, "refuse")
    assert event is not None
    unit = _head(sheet, dossier, dossier.receiving_unit_id, event.at)
    sheet.para(f"{unit} đã nhận hồ sơ của:")
    _applicant_block(sheet, dossier)
    sheet.field("Ngày nộp", day(dossier.submitted_at))
    sheet.reason(
        f"Qua nghiên cứu, đối chiếu với quy định hiện hành, {unit} từ chối tiếp nhận, "
        "giải quyết hồ sơ này với lý do cụ thể như sau:",
        event.note,
    )
    sheet.para("Xin thông báo để Ông/Bà được biết và thực hiện./.")
    sheet.signatures([("NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", _person(event.actor))])


def _letter_opening(sheet: Sheet, dossier: Dossier) -> None:
    """The addressee, and which dossier the letter is about."""
    sheet.para(f"Kính gửi: {_addressee(dossier)}", style="B", align="C")
    sheet.para(
        f"Ngày {day(dossier.received_at)}, {_unit_name(dossier.receiving_unit_id)} tiếp nhận "
        f"hồ sơ của Ông/Bà, mã hồ sơ {dossier.code}, đề nghị giải quyết thủ tục "
        f"{_procedure(dossier)}."
    )


def _apology(sheet: Sheet, dossier: Dossier, tracking_url: str) -> None:
    """Mẫu 04: the latest apology, its reason and the new date."""
    apology = (
        Apology.objects.filter(dossier=dossier).select_related("actor").order_by("-at").first()
    )
    assert apology is not None
    unit = _head(sheet, dossier, apology.unit_id, apology.at)
    _letter_opening(sheet, dossier)
    sheet.field("Thời gian hẹn trả kết quả", moment(dossier.due_at))
    sheet.reason(
        f"Tuy nhiên đến nay, {unit} chưa thể trả kết quả giải quyết hồ sơ của Ông/Bà đúng "
        "thời hạn ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả. Lý do:",
        apology.reason,
    )
    sheet.para(
        f"Sự chậm trễ này đã gây phiền hà, tốn kém chi phí, công sức của Ông/Bà. {unit} "
        "xin lỗi Ông/Bà và xin hẹn lại thời gian trả kết quả vào:"
    )
    sheet.field("Thời gian hẹn lại", moment(apology.new_due_at))
    sheet.para("Xin trân trọng cảm ơn./.")
    sheet.signatures(
        [("THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", "(Ký, ghi rõ họ tên và đóng dấu)", _person(apology.actor))],
        receivers=["Như trên;", "Lưu: VT."],
    )


def _stop(sheet: Sheet, dossier: Dossier, tracking_url: str) -> None:
    """Mẫu 05: processing stopped, from the stop event's note."""
    event = _last_event(dossier, "stop")
    assert event is not None
    unit = _head(sheet, dossier, event.unit_id, event.at)
    _letter_opening(sheet, dossier)
    sheet.reason(
        f"{unit} thông báo dừng giải quyết hồ sơ nêu trên từ {moment(event.at)}. Lý do:", event.note
    )
    sheet.para("Xin thông báo để Ông/Bà được biết./.")
    sheet.signatures(
        [("THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", "(Ký, ghi rõ họ tên và đóng dấu)", _person(event.actor))],
        receivers=["Như trên;", "Lưu: VT."],
    )


# The steps as the control slip names them (the form's wording, whatever the reader's language).
STEPS = {
    "submit": "Nộp hồ sơ",
    "receive": "Tiếp nhận hồ sơ",
    "refuse": "Từ chối tiếp nhận",
    "assign": "Phân công xử lý",
    "request_supplement": "Yêu cầu bổ sung hồ sơ",
    "supplement": "Nhận hồ sơ bổ sung",
    "request_payment": "Yêu cầu nộp phí, lệ phí",
    "pay": "Nhận phí, lệ phí",
    "transfer": "Chuyển đơn vị khác",
    "approve": "Phê duyệt kết quả",
    "reject": "Từ chối giải quyết",
    "stop": "Dừng giải quyết",
    "withdraw": "Rút hồ sơ",
    "return_result": "Trả kết quả",
    "apologize": "Xin lỗi, hẹn lại ngày trả",
}


def step_result(at: dt.datetime, due: dt.datetime | None) -> str:
    """How a step stood against the dossier's due date: before the due day (Trước hạn), on it
    by the due time (Đúng hạn), after (Quá hạn); nothing before the clock started."""
    if due is None:
        return ""
    if local_time(at).date() < local_time(due).date():
        return "Trước hạn"
    return "Đúng hạn" if at <= due else "Quá hạn"


def _control(sheet: Sheet, dossier: Dossier, tracking_url: str) -> None:
    """Mẫu 06: every event, with its unit, official, time, move and timeliness."""
    now = timezone.now()
    unit = _head(sheet, dossier, dossier.unit_id, now)
    sheet.set_font(FONT, "I", 12)
    sheet.multi_cell(
        0, 6, "(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả)", align="C", **_next_line()
    )
    sheet.ln(2)
    sheet.field("Cơ quan giải quyết hồ sơ", unit)
    sheet.field("Người nộp", _addressee(dossier))
    sheet.field("Thủ tục", _procedure(dossier))
    sheet.field("Thời gian nhận hồ sơ", moment(dossier.received_at))
    sheet.field("Thời gian hẹn trả kết quả", moment(dossier.due_at))
    events = list(
        DossierEvent.objects.filter(dossier=dossier).select_related("actor").order_by("at", "id")
    )
    names: dict[int, str] = {}
    sheet.ln(2)
    sheet.set_font(FONT, "", 9.5)
    headings = ("STT", "Thời gian", "Đơn vị", "Người thực hiện", "Bước xử lý", "Kết quả", "Ghi chú")
    with sheet.table(
        col_widths=(9, 22, 30, 26, 28, 19, 31),
        line_height=4.6,
        text_align=("CENTER", "LEFT", "LEFT", "LEFT", "LEFT", "LEFT", "LEFT"),
        headings_style=FontFace(emphasis="BOLD"),
        first_row_as_headings=True,
    ) as table:
        row = table.row()
        for heading in headings:
            row.cell(heading)
        for number, event in enumerate(events, start=1):
            if event.unit_id not in names:
                names[event.unit_id] = _unit_name(event.unit_id)
            started = dossier.received_at is not None and event.at >= dossier.received_at
            row = table.row()
            row.cell(str(number))
            row.cell(moment(event.at))
            row.cell(text(names[event.unit_id]))
            row.cell(text(_person(event.actor) or "Hệ thống"))
            row.cell(text(STEPS.get(event.move) or move_name(event.move).capitalize()))
            row.cell(step_result(event.at, dossier.due_at) if started else "")
            row.cell(text(event.note[:300]))


WRITERS: dict[str, Callable[[Sheet, Dossier, str], None]] = {
    "receipt": _receipt,
    "supplement": _supplement,
    "refusal": _refusal,
    "apology": _apology,
    "stop": _stop,
    "control": _control,
}
