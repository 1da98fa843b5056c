"""`tinhgon benchmark carriers`: the engine carrying N records through a national plan, against
the same moves written as hand-tuned raw SQL in the same run.

The records live in a benchmark-only table (`bench_carrier_rows`, dropped at the end) attached
to the communes open on 2026-07-01, spread round-robin so that neighbouring ids sit in different
communes. The plan pairs up the communes of every province (1,655 consolidations, their organs
and offices derived), so nearly every record moves. Measured:

- `preview_s`: the whole preview of the plan (resolve, validate, derive, count every carrier's
  flows with read-only queries); `preview_counts_s`: the benchmark carrier's counting alone;
- `apply_s`: the time the engine spends moving the benchmark records with their history, in
  batches of `batch_rows` (each a transaction); `plan_apply_s`: the whole apply;
- `raw_sql_s`: the same moves and history, written by hand for this table (a temporary mapping
  of closed commune to successor and placement, then one UPDATE ... FROM with its history), on
  the records restored to where they were; the end states are compared row by row.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import random
import resource
import time
from collections.abc import Iterator
from typing import Any

from django.db import connection, models, transaction

from tinhgon.carriers import contract
from tinhgon.carriers.contract import UnitRowsCarrier
from tinhgon.carriers.models import Priority, RecordMove
from tinhgon.operations.benchmarks import PAIRING_DAY, pairing_plan
from tinhgon.reorg import engine
from tinhgon.units import selectors
from tinhgon.units.kinds import KINDS_BY_LEVEL, Level

TABLE = "bench_carrier_rows"
CARRIER = "benchmark_rows"
EFFECTIVE = PAIRING_DAY


def _bench_model() -> type[models.Model]:
    class BenchRow(models.Model):
        unit_id = models.BigIntegerField()
        province_id = models.BigIntegerField(null=True)
        admin_unit_id = models.BigIntegerField(null=True)
        payload = models.CharField(max_length=32)

        class Meta:
            app_label = "carriers"
            db_table = TABLE
            managed = False

        def __str__(self) -> str:
            return self.payload

    return BenchRow


def _fill(rows: int) -> int:
    """N rows round-robin over the communes open on the effective date, set-based."""
    communes = list(
        selectors.versions_on(EFFECTIVE)
        .filter(kind__in=KINDS_BY_LEVEL[Level.COMMUNE])
        .order_by("code")
        .values_list("unit_id", "province_id")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_communes (n integer, unit_id bigint, province_id bigint)"
        )
        for start in range(0, len(communes), 1000):
            chunk = communes[start : start + 1000]
            cursor.executemany(
                "INSERT INTO bench_communes (n, unit_id, province_id) VALUES (%s, %s, %s)",
                [(start + i, u, p) for i, (u, p) in enumerate(chunk)],
            )
        series = (
            "SELECT g AS i FROM generate_series(0, %s) g"
            if connection.vendor == "postgresql"
            else "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < %s) "
            "SELECT i FROM s"
        )
        cursor.execute(
            f"INSERT INTO {TABLE} (unit_id, province_id, admin_unit_id, payload) "
            f"SELECT c.unit_id, c.province_id, c.unit_id, 'record ' || CAST(q.i AS VARCHAR(12)) "
            f"FROM ({series}) q JOIN bench_communes c ON c.n = q.i %% {len(communes)}",
            [rows - 1],
        )
        cursor.execute("DROP TABLE bench_communes")
    return len(communes)


def _snapshot(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(
            f"CREATE TABLE {name} AS SELECT id, unit_id, province_id, admin_unit_id FROM {TABLE}"
        )
        cursor.execute(f"CREATE INDEX {name}_id ON {name} (id)")


def _restore(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET unit_id = s.unit_id, province_id = s.province_id, "
            f"admin_unit_id = s.admin_unit_id FROM {name} s WHERE s.id = {TABLE}.id"
        )


def _differences(name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {TABLE} t JOIN {name} s ON s.id = t.id "
            "WHERE t.unit_id <> s.unit_id OR COALESCE(t.province_id, 0) <> COALESCE(s.province_id, 0) "
            "OR COALESCE(t.admin_unit_id, 0) <> COALESCE(s.admin_unit_id, 0)"
        )
        return int(cursor.fetchone()[0])


def raw_sql_moves(plan_id: int, effective: dt.date) -> int:
    """The moves and their history as one would write them by hand for this one table."""
    day: dict[str, Any] = {"plan": plan_id, "effective": effective, "true": True}
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_map AS SELECT l.predecessor_id, l.successor_id, l.step, "
            "v.province_id, v.admin_unit_id FROM units_unitlink l JOIN units_unitversion v "
            "ON v.unit_id = l.successor_id AND (v.valid_from IS NULL OR v.valid_from <= %(effective)s) "
            "AND (v.valid_to IS NULL OR v.valid_to >= %(effective)s) "
            "WHERE l.plan_ref = %(plan)s AND l.is_default = %(true)s",
            day,
        )
        cursor.execute("CREATE UNIQUE INDEX bench_map_pred ON bench_map (predecessor_id)")
        history = (
            "INSERT INTO carriers_recordmove (plan_ref, step, carrier, record_id, from_unit_id, "
            "to_unit_id) "
        )
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE bench_map")
            cursor.execute(
                f"WITH moved AS (UPDATE {TABLE} b SET unit_id = m.successor_id, "
                "province_id = m.province_id, admin_unit_id = m.admin_unit_id FROM bench_map m "
                "WHERE m.predecessor_id = b.unit_id "
                "RETURNING b.id, m.predecessor_id, m.successor_id, m.step) "
                f"{history}SELECT %(plan)s, step, 'benchmark_raw', id, predecessor_id, successor_id "
                "FROM moved",
                day,
            )
            moved = cursor.rowcount
        else:
            cursor.execute(
                f"{history}SELECT %(plan)s, m.step, 'benchmark_raw', b.id, m.predecessor_id, "
                f"m.successor_id FROM {TABLE} b JOIN bench_map m ON m.predecessor_id = b.unit_id",
                day,
            )
            moved = cursor.rowcount
            cursor.execute(
                f"UPDATE {TABLE} SET unit_id = m.successor_id, province_id = m.province_id, "
                "admin_unit_id = m.admin_unit_id FROM bench_map m "
                f"WHERE m.predecessor_id = {TABLE}.unit_id"
            )
        cursor.execute("DROP TABLE bench_map")
    return moved


def _analyze() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


class _Progress:
    """Counts the benchmark carrier's batches as the engine reports them."""

    def __init__(self) -> None:
        self.batches = 0

    def __call__(self, carrier: str, moved: int, total: int) -> None:
        if carrier == CARRIER:
            self.batches += 1


@contextlib.contextmanager
def bench_table(rows: int, figures: dict[str, Any]) -> Iterator[type[UnitRowsCarrier]]:
    """The benchmark-only table, filled and carried by a declared carrier while in use; dropped
    afterwards, with the history rows written for it."""
    model = _bench_model()

    class BenchCarrier(UnitRowsCarrier):
        name = CARRIER
        unit_field = "unit_id"
        province_field = "province_id"
        admin_unit_field = "admin_unit_id"

    BenchCarrier.model = model
    with connection.schema_editor() as editor:
        editor.create_model(model)
        # An unmanaged model gets no indexes from the schema editor; a carrier's table needs one
        # on its unit column (every foreign key has it).
        editor.execute(f"CREATE INDEX {TABLE}_unit ON {TABLE} (unit_id)")
    try:
        start = time.perf_counter()
        with transaction.atomic():
            figures["communes"] = _fill(rows)
        figures["fill_s"] = round(time.perf_counter() - start, 2)
        _analyze()
        contract.register(BenchCarrier())
        yield BenchCarrier
    finally:
        contract.unregister(CARRIER)
        with connection.cursor() as cursor:
            for name in ("bench_before", "bench_engine"):
                cursor.execute(f"DROP TABLE IF EXISTS {name}")
        RecordMove.objects.filter(carrier__in=[CARRIER, "benchmark_raw"]).delete()
        with connection.schema_editor() as editor:
            editor.delete_model(model)


def run(*, rows: int, batch_rows: int | None = None, prepare: Any = None) -> dict[str, Any]:
    """Run the benchmark on the current database (its registry must not hold the benchmark
    plan yet; `prepare` builds the registry when it is empty). Returns the figures."""
    figures: dict[str, Any] = {"database": connection.vendor, "rows": rows}
    if prepare is not None:
        figures["prepare_s"] = round(prepare(), 2)
    spec = pairing_plan()
    with bench_table(rows, figures) as carrier:
        start = time.perf_counter()
        preview = engine.preview(spec)
        figures["preview_s"] = round(time.perf_counter() - start, 2)
        figures["records_previewed"] = preview["carriers"][CARRIER]
        closing = sorted(
            selectors.versions_on(spec.effective_date)
            .filter(code__in=[c for s in spec.steps for c in s.sources])
            .values_list("unit_id", flat=True)
        )
        start = time.perf_counter()
        carrier().flows(spec.effective_date, closing, [])
        figures["preview_counts_s"] = round(time.perf_counter() - start, 2)
        _snapshot("bench_before")
        progress = _Progress()
        size = batch_rows or engine.batch_rows_setting()
        start = time.perf_counter()
        outcome = engine.apply_plan(spec, batch_rows=size, on_progress=progress)
        figures["plan_apply_s"] = round(time.perf_counter() - start, 2)
        assert outcome.plan is not None
        moved_by_engine = outcome.report["carriers"][CARRIER]
        figures["apply_s"] = round(outcome.report["timings"][CARRIER], 2)
        figures["batches"] = progress.batches
        figures["batch_rows"] = size
        figures["records_moved"] = moved_by_engine
        _snapshot("bench_engine")
        # The same moves by hand, from the same starting point.
        _restore("bench_before")
        RecordMove.objects.filter(carrier=CARRIER).delete()
        _analyze()
        start = time.perf_counter()
        with transaction.atomic():
            moved_raw = raw_sql_moves(outcome.plan.pk, spec.effective_date)
        figures["raw_sql_s"] = round(time.perf_counter() - start, 2)
        figures["records_moved_raw"] = moved_raw
        figures["same_end_state"] = (
            _differences("bench_engine") == 0 and moved_raw == moved_by_engine
        )
        figures["apply_vs_raw"] = round(figures["apply_s"] / figures["raw_sql_s"], 2)
        figures["preview_vs_raw"] = round(figures["preview_s"] / figures["raw_sql_s"], 2)
        figures["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return figures


# -- continuity: services keep answering while the plan applies ----------------------------------

# What a service does with a record being moved: read it with the unit that handles it now (a
# closed unit in transit resolves to its successor), or change it in a transaction of its own.
READ = (
    f"SELECT b.payload, COALESCE(r.to_unit_id, b.unit_id) FROM {TABLE} b "
    "LEFT JOIN carriers_route r ON r.from_unit_id = b.unit_id AND r.in_transit = %s "
    f"AND r.priority = {int(Priority.DEFAULT)} AND r.carrier = '' WHERE b.id = %s"
)
WRITE = f"UPDATE {TABLE} SET payload = %s WHERE id = %s"


def _load(stop: Any, results: Any, rows: int, seed: int) -> None:
    """One client process: reads and writes random records until told to stop, each timed."""
    from django.db import connections

    connections.close_all()  # the parent's connection is not this process's
    rng = random.Random(seed)
    timings: list[tuple[float, float, str]] = []
    failures: list[str] = []
    while not stop.is_set():
        record = rng.randint(1, rows)
        kind = "read" if rng.random() < 0.5 else "write"
        start = time.perf_counter()
        try:
            with connection.cursor() as cursor:
                if kind == "read":
                    cursor.execute(READ, [True, record])
                    cursor.fetchone()
                else:
                    with transaction.atomic():
                        cursor.execute(WRITE, [f"edited {seed}", record])
        except Exception as error:  # every failure is counted, whatever it is
            failures.append(f"{kind}: {str(error).splitlines()[0][:200]}")
        timings.append((start, time.perf_counter() - start, kind))
        time.sleep(0.002)
    connections.close_all()
    results.put((timings, failures))


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def continuity(
    *, rows: int, batch_rows: int | None = None, clients: int = 2, prepare: Any = None
) -> dict[str, Any]:
    """Apply the pairing plan carrying `rows` records while `clients` processes read and write
    random records of the same table; report failures and latencies during the apply."""
    figures: dict[str, Any] = {"database": connection.vendor, "rows": rows, "clients": clients}
    if prepare is not None:
        figures["prepare_s"] = round(prepare(), 2)
    spec = pairing_plan()
    with bench_table(rows, figures):
        context = multiprocessing.get_context("fork")
        stop, results = context.Event(), context.Queue()
        connection.close()  # each client opens its own
        clients_ = [
            context.Process(target=_load, args=(stop, results, rows, seed))
            for seed in range(1, clients + 1)
        ]
        for client in clients_:
            client.start()
        time.sleep(1.0)  # the load runs before the apply starts
        progress = _Progress()
        size = batch_rows or engine.batch_rows_setting()
        begin = time.perf_counter()
        outcome = engine.apply_plan(spec, batch_rows=size, on_progress=progress)
        end = time.perf_counter()
        time.sleep(1.0)
        stop.set()
        timings: list[tuple[float, float, str]] = []
        failures: list[str] = []
        for _client in clients_:
            got_timings, got_failures = results.get(timeout=120)
            timings += got_timings
            failures += got_failures
        for client in clients_:
            client.join(timeout=60)
        during = [t for t in timings if begin <= t[0] <= end]
        latencies = [t[1] * 1000 for t in during]
        figures.update(
            {
                "apply_s": round(end - begin, 2),
                "units_s": outcome.report["timings"]["units"],
                "records_moved": outcome.report["carriers"][CARRIER],
                "batches": progress.batches,
                "batch_rows": size,
                "requests": len(timings),
                "requests_during_apply": len(during),
                "reads_during_apply": sum(1 for t in during if t[2] == "read"),
                "writes_during_apply": sum(1 for t in during if t[2] == "write"),
                "failed": len(failures),
                "failures": sorted(set(failures))[:5],
                "p50_ms": round(_percentile(latencies, 0.50), 1),
                "p95_ms": round(_percentile(latencies, 0.95), 1),
                "p99_ms": round(_percentile(latencies, 0.99), 1),
                "max_ms": round(max(latencies, default=0.0), 1),
            }
        )
    return figures
