"""The Sơn La scenario: dossiers open in three wards that merge keep their deadlines and codes,
and the commands scripts depend on read them."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.core.management import call_command

from tinhgon.carriers.models import RecordMove
from tinhgon.conftest import unit
from tinhgon.core.errors import NotFound
from tinhgon.publicservices import services
from tinhgon.publicservices.models import Dossier, DossierEvent, Status
from tinhgon.publicservices.tests.factories import file_dossier
from tinhgon.reorg import engine, planfile
from tinhgon.units import selectors
from tinhgon.workdays.calendar import VIETNAM

pytestmark = pytest.mark.django_db

EFFECTIVE = dt.date(2026, 4, 1)
MERGE_THREE_WARDS = f"""
title: Hợp nhất ba phường
effective_date: {EFFECTIVE}
legal_basis: {{number: 03/NQ-HĐND}}
steps:
- action: consolidate
  sources: ['03646', '03667', '03670']
  target: {{code: '03998', name: Phường Tô Chiềng Cơi, kind: ward, parent: '14'}}
"""


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("services", *args, stdout=out)
    return out.getvalue()


def test_dossiers_open_in_three_merging_wards_are_open_at_the_new_ward_with_their_due_dates(
    clock,
):
    wards = [unit(name).unit_id for name in ("Tô Hiệu", "Chiềng An", "Chiềng Cơi")]
    clock.set(dt.datetime(2026, 3, 27, 9, 0, tzinfo=VIETNAM))  # the Friday before
    open_ones = {}
    for ward in wards:
        registered = file_dossier(ward, receive=False)
        received = file_dossier(ward)
        waiting = services.dossier_request_supplement(
            actor=None, code=file_dossier(ward).code, note="Thiếu tờ khai"
        )
        open_ones.update({d.code: d for d in (registered, received, waiting)})
    finished = services.dossier_stop(actor=None, code=file_dossier(wards[0]).code, note="Dừng")

    outcome = engine.apply_plan(planfile.load_yaml(MERGE_THREE_WARDS))
    assert outcome.plan is not None and outcome.report["carriers"]["dossiers"] == 9

    clock.set(dt.datetime(2026, 4, 1, 8, 0, tzinfo=VIETNAM))
    new_ward = selectors.resolve("Phường Tô Chiềng Cơi", day=EFFECTIVE)
    after = {d.code: d for d in Dossier.objects.filter(code__in=open_ones)}
    for code, before in open_ones.items():
        moved = after[code]
        assert moved.unit_id == new_ward.unit_id and moved.admin_unit_id == new_ward.unit_id
        assert moved.status == before.status and moved.due_at == before.due_at
        assert moved.receiving_unit_id == before.receiving_unit_id  # where it was filed stays
        assert DossierEvent.objects.filter(dossier=moved).count() == len(
            DossierEvent.objects.filter(dossier=before)
        )
        tracked = json.loads(run("track", code, "--format", "json"))
        assert tracked["code"] == code and tracked["unit"] == "03998"
        assert tracked["status"] == before.status
    history = RecordMove.objects.filter(plan_ref=outcome.plan.pk, carrier="dossiers")
    assert set(history.values_list("record_id", flat=True)) == {d.pk for d in after.values()}
    # A finished dossier is the record of the unit that decided it: it stays there.
    assert Dossier.objects.get(pk=finished.pk).unit_id == wards[0]
    # The work goes on at the new ward: the waiting dossiers resume with their clocks.
    waiting = next(d for d in after.values() if d.status == Status.SUPPLEMENT)
    resumed = services.dossier_supplement(actor=None, code=waiting.code)
    assert resumed.due_at is not None and waiting.due_at is not None
    assert resumed.unit_id == new_ward.unit_id and resumed.due_at > waiting.due_at
    listed = json.loads(run("dossiers", "--unit", "03998", "--open", "--format", "json"))
    assert {row["code"] for row in listed} == set(open_ones)
    assert all(row["unit"] == "03998" for row in listed)


def test_the_dossiers_command_lists_a_units_dossiers_with_their_national_status(clock):
    ward = unit("Phường Chiềng An").unit_id
    received = file_dossier(ward)
    stopped = services.dossier_stop(actor=None, code=file_dossier(ward).code, note="Dừng")
    every = json.loads(run("dossiers", "--unit", "03667", "--format", "json"))
    assert {(r["code"], r["status"]) for r in every} == {(received.code, 2), (stopped.code, 8)}
    row = next(r for r in every if r["code"] == received.code)
    assert row["unit"] == "03667" and row["due"] == "2026-03-05T17:00:00+07:00"
    assert row["applicant_id"].startswith("********")
    opened = json.loads(run("dossiers", "--unit", "03667", "--open", "--format", "json"))
    assert [r["code"] for r in opened] == [received.code]
    assert received.code in run("dossiers", "--unit", "03667")


def test_tracking_an_unknown_code_is_refused_in_one_line(clock):
    with pytest.raises(NotFound) as refused:
        run("track", "03667-20260302-999999", "--format", "json")
    assert "\n" not in refused.value.message and "03667-20260302-999999" in refused.value.message


def test_the_catalogue_exports_what_it_imports_and_a_second_import_changes_nothing(clock, tmp_path):
    first = run("catalogue-import", "--valid-from", "2025-07-01")
    assert re.findall(r"\d+", first) == ["11", "0", "0"]
    exported = tmp_path / "catalogue.json"
    run("catalogue-export", "--as-of", "2026-03-02", "--output", str(exported))
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert {p["code"] for p in data["procedures"]} >= {"1.001193", "1.004194", "2.001610"}
    assert all(p["source"] for p in data["procedures"])
    again = run("catalogue-import", str(exported), "--valid-from", "2026-03-02")
    assert re.findall(r"\d+", again) == ["0", "0", "11"]
