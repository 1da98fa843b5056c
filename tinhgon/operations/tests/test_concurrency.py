"""Two operators apply at the same moment, as separate processes on a database of their own (the
suite's database engine: a SQLite file, or a PostgreSQL database created for the test)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from tinhgon.units.national import REFORM_DAY

TINHGON = [sys.executable, "-m", "tinhgon.manage"]


class Database:
    """A database of its own for commands run as separate processes."""

    def __init__(self, tmp_path: Path) -> None:
        self.vendor = connection.vendor
        settings = connection.settings_dict
        if self.vendor == "postgresql":
            self.name = f"tinhgon_race_{uuid.uuid4().hex[:8]}"
            host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
            user = settings["USER"] or "postgres"
            self.server = f"host={host} port={port} user={user}"
            self._admin(f"CREATE DATABASE {self.name}")
            self.url = f"postgres://{user}@{host}:{port}/{self.name}"
        else:
            self.path = tmp_path / "race.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.server} dbname=postgres", autocommit=True) as admin:
            admin.execute(sql)

    def drop(self) -> None:
        if self.vendor == "postgresql":
            self._admin(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")

    def query(self, sql: str) -> list[tuple]:
        if self.vendor == "postgresql":
            import psycopg

            with psycopg.connect(f"{self.server} dbname={self.name}") as db:
                return list(db.execute(sql).fetchall())
        with sqlite3.connect(self.path) as db:
            return db.execute(sql).fetchall()

    def env(self) -> dict[str, str]:
        return {**os.environ, "DATABASE_URL": self.url, "TINHGON_DEBUG": "0"}

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*TINHGON, *args], env=self.env(), capture_output=True, text=True, timeout=600
        )

    def at_once(self, *commands: list[str]) -> list[subprocess.CompletedProcess]:
        """Start the commands together and wait for all of them."""
        started = [
            subprocess.Popen(
                [*TINHGON, *command],
                env=self.env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for command in commands
        ]
        finished = []
        for process in started:
            out, err = process.communicate(timeout=600)
            finished.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
        return finished


@pytest.fixture
def legacy_database(tmp_path) -> Iterator[Database]:
    database = Database(tmp_path)
    try:
        for command in (["migrate", "-v", "0"], ["import-units", "--legacy-only"]):
            done = database.run(*command)
            assert done.returncode == 0, done.stderr
        yield database
    finally:
        database.drop()


def _one_winner(results: list[subprocess.CompletedProcess]) -> subprocess.CompletedProcess:
    codes = sorted(r.returncode for r in results)
    assert codes == [0, 1], [(r.returncode, r.stderr[-500:]) for r in results]
    loser = next(r for r in results if r.returncode == 1)
    assert len(loser.stderr.strip().splitlines()) == 1, loser.stderr
    assert "Traceback" not in loser.stderr
    return loser


def test_the_same_plan_applied_twice_at_once_applies_once_and_the_other_says_so_in_one_line(
    legacy_database, tmp_path
):
    plan = tmp_path / "plan-2025.yaml"
    assert legacy_database.run("plan", "build-2025", "--output", str(plan)).returncode == 0
    loser = _one_winner(
        legacy_database.at_once(["plan", "apply", str(plan)], ["plan", "apply", str(plan)])
    )
    assert "đã được thực hiện" in loser.stderr or "already been applied" in loser.stderr
    day = REFORM_DAY.isoformat()
    open_on_reform_day = f"(valid_from IS NULL OR valid_from <= '{day}') AND (valid_to IS NULL OR valid_to >= '{day}')"
    twice = legacy_database.query(
        f"SELECT code, kind FROM units_unitversion WHERE {open_on_reform_day} "
        "GROUP BY code, kind HAVING COUNT(*) > 1"
    )
    assert twice == []
    levels = dict(
        legacy_database.query(
            f"SELECT level, COUNT(*) FROM units_unitversion WHERE {open_on_reform_day} GROUP BY level"
        )
    )
    assert (levels.get(1), levels.get(2), levels.get(3)) == (34, None, 3321)
    assert legacy_database.query("SELECT COUNT(*) FROM reorg_plan WHERE status = 'applied'") == [
        (1,)
    ]


def test_two_plans_closing_the_same_commune_at_once_one_applies_the_other_is_refused(
    legacy_database, tmp_path
):
    files = []
    for code, other in (("09001", "03649"), ("09002", "03652")):
        path = tmp_path / f"plan-{code}.yaml"
        path.write_text(
            "title: Hợp nhất xã\neffective_date: 2025-03-01\nsteps:\n"
            f"- action: consolidate\n  sources: ['03646', '{other}']\n"
            f"  target: {{code: '{code}', name: Xã Thử {code}, kind: commune, parent: '116'}}\n",
            encoding="utf-8",
        )
        files.append(path)
    _one_winner(legacy_database.at_once(*(["plan", "apply", str(f)] for f in files)))
    successors = legacy_database.query(
        "SELECT COUNT(*) FROM units_unitlink l JOIN units_unit u ON u.id = l.predecessor_id "
        "WHERE u.source_key = 'legacy:commune:03646' AND l.is_default = "
        + ("true" if legacy_database.vendor == "postgresql" else "1")
    )
    assert successors == [(1,)]
