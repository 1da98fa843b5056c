"""A unit that has not submitted a periodic report is told by email before the deadline and once
it has passed (the scheduled job's part `coordination_reports`), under a frozen clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from tinhgon.accounts.models import Role
from tinhgon.conftest import make_persona
from tinhgon.coordination import reports, reports_jobs
from tinhgon.coordination.models import DutyStatus, Reminder, ReportRound
from tinhgon.coordination.tests.reports_factories import body, template
from tinhgon.core import jobs as core_jobs
from tinhgon.workdays.calendar import VIETNAM

pytestmark = pytest.mark.django_db

# Tuesday 1 December 2026 is the deadline; Monday 30 November is the working day before it.
DUE = dt.date(2026, 12, 1)


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    frozen = {"at": dt.datetime(2026, 11, 16, 9, 0, tzinfo=VIETNAM)}
    monkeypatch.setattr(timezone, "now", lambda: frozen["at"].astimezone(dt.UTC))
    return frozen


@pytest.fixture
def run(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    def one_round() -> dict[str, int]:
        with django_capture_on_commit_callbacks(execute=True):
            return reports_jobs.run()

    return one_round


@pytest.fixture
def round_(son_la, chieng_an, to_hieu, clock) -> ReportRound:  # type: ignore[no-untyped-def]
    ward = make_persona("ca-official", chieng_an.unit_id, Role.UNIT_OFFICIAL)
    ward.user.email = "chieng-an@example.vn"
    ward.user.save()
    asker = make_persona("snv-official", body(son_la.unit_id, "SNV"), Role.UNIT_OFFICIAL)
    asker.user.email = "so-noi-vu@example.vn"
    asker.user.save()
    return reports.round_open(
        actor=None,
        template_id=template(son_la.unit_id).pk,
        label="11/2026",
        starts=dt.date(2026, 11, 1),
        ends=dt.date(2026, 11, 30),
        due=DUE,
        unit_ids=[chieng_an.unit_id, to_hieu.unit_id],
    )


def test_nothing_is_sent_while_the_deadline_is_far(round_, run):
    assert run() == {"before": 0, "overdue": 0}
    assert mail.outbox == []


def test_the_unit_is_reminded_once_before_the_deadline(round_, run, clock):
    clock["at"] = dt.datetime(2026, 11, 30, 8, 0, tzinfo=VIETNAM)
    assert run() == {"before": 2, "overdue": 0}  # the two wards
    (sent,) = [m for m in mail.outbox if "chieng-an@example.vn" in m.to]
    assert "01/12/2026" in sent.subject and "11/2026" in sent.body
    assert run() == {"before": 0, "overdue": 0}
    assert len(mail.outbox) == 1  # Tô Hiệu has no member with an address


def test_a_submitted_report_is_not_reminded(round_, run, clock, chieng_an):
    round_.duties.filter(unit_id=chieng_an.unit_id).update(status=DutyStatus.SUBMITTED)
    clock["at"] = dt.datetime(2026, 11, 30, 8, 0, tzinfo=VIETNAM)
    assert run() == {"before": 1, "overdue": 0}
    assert mail.outbox == []


def test_past_the_deadline_the_unit_and_the_body_that_asked_are_told_once(round_, run, clock):
    clock["at"] = dt.datetime(2026, 12, 2, 8, 0, tzinfo=VIETNAM)
    assert run() == {"before": 0, "overdue": 2}
    # One email a late ward: the body that asked for the report reads both.
    assert sorted(sorted(m.to) for m in mail.outbox) == [
        ["chieng-an@example.vn", "so-noi-vu@example.vn"],
        ["so-noi-vu@example.vn"],
    ]
    assert run()["overdue"] == 0
    assert Reminder.objects.filter(duty__round=round_, kind="overdue").count() == 2


def test_the_scheduled_job_runs_the_reports_part():
    assert core_jobs.parts()["coordination_reports"] is reports_jobs.run
