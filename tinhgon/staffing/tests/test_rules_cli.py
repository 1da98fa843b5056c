"""`tinhgon staff evaluate | leavers | norms`: JSON for scripts, a list recorded whole, refusals
in one line with exit status 1."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils import translation

from tinhgon.core import commands
from tinhgon.staffing import leavers
from tinhgon.staffing.management.commands.staff import Command
from tinhgon.staffing.models import Evaluation, LeaderNorm
from tinhgon.staffing.tests.factories import official

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("staff", *args, stdout=out)
    return out.getvalue()


def test_norms_in_json_list_the_seeded_norms_with_their_source():
    data = json.loads(run("norms", "--format", "json"))
    department = next(n for n in data["norms"] if n["kind"] == "department")
    assert (department["heads"], department["deputies"]) == (1, 3)
    assert "150/2025" in department["source"]


def test_a_norm_is_changed_from_a_date(son_la):
    run(
        "norms",
        "--set",
        "department",
        "--heads",
        "1",
        "--deputies",
        "4",
        "--from",
        "2027-01-01",
        "--source",
        "Nghị định mới",
    )
    assert LeaderNorm.objects.filter(kind="department").count() == 2
    before = json.loads(run("norms", "--as-of", "2026-12-31", "--format", "json"))
    after = json.loads(
        run("norms", "--as-of", "2027-01-01", "--format", "json", "--unit", son_la.code)
    )
    assert next(n for n in before["norms"] if n["kind"] == "department")["deputies"] == 3
    assert next(n for n in after["norms"] if n["kind"] == "department")["deputies"] == 4
    assert "units" in after and "excess" in after


def test_evaluate_records_a_csv_list_and_prints_the_distribution(chieng_an, tmp_path):
    people = [official(chieng_an.unit_id) for _ in range(6)]
    lines = ["official,general,task", f"{people[0]},30,62"] + [f"{p},25,50" for p in people[1:]]
    rows = tmp_path / "rows.csv"
    rows.write_text("\n".join(lines), encoding="utf-8")
    data = json.loads(
        run(
            "evaluate",
            "--unit",
            chieng_an.code,
            "--year",
            "2026",
            "--file",
            str(rows),
            "--format",
            "json",
        )
    )
    assert data["counts"]["outstanding"] == 1 and data["counts"]["good"] == 5
    assert data["headroom"] == 0
    assert len(data["evaluations"]) == 6


def test_evaluate_prints_the_ratings_by_their_names_and_keeps_the_values_for_scripts(
    chieng_an, tmp_path
):
    rows = tmp_path / "rows.csv"
    rows.write_text(f"official,general,task\n{official(chieng_an.unit_id)},25,50", encoding="utf-8")
    with translation.override("en"):
        text = run("evaluate", "--unit", chieng_an.code, "--year", "2026", "--file", str(rows))
    lines = text.splitlines()
    assert any(line.startswith("well completed duties") and line.endswith("1") for line in lines)
    assert "did not complete duties" in text
    assert "outstanding" not in text and "not_completed" not in text, "the raw values"
    data = json.loads(
        run("evaluate", "--unit", chieng_an.code, "--year", "2026", "--format", "json")
    )
    assert data["counts"]["good"] == 1
    assert list(data["counts"]) == ["outstanding", "good", "completed", "not_completed"]


def test_leavers_in_json_give_the_amounts(chieng_an):
    leavers.leaver_record(
        actor=None,
        official_id=official(chieng_an.unit_id, hire_date=dt.date(2000, 9, 1)),
        kind="early_retirement",
        reason="Sắp xếp",
        decided_on=dt.date(2025, 8, 15),
        leaves_on=dt.date(2025, 9, 1),
        reorganized_on=dt.date(2025, 7, 1),
        retirement_on=dt.date(2028, 9, 1),
    )
    data = json.loads(run("leavers", "--unit", chieng_an.code, "--format", "json"))
    [row] = data["leavers"]
    assert row["total"] == 455843700 and row["payment"] == "pending"


def test_a_bad_row_is_one_line_naming_the_row_and_exit_1(chieng_an, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(commands.connections, "close_all", lambda: None)
    person = official(chieng_an.unit_id)
    rows = tmp_path / "rows.json"
    rows.write_text(
        json.dumps([{"official": person, "general": 25, "task": 50}, {"official": "x"}])
    )
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(
            [
                "tinhgon",
                "staff",
                "evaluate",
                "--unit",
                chieng_an.code,
                "--year",
                "2026",
                "--file",
                str(rows),
            ]
        )
    captured = capsys.readouterr()
    assert exited.value.code == 1
    assert "row 2" in captured.err or "dòng 2" in captured.err
    assert len(captured.err.strip().splitlines()) == 1
    assert not Evaluation.objects.filter(official_id=person).exists()


def test_norms_records_the_excess_after_a_plan_and_refreshes_it():
    from tinhgon.conftest import unit
    from tinhgon.staffing.models import LeaderRole
    from tinhgon.staffing.tests.test_leaders import DAY, _leader, _plan

    for ward in (unit("Phường Tô Hiệu").unit_id, unit("Phường Chiềng An").unit_id):
        _leader(ward, LeaderRole.DEPUTY)
        _leader(ward, LeaderRole.DEPUTY)
    plan_ref = _plan()
    data = json.loads(
        run(
            "norms",
            "--excess-plan",
            str(plan_ref),
            "--effective",
            DAY.isoformat(),
            "--format",
            "json",
        )
    )
    assert data["excess_recorded"] == 2  # 4 deputies against 2
    again = json.loads(run("norms", "--refresh", "--as-of", "2026-02-01", "--format", "json"))
    assert again["excess_resolved"] == 0


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("rows.xlsx", b"PK\x03\x04 a spreadsheet", "must be a .csv or .json file"),
        ("rows.csv", "official,general,task\n1,25,50\n".encode("cp1258") + b"\xff\xfe", "UTF-8"),
        ("rows.csv", b"", "no column 'official'"),
        ("rows.csv", b"official,general,task\n", "has no rows"),
        ("rows.json", b"[]", "has no rows"),
        ("rows.csv", b"official,general,grade\n1,25,50\n", "unknown column 'grade'"),
        ("rows.csv", b"nguoi,general,task\n1,25,50\n", "unknown column 'nguoi'"),
        ("rows.json", b'[{"official": 1, "note": "x"}]', "row 1: unknown column 'note'"),
    ],
)
def test_a_file_that_is_not_a_list_of_rows_is_one_line_naming_it_and_nothing_recorded(
    chieng_an, tmp_path, capsys, monkeypatch, name, content, said
):
    from tinhgon.core.tests.cli import refused

    rows = tmp_path / name
    rows.write_bytes(content)
    line = refused(
        "staff",
        "evaluate",
        "--unit",
        chieng_an.code,
        "--year",
        "2026",
        "--file",
        str(rows),
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert str(rows) in line and said in line
    assert not Evaluation.objects.exists()
