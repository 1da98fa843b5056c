"""A task's moves: legal moves only, harmless repeats, optimistic locking, actor and unit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tinhgon.coordination import selectors, services
from tinhgon.coordination.models import Extension, Task, TaskEvent, TaskStatus
from tinhgon.coordination.tests import tasks_factories as make
from tinhgon.core.errors import DomainError, Forbidden, NotFound
from tinhgon.units import selectors as units

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(chieng_an) -> Task:
    return Task.objects.get(pk=make.open_task(chieng_an.unit_id))


def _moves(task: Task) -> list[str]:
    return list(TaskEvent.objects.filter(task=task).values_list("move", flat=True))


def test_the_lead_unit_reports_and_the_province_accepts_each_step_recorded(
    task, commune_official, province_admin, chieng_an, son_la
):
    services.task_receive(actor=commune_official.user, task_id=task.pk)
    services.task_start(actor=commune_official.user, task_id=task.pk)
    report = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.7")
    reported = services.task_report(
        actor=commune_official.user, task_id=task.pk, note="Đã rà soát 12 trụ sở", file=report
    )
    assert reported.status == TaskStatus.REPORTED and reported.reported_at is not None
    accepted = services.task_accept(actor=province_admin.user, task_id=task.pk)
    assert accepted.status == TaskStatus.ACCEPTED and accepted.accepted_at is not None
    events = list(TaskEvent.objects.filter(task=task).order_by("id"))
    assert [e.move for e in events] == ["assign", "receive", "start", "report", "accept"]
    assert [e.actor_id for e in events[1:4]] == [commune_official.user.pk] * 3
    assert {e.unit_id for e in events[1:4]} == {chieng_an.unit_id}
    assert events[4].unit_id == son_la.unit_id and events[4].actor_id == province_admin.user.pk
    assert str(events[3].file.name).endswith(".pdf") and events[3].note == "Đã rà soát 12 trụ sở"
    assert accepted.version == 4


def test_a_repeated_move_is_harmless_and_writes_no_second_event(task, commune_official):
    services.task_start(actor=commune_official.user, task_id=task.pk)
    again = services.task_start(actor=commune_official.user, task_id=task.pk)
    assert again.status == TaskStatus.IN_PROGRESS
    assert _moves(task) == ["assign", "start"]


def test_an_illegal_move_is_refused_with_a_clear_error_and_nothing_changes(task, province_admin):
    with pytest.raises(DomainError) as refused:
        services.task_accept(actor=province_admin.user, task_id=task.pk)
    assert refused.value.code == "illegal_move" and str(task.pk) in refused.value.message
    task.refresh_from_db()
    assert task.status == TaskStatus.RECEIVED and task.version == 0


def test_a_returned_report_needs_a_reason_and_goes_back_to_the_lead_unit(
    task, commune_official, province_admin
):
    services.task_report(actor=commune_official.user, task_id=task.pk, note="Xong")
    with pytest.raises(DomainError) as refused:
        services.task_return(actor=province_admin.user, task_id=task.pk, reason="  ")
    assert refused.value.problems[0].field == "reason"
    returned = services.task_return(
        actor=province_admin.user, task_id=task.pk, reason="Thiếu số liệu"
    )
    assert returned.status == TaskStatus.RETURNED and returned.reported_at is None
    again = services.task_report(actor=commune_official.user, task_id=task.pk, note="Bổ sung")
    assert again.status == TaskStatus.REPORTED


def test_the_lead_unit_may_not_accept_its_own_report(task, commune_official):
    services.task_report(actor=commune_official.user, task_id=task.pk, note="Xong")
    with pytest.raises(Forbidden):
        services.task_accept(actor=commune_official.user, task_id=task.pk)


def test_another_commune_cannot_see_or_move_the_task(task, other_commune_official, observer):
    with pytest.raises(NotFound):
        services.task_start(actor=other_commune_official.user, task_id=task.pk)
    with pytest.raises(Forbidden):
        services.task_start(actor=observer.user, task_id=task.pk)
    assert _moves(task) == ["assign"]


def test_of_two_clicks_at_once_one_applies_and_the_other_sees_its_result(task, commune_official):
    stale = Task.objects.get(pk=task.pk)
    services.task_start(actor=commune_official.user, task_id=task.pk)
    # The second click read the task before the first wrote: its conditional update misses.
    missed = Task.objects.filter(pk=task.pk, status=stale.status, version=stale.version).update(
        status=TaskStatus.IN_PROGRESS
    )
    assert missed == 0
    services.task_start(actor=commune_official.user, task_id=task.pk)
    assert _moves(task) == ["assign", "start"]


def test_a_task_is_delegated_to_a_unit_below_the_lead_unit_once(task, commune_official, chieng_an):
    today = timezone.localdate()
    below = [u for u in units.subtree_depths([chieng_an.unit_id], today) if u != chieng_an.unit_id]
    assert below, "the test registry has units under the ward"
    child = services.task_delegate(actor=commune_official.user, task_id=task.pk, unit_id=below[0])
    assert child.parent_id == task.pk and child.unit_id == below[0] and child.due == task.due
    same = services.task_delegate(actor=commune_official.user, task_id=task.pk, unit_id=below[0])
    assert same.pk == child.pk
    assert _moves(task) == ["assign", "delegate"] and _moves(child) == ["assign"]


def test_a_task_cannot_be_delegated_sideways_or_past_its_deadline(
    task, commune_official, to_hieu, chieng_an
):
    with pytest.raises(DomainError) as sideways:
        services.task_delegate(
            actor=commune_official.user, task_id=task.pk, unit_id=to_hieu.unit_id
        )
    assert sideways.value.problems[0].field == "unit"
    below = [
        u
        for u in units.subtree_depths([chieng_an.unit_id], timezone.localdate())
        if u != chieng_an.unit_id
    ]
    with pytest.raises(DomainError) as late:
        services.task_delegate(
            actor=commune_official.user,
            task_id=task.pk,
            unit_id=below[0],
            due=task.due + dt.timedelta(days=1),
        )
    assert late.value.problems[0].field == "due"


def test_an_approved_extension_moves_the_deadline_and_is_recorded(
    task, commune_official, province_admin
):
    new_due = task.due + dt.timedelta(days=10)
    asked = services.extension_request(
        actor=commune_official.user, task_id=task.pk, new_due=new_due, reason="Chờ số liệu"
    )
    same = services.extension_request(
        actor=commune_official.user, task_id=task.pk, new_due=new_due, reason="Chờ số liệu"
    )
    assert same.pk == asked.pk
    decided = services.extension_decide(
        actor=province_admin.user, extension_id=asked.pk, approve=True
    )
    assert decided.state == Extension.State.APPROVED and decided.decided_by == province_admin.user
    task.refresh_from_db()
    assert task.due == new_due
    event = TaskEvent.objects.filter(task=task, move="extension_decide").get()
    assert event.data["to_due"] == new_due.isoformat() and event.actor == province_admin.user
    services.extension_decide(actor=province_admin.user, extension_id=asked.pk, approve=True)
    assert TaskEvent.objects.filter(task=task, move="extension_decide").count() == 1
    with pytest.raises(DomainError) as refused:
        services.extension_decide(
            actor=province_admin.user, extension_id=asked.pk, approve=False, note="Không"
        )
    assert refused.value.code == "illegal_move"


def test_a_refused_extension_keeps_the_deadline_and_needs_a_reason(
    task, commune_official, province_admin
):
    asked = services.extension_request(
        actor=commune_official.user,
        task_id=task.pk,
        new_due=task.due + dt.timedelta(days=3),
        reason="Thiếu người",
    )
    with pytest.raises(DomainError):
        services.extension_decide(actor=province_admin.user, extension_id=asked.pk, approve=False)
    with pytest.raises(Forbidden):
        services.extension_decide(actor=commune_official.user, extension_id=asked.pk, approve=True)
    services.extension_decide(
        actor=province_admin.user, extension_id=asked.pk, approve=False, note="Đủ thời gian"
    )
    due = task.due
    task.refresh_from_db()
    assert task.due == due


def test_comments_and_files_are_recorded_once_and_keep_the_status(
    task, commune_official, province_admin
):
    services.task_comment(actor=commune_official.user, task_id=task.pk, note="Đang làm")
    services.task_comment(actor=commune_official.user, task_id=task.pk, note="Đang làm")
    services.task_comment(
        actor=province_admin.user,
        task_id=task.pk,
        file=SimpleUploadedFile("huong-dan.docx", b"PK"),
    )
    assert _moves(task) == ["assign", "comment", "comment"]
    task.refresh_from_db()
    assert task.status == TaskStatus.RECEIVED


def test_an_open_task_past_its_deadline_without_a_report_is_overdue(
    task, commune_official, chieng_an
):
    later = task.due + dt.timedelta(days=1)
    tasks = Task.objects.filter(pk=task.pk)
    assert selectors.overdue(tasks, today=task.due).count() == 0
    assert selectors.overdue(tasks, today=later).count() == 1
    services.task_report(actor=commune_official.user, task_id=task.pk, note="Xong")
    assert selectors.overdue(tasks, today=later).count() == 0


def test_legal_moves_are_those_of_the_actors_side(task, commune_official, province_admin):
    assert "accept" not in services.legal_moves(commune_official.user, task)
    assert {"receive", "start", "report"} <= set(services.legal_moves(commune_official.user, task))
    services.task_report(actor=commune_official.user, task_id=task.pk, note="Xong")
    task.refresh_from_db()
    assert {"accept", "return"} <= set(services.legal_moves(province_admin.user, task))
    assert "report" not in services.legal_moves(commune_official.user, task)


def test_a_commune_official_lists_its_own_tasks_never_another_communes(
    chieng_an, to_hieu, commune_official, province_admin
):
    mine = make.open_task(chieng_an.unit_id)
    theirs = make.open_task(to_hieu.unit_id)
    seen = set(selectors.visible_tasks(commune_official.user).values_list("pk", flat=True))
    assert mine in seen and theirs not in seen
    everyone = set(selectors.visible_tasks(province_admin.user).values_list("pk", flat=True))
    assert {mine, theirs} <= everyone


def test_a_cooperating_commune_sees_and_comments_on_the_task_but_cannot_report_it(
    son_la, chieng_an, to_hieu, other_commune_official
):
    made = make.directive(unit_ids=[chieng_an.unit_id], cooperator_ids=[to_hieu.unit_id])
    task = Task.objects.get(directive=made)
    assert task.pk in selectors.visible_tasks(other_commune_official.user).values_list(
        "pk", flat=True
    )
    event = services.task_comment(
        actor=other_commune_official.user, task_id=task.pk, note="Tô Hiệu đã gửi số liệu"
    )
    assert event.unit_id == to_hieu.unit_id
    with pytest.raises(Forbidden):
        services.task_report(actor=other_commune_official.user, task_id=task.pk, note="x")
