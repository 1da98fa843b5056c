"""`tinhgon benchmark staff`: run for real, as a separate process on a database of its own (a
SQLite file, or a PostgreSQL database made for the test), with a few thousand officials."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tinhgon.operations.tests.test_concurrency import Database

OFFICIALS = 3000


@pytest.fixture(scope="module")
def benchmark(tmp_path_factory) -> Iterator[tuple[Database, dict, str]]:
    database = Database(tmp_path_factory.mktemp("bench-staff"))
    try:
        migrated = database.run("migrate", "-v", "0")
        assert migrated.returncode == 0, migrated.stderr
        done = database.run("benchmark", "staff", "--officials", str(OFFICIALS), "--format", "json")
        assert done.returncode == 0, done.stderr[-3000:]
        yield database, json.loads(done.stdout), done.stderr
    finally:
        database.drop()


def test_the_staff_benchmark_prints_apply_and_raw_sql_times_as_json(benchmark):
    _database, figures, progress = benchmark
    assert figures["officials"] == OFFICIALS
    assert figures["apply_s"] > 0 and figures["raw_sql_s"] > 0
    assert figures["apply_vs_raw"] == round(figures["apply_s"] / figures["raw_sql_s"], 2)
    assert "loading 3,000 officials" in progress


def test_the_engine_and_the_raw_sql_carry_the_same_people_to_the_same_places(benchmark):
    database, figures, _progress = benchmark
    assert figures["left_behind"] == 0
    assert figures["same_end_state"] is True
    assert figures["moved_total"] == figures["moved_raw"]
    assert figures["preview_matches_apply"] is True and figures["preview_units"] > 500
    # Officials at work (49 in 50), every position, open assignments (9 in 10): nearly all of
    # the legacy communes close in the 2025 plan.
    moved = figures["moved"]
    assert moved["officials"] > 0.9 * OFFICIALS * 49 / 50
    assert moved["assignments"] > 0.9 * OFFICIALS * 9 / 10
    assert moved["positions"] > 0.9 * OFFICIALS
    assert moved["quotas"] > 0
    # Ended assignments stayed where they ended: none has a move in the history.
    ended = "SELECT COUNT(*) FROM staffing_assignment a WHERE a.valid_to IS NOT NULL"
    assert database.query(ended)[0][0] == OFFICIALS // 10
    moved_ended = database.query(
        f"{ended} AND EXISTS (SELECT 1 FROM carriers_recordmove m "
        "WHERE m.carrier = 'assignments' AND m.record_id = a.id)"
    )
    assert moved_ended[0][0] == 0


@pytest.mark.django_db
def test_the_staff_benchmark_refuses_a_registry_that_is_not_empty():
    with pytest.raises(CommandError, match=r"needs an empty registry|sổ đăng ký trống"):
        call_command("benchmark", "staff", "--officials", "10")


@pytest.mark.parametrize(
    "argv", [["--officials", "0"], ["--officials", "many"], ["--officials", "30000000"]]
)
def test_the_staff_benchmark_refuses_numbers_out_of_bounds(argv):
    with pytest.raises(CommandError, match=r"officials|công chức|cán bộ"):
        call_command("benchmark", "staff", *argv)
