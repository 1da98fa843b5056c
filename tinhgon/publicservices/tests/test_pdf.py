"""The printable documents of a dossier: each kind renders in Vietnamese from the dossier's own
history, read back from the PDF with pypdf; kinds that do not apply are not found."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from tinhgon.conftest import unit
from tinhgon.core.errors import NotFound
from tinhgon.publicservices import printing, services
from tinhgon.publicservices.models import DossierEvent
from tinhgon.publicservices.tests.factories import file_dossier
from tinhgon.workdays.calendar import VIETNAM

pytestmark = pytest.mark.django_db

SUPPLEMENT_NOTE = "Bổ sung bản sao hợp đồng thuê nhà có chứng thực của Ủy ban nhân dân phường"
APOLOGY_REASON = "Cần xác minh thêm thông tin về chỗ ở hợp pháp với Công an phường"
STOP_NOTE = "Người nộp không bổ sung hồ sơ đúng hạn theo yêu cầu; dừng giải quyết"
REFUSAL_NOTE = "Thủ tục không thuộc thẩm quyền giải quyết của Ủy ban nhân dân phường"


def at(day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=VIETNAM)


def words(pdf: bytes) -> str:
    """The PDF's text with its spaces and line breaks made single spaces (lines wrap)."""
    assert pdf.startswith(b"%PDF-")
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() or "" for page in pages).split())


@pytest.fixture
def ward(db):
    return unit("Phường Chiềng An").unit_id


@pytest.fixture
def official(commune_official):
    user = commune_official.user
    user.first_name = "Lường Thị Hoa"
    user.save()
    return user


@pytest.fixture
def walked(clock, ward, official):
    """A dossier received Monday 2 March at 09:00 (due Thursday 5 March at 17:00), asked for a
    supplement, supplemented, apologised for and stopped."""
    dossier = file_dossier(ward, actor=official)
    clock.set(at(2, 14))
    services.dossier_request_supplement(actor=official, code=dossier.code, note=SUPPLEMENT_NOTE)
    clock.set(at(3, 8, 30))
    services.dossier_supplement(actor=official, code=dossier.code)
    clock.set(at(4, 10))
    services.dossier_apologize(
        actor=official, code=dossier.code, new_due_at=at(10, 17), reason=APOLOGY_REASON
    )
    clock.set(at(6, 15))
    return services.dossier_stop(actor=official, code=dossier.code, note=STOP_NOTE)


def test_the_receipt_names_the_dossier_the_applicant_and_the_due_date(clock, ward, official):
    dossier = file_dossier(ward, actor=official)
    shown = words(printing.render(dossier, "receipt"))
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in shown
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in shown
    assert "Độc lập - Tự do - Hạnh phúc" in shown
    assert "Sơn La, ngày 02 tháng 3 năm 2026" in shown
    assert dossier.code in shown
    assert "Địa chỉ: Phường Chiềng An, Tỉnh Sơn La" in shown
    assert "Lò Văn Thử" in shown
    assert "Đăng ký tạm trú" in shown
    assert "Tờ khai thay đổi thông tin cư trú" in shown
    assert "Thời gian nhận hồ sơ: 02/03/2026 09:00" in shown
    assert "Thời gian hẹn trả kết quả: 05/03/2026 17:00" in shown
    assert "Lệ phí đăng ký tạm trú: 15.000 đồng" in shown
    assert "Lường Thị Hoa" in shown


def test_a_receipt_printed_again_after_a_pause_gives_the_due_date_of_today(walked):
    # Two working days waited for the supplement (2 March 14:00 to 3 March 08:30): the
    # appointment moves with the clock.
    assert "Thời gian hẹn trả kết quả: 05/03/2026 17:00" not in words(
        printing.render(walked, "receipt")
    )


def test_the_identity_number_appears_only_masked(walked):
    shown = words(printing.render(walked, "receipt"))
    assert f"********{walked.applicant_id_last}" in shown
    # The factory files identity numbers 0141 + eight digits: only the last four are kept.
    assert "0141" + "0" * 4 not in shown.replace("*", "")


LETTERS = {
    "supplement": [
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        SUPPLEMENT_NOTE,
        "Sơn La, ngày 02 tháng 3 năm 2026",
        "không tính vào thời hạn giải quyết",  # the clock waits (policy "pause")
    ],
    "apology": [
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        "Kính gửi: Ông/Bà Lò Văn Thử",
        APOLOGY_REASON,
        "Thời gian hẹn lại: 10/03/2026 17:00",
        "Sơn La, ngày 04 tháng 3 năm 2026",
    ],
    "stop": [
        "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
        STOP_NOTE,
        "dừng giải quyết hồ sơ nêu trên từ 06/03/2026 15:00",
        "Sơn La, ngày 06 tháng 3 năm 2026",
    ],
}


@pytest.mark.parametrize("kind", sorted(LETTERS))
def test_each_letter_prints_its_title_its_reason_and_its_date(walked, kind):
    shown = words(printing.render(walked, kind))
    for expected in LETTERS[kind]:
        assert expected in shown
    assert walked.code in shown


def test_the_apology_recalls_the_due_date_it_misses(walked):
    shown = words(printing.render(walked, "apology"))
    assert f"Thời gian hẹn trả kết quả: {printing.moment(walked.due_at)}" in shown


def test_the_control_slip_lists_every_event_with_its_official_and_timeliness(walked):
    shown = words(printing.render(walked, "control"))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in shown
    events = DossierEvent.objects.filter(dossier=walked).order_by("id")
    assert [e.move for e in events] == [
        "submit",
        "receive",
        "request_supplement",
        "supplement",
        "apologize",
        "stop",
    ]
    for moment in (
        "02/03/2026 09:00",
        "02/03/2026 14:00",
        "03/03/2026 08:30",
        "04/03/2026 10:00",
        "06/03/2026 15:00",
    ):
        assert moment in shown
    for move in (
        "Nộp hồ sơ",
        "Tiếp nhận hồ sơ",
        "Yêu cầu bổ sung hồ sơ",
        "Nhận hồ sơ bổ sung",
        "Xin lỗi, hẹn lại ngày trả",
        "Dừng giải quyết",
    ):
        assert move in shown
    assert shown.count("Lường Thị Hoa") == 6
    assert "Trước hạn" in shown  # the supplement request, days before the due day
    # Supplemented on 3 March: the two waiting days move the due date, the stop stays early.
    assert "Quá hạn" not in shown


def test_dates_write_days_below_10_and_months_1_and_2_with_a_zero():
    winter = dt.datetime(2027, 1, 5, 9, 0, tzinfo=VIETNAM)
    assert printing.dated("Sơn La", winter) == "Sơn La, ngày 05 tháng 01 năm 2027"
    assert printing.dated("Sơn La", at(27)) == "Sơn La, ngày 27 tháng 3 năm 2026"


def test_a_step_is_early_before_the_due_day_on_time_by_the_due_time_late_after():
    due = at(5, 17)
    assert printing.step_result(at(4, 16), due) == "Trước hạn"
    assert printing.step_result(at(5, 17), due) == "Đúng hạn"
    assert printing.step_result(at(5, 17, 1), due) == "Quá hạn"
    assert printing.step_result(at(5, 9), None) == ""


def test_the_refusal_prints_the_reason_of_the_refusal(clock, ward, official):
    dossier = file_dossier(ward, actor=official, receive=False)
    dossier = services.dossier_refuse(actor=official, code=dossier.code, note=REFUSAL_NOTE)
    shown = words(printing.render(dossier, "refusal"))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in shown
    assert REFUSAL_NOTE in shown
    assert printing.kinds_for(dossier) == ["refusal", "control"]


@pytest.mark.parametrize("kind", ["refusal", "receipt", "supplement", "apology", "stop"])
def test_a_kind_that_does_not_apply_to_the_history_is_not_found(clock, ward, kind):
    dossier = file_dossier(ward, receive=kind != "receipt")
    with pytest.raises(NotFound):
        printing.render(dossier, kind)


def test_an_unknown_kind_is_not_found(clock, ward):
    with pytest.raises(NotFound, match="passport"):
        printing.render(file_dossier(ward), "passport")


def test_the_kinds_of_a_walked_dossier_are_those_its_history_gives(walked):
    assert printing.kinds_for(walked) == ["receipt", "supplement", "apology", "stop", "control"]
    assert printing.kinds_for(walked, public=True) == ["receipt", "supplement", "apology", "stop"]


def test_combining_diacritics_print_as_the_precomposed_letters(clock, ward):
    import unicodedata

    dossier = file_dossier(ward, receive=False)
    decomposed = unicodedata.normalize("NFD", "Không đúng mẫu tờ khai của Phường Chiềng An")
    dossier = services.dossier_refuse(actor=None, code=dossier.code, note=decomposed)
    shown = words(printing.render(dossier, "refusal"))
    assert "Không đúng mẫu tờ khai của Phường Chiềng An" in shown


def test_characters_the_font_lacks_do_not_stop_the_document(clock, ward):
    dossier = file_dossier(ward, receive=False)
    dossier = services.dossier_refuse(actor=None, code=dossier.code, note="Thiếu 中文 → 😀 giấy tờ")
    shown = words(printing.render(dossier, "refusal"))
    assert "Thiếu" in shown
    assert "giấy tờ" in shown


def test_the_receipt_carries_the_tracking_address(walked):
    url = "https://dichvucong.example.vn/dich-vu-cong/?code=" + walked.code
    shown = words(printing.render(walked, "receipt", tracking_url=url))
    assert "Tra cứu tình trạng hồ sơ" in shown
    assert walked.code in shown


def test_a_portal_token_names_its_dossier_until_it_expires(clock, ward):
    token = printing.portal_token("03667-20260302-000001")
    assert printing.code_from_token(token) == "03667-20260302-000001"
    with pytest.raises(NotFound):
        printing.code_from_token(token[:-2] + "xx")


def test_the_file_name_is_ascii(walked):
    name = printing.filename(walked, "apology")
    assert name == f"xin-loi-{walked.code}.pdf"
    assert name.isascii()


def test_after_a_merger_the_competent_unit_issues_under_its_name_of_today(clock):
    from tinhgon.publicservices.tests.test_reorganization import MERGE_THREE_WARDS
    from tinhgon.reorg import engine, planfile

    clock.set(dt.datetime(2026, 3, 27, 9, 0, tzinfo=VIETNAM))  # the Friday before
    dossier = file_dossier(unit("Phường Chiềng An").unit_id)
    engine.apply_plan(planfile.load_yaml(MERGE_THREE_WARDS))
    clock.set(dt.datetime(2026, 4, 1, 8, 0, tzinfo=VIETNAM))
    dossier = services.dossier_apologize(
        actor=None,
        code=dossier.code,
        new_due_at=dt.datetime(2026, 4, 3, 17, 0, tzinfo=VIETNAM),
        reason="Chờ",
    )
    apology = words(printing.render(dossier, "apology"))
    assert "PHƯỜNG TÔ CHIỀNG CƠI" in apology
    assert "Phường Tô Chiềng Cơi xin lỗi Ông/Bà" in apology
    assert "Sơn La, ngày 01 tháng 4 năm 2026" in apology
    # The receipt stays the closed ward's, where it was filed, under its last name.
    receipt = words(printing.render(dossier, "receipt"))
    assert "Phường Chiềng An đã tiếp nhận hồ sơ của:" in receipt


def test_the_command_prints_a_document_to_a_file(walked, tmp_path):
    from django.core.management import call_command

    target = tmp_path / "giay.pdf"
    call_command("services", "print", walked.code, "control", "--output", str(target))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in words(target.read_bytes())


def test_the_command_refuses_a_kind_that_does_not_apply_in_one_line(walked, tmp_path, capsys):
    from tinhgon.publicservices.management.commands.services import Command

    with pytest.raises(SystemExit) as stopped:
        Command().run_from_argv(
            ["tinhgon", "services", "print", walked.code, "refusal", "--output", "x.pdf"]
        )
    assert stopped.value.code == 1
    assert capsys.readouterr().err.strip() == f"Hồ sơ {walked.code} không bị từ chối tiếp nhận."


def test_another_apps_document_on_the_public_sheet_prints_its_own_label_title_and_footer(clock):
    # Integrity's and commendations' documents are numbered: "Số: ...", never "Mã hồ sơ".
    sheet = printing.Sheet(
        title="QUYẾT ĐỊNH GIẢI QUYẾT KHIẾU NẠI",
        form="Mẫu giải quyết đơn",
        document="Quyết định giải quyết khiếu nại - 12/QĐ-GQKN",
        reference_label="Số",
    )
    sheet.heading(
        authority="",
        unit="Ủy ban nhân dân Phường Chiềng An",
        reference="12/QĐ-GQKN",
        place_date=printing.dated("Sơn La", at(2)),
    )
    sheet.items(["Ông A", "Bà B"], mark=".")
    pdf = bytes(sheet.output())
    shown = words(pdf)
    assert "Số: 12/QĐ-GQKN" in shown and "Mã hồ sơ" not in shown
    assert "QUYẾT ĐỊNH GIẢI QUYẾT KHIẾU NẠI" in shown
    assert "Sơn La, ngày 02 tháng 3 năm 2026" in shown
    assert "1. Ông A 2. Bà B" in shown
    assert "Mẫu giải quyết đơn - trang 1" in shown
    metadata = PdfReader(io.BytesIO(pdf)).metadata
    assert metadata is not None
    assert metadata.title == "Quyết định giải quyết khiếu nại - 12/QĐ-GQKN"
