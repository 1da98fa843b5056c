"""Two officials click at the same moment, as two processes on a database of their own (the
suite's engine: a SQLite file, or a PostgreSQL database created for the test): one move wins,
the other is refused, and the history holds one row."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from tinhgon.operations.tests.test_concurrency import Database

RACE = [sys.executable, "-m", "tinhgon.publicservices.tests.race"]


@pytest.fixture
def database(tmp_path):
    database = Database(tmp_path)
    try:
        done = database.run("migrate", "-v", "0")
        assert done.returncode == 0, done.stderr
        yield database
    finally:
        database.drop()


def race(database: Database, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*RACE, *argv], env=database.env(), capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize(("first", "second"), [("approve", "reject"), ("approve", "stop")])
def test_two_moves_of_one_dossier_at_the_same_moment_apply_once_and_the_other_is_refused(
    database, first, second
):
    setup = race(database, "setup")
    assert setup.returncode == 0, setup.stderr
    code = setup.stdout.strip().splitlines()[-1]
    start = str(time.time() + 4)
    started = [
        subprocess.Popen(
            [*RACE, move, code, start],
            env=database.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for move in (first, second)
    ]
    results = []
    for process in started:
        out, err = process.communicate(timeout=300)
        results.append((process.returncode, out.strip(), err))
    assert sorted(r[0] for r in results) == [0, 1], results
    assert next(out for status, out, _err in results if status == 1) == "illegal_move"
    events = database.query(
        "SELECT e.move FROM publicservices_dossierevent e "
        "JOIN publicservices_dossier d ON d.id = e.dossier_id "
        f"WHERE d.code = '{code}' AND e.move IN ('{first}', '{second}')"
    )
    assert len(events) == 1, events
    winner = events[0][0]
    status = database.query(f"SELECT status FROM publicservices_dossier WHERE code = '{code}'")
    assert status[0][0] == {"approve": 9, "reject": 9, "stop": 8}[winner]
