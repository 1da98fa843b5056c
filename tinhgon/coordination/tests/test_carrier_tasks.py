"""Tasks follow their lead unit through a merger; duplicates of one directive land once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tinhgon.carriers import contract
from tinhgon.carriers.models import RecordMove
from tinhgon.conftest import unit
from tinhgon.coordination import selectors, services
from tinhgon.coordination.models import Task, TaskCooperator, TaskEvent, TaskStatus
from tinhgon.coordination.services import TargetKind, TaskSpec
from tinhgon.reorg import engine, planfile
from tinhgon.units import selectors as units
from tinhgon.workdays.calendar import VIETNAM

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 1, 1)
ISSUED = dt.date(2025, 12, 1)
MERGE_TWO_WARDS = """
- action: consolidate
  sources: ['03646', '03667']
  target: {code: '03999', name: Phường Tô Chiềng, kind: ward, parent: '14'}
"""


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        at = dt.datetime(2025, 12, 1, 9, 0, tzinfo=VIETNAM)

    monkeypatch.setattr(timezone, "now", lambda: Clock.at.astimezone(dt.UTC))
    return Clock


def _apply():  # type: ignore[no-untyped-def]
    spec = planfile.load_yaml(
        f"title: Thử nghiệm\neffective_date: {DAY}\nlegal_basis: {{number: 02/NQ-HĐND}}\n"
        f"steps:\n{MERGE_TWO_WARDS}"
    )
    outcome = engine.apply_plan(spec)
    assert outcome.plan is not None
    return outcome


def _wards() -> tuple[int, int]:
    return (
        unit("Phường Tô Hiệu", day=ISSUED).unit_id,
        unit("Phường Chiềng An", day=ISSUED).unit_id,
    )


def _issue(son_la, number: str, tasks: list[TaskSpec]):  # type: ignore[no-untyped-def]
    return services.directive_issue(
        actor=None,
        issuer_id=son_la.unit_id,
        number=number,
        issued_on=ISSUED,
        subject="Sắp xếp trụ sở",
        tasks=tasks,
    )


def test_two_communes_merging_before_the_deadline_leave_the_successor_one_task_with_both_histories(
    clock, son_la, commune_official, other_commune_official, superuser
):
    to_hieu, chieng_an = _wards()
    directive = _issue(
        son_la,
        "15/CT-UBND",
        [TaskSpec(title="Rà soát trụ sở", due=dt.date(2026, 2, 1), every=TargetKind.COMMUNES)],
    )
    assert Task.objects.filter(directive=directive).count() == 75
    first = Task.objects.get(directive=directive, unit_id=to_hieu)
    second = Task.objects.get(directive=directive, unit_id=chieng_an)
    services.task_start(actor=other_commune_official.user, task_id=first.pk, note="Tô Hiệu")
    services.task_comment(actor=commune_official.user, task_id=second.pk, note="Chiềng An")

    outcome = _apply()

    successor = units.resolve("Phường Tô Chiềng", day=DAY).unit_id
    there = Task.objects.filter(directive=directive, unit_id=successor)
    open_there = there.filter(status__in=[TaskStatus.RECEIVED, TaskStatus.IN_PROGRESS])
    assert open_there.count() == 1, "the successor holds one task, not two"
    kept = open_there.get()
    absorbed = there.exclude(pk=kept.pk).get()
    assert kept.pk == first.pk  # same due date: the one further along (in progress) is kept
    assert kept.status == TaskStatus.IN_PROGRESS
    assert absorbed.status == TaskStatus.MERGED and absorbed.merged_into_id == kept.pk
    assert Task.objects.filter(directive=directive).exclude(status=TaskStatus.MERGED).count() == 74
    # The history of both, each event where and by whom it happened.
    notes = [(e.task_id, e.move, e.note, e.unit_id) for e in selectors.history(kept)]
    assert (first.pk, "start", "Tô Hiệu", to_hieu) in notes
    assert (second.pk, "comment", "Chiềng An", chieng_an) in notes
    page = superuser.browser().get(f"/coord/tasks/{kept.pk}/").content.decode()
    assert "Tô Hiệu" in page and "Chiềng An" in page, "the kept task's page shows both histories"
    merge = TaskEvent.objects.get(task=absorbed, move="merge")
    assert merge.data["merged_into"] == kept.pk and merge.from_status == TaskStatus.RECEIVED
    moved = RecordMove.objects.filter(plan_ref=outcome.plan.pk, carrier="tasks")
    assert set(moved.values_list("record_id", flat=True)) == {first.pk, second.pk}
    assert set(there.values_list("province_id", flat=True)) == {son_la.unit_id}
    # Idempotent: a second run moves and merges nothing.
    ctx = contract.Context(outcome.plan.pk, DAY)
    carrier = contract.get("tasks")
    assert carrier is not None and carrier.move(ctx) == 0
    assert TaskEvent.objects.filter(move="merge").count() == 1


def test_the_task_due_first_is_kept_and_an_accepted_task_stays_with_its_unit(
    clock, son_la, province_admin, other_commune_official
):
    to_hieu, chieng_an = _wards()
    early = _issue(
        son_la,
        "16/CT-UBND",
        [
            TaskSpec(title="A", due=dt.date(2026, 3, 1), unit_ids=[to_hieu]),
            TaskSpec(title="A", due=dt.date(2026, 2, 1), unit_ids=[chieng_an]),
        ],
    )
    done = _issue(son_la, "17/CT-UBND", [TaskSpec(title="B", due=ISSUED, unit_ids=[to_hieu])])
    finished = Task.objects.get(directive=done)
    services.task_report(actor=other_commune_official.user, task_id=finished.pk, note="Xong")
    services.task_accept(actor=province_admin.user, task_id=finished.pk)

    _apply()

    kept = Task.objects.get(directive=early, status=TaskStatus.RECEIVED)
    assert kept.due == dt.date(2026, 2, 1) and kept.title == "A"
    assert Task.objects.get(directive=early, status=TaskStatus.MERGED).merged_into_id == kept.pk
    finished.refresh_from_db()
    assert finished.unit_id == to_hieu and finished.status == TaskStatus.ACCEPTED


def test_cooperators_follow_their_unit_once_per_task(clock, son_la):
    to_hieu, chieng_an = _wards()
    directive = _issue(
        son_la,
        "18/CT-UBND",
        [
            TaskSpec(
                title="Hợp nhất dữ liệu",
                due=dt.date(2026, 2, 1),
                unit_ids=[son_la.unit_id],
                cooperator_ids=[to_hieu, chieng_an],
            ),
            # Two tasks that merge, each with a cooperator of its own: the kept one gains both.
            TaskSpec(
                title="Bàn giao hồ sơ",
                due=dt.date(2026, 2, 1),
                unit_ids=[to_hieu, chieng_an],
                cooperator_ids=[son_la.unit_id],
            ),
        ],
    )
    _apply()
    successor = units.resolve("Phường Tô Chiềng", day=DAY).unit_id
    lead = Task.objects.get(directive=directive, unit_id=son_la.unit_id)
    assert list(lead.cooperators.values_list("unit_id", flat=True)) == [successor]
    kept = Task.objects.get(directive=directive, unit_id=successor, status=TaskStatus.RECEIVED)
    assert list(kept.cooperators.values_list("unit_id", flat=True)) == [son_la.unit_id]
    assert not TaskCooperator.objects.filter(unit_id__in=[to_hieu, chieng_an]).exists()
