"""The Interface of issue 8 that scripts depend on: `tinhgon calendar due --received DATETIME
--days N --format json` prints {"due": ISO datetime}; bad input is one line on stderr and exit 1.
Output speaks the reader's language (Vietnamese by default: 26/02/2026)."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import subprocess
import sys

import pytest
from django.core.management import call_command

from tinhgon.core.models import AuditEvent
from tinhgon.workdays.models import DayException

TINHGON = [sys.executable, "-m", "tinhgon.manage"]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]+", text))


@pytest.mark.django_db
def test_due_as_json_prints_the_close_of_the_last_working_day():
    data = json.loads(
        run("calendar", "due", "--received", "2026-02-12T10:00", "--days", "5", "--format", "json")
    )
    assert data["due"] == "2026-02-26T17:00:00+07:00"
    assert dt.datetime.fromisoformat(data["due"]).date() == dt.date(2026, 2, 26)


@pytest.mark.django_db
def test_due_reads_a_moment_with_its_zone_and_a_date_alone_as_during_working_hours():
    utc = run(
        "calendar", "due", "--received", "2025-03-07T10:30:00Z", "--days", "1", "--format", "json"
    )
    assert json.loads(utc)["due"] == "2025-03-11T17:00:00+07:00"  # 17:30 in Hà Nội, after the close
    day = run("calendar", "due", "--received", "2025-03-07", "--days", "1", "--format", "json")
    assert json.loads(day)["due"] == "2025-03-10T17:00:00+07:00"


@pytest.mark.django_db
def test_due_as_text_writes_the_date_as_vietnamese_do():
    assert (
        run("calendar", "due", "--received", "2025-04-24T09:00", "--days", "2")
        == "26/04/2025 17:00\n"
    )


@pytest.mark.django_db
def test_days_lists_the_holidays_and_the_make_up_saturday_in_vietnamese():
    text = run("calendar", "days", "--year", "2025")
    assert "26/04/2025" in text and "ngày làm bù" in text.lower()
    assert "29/01/2025" in text and "Tết Nguyên Đán" in text
    assert not re.search(r"\d{4}-\d\d-\d\d", text)
    assert not {"day", "off", "working", "weekday", "reason", "source"} & words(text)


@pytest.mark.django_db
def test_days_as_json_marks_the_decided_days():
    rows = json.loads(run("calendar", "days", "--year", "2025", "--format", "json"))
    make_up = next(row for row in rows if row["day"] == "2025-04-26")
    assert make_up["kind"] == "working" and make_up["decided"] and make_up["source"]
    assert {row["day"] for row in rows if not row["decided"]} >= {"2025-01-29", "2025-09-02"}


@pytest.mark.django_db
def test_add_records_the_yearly_decision_once_with_an_audit_row():
    args = ("calendar", "add", "--day", "2027-02-13", "--kind", "working")
    text = run(*args, "--reason", "Làm bù Tết 2027", "--source", "Thông báo thử")
    assert text == "13/02/2027 là ngày làm việc: Làm bù Tết 2027.\n"
    run(*args, "--reason", "Làm bù Tết 2027", "--source", "Thông báo thử")  # again: nothing new
    row = DayException.objects.get(day=dt.date(2027, 2, 13))
    assert (row.kind, row.source) == ("working", "Thông báo thử")
    assert AuditEvent.objects.filter(action="workdays.day_exception_set").count() == 1
    due = run(
        "calendar", "due", "--received", "2027-02-12T09:00", "--days", "1", "--format", "json"
    )
    assert json.loads(due)["due"] == "2027-02-13T17:00:00+07:00"


@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    """The console command on a migrated SQLite database of its own."""
    folder = tmp_path_factory.mktemp("calendar")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'cli.sqlite3'}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run([*TINHGON, "migrate", "-v0"], env=env, check=True, timeout=300)

    def call(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*TINHGON, "calendar", *args], env=env, capture_output=True, text=True, timeout=120
        )

    return call


def test_the_console_command_prints_the_json_scripts_read(cli):
    done = cli("due", "--received", "2026-02-12T10:00", "--days", "5", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "due": "2026-02-26T17:00:00+07:00",
        "received": "2026-02-12T10:00:00+07:00",
        "days": 5,
    }


@pytest.mark.parametrize(
    "args",
    [
        ("due", "--received", "nope", "--days", "3"),
        ("due", "--received", "2026-02-30T10:00", "--days", "3"),
        ("due", "--received", "2026-02-12T10:00", "--days", "-3"),
        ("due", "--received", "2026-02-12T10:00", "--days", "many"),
        ("due", "--received", "2026-02-12T10:00"),
        ("due", "--received", "0001-01-01T00:00+14:00", "--days", "1"),
        ("due", "--received", "2026-02-12T10:00", "--days", "5", "--format", "xml"),
        ("days", "--year", "twenty"),
        ("add", "--day", "2027-02-31", "--kind", "off", "--reason", "x", "--source", "y"),
        ("add", "--day", "2027-02-15", "--kind", "working", "--reason", "x", "--source", "y"),
        ("add", "--day", "2027-02-13", "--kind", "off", "--reason", "x", "--source", "y"),
        ("add", "--day", "2027-02-15", "--kind", "off", "--reason", " ", "--source", "y"),
        ("frob",),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_1(cli, args):
    done = cli(*args)
    assert done.returncode == 1
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr
