"""The commands `integrity inspections` and `integrity recommendations` (scripts read their
JSON); a unit that does not exist is one line on stderr."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tinhgon.core.errors import NotFound
from tinhgon.integrity import inspections
from tinhgon.integrity.models import Recommendation
from tinhgon.integrity.tests import inspections_factories as make

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("integrity", *args, stdout=out)
    return out.getvalue()


def test_integrity_inspections_lists_a_unit_s_inspections_with_their_recommendations_counted(
    son_la, chieng_an, to_hieu
):
    open_one = make.decided(chieng_an.unit_id)
    concluded, late = make.concluded(chieng_an.unit_id)
    Recommendation.objects.filter(pk=late.pk).update(
        due=timezone.localdate() - dt.timedelta(days=1)
    )
    inspections.recommendation_add(
        actor=None, inspection_id=concluded.pk, text="Thêm", due=timezone.localdate()
    )
    make.decided(to_hieu.unit_id)
    rows = json.loads(_run("inspections", "--unit", chieng_an.code, "--format", "json"))
    assert {r["id"] for r in rows} == {open_one.pk, concluded.pk}
    by_id = {r["id"]: r for r in rows}
    row = by_id[concluded.pk]
    assert {
        "id",
        "kind",
        "status",
        "title",
        "inspecting_unit",
        "subject_unit",
        "decided_on",
        "recommendations_open",
        "recommendations_overdue",
    } <= set(row)
    assert row["subject_unit"] == chieng_an.code
    assert row["inspecting_unit"] != chieng_an.code
    assert (row["recommendations_open"], row["recommendations_overdue"]) == (2, 1)
    assert row["decided_on"] == concluded.decided_on.isoformat()
    opened = json.loads(_run("inspections", "--unit", chieng_an.code, "--open", "--format", "json"))
    assert [r["id"] for r in opened] == [open_one.pk]
    # The inspectorate sees both as the inspecting unit.
    inspectorate = make.inspectorate(son_la.unit_id)
    from tinhgon.units import selectors

    code = selectors.version_on(inspectorate, timezone.localdate()).code
    assert len(json.loads(_run("inspections", "--unit", code, "--format", "json"))) == 3
    assert str(open_one.pk) in _run("inspections", "--unit", chieng_an.code)


def test_integrity_recommendations_lists_what_a_unit_owes_soonest_due_first(chieng_an):
    _inspection, first = make.concluded(chieng_an.unit_id, due=timezone.localdate())
    _other, withdrawn = make.concluded(chieng_an.unit_id)
    inspections.recommendation_withdraw(actor=None, recommendation_id=withdrawn.pk, reason="Bỏ")
    rows = json.loads(_run("recommendations", "--unit", chieng_an.code, "--format", "json"))
    assert [r["id"] for r in rows] == [first.pk, withdrawn.pk]
    opened = json.loads(
        _run("recommendations", "--unit", chieng_an.code, "--open", "--format", "json")
    )
    assert [(r["id"], r["status"], r["overdue"]) for r in opened] == [(first.pk, "open", False)]
    assert "Chấn chỉnh" in _run("recommendations", "--unit", chieng_an.code)


def test_an_unknown_unit_and_a_bad_format_are_refused(db):
    # On the command line (run_from_argv) a refusal is one line on stderr and exit status 1.
    with pytest.raises(NotFound):
        _run("inspections", "--unit", "nowhere-at-all", "--format", "json")
    with pytest.raises(CommandError):
        _run("recommendations", "--unit", "03667", "--format", "xml")
