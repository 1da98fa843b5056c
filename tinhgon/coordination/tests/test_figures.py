"""The figures of coordination in Sơn La: tasks on time, late and overdue (read from the task
rows), reports missing, obstacles open and answer times; the command's JSON, the spreadsheet,
and who may read them."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from tinhgon.coordination import figures, obstacles, reports
from tinhgon.coordination.models import Directive, Obstacle, Task, TaskStatus
from tinhgon.coordination.tests.reports_factories import body, template
from tinhgon.core.errors import NotFound

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(son_la, chieng_an, to_hieu):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    issuer = body(son_la.unit_id, "SNV")
    directive = Directive.objects.create(
        province_id=son_la.unit_id,
        issuer_id=issuer,
        number="12/KH-UBND",
        issued_on=today - dt.timedelta(days=40),
        subject="Rà soát trụ sở sau sắp xếp",
    )
    past, future = today - dt.timedelta(days=5), today + dt.timedelta(days=5)
    reported_early = timezone.now() - dt.timedelta(days=10)

    def task(unit_id: int, due: dt.date, status: str, reported=None) -> Task:  # type: ignore[no-untyped-def]
        return Task.objects.create(
            directive=directive,
            unit_id=unit_id,
            province_id=son_la.unit_id,
            title="Rà soát trụ sở",
            due=due,
            status=status,
            reported_at=reported,
        )

    task(chieng_an.unit_id, past, TaskStatus.RECEIVED)  # overdue
    task(chieng_an.unit_id, future, TaskStatus.IN_PROGRESS)  # open, not overdue
    task(to_hieu.unit_id, past, TaskStatus.ACCEPTED, reported_early)  # on time
    task(to_hieu.unit_id, past - dt.timedelta(days=20), TaskStatus.REPORTED, reported_early)  # late
    task(to_hieu.unit_id, past, TaskStatus.MERGED)  # a duplicate absorbed: not counted
    round_ = reports.round_open(
        actor=None,
        template_id=template(son_la.unit_id).pk,
        label="T10",
        starts=today - dt.timedelta(days=60),
        ends=today - dt.timedelta(days=30),
        due=today - dt.timedelta(days=1),
        every="communes",
    )
    for duty in round_.duties.exclude(unit_id=chieng_an.unit_id).order_by("pk")[:70]:
        reports.submission_save(
            actor=None, duty_id=duty.pk, values={"staff": 1, "progress": "Xong"}
        )
    waiting = obstacles.obstacle_raise(
        actor=None, unit_id=chieng_an.unit_id, category="other", subject="A", body="a"
    )
    answered = obstacles.obstacle_raise(
        actor=None, unit_id=to_hieu.unit_id, category="other", subject="B", body="b"
    )
    obstacles.obstacle_answer(actor=None, obstacle_id=answered.pk, answer="Trả lời")
    return {"directive": directive, "waiting": waiting, "answered": answered}


def test_the_province_figures_count_tasks_reports_and_obstacles(son_la, chieng_an, activity):
    data = figures.province_figures(figures.province_for(None, "Sơn La"))
    assert (data["tasks"], data["tasks_open"], data["tasks_overdue"]) == (4, 3, 1)
    assert (data["tasks_on_time"], data["tasks_late"]) == (1, 1)
    assert data["reports_missing"] == 5
    assert (data["obstacles"], data["obstacles_open"], data["obstacles_answered"]) == (2, 1, 1)
    assert data["answer_days_mean"] == 0
    assert len(data["communes"]) == 75
    first = data["communes"][0]
    assert (first["unit"], first["tasks_overdue"], first["reports_missing"]) == (
        chieng_an.code,
        1,
        1,
    )
    office = next(b for b in data["bodies"] if b["unit"].endswith("-VP"))
    assert (office["obstacles"], office["obstacles_open"]) == (2, 1)
    home_affairs = next(b for b in data["bodies"] if b["unit"].endswith("-SNV"))
    assert home_affairs["tasks_overdue"] == 1
    assert data["directives"][0]["directive"] == "12/KH-UBND"


def test_the_command_writes_the_figures_as_json(activity, capsys):
    call_command("coord", "figures", "--province", "Sơn La", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert {
        k: data[k] for k in ("tasks_open", "tasks_overdue", "reports_missing", "obstacles_open")
    } == {
        "tasks_open": 3,
        "tasks_overdue": 1,
        "reports_missing": 5,
        "obstacles_open": 1,
    }


def test_the_spreadsheet_lists_every_commune(son_la, activity):
    data = figures.province_figures(son_la)
    book = load_workbook(io.BytesIO(figures.figures_xlsx(data)))
    _summary, communes, _bodies, directives = book.worksheets
    assert communes.max_row == 76
    assert directives.max_row == 2


def test_a_commune_official_does_not_read_the_province_figures(
    son_la, commune_official, province_admin
):
    with pytest.raises(NotFound):
        figures.province_for(commune_official.user, province_id=son_la.unit_id)
    assert figures.province_for(province_admin.user, "Sơn La").unit_id == son_la.unit_id


def test_an_obstacle_answered_after_three_working_days_counts_three(son_la, activity):
    answered: Obstacle = activity["answered"]
    Obstacle.objects.filter(pk=answered.pk).update(
        raised_at=dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC),  # a Monday
        answered_at=dt.datetime(2026, 3, 5, 9, tzinfo=dt.UTC),
    )
    assert figures.province_figures(son_la)["answer_days_mean"] == 3


@pytest.mark.parametrize(
    "args",
    [
        ("figures", "--province", "Xứ Không Có"),
        ("figures",),
        ("figures", "--province", "Sơn La", "--format", "xml"),
        ("report-missing", "--round", "abc"),
        ("report-missing", "--round", "99999"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(db, capsys, monkeypatch, args):  # type: ignore[no-untyped-def]
    from tinhgon.coordination.management.commands.coord import Command
    from tinhgon.core import commands

    monkeypatch.setattr(commands.connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["tinhgon", "coord", *args])
    captured = capsys.readouterr()
    assert exited.value.code == 1
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1


def test_the_figures_of_a_province_take_a_bounded_number_of_queries(
    son_la, activity, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        figures.province_figures(son_la)


def test_the_command_writes_a_table_and_a_spreadsheet(activity, capsys, tmp_path):
    call_command("coord", "figures", "--province", "Sơn La")
    assert "Sơn La" in capsys.readouterr().out
    target = tmp_path / "f.xlsx"
    call_command(
        "coord", "figures", "--province", "14", "--format", "xlsx", "--output", str(target)
    )
    assert load_workbook(target).worksheets[1].max_row == 76
