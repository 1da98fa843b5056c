"""`tinhgon benchmark services`: run for real, as a separate process on a database of its own
(a SQLite file, or a PostgreSQL database made for the test), with a small number of dossiers."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tinhgon.operations.tests.test_concurrency import Database
from tinhgon.publicservices.models import OPEN

DOSSIERS = 3000
INTAKE = 40
OPEN_SQL = ", ".join(str(int(s)) for s in OPEN)


@pytest.fixture(scope="module")
def benchmark(tmp_path_factory) -> Iterator[tuple[Database, dict, str]]:
    database = Database(tmp_path_factory.mktemp("bench-services"))
    try:
        migrated = database.run("migrate", "-v", "0")
        assert migrated.returncode == 0, migrated.stderr
        done = database.run(
            "benchmark", "services", "--dossiers", str(DOSSIERS), "--intake", str(INTAKE),
            "--clients", "4", "--servers", "2", "--format", "json",
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        yield database, json.loads(done.stdout), done.stderr
    finally:
        database.drop()


def test_the_services_benchmark_prints_its_figures_as_json(benchmark):
    _database, figures, progress = benchmark
    for key in ("intake_per_s", "figures_s", "apply_s", "raw_sql_s"):
        assert key in figures
    assert figures["dossiers"] == DOSSIERS
    assert figures["figures_s"] > 0 and figures["apply_s"] > 0 and figures["raw_sql_s"] > 0
    assert figures["apply_vs_raw"] == round(figures["apply_s"] / figures["raw_sql_s"], 2)
    assert "loading 3,000 dossiers" in progress


def test_the_plan_moves_every_open_dossier_to_its_successor_and_raw_sql_ends_the_same(benchmark):
    database, figures, _progress = benchmark
    assert (
        figures["open_dossiers"]
        == database.query(
            f"SELECT COUNT(*) FROM publicservices_dossier WHERE status IN ({OPEN_SQL}) "
            "AND submitted_at < '2025-07-01'"
        )[0][0]
    )
    assert figures["left_behind"] == 0
    assert figures["same_end_state"] is True
    assert figures["dossiers_moved"] == figures["dossiers_moved_raw"] > 0.8 * DOSSIERS * 0.78 * 0.9
    # A commune-level dossier was at the commune that received it: every open one is now at
    # that commune's successor, every finished one stayed where it was decided.
    default_of = (
        "SELECT COUNT(*) FROM publicservices_dossier d JOIN units_unitlink l "
        "ON l.predecessor_id = d.receiving_unit_id AND l.is_default = {true} "
        "AND l.event = 'consolidate' WHERE d.unit_id <> d.province_id AND {status} AND {check}"
    )
    true = "TRUE" if database.vendor == "postgresql" else "1"
    moved = default_of.format(true=true, status=f"d.status IN ({OPEN_SQL})", check="1 = 1")
    wrong = default_of.format(
        true=true, status=f"d.status IN ({OPEN_SQL})", check="d.unit_id <> l.successor_id"
    )
    stayed = default_of.format(
        true=true, status=f"d.status NOT IN ({OPEN_SQL})", check="d.unit_id <> d.receiving_unit_id"
    )
    assert database.query(moved)[0][0] > 0.8 * DOSSIERS * 0.78 * 0.9
    assert database.query(wrong) == [(0,)]
    assert database.query(stayed) == [(0,)]
    # The engine's history: one row per moved dossier; the raw SQL's is gone.
    assert database.query(
        "SELECT carrier, COUNT(*) FROM carriers_recordmove WHERE carrier LIKE 'dossiers%' "
        "GROUP BY carrier"
    ) == [("dossiers", figures["dossiers_moved"])]


def test_the_unit_dashboard_is_timed_over_the_busiest_units(benchmark):
    _database, figures, _progress = benchmark
    assert figures["figures_units"] == 50
    assert figures["figures_s"] <= figures["figures_p95_s"] <= figures["figures_max_s"]


def test_intake_files_dossiers_through_the_api_with_concurrent_clients(benchmark):
    database, figures, _progress = benchmark
    assert figures["intake_clients"] == 4 and figures["intake_servers"] == 2
    answered = figures["intake_dossiers"] + sum(figures["intake_failed"].values())
    assert answered == INTAKE and figures["intake_dossiers"] > INTAKE // 2
    assert figures["intake_per_s"] > 0
    filed = database.query(
        "SELECT COUNT(*) FROM publicservices_dossier WHERE client_ref LIKE 'bench-%'"
    )
    assert filed == [(figures["intake_dossiers"],)]
    # What a filing cost in processor time: the server's workers always, PostgreSQL's backends
    # when the database is PostgreSQL on this machine, the clients' process.
    assert figures["intake_cpu_ms_server"] > 0 and figures["intake_cpu_ms_clients"] > 0
    if figures["database"] == "postgresql":
        assert figures["intake_cpu_ms_database"] > 0
    else:
        assert figures["intake_cpu_ms_database"] is None
    assert figures["intake_load_average"] >= 0


@pytest.mark.django_db
def test_the_services_benchmark_refuses_a_registry_that_is_not_empty():
    with pytest.raises(CommandError, match=r"needs an empty registry|sổ đăng ký trống"):
        call_command("benchmark", "services", "--dossiers", "10")


@pytest.mark.parametrize(
    "argv",
    [["--dossiers", "0"], ["--dossiers", "many"], ["--dossiers", "60000000"], ["--intake", "-1"]],
)
def test_the_services_benchmark_refuses_numbers_out_of_bounds(argv):
    with pytest.raises(CommandError, match=r"dossiers|rows|hồ sơ|bản ghi"):
        call_command("benchmark", "services", *argv)


@pytest.mark.django_db
def test_a_filing_profiled_in_process_reports_its_statements_and_processor_time(
    commune_official, chieng_an
):
    from tinhgon.operations import bench_services
    from tinhgon.publicservices.tests.factories import load_catalogue

    load_catalogue()
    found = bench_services.profile_intake(3)
    assert found["filings"] == 3 and found["cpu_ms_per_filing"] > 0
    assert found["cpu_ms_per_filing"] <= found["cpu_ms_per_filing_median"]
    assert any(s.startswith("INSERT INTO") and "publicservices_dossier" in s for s in found["sql"])
