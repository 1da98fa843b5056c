"""Reminders and escalations of tasks, under a frozen clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from tinhgon.accounts.models import Role
from tinhgon.conftest import make_persona
from tinhgon.coordination import jobs, services
from tinhgon.coordination.models import Reminder, Task
from tinhgon.coordination.tests import tasks_factories as make
from tinhgon.core import jobs as core_jobs
from tinhgon.workdays.calendar import VIETNAM

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VIETNAM)


class FrozenClock:
    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def set(self, at: dt.datetime) -> None:
        self.at = at

    def now(self) -> dt.datetime:
        return self.at.astimezone(dt.UTC)


@pytest.fixture
def clock(monkeypatch):
    frozen = FrozenClock(MONDAY)
    monkeypatch.setattr(timezone, "now", frozen.now)
    return frozen


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """One round of the job, its emails sent as after a commit."""

    def one_round() -> dict[str, int]:
        with django_capture_on_commit_callbacks(execute=True):
            return jobs.run()

    return one_round


@pytest.fixture
def people(chieng_an, son_la):
    official = make_persona("ca-official", chieng_an.unit_id, Role.UNIT_OFFICIAL)
    official.user.email = "chieng-an@example.vn"
    official.user.save()
    admin = make_persona("sl-admin", son_la.unit_id, Role.PROVINCE_ADMIN)
    admin.user.email = "so-noi-vu@example.vn"
    admin.user.save()
    return official, admin


def _day(days: int, hour: int = 9) -> dt.datetime:
    return MONDAY + dt.timedelta(days=days, hours=hour - 9)


def _kinds(task_id: int) -> list[str]:
    return list(
        Reminder.objects.filter(task_id=task_id).order_by("id").values_list("kind", flat=True)
    )


def test_a_task_is_reminded_before_its_deadline_once_then_when_overdue_then_escalated(
    run, clock, people, chieng_an
):
    # Due Wednesday 4 March 2026.
    task_id = make.open_task_due(chieng_an.unit_id, dt.date(2026, 3, 4))
    assert run() == {"before": 1, "overdue": 0, "escalate": 0}  # Monday: 2 working days
    assert [m.to for m in mail.outbox] == [["chieng-an@example.vn"]]
    assert run() == {"before": 0, "overdue": 0, "escalate": 0}, "sent once"
    clock.set(_day(2))  # Wednesday, the due day: already reminded
    assert run()["before"] == 0
    clock.set(_day(3))  # Thursday: overdue
    assert run() == {"before": 0, "overdue": 1, "escalate": 0}
    clock.set(_day(4))  # Friday: two working days late (Thursday, Friday)
    assert run()["escalate"] == 0
    clock.set(_day(7))  # next Monday: three working days late: escalated to the issuer
    assert run() == {"before": 0, "overdue": 0, "escalate": 1}
    assert mail.outbox[-1].to == ["so-noi-vu@example.vn"]
    assert "/CT-UBND" in mail.outbox[-1].subject
    assert run() == {"before": 0, "overdue": 0, "escalate": 0}
    assert _kinds(task_id) == ["before", "overdue", "escalate"]


def test_a_reported_task_is_not_reminded(run, clock, people, chieng_an):
    official, _admin = people
    task_id = make.open_task_due(chieng_an.unit_id, dt.date(2026, 3, 3))
    services.task_report(actor=official.user, task_id=task_id, note="Xong")
    clock.set(_day(10))
    assert run() == {"before": 0, "overdue": 0, "escalate": 0}
    assert not mail.outbox


def test_an_approved_extension_moves_the_reminders_to_the_new_date(run, clock, people, chieng_an):
    official, admin = people
    task_id = make.open_task_due(chieng_an.unit_id, dt.date(2026, 3, 3))
    assert run()["before"] == 1
    asked = services.extension_request(
        actor=official.user, task_id=task_id, new_due=dt.date(2026, 3, 20), reason="Chờ số liệu"
    )
    services.extension_decide(actor=admin.user, extension_id=asked.pk, approve=True)
    clock.set(_day(4))  # Friday 6 March: not overdue any more, not yet near
    assert run() == {"before": 0, "overdue": 0, "escalate": 0}
    clock.set(_day(16))  # Wednesday 18 March: two working days before the new date
    assert run()["before"] == 1
    assert list(Reminder.objects.filter(task_id=task_id).values_list("day", flat=True)) == [
        dt.date(2026, 3, 3),
        dt.date(2026, 3, 20),
    ]


def test_the_reminders_show_on_the_home_page_of_the_lead_unit(
    run, clock, people, chieng_an, to_hieu
):
    task_id = make.open_task_due(chieng_an.unit_id, dt.date(2026, 3, 3))
    run()
    shown = jobs.recent([chieng_an.unit_id], today=clock.at.date())
    assert [r.task_id for r in shown] == [task_id]
    assert jobs.recent([to_hieu.unit_id], today=clock.at.date()) == []


def test_the_part_is_registered_with_the_scheduled_job():
    assert core_jobs.parts()["coordination_tasks"] is jobs.run


def test_a_task_without_anyone_to_email_is_still_marked_reminded(run, clock, to_hieu):
    task_id = make.open_task_due(to_hieu.unit_id, dt.date(2026, 3, 3))
    assert run()["before"] == 1
    assert Reminder.objects.get(task_id=task_id).recipients == []
    assert Task.objects.filter(pk=task_id).exists()


def test_the_home_panel_shows_my_units_open_and_overdue_tasks_and_the_reminders(
    run, clock, people, chieng_an
):
    from django.template.loader import render_to_string

    from tinhgon.coordination.dashboard import tasks_panel

    official, _admin = people
    make.open_task_due(chieng_an.unit_id, dt.date(2026, 3, 3))
    run()
    clock.set(_day(3))
    run()
    panel = tasks_panel(official.user, None, clock.at.date())
    assert panel is not None
    assert panel.context["open"] == 1 and panel.context["overdue"] == 1
    assert len(panel.context["reminders"]) == 2 and panel.warnings
    html = render_to_string(panel.template, {"panel": panel.context})
    assert "/coord/tasks/" in html
