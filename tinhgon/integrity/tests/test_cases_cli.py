"""The commands: `integrity cases` (scripts read its JSON) and `integrity demo` (labelled, by
seed, made once; never an author's identity on the command line)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from tinhgon.core.errors import NotFound
from tinhgon.core.tests.cli import refused
from tinhgon.integrity import cases
from tinhgon.integrity.models import Case, CaseEvent, CaseKind
from tinhgon.integrity.tests.cases_factories import AUTHOR, CONTACT, committee_of, leader, receive

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("integrity", *args, stdout=out)
    return out.getvalue()


def test_integrity_cases_lists_a_units_cases_as_json_with_the_fields_scripts_read(
    chieng_an, to_hieu
):
    mine = receive(chieng_an.unit_id, kind=CaseKind.COMPLAINT)
    decided = receive(chieng_an.unit_id)
    cases.case_accept(actor=None, case_id=decided.pk)
    cases.case_decide(actor=None, case_id=decided.pk, decision="Kết luận")
    receive(to_hieu.unit_id)
    out = _run("cases", "--unit", chieng_an.code, "--open", "--format", "json")
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [mine.pk]
    assert {"id", "kind", "status", "handler_unit", "due"} <= set(rows[0])
    assert rows[0]["kind"] == "complaint" and rows[0]["status"] == "received"
    assert rows[0]["handler_unit"] == f"{chieng_an.code}-UBND"
    assert dt.datetime.fromisoformat(rows[0]["due"]) == mine.due
    assert rows[0]["due"].endswith("+07:00")  # Vietnam's time, as `calendar due` writes it
    everything = json.loads(_run("cases", "--unit", chieng_an.code, "--format", "json"))
    assert {r["id"] for r in everything} == {mine.pk, decided.pk}
    assert AUTHOR not in out and CONTACT not in out


def test_integrity_cases_lists_the_cases_a_unit_handles_and_the_table_names_no_author(
    son_la, chieng_an
):
    chairman = leader(committee_of(chieng_an.unit_id))
    case = receive(chieng_an.unit_id, official_id=chairman)
    inspectorate = f"{son_la.code}-TTR"
    rows = json.loads(_run("cases", "--unit", inspectorate, "--format", "json"))
    assert [(r["id"], r["handler_unit"]) for r in rows] == [(case.pk, inspectorate)]
    table = _run("cases", "--unit", inspectorate)
    assert str(case.pk) in table and AUTHOR not in table


def test_integrity_cases_refuses_an_unknown_unit_and_a_bad_format():
    with pytest.raises(CommandError):
        _run("cases", "--unit", "03667", "--format", "xml")
    with pytest.raises(NotFound):
        _run("cases", "--unit", "no-such-unit-99999", "--format", "json")


def test_the_demo_is_labelled_made_once_and_routes_through_the_services(
    son_la, capsys, monkeypatch
):
    found = Case.objects.filter(province_id=son_la.unit_id)
    # The same seed on the same registry gives the same set: made, rolled back, made again.
    savepoint = transaction.savepoint_create()
    _run("demo", "--province", "Sơn La", "--seed", "7", "--format", "json")
    fingerprint = sorted(found.values_list("unit_id", "kind", "status", "due"))
    transaction.savepoint_rollback(savepoint)
    assert not found.exists()
    made = json.loads(_run("demo", "--province", "Sơn La", "--seed", "7", "--format", "json"))
    assert sorted(found.values_list("unit_id", "kind", "status", "due")) == fingerprint
    assert made["made"] is True and made["cases"] >= 30
    assert found.count() == made["cases"] and not found.filter(synthetic=False).exists()
    subjects = found.values_list("subject", flat=True)
    assert all(subject.startswith("[Minh họa] ") for subject in subjects)
    assert set(found.values_list("kind", flat=True)) == set(CaseKind.values)
    assert found.filter(anonymous=True).exists() and found.filter(anonymous=False).exists()
    assert CaseEvent.objects.filter(case__in=found, move="receive").count() == made["cases"]
    events = CaseEvent.objects.count()
    line = refused(
        "integrity", "demo", "--province", "Sơn La", monkeypatch=monkeypatch, capsys=capsys
    )
    assert line == (
        f"{son_la.name} already holds synthetic cases ({made['cases']} cases): nothing was written."
    )
    assert found.count() == made["cases"] and CaseEvent.objects.count() == events
