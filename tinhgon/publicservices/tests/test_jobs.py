"""Reminders and escalations of dossiers about to be late, the dashboard's selector, and the
scheduled job's command, under a frozen clock that the tests move.

The dossier: "Đăng ký tạm trú" (3 working days) received Monday 2 March 2026 at 09:00, due
Thursday 5 March at 17:00, at Phường Chiềng An (Sơn La)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from tinhgon.publicservices import jobs, services, sync
from tinhgon.publicservices.models import Dossier, PortalOutbox, Reminder
from tinhgon.publicservices.tests.factories import file_dossier
from tinhgon.workdays.calendar import VIETNAM

pytestmark = pytest.mark.django_db

OFFICIAL = "official@chieng-an.example.vn"
ADMIN = "admin@son-la.example.vn"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=VIETNAM)


@pytest.fixture
def people(commune_official, province_admin, other_commune_official):
    commune_official.user.email = OFFICIAL
    commune_official.user.save()
    province_admin.user.email = ADMIN
    province_admin.user.save()
    other_commune_official.user.email = "someone@to-hieu.example.vn"
    other_commune_official.user.save()
    return commune_official, province_admin


@pytest.fixture
def dossier(clock, chieng_an, people):
    return file_dossier(chieng_an.unit_id)


def round_at(clock, moment, capture) -> dict[str, int]:  # type: ignore[no-untyped-def]
    clock.set(moment)
    with capture(execute=True):
        return jobs.send_reminders()


def sent(kind: str) -> list[tuple[str, list[str]]]:
    return [(r.dossier.code, r.recipients) for r in Reminder.objects.filter(kind=kind)]


def test_nothing_is_reminded_while_the_due_date_is_more_than_a_working_day_away(
    clock, dossier, django_capture_on_commit_callbacks
):
    assert round_at(clock, at(3, 16), django_capture_on_commit_callbacks) == {
        "remind": 0,
        "escalate": 0,
        "overdue": 0,
    }
    assert mail.outbox == []


def test_the_units_officials_are_reminded_once_when_it_is_due_within_the_next_working_day(
    clock, dossier, django_capture_on_commit_callbacks
):
    first = round_at(clock, at(4, 9), django_capture_on_commit_callbacks)
    again = round_at(clock, at(4, 10), django_capture_on_commit_callbacks)
    assert (first["remind"], again["remind"]) == (1, 0)
    assert sent("remind") == [(dossier.code, [OFFICIAL])]  # not the other commune's official
    (message,) = mail.outbox
    assert message.to == [OFFICIAL]
    assert message.subject == f"Nhắc hạn: hồ sơ {dossier.code} đến hạn lúc 05/03/2026 17:00"
    assert "Phường Chiềng An" in message.body
    assert "thư xin lỗi kèm ngày hẹn mới" in message.body
    assert f"http://127.0.0.1:8000/services/{dossier.code}/" in message.body  # its staff page


def test_the_reminder_goes_to_the_assignee_when_there_is_one(
    clock, dossier, people, django_capture_on_commit_callbacks
):
    official, _admin = people
    clerk = official.user.__class__.objects.create(username="clerk", email="clerk@example.vn")
    services.dossier_assign(actor=None, code=dossier.code, assignee=clerk)
    round_at(clock, at(4, 9), django_capture_on_commit_callbacks)
    assert sent("remind") == [(dossier.code, ["clerk@example.vn"])]


def test_it_escalates_to_the_provinces_administrators_from_noon_of_the_due_day_once(
    clock, dossier, django_capture_on_commit_callbacks
):
    morning = round_at(clock, at(5, 11, 59), django_capture_on_commit_callbacks)
    assert morning["escalate"] == 0
    noon = round_at(clock, at(5, 12), django_capture_on_commit_callbacks)
    later = round_at(clock, at(5, 16), django_capture_on_commit_callbacks)
    assert (noon["escalate"], later["escalate"]) == (1, 0)
    assert sent("escalate") == [(dossier.code, [ADMIN])]
    escalation = mail.outbox[-1]
    assert escalation.subject == (
        f"Khẩn: hồ sơ {dossier.code} đến hạn hôm nay lúc 17:00, chưa có thư xin lỗi"
    )
    assert sent("remind") == [(dossier.code, [OFFICIAL])]  # the reminder came first, once


def test_an_overdue_dossier_is_escalated_once_per_working_day(
    clock, dossier, django_capture_on_commit_callbacks
):
    counts = [
        round_at(clock, moment, django_capture_on_commit_callbacks)["overdue"]
        for moment in (
            at(5, 17, 1),  # Thursday, just after the due time
            at(5, 18),
            at(6, 9),  # Friday
            at(6, 15),
            at(7, 9),  # Saturday: not a working day
            at(8, 9),  # Sunday
            at(9, 9),  # Monday
        )
    ]
    assert counts == [1, 0, 1, 0, 0, 0, 1]
    days = list(Reminder.objects.filter(kind="overdue").values_list("day", flat=True))
    assert days == [dt.date(2026, 3, 5), dt.date(2026, 3, 6), dt.date(2026, 3, 9)]
    assert mail.outbox[-1].subject == (
        f"Quá hạn: hồ sơ {dossier.code} đã đến hạn lúc 05/03/2026 17:00"
    )
    assert "quá hạn 2 ngày làm việc" in mail.outbox[-1].body


def test_a_dossier_with_an_apology_is_neither_reminded_nor_escalated_before_its_new_date(
    clock, dossier, django_capture_on_commit_callbacks
):
    clock.set(at(3, 10))
    services.dossier_apologize(
        actor=None, code=dossier.code, new_due_at=at(10, 17), reason="Chờ xác minh"
    )
    for moment in (at(4, 9), at(5, 13), at(6, 9)):
        round_at(clock, moment, django_capture_on_commit_callbacks)
    assert not Reminder.objects.exists() and mail.outbox == []
    # The promised date passed too: overdue again.
    assert round_at(clock, at(11, 9), django_capture_on_commit_callbacks)["overdue"] == 1


def test_a_dossier_waiting_for_the_applicant_or_finished_is_not_reminded(
    clock, dossier, chieng_an, django_capture_on_commit_callbacks
):
    services.dossier_request_supplement(actor=None, code=dossier.code, note="Thiếu giấy tờ")
    withdrawn = file_dossier(chieng_an.unit_id)
    services.dossier_withdraw(actor=None, code=withdrawn.code)
    for moment in (at(4, 9), at(5, 13), at(6, 9)):
        round_at(clock, moment, django_capture_on_commit_callbacks)
    assert not Reminder.objects.exists()


def test_the_dashboard_selector_lists_the_units_dossiers_at_risk_soonest_first(
    clock, dossier, chieng_an, to_hieu, django_capture_on_commit_callbacks
):
    apologized = file_dossier(chieng_an.unit_id)
    Dossier.objects.filter(pk=apologized.pk).update(promised_at=at(20, 17))
    clock.set(at(3, 9))
    later = file_dossier(chieng_an.unit_id)  # due Friday 6 March
    elsewhere = file_dossier(to_hieu.unit_id)
    clock.set(at(4, 9))
    assert list(jobs.at_risk([chieng_an.unit_id])) == [dossier]
    clock.set(at(5, 9))
    assert list(jobs.at_risk([chieng_an.unit_id, to_hieu.unit_id])) == [dossier, later, elsewhere]
    clock.set(at(6, 9))
    assert jobs.at_risk_counts([chieng_an.unit_id]) == {"due_soon": 1, "overdue": 1}


def test_two_runners_at_once_record_and_send_a_reminder_once(
    clock, dossier, django_capture_on_commit_callbacks
):
    clock.set(at(4, 9))
    calendar = jobs._calendar(dt.date(2026, 3, 4))
    with django_capture_on_commit_callbacks(execute=True):
        first = jobs._send(dossier, "remind", dt.date(2026, 3, 5), clock.now(), calendar)
        second = jobs._send(dossier, "remind", dt.date(2026, 3, 5), clock.now(), calendar)
    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1


def test_jobs_run_once_does_one_round_and_exits_zero(
    clock, dossier, settings, django_capture_on_commit_callbacks
):
    settings.TINHGON_PORTAL_URL = ""
    clock.set(at(4, 9))
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("jobs", "run", "--once", verbosity=2, stdout=out)
    report = json.loads(out.getvalue())
    assert report["reminders"] == {"remind": 1, "escalate": 0, "overdue": 0}
    assert report["portal"] == {"sent": 0, "retried": 0, "failed": 0}
    assert report["errors"] == []
    assert len(mail.outbox) == 1


def test_jobs_run_once_fails_in_one_line_when_a_part_of_the_round_fails(
    clock, dossier, monkeypatch
):
    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise ConnectionError("database gone")

    monkeypatch.setattr(sync, "push", broken)
    with pytest.raises(CommandError, match="portal: ConnectionError: database gone"):
        call_command("jobs", "run", "--once", stdout=io.StringIO())
    # The other parts still ran.
    assert Reminder.objects.count() == 0  # nothing due yet on Monday, but no crash either


def test_jobs_outbox_reports_pending_failed_sent_and_the_lag_as_json(clock, dossier):
    out = io.StringIO()
    call_command("jobs", "outbox", "--format", "json", stdout=out)
    state = json.loads(out.getvalue())
    assert {k: state[k] for k in ("pending", "failed", "sent")} == {
        "pending": 2,
        "failed": 0,
        "sent": 0,
    }
    assert state["lag"]["count"] == 0 and state["lag"]["median_s"] is None


def test_a_round_deletes_what_was_sent_long_ago_and_keeps_the_rest(clock, dossier, settings):
    settings.TINHGON_PORTAL_URL = ""
    submitted, received = PortalOutbox.objects.filter(dossier=dossier).order_by("id")
    PortalOutbox.objects.filter(pk=submitted.pk).update(sent_at=clock.now(), lag_ms=0)
    PortalOutbox.objects.filter(pk=received.pk).update(failed_at=clock.now())
    clock.set(clock.at + dt.timedelta(days=settings.TINHGON_SENT_KEEP_DAYS, minutes=1))
    assert jobs.run_round()["purged"] == 1
    assert list(PortalOutbox.objects.filter(dossier=dossier)) == [received]  # failed: kept


def test_jobs_outbox_speaks_vietnamese_and_requeues_the_failed_rows(clock, dossier, settings):
    settings.TINHGON_PORTAL_URL = ""
    PortalOutbox.objects.filter(dossier=dossier).update(failed_at=clock.now(), attempts=3)
    out = io.StringIO()
    call_command("jobs", "outbox", "--requeue", stdout=out)
    assert out.getvalue().splitlines() == [
        "Đã đưa lại 2 dòng thất bại vào hàng đợi.",
        "Đang chờ 2, thất bại 0, đã gửi 0.",
        "Thư điện tử: đang chờ 0, thất bại 0, đã gửi 0.",
        "Chưa đặt TINHGON_PORTAL_URL: không gửi gì.",
    ]
    assert set(PortalOutbox.objects.values_list("attempts", flat=True)) == {0}


def test_a_dossier_overdue_since_last_year_is_escalated_in_january(
    clock, dossier, django_capture_on_commit_callbacks
):
    sent = round_at(
        clock, dt.datetime(2027, 1, 5, 9, 0, tzinfo=VIETNAM), django_capture_on_commit_callbacks
    )
    assert sent["overdue"] == 1
    assert "quá hạn 211 ngày làm việc" in mail.outbox[-1].body
