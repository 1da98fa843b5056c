"""The commands: `coord tasks` (scripts read its JSON) and `coord demo` (labelled, by seed)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from tinhgon.coordination import demo
from tinhgon.coordination.models import Directive, Task, TaskEvent, TaskStatus
from tinhgon.coordination.tests import tasks_factories as make
from tinhgon.core import text
from tinhgon.core.errors import DomainError, NotFound
from tinhgon.core.tests.cli import refused

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("coord", *args, stdout=out)
    return out.getvalue()


def test_coord_tasks_lists_a_units_tasks_as_json_with_the_fields_scripts_read(chieng_an, to_hieu):
    mine = make.open_task(chieng_an.unit_id)
    make.open_task(to_hieu.unit_id)
    rows = json.loads(_run("tasks", "--unit", chieng_an.code, "--open", "--format", "json"))
    assert [r["id"] for r in rows] == [mine]
    assert {"id", "directive", "unit", "due", "status"} <= set(rows[0])
    assert rows[0]["unit"] == chieng_an.code and rows[0]["status"] == "received"
    assert rows[0]["directive"] == Task.objects.get(pk=mine).directive.number


def test_coord_tasks_refuses_an_unknown_unit_and_a_bad_format():
    with pytest.raises(CommandError):
        _run("tasks", "--unit", "03667", "--format", "xml")
    with pytest.raises(NotFound):
        _run("tasks", "--unit", "no-such-unit-99999", "--format", "json")


def test_the_demo_is_labelled_deterministic_by_seed_and_made_once(son_la):
    made = json.loads(_run("demo", "--province", "Sơn La", "--seed", "7", "--format", "json"))
    assert made["made"] is True and made["tasks"] > 75
    directives = Directive.objects.filter(province_id=son_la.unit_id)
    assert directives.count() == made["directives"] == 5
    assert all(d.synthetic and d.number.startswith("DEMO-") for d in directives)
    assert all("Minh họa" in d.subject for d in directives)
    tasks = Task.objects.filter(directive__in=directives)
    assert not tasks.filter(synthetic=False).exists()
    states = set(tasks.values_list("status", flat=True))
    assert {TaskStatus.RECEIVED, TaskStatus.IN_PROGRESS, TaskStatus.REPORTED} <= states
    assert {TaskStatus.ACCEPTED, TaskStatus.RETURNED} <= states
    fingerprint = sorted(tasks.values_list("unit_id", "status", "due"))
    events = TaskEvent.objects.count()
    with translation.override("en"), pytest.raises(DomainError, match="Sơn La already holds"):
        _run("demo", "--province", "Sơn La", "--seed", "7", "--format", "json")
    assert TaskEvent.objects.count() == events
    # The same seed on a fresh database gives the same set.
    Task.objects.filter(directive__in=directives).update(parent=None)
    TaskEvent.objects.all().delete()
    from tinhgon.coordination.models import Extension

    Extension.objects.all().delete()
    Task.objects.all().delete()
    directives.delete()
    _run("demo", "--province", "Sơn La", "--seed", "7", "--format", "json")
    redone = Task.objects.filter(directive__province_id=son_la.unit_id)
    assert sorted(redone.values_list("unit_id", "status", "due")) == fingerprint


def test_a_second_demo_in_a_province_is_one_line_naming_it_exit_1_and_writes_nothing(
    son_la, capsys, monkeypatch
):
    _run("demo", "--province", "Sơn La", "--seed", "2")
    before = (Directive.objects.count(), Task.objects.count(), TaskEvent.objects.count())
    line = refused(
        "coord", "demo", "--province", son_la.code, monkeypatch=monkeypatch, capsys=capsys
    )
    held = demo.summary(son_la.unit_id)
    with translation.override("en"):
        tasks = text.number(held["tasks"])
    assert line == (
        f"{son_la.name} already holds synthetic coordination data ({held['directives']} "
        f"directives, {tasks} tasks): nothing was written."
    )
    assert (Directive.objects.count(), Task.objects.count(), TaskEvent.objects.count()) == before
