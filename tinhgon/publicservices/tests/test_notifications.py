"""The applicant's emails at each change of their dossier: Vietnamese, after commit only, never
with the identity number, and kept to be sent again when the mail server fails."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from tinhgon.conftest import unit
from tinhgon.publicservices import notifications, services
from tinhgon.publicservices.models import Dossier, Notification
from tinhgon.publicservices.tests.factories import TAM_TRU, file_dossier, load_catalogue
from tinhgon.workdays.calendar import VIETNAM

pytestmark = pytest.mark.django_db

EMAIL = "lo.van.thu@example.vn"


class BrokenBackend(BaseEmailBackend):
    """A mail server that does not answer."""

    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError("mail server down")


@pytest.fixture
def ward(db):
    return unit("Phường Chiềng An").unit_id


@pytest.fixture
def clerk(db):
    return get_user_model().objects.create(username="clerk", email="clerk@example.vn")


def registered(ward: int, email: str = EMAIL) -> Dossier:
    dossier = file_dossier(ward, receive=False)
    Dossier.objects.filter(pk=dossier.pk).update(applicant_email=email)
    return dossier


def test_the_applicant_is_told_of_each_move_in_vietnamese_after_it_commits(
    clock, ward, clerk, django_capture_on_commit_callbacks
):
    dossier = registered(ward)
    code = dossier.code
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_receive(actor=None, code=code)
    assert [m.subject for m in mail.outbox] == [f"Hồ sơ {code}: được tiếp nhận"]
    received = mail.outbox[0]
    assert received.to == [EMAIL]
    assert "Lò Văn Thử" in received.body
    assert "Đăng ký tạm trú" in received.body
    assert "05/03/2026 17:00" in received.body  # 3 working days from Monday 2 March
    assert f"/dich-vu-cong/tra-cuu/?code={code}" in received.body
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_assign(actor=None, code=code, assignee=clerk)
        services.dossier_request_supplement(actor=None, code=code, note="Thiếu bản sao sổ hộ khẩu")
        services.dossier_supplement(actor=None, code=code)
        services.dossier_approve(actor=None, code=code)
        services.dossier_return_result(actor=None, code=code)
    assert [m.subject for m in mail.outbox[1:]] == [
        f"Hồ sơ {code}: đang xử lý",
        f"Hồ sơ {code}: yêu cầu bổ sung giấy tờ",
        f"Hồ sơ {code}: đang xử lý",
        f"Hồ sơ {code}: đã xử lý xong",
        f"Hồ sơ {code}: đã trả kết quả",
    ]
    assert "Lý do: Thiếu bản sao sổ hộ khẩu" in mail.outbox[2].body
    assert "Hạn trả kết quả" not in mail.outbox[-1].body  # finished: no due date to wait for
    assert Notification.objects.filter(sent_at__isnull=False).count() == 6


def test_a_refusal_tells_the_reason_and_never_the_identity_number(
    clock, ward, django_capture_on_commit_callbacks
):
    dossier = registered(ward)
    digits = dossier.applicant_id_last
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_refuse(actor=None, code=dossier.code, note="Không thuộc thẩm quyền")
    (message,) = mail.outbox
    assert message.subject == f"Hồ sơ {dossier.code}: không được tiếp nhận"
    assert "Lý do: Không thuộc thẩm quyền" in message.body
    assert digits not in message.body and digits not in message.subject


def test_a_dossier_without_an_email_address_sends_nothing(
    clock, ward, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        file_dossier(ward)
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_a_move_rolled_back_sends_nothing(clock, ward, django_capture_on_commit_callbacks):
    dossier = registered(ward)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.dossier_receive(actor=None, code=dossier.code)
        raise RuntimeError("something after the move failed")
    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_a_mail_server_down_keeps_the_move_and_the_job_sends_the_email_later(
    clock, ward, settings, django_capture_on_commit_callbacks
):
    dossier = registered(ward)
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.BrokenBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.dossier_receive(actor=None, code=dossier.code)
    assert moved.status == 2
    failed = Notification.objects.get()
    assert failed.sent_at is None and failed.attempts == 1
    assert "mail server down" in failed.last_error
    assert failed.next_attempt_at == clock.now() + dt.timedelta(seconds=30)
    assert notifications.retry() == 0  # not before its time
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    clock.set(clock.at + dt.timedelta(seconds=31))
    assert notifications.retry() == 1
    assert notifications.retry() == 0  # once
    assert [m.subject for m in mail.outbox] == [f"Hồ sơ {dossier.code}: được tiếp nhận"]
    failed.refresh_from_db()
    assert failed.sent_at == clock.now() and failed.attempts == 2


def test_an_apology_tells_the_new_date_and_the_reason(
    clock, ward, django_capture_on_commit_callbacks
):
    dossier = registered(ward)
    services.dossier_receive(actor=None, code=dossier.code)
    new_date = dt.datetime(2026, 3, 10, 17, 0, tzinfo=VIETNAM)
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_apologize(
            actor=None,
            code=dossier.code,
            new_due_at=new_date,
            reason="Cần xác minh thêm nơi cư trú",
        )
    message = mail.outbox[-1]
    assert message.subject == f"Hồ sơ {dossier.code}: thư xin lỗi và hẹn lại ngày trả kết quả"
    assert "10/03/2026 17:00" in message.body
    assert "Cần xác minh thêm nơi cư trú" in message.body


def test_an_applicant_who_files_with_an_email_address_is_told_it_was_registered(
    clock, ward, django_capture_on_commit_callbacks
):
    load_catalogue()
    with django_capture_on_commit_callbacks(execute=True):
        dossier = services.dossier_submit(
            actor=None,
            procedure_code=TAM_TRU,
            applicant_kind="citizen",
            applicant_name="Cầm Thị Mai",
            applicant_id="014199000123",
            applicant_email=EMAIL,
            applicant_phone="0912345678",
            applicant_commune_id=ward,
            channel="online",
            receiving_unit_id=ward,
        )
    (message,) = mail.outbox
    assert message.subject == f"Hồ sơ {dossier.code}: mới đăng ký"
    assert "Kính gửi Cầm Thị Mai," in message.body
    assert "Hạn trả kết quả" not in message.body  # not received yet: no due date
    for secret in ("014199000123", "0912345678"):
        assert secret not in message.body
