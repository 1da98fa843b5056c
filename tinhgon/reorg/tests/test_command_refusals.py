"""The contract of issue 7's Interfaces: every refusal of `tinhgon plan ...` and `tinhgon units
...` is one line on stderr, in the reader's language, with exit status 1 and no traceback:
a missing or malformed file, an unknown or huge id, a bad argument, an illegal transition."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tinhgon.reorg.models import Plan

TINHGON = [sys.executable, "-m", "tinhgon.manage"]
HUGE = "99999999999999999999"
GOOD_PLAN = """title: Hợp nhất hai phường
effective_date: 2026-01-01
steps:
- action: consolidate
  sources: ['03646', '03667']
  target: {code: '03999', name: Phường Tô Chiềng, kind: ward, parent: '14'}
"""


@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    """The console command on a migrated SQLite database of its own (empty registry)."""
    folder = tmp_path_factory.mktemp("cli")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'cli.sqlite3'}",
        "TINHGON_DEBUG": "0",
        "TINHGON_MAX_UPLOAD_BYTES": "20000",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run([*TINHGON, "migrate", "-v0"], env=env, check=True, timeout=300)
    files = {
        "missing": str(folder / "nothing.yaml"),
        "yaml": folder / "bad.yaml",
        "aliases": folder / "aliases.yaml",
        "large": folder / "large.yaml",
        "xlsx": folder / "bad.xlsx",
        "dir": str(folder),
    }
    files["yaml"].write_text("title: [unclosed\n", encoding="utf-8")
    files["aliases"].write_text(
        "a: &a [x, x]\ntitle: *a\neffective_date: 2027-02-30\nsteps: []\n", encoding="utf-8"
    )
    files["large"].write_text("#" * 20_001, encoding="utf-8")
    files["xlsx"].write_bytes(b"PK\x03\x04 not a workbook")

    def run(*args: object) -> subprocess.CompletedProcess:
        argv = [str(files.get(a, a)) if isinstance(a, str) else str(a) for a in args]
        return subprocess.run(
            [*TINHGON, *argv], env=env, capture_output=True, text=True, timeout=120
        )

    run.env = env  # type: ignore[attr-defined]
    return run


@pytest.mark.parametrize(
    "args",
    [
        ("plan",),
        ("plan", "frob"),
        ("plan", "apply", "missing"),
        ("plan", "apply", "dir"),
        ("plan", "preview", "yaml"),
        ("plan", "rehearse", "aliases"),
        ("plan", "create", "large"),
        ("plan", "apply", "xlsx"),
        ("plan", "preview", "yaml", "--format", "pdf"),
        ("plan", "apply", "yaml", "--batch-rows", "0"),
        ("plan", "approve", "7"),
        ("plan", "approve", HUGE),
        ("plan", "approve", "abc"),
        ("plan", "decide", HUGE, "--choice", "1=new:T1"),
        ("plan", "decide", "7", "--choice", f"{HUGE}=new:T1"),
        ("plan", "apply-due", "--today", "2027-02-30"),
        ("plan", "build-2025"),
        ("units", "import-excel", "missing"),
        ("units", "import-excel", "xlsx"),
        ("units", "import-excel", "large"),
        ("units", "list", "--as-of", "30/02/2027"),
        ("units", "list", "--level", "galaxy"),
        ("units", "list", "--province", "Atlantis"),
        ("units", "nothing"),
    ],
)
def test_every_refusal_is_one_line_on_stderr_in_vietnamese_and_exit_1(cli, args):
    result = cli(*args)
    lines = result.stderr.strip().splitlines()
    assert (result.returncode, len(lines)) == (1, 1), result.stderr
    assert "Traceback" not in result.stderr and "CommandError" not in result.stderr
    assert "usage:" not in result.stderr
    assert re.search("[^\x00-\x7f]", lines[0]), lines[0]  # said in Vietnamese
    assert result.stdout == ""


def test_an_illegal_transition_is_one_line_and_exit_1(db, tmp_path):
    path = Path(tmp_path / "plan.yaml")
    path.write_text(GOOD_PLAN, encoding="utf-8")
    call_command("plan", "apply", str(path), stdout=io.StringIO())
    plan = Plan.objects.latest("id")
    with pytest.raises(CommandError) as refused:
        call_command("plan", "approve", str(plan.pk), stdout=io.StringIO())
    assert refused.value.returncode == 1 and "\n" not in str(refused.value)
    with pytest.raises(CommandError) as refused:
        call_command("plan", "decide", str(plan.pk), "--choice", "1=new:X")
    assert refused.value.returncode == 1 and "\n" not in str(refused.value)


def test_a_refused_plan_names_its_first_problem_in_the_reader_s_language(db, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "title: x\neffective_date: 2026-01-01\nsteps:\n- {action: rename, unit: !!int abc}\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as refused:
        call_command("plan", "preview", str(path))
    assert "bước 1, dòng 4, trường 'unit'" in str(refused.value)


def test_the_units_command_prints_its_tables_in_the_reader_s_language(db):
    out = io.StringIO()
    call_command("units", "list", "--level", "province", "--as-of", "2025-07-01", stdout=out)
    assert "34 đơn vị đang hoạt động ngày 01/07/2025" in out.getvalue()
    out = io.StringIO()
    call_command("units", "conflicts", "--category", "district_without_communes", stdout=out)
    assert out.getvalue().splitlines()[0].split()[:4] == ["nhóm", "trạng", "thái", "mã"]


def test_a_reader_that_leaves_early_gets_no_traceback(cli):
    # `tinhgon plan --help | head -0`: the pipe is closed before the command writes.
    process = subprocess.Popen(
        [*TINHGON, "plan", "--help"],
        env=cli.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    errors = process.stderr.read()
    process.wait(timeout=120)
    assert "Traceback" not in errors and "BrokenPipe" not in errors, errors


def test_a_database_that_was_never_migrated_is_one_line_and_exit_1(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [*TINHGON, "units", "list"], env=env, capture_output=True, text=True, timeout=120
    )
    lines = result.stderr.strip().splitlines()
    assert (result.returncode, len(lines)) == (1, 1), result.stderr
    assert "migrate" in lines[0]
