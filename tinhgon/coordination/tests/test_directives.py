"""Issuing directives: targets, limits, one transaction, one event per task."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tinhgon.coordination import services
from tinhgon.coordination.models import Directive, Task, TaskEvent, TaskStatus
from tinhgon.coordination.services import TargetKind, TaskSpec
from tinhgon.coordination.tests import tasks_factories as make
from tinhgon.core.errors import DomainError, NotFound
from tinhgon.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _issue(actor, issuer_id, *, number="12/CT-UBND", **spec):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    spec.setdefault("title", "Kiểm kê tài sản")
    spec.setdefault("due", today + dt.timedelta(days=20))
    return services.directive_issue(
        actor=actor,
        issuer_id=issuer_id,
        number=number,
        issued_on=today,
        subject="Kiểm kê tài sản công",
        tasks=[TaskSpec(**spec)],
    )


def test_a_directive_to_every_commune_of_son_la_creates_75_tasks_with_one_event_each(
    son_la, province_admin
):
    directive = _issue(province_admin.user, son_la.unit_id, every=TargetKind.COMMUNES)
    tasks = Task.objects.filter(directive=directive)
    assert tasks.count() == 75
    assert set(tasks.values_list("status", flat=True)) == {TaskStatus.RECEIVED}
    assert set(tasks.values_list("province_id", flat=True)) == {son_la.unit_id}
    events = TaskEvent.objects.filter(task__directive=directive)
    assert events.count() == 75 and set(events.values_list("move", flat=True)) == {"assign"}
    assert set(events.values_list("actor", flat=True)) == {province_admin.user.pk}
    assert AuditEvent.objects.filter(action="directive.issue", data__tasks=75).exists()


def test_a_directive_to_every_department_reaches_the_provincial_departments(son_la):
    directive = _issue(None, son_la.unit_id, every=TargetKind.DEPARTMENTS)
    tasks = Task.objects.filter(directive=directive).select_related("unit")
    assert tasks.count() >= 5
    kinds = {t.unit.versions.order_by("-valid_from").first().kind for t in tasks}  # type: ignore[union-attr]
    assert kinds == {"department"}


def test_a_directive_to_a_list_creates_one_task_per_unit_with_its_cooperators(
    son_la, chieng_an, to_hieu
):
    directive = _issue(
        None,
        son_la.unit_id,
        unit_ids=[chieng_an.unit_id, to_hieu.unit_id, chieng_an.unit_id],
        cooperator_ids=[to_hieu.unit_id],
    )
    tasks = {t.unit_id: t for t in Task.objects.filter(directive=directive)}
    assert set(tasks) == {chieng_an.unit_id, to_hieu.unit_id}
    assert list(tasks[chieng_an.unit_id].cooperators.values_list("unit_id", flat=True)) == [
        to_hieu.unit_id
    ]
    # A unit does not cooperate with itself.
    assert not tasks[to_hieu.unit_id].cooperators.exists()


def test_the_same_number_and_date_in_the_province_is_refused_and_nothing_is_written(
    son_la, chieng_an
):
    _issue(None, son_la.unit_id, unit_ids=[chieng_an.unit_id])
    before = Task.objects.count()
    with pytest.raises(DomainError) as refused:
        _issue(None, son_la.unit_id, unit_ids=[chieng_an.unit_id])
    assert refused.value.code == "duplicate"
    assert Task.objects.count() == before and Directive.objects.count() == 1


def test_a_target_outside_the_province_is_refused_naming_the_field(son_la, ha_noi):
    with pytest.raises(DomainError) as refused:
        _issue(None, son_la.unit_id, unit_ids=[ha_noi.unit_id])
    assert refused.value.problems[0].field == "tasks[0].units"
    assert not Directive.objects.exists()


def test_a_deadline_in_the_past_is_refused(son_la, chieng_an):
    with pytest.raises(DomainError) as refused:
        _issue(
            None,
            son_la.unit_id,
            unit_ids=[chieng_an.unit_id],
            due=timezone.localdate() - dt.timedelta(days=1),
        )
    assert refused.value.problems[0].field == "tasks[0].due"


def test_a_commune_may_not_issue_directives(chieng_an, commune_official):
    with pytest.raises(DomainError) as refused:
        _issue(commune_official.user, chieng_an.unit_id, unit_ids=[chieng_an.unit_id])
    assert refused.value.problems[0].field == "issuer"


def test_a_commune_official_may_not_issue_in_the_name_of_the_province(son_la, commune_official):
    with pytest.raises(DomainError):
        _issue(commune_official.user, son_la.unit_id, every=TargetKind.COMMUNES)
    assert not Directive.objects.exists()


def test_the_document_must_be_an_accepted_type_within_the_size_limit(son_la, chieng_an, settings):
    script = SimpleUploadedFile("virus.exe", b"MZ")
    with pytest.raises(DomainError) as refused:
        services.directive_issue(
            actor=None,
            issuer_id=son_la.unit_id,
            number="1/CT",
            issued_on=timezone.localdate(),
            subject="x",
            file=script,
            tasks=[TaskSpec(title="t", due=timezone.localdate(), unit_ids=[chieng_an.unit_id])],
        )
    assert refused.value.problems[0].field == "file"
    settings.TINHGON_COORD_FILE_BYTES = 10
    with pytest.raises(DomainError) as too_large:
        services.check_file(SimpleUploadedFile("scan.pdf", b"%PDF-1.7 more than ten bytes"))
    assert too_large.value.code == "too_large"


def test_a_task_of_another_commune_answers_as_if_it_did_not_exist(
    chieng_an, to_hieu, other_commune_official
):
    task_id = make.open_task(chieng_an.unit_id)
    with pytest.raises(NotFound):
        services.access_task(other_commune_official.user, task_id)


def test_a_directive_dated_after_today_is_refused(son_la, chieng_an):
    with pytest.raises(DomainError) as refused:
        services.directive_issue(
            actor=None,
            issuer_id=son_la.unit_id,
            number="2/CT",
            issued_on=timezone.localdate() + dt.timedelta(days=1),
            subject="x",
            tasks=[
                TaskSpec(
                    title="t",
                    due=timezone.localdate() + dt.timedelta(days=5),
                    unit_ids=[chieng_an.unit_id],
                )
            ],
        )
    assert refused.value.problems[0].field == "issued_on"
