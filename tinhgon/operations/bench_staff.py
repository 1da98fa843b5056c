"""`tinhgon benchmark staff --officials N`: the national 2025 plan carrying N officials.

On an empty database it builds the legacy registry (63 provinces, 10,035 communes, as on
2025-06-30) and loads, set-based (a generated series joined to the communes: nothing per row in
Python), N synthetic officials (`synthetic`, identity numbers that are not numbers), each with a
position of one seat and an assignment to it, round-robin over the legacy communes (one in ten
at the province itself), plus six quotas per commune (three categories, 2024 and 2025). One
official in fifty has left; one assignment in ten ended before the plan (history: it stays).

Then, as `benchmark services` does for dossiers:

- `preview_s`: the plan's preview (read-only counts, the staff panel of officials arriving
  against the seats of every receiving unit included); `preview_matches_apply` checks that its
  counts are what the apply then moves;
- `raw_sql_s`: the same moves written by hand, timed inside a transaction that is then rolled
  back: the engine applies the plan *without* the staffing carriers (the registry's changes),
  then for each staffing table one `UPDATE ... FROM` a mapping of closed unit to default
  successor (and of re-placed unit to itself) with the successor's province, and one history
  row per moved record (from the UPDATE's RETURNING on PostgreSQL; just before it on SQLite);
- `apply_s`: the engine applying the plan for real, from the same start: the time its staffing
  carriers (positions, assignments, officials, quotas, leaders above the norm) spend, in its
  batches; `plan_apply_s` is the whole apply, units included;
- `same_end_state`: where the carried rows are after each (counts and weighted sums of the
  codes of their unit and province on the effective date), and the same number of moves.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from tinhgon.carriers import contract
from tinhgon.core.commands import number_text
from tinhgon.core.db import refresh_statistics
from tinhgon.reorg import engine
from tinhgon.reorg.national import build_2025_plan
from tinhgon.reorg.spec import PlanSpec
from tinhgon.staffing.carriers import CARRIERS
from tinhgon.staffing.models import Assignment, Official, Position, Quota
from tinhgon.units import selectors
from tinhgon.units.importer import import_legacy
from tinhgon.units.kinds import Level as UnitLevel
from tinhgon.units.models import LinkEvent
from tinhgon.units.national import LEGACY_LAST_DAY, load_sources

NAMES = [c.name for c in CARRIERS]
OFFICIALS = Official._meta.db_table
POSITIONS = Position._meta.db_table
ASSIGNMENTS = Assignment._meta.db_table
QUOTAS = Quota._meta.db_table
RAW = "staff_raw"
# Rows per INSERT ... SELECT of the load (each its own transaction).
LOAD_CHUNK = 500_000
MAX_OFFICIALS = 20_000_000
STARTED = "2025-01-01"
ENDED = "2025-03-31"  # the assignments that ended before the plan


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _execute(sql: str, params: Any = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def _scalar(sql: str, params: Any = None) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _date(text: str) -> str:
    """A date literal that keeps its type inside CASE (PostgreSQL) and its text (SQLite)."""
    return f"DATE '{text}'" if _pg() else f"'{text}'"


def _series(lo: int, hi: int) -> str:
    if _pg():
        return f"SELECT g AS i FROM generate_series({int(lo)}, {int(hi)}) g"
    return (
        f"WITH RECURSIVE s(i) AS (SELECT {int(lo)} UNION ALL SELECT i + 1 FROM s "
        f"WHERE i < {int(hi)}) SELECT i FROM s"
    )


def _padded(expr: str, width: int) -> str:
    if _pg():
        return f"lpad(CAST({expr} AS TEXT), {width}, '0')"
    return f"substr('{'0' * width}' || {expr}, -{width})"


# -- the registry and the load -----------------------------------------------------------------
def prepare() -> tuple[PlanSpec, float]:
    """The legacy registry; returns the 2025 plan (not applied)."""
    start = time.perf_counter()
    sources = load_sources()
    result = import_legacy(sources=sources)
    spec = build_2025_plan(sources, result.reconciliation)
    refresh_statistics()
    return spec, time.perf_counter() - start


def _places() -> int:
    """bench_places: the legacy communes (not their organs) with their province."""
    communes = [
        (unit, province)
        for unit, province, admin in selectors.versions_on(LEGACY_LAST_DAY)
        .filter(level=UnitLevel.COMMUNE)
        .order_by("code", "unit_id")
        .values_list("unit_id", "province_id", "admin_unit_id")
        if admin == unit
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_places (n integer PRIMARY KEY, commune_id bigint, "
            "province_id bigint)"
        )
        rows = [(n, unit, province) for n, (unit, province) in enumerate(communes)]
        for start in range(0, len(rows), 2000):
            cursor.executemany(
                "INSERT INTO bench_places VALUES (%s, %s, %s)", rows[start : start + 2000]
            )
    return len(communes)


def _reset_sequence(table: str) -> None:
    """Rows were loaded with explicit ids: the next id the table gives follows them."""
    if _pg():
        _execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
        )


def load_staff(count: int) -> dict[str, Any]:
    """Official, position and assignment i (ids i + 1) at commune i mod P, or at its province
    for one in ten; in chunks, each a transaction."""
    places = _places()
    unit = f"CASE WHEN (q.i / {places}) % 10 = 9 THEN p.province_id ELSE p.commune_id END"
    category = (
        "CASE WHEN q.i % 10 < 6 THEN 'civil_servant' WHEN q.i % 10 < 9 THEN 'public_employee' "
        "ELSE 'contract' END"
    )
    field = (
        "CASE q.i % 4 WHEN 0 THEN 'administration' WHEN 1 THEN 'law' WHEN 2 THEN 'economics' "
        "ELSE 'agriculture' END"
    )
    join = f"FROM ({{series}}) q JOIN bench_places p ON p.n = q.i % {places}"
    officials = (
        f"INSERT INTO {OFFICIALS} (id, unit_id, province_id, full_name, national_id_digest, "
        "national_id_sealed, national_id_last, birth_date, gender, ethnicity, home_commune_id, "
        "level, field, category, rank, salary_coefficient, hire_date, status, synthetic) "
        f"SELECT q.i + 1, {unit}, p.province_id, 'Cán bộ mẫu ' || {_padded('q.i', 8)}, "
        f"'bench' || {_padded('q.i', 59)}, 'synthetic', {_padded('q.i % 10000', 4)}, "
        f"{_date('1980-05-17')}, CASE WHEN q.i % 2 = 0 THEN 'female' ELSE 'male' END, 'Kinh', "
        f"p.commune_id, 3 + q.i % 3, {field}, {category}, '', 3.33, {_date('2010-09-01')}, "
        f"CASE WHEN q.i % 50 = 49 THEN 'left' ELSE 'active' END, TRUE {join}"
    )
    positions = (
        f'INSERT INTO {POSITIONS} (id, unit_id, province_id, code, title, "group", leader_role, '
        "category, level_required, field_required, seats, valid_from, valid_to, synthetic) "
        f"SELECT q.i + 1, {unit}, p.province_id, 'VT-' || {_padded('q.i', 8)}, 'Chuyên viên', "
        "CASE WHEN q.i % 20 = 0 THEN 'leadership' ELSE 'professional' END, "
        "CASE WHEN q.i % 20 = 0 THEN 'deputy' ELSE '' END, "
        f"{category}, 4, {field}, 1, {_date(STARTED)}, NULL, TRUE {join}"
    )
    assignments = (
        f"INSERT INTO {ASSIGNMENTS} (id, official_id, position_id, unit_id, valid_from, "
        "valid_to, decision, placement_id) "
        f"SELECT q.i + 1, q.i + 1, q.i + 1, {unit}, {_date(STARTED)}, "
        f"CASE WHEN q.i % 10 = 9 THEN {_date(ENDED)} END, 'synthetic', NULL {join}"
    )
    start = time.perf_counter()
    for lo in range(0, count, LOAD_CHUNK):
        series = _series(lo, min(count, lo + LOAD_CHUNK) - 1)
        with transaction.atomic():
            for sql in (officials, positions, assignments):
                _execute(sql.replace("{series}", series))
    for year in (2024, 2025):
        for category_value in ("civil_servant", "public_employee", "contract"):
            _execute(
                f"INSERT INTO {QUOTAS} (unit_id, province_id, year, category, count, decision, "
                f"decided_on, synthetic) SELECT commune_id, province_id, {year}, "
                f"'{category_value}', 20, 'synthetic', NULL, TRUE FROM bench_places"
            )
    for table in (OFFICIALS, POSITIONS, ASSIGNMENTS):
        _reset_sequence(table)
    load_s = time.perf_counter() - start
    _execute("DROP TABLE bench_places")
    refresh_statistics()
    return {"communes": places, "load_s": round(load_s, 2)}


# -- what the plan carries ---------------------------------------------------------------------
# (table, its province column or None, the rows the plan carries: %(effective)s binds)
CARRIED = [
    (OFFICIALS, "province_id", "d.status = 'active'"),
    (POSITIONS, "province_id", "(d.valid_to IS NULL OR d.valid_to >= %(effective)s)"),
    (ASSIGNMENTS, None, "(d.valid_to IS NULL OR d.valid_to >= %(effective)s)"),
    (QUOTAS, "province_id", "d.year >= %(year)s"),
]


def fingerprint(day: dt.date) -> tuple[int, ...]:
    """Where the carried rows are on `day`: per table, their count and weighted sums of the code
    and level of their unit (and province) on that day (weights drawn from the id, so that a
    row sent elsewhere changes them). Units by code, not id: a rolled-back apply gave the units
    it opened other ids than the same units opened again."""
    on_day = (
        "JOIN units_unitversion {a} ON {a}.unit_id = d.{column} "
        "AND ({a}.valid_from IS NULL OR {a}.valid_from <= %(day)s) "
        "AND ({a}.valid_to IS NULL OR {a}.valid_to >= %(day)s)"
    )
    key = "(CAST({a}.code AS INTEGER) * 4 + {a}.level)"
    found: list[int] = []
    with connection.cursor() as cursor:
        for table, province, rows in CARRIED:
            joins = on_day.format(a="u", column="unit_id")
            sums = f"SUM({key.format(a='u')}), SUM((d.id %% 1009) * {key.format(a='u')})"
            if province:
                joins += " " + on_day.format(a="p", column=province).replace("JOIN", "LEFT JOIN")
                sums += f", SUM(COALESCE({key.format(a='p')}, 0))"
            cursor.execute(
                f"SELECT COUNT(*), {sums} FROM {table} d {joins} WHERE {rows}",
                {"day": day, "effective": day, "year": day.year},
            )
            found += [int(value or 0) for value in cursor.fetchone()]
    return tuple(found)


def raw_sql_moves(plan_id: int, effective: dt.date) -> int:
    """The plan's staff moves as one would write them by hand: the carried rows of every closed
    unit to its default successor (from the plan's lineage links) with the successor's
    province; the rows of a unit that stays but lies in another province now get that province
    in place. One history row per moved row. Returns the rows moved."""
    params = {
        "plan": plan_id,
        "effective": effective,
        "year": effective.year,
        "last_day": effective - dt.timedelta(days=1),
        "split": LinkEvent.SPLIT.value,
        "true": True,
    }
    if _scalar(
        "SELECT COUNT(*) FROM units_unitlink WHERE plan_ref = %(plan)s AND event = %(split)s",
        params,
    ):  # the officials' rule (home commune) would be one more join
        raise ValueError("the hand-written moves are for a plan that splits no unit")
    _execute(
        "CREATE TEMPORARY TABLE bench_map AS SELECT l.predecessor_id AS from_id, "
        "l.successor_id AS to_id, l.step, v.province_id FROM units_unitlink l "
        "JOIN units_unitversion v ON v.unit_id = l.successor_id "
        "AND (v.valid_from IS NULL OR v.valid_from <= %(effective)s) "
        "AND (v.valid_to IS NULL OR v.valid_to >= %(effective)s) "
        "WHERE l.plan_ref = %(plan)s AND l.is_default = %(true)s "
        "UNION ALL SELECT a.unit_id, a.unit_id, NULL, a.province_id FROM units_unitversion a "
        "JOIN units_unitversion b ON b.unit_id = a.unit_id AND b.valid_to = %(last_day)s "
        "WHERE a.valid_from = %(effective)s AND (COALESCE(a.province_id, 0) <> "
        "COALESCE(b.province_id, 0) OR a.admin_unit_id <> b.admin_unit_id)",
        params,
    )
    _execute("CREATE UNIQUE INDEX bench_map_from ON bench_map (from_id)")
    if _pg():
        _execute("ANALYZE bench_map")
    history = (
        "INSERT INTO carriers_recordmove (plan_ref, step, carrier, record_id, from_unit_id, "
        f"to_unit_id) SELECT %(plan)s, step, '{RAW}', id, from_id, to_id FROM"
    )
    moved = 0
    for table, province, rows in CARRIED:
        sets = "unit_id = m.to_id" + (f", {province} = m.province_id" if province else "")
        # Moved: at a closed unit; refreshed in place: at a re-placed unit, province differs.
        differs = f" OR d.{province} IS NULL OR d.{province} <> m.province_id" if province else ""
        where = f"m.from_id = d.unit_id AND {rows} AND (d.unit_id <> m.to_id{differs})"
        if _pg():
            moved += _execute(
                f"WITH moved AS (UPDATE {table} d SET {sets} FROM bench_map m WHERE {where} "
                f"RETURNING d.id, m.from_id, m.to_id, m.step) {history} moved "
                "WHERE from_id <> to_id",
                params,
            )
        else:  # no RETURNING into another table: the history first, then the moves
            moved += _execute(
                f"{history} (SELECT d.id, m.from_id, m.to_id, m.step FROM {table} d "
                f"JOIN bench_map m ON {where} AND m.from_id <> m.to_id)",
                params,
            )
            _execute(f"UPDATE {table} AS d SET {sets} FROM bench_map m WHERE {where}", params)
    _execute("DROP TABLE bench_map")
    return moved


def left_behind(plan_id: int, effective: dt.date) -> int:
    """Carried rows still attached to a unit the plan closed (0 when every one moved)."""
    closed = "(SELECT predecessor_id FROM units_unitlink WHERE plan_ref = %(plan)s)"
    params = {"plan": plan_id, "effective": effective, "year": effective.year}
    return sum(
        int(
            _scalar(
                f"SELECT COUNT(*) FROM {table} d WHERE d.unit_id IN {closed} AND {rows}", params
            )
        )
        for table, _province, rows in CARRIED
    )


class _Rollback(Exception):
    pass


def _vacuum() -> None:
    """The rolled-back raw SQL left a dead copy of each row it moved: reclaim them so that the
    engine starts on tables like the raw SQL's (PostgreSQL; VACUUM runs outside a transaction)."""
    if _pg():
        for table, _province, _rows in CARRIED:
            _execute(f"VACUUM ANALYZE {table}")
        _execute("VACUUM ANALYZE carriers_recordmove")


def plan_vs_raw(
    spec: PlanSpec,
    figures: dict[str, Any],
    batch_rows: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> None:
    """The same moves by hand (in a transaction rolled back), then by the engine for real."""

    def say(what: str) -> None:
        if progress:
            progress(what)

    start_state = fingerprint(LEGACY_LAST_DAY)
    say("  the preview")
    start = time.perf_counter()
    preview = engine.preview(spec)
    figures["preview_s"] = round(time.perf_counter() - start, 2)
    size = batch_rows or engine.batch_rows_setting()
    carriers = [contract.get(name) for name in NAMES]
    say("  raw SQL (then rolled back)")
    try:
        with transaction.atomic():
            for name in NAMES:
                contract.unregister(name)
            try:
                units_only = engine.apply_plan(spec, batch_rows=size)
            finally:
                for carrier in carriers:
                    if carrier is not None:
                        contract.register(carrier)
            assert units_only.plan is not None
            start = time.perf_counter()
            with transaction.atomic():
                moved_raw = raw_sql_moves(units_only.plan.pk, spec.effective_date)
            figures["raw_sql_s"] = round(time.perf_counter() - start, 2)
            raw_state = fingerprint(spec.effective_date)
            raise _Rollback
    except _Rollback:
        pass
    assert fingerprint(LEGACY_LAST_DAY) == start_state, "the raw SQL was rolled back"
    _vacuum()
    said: dict[str, int] = {}

    def moving(carrier: str, done: int, total: int) -> None:
        tenth = 10 * done // max(total, 1)
        if carrier in NAMES and tenth > said.get(carrier, 0):
            said[carrier] = tenth
            say(f"  the engine: {carrier} {done:,} of {total:,}")

    say("  the engine")
    start = time.perf_counter()
    outcome = engine.apply_plan(spec, batch_rows=size, on_progress=moving)
    figures["plan_apply_s"] = round(time.perf_counter() - start, 2)
    assert outcome.plan is not None
    timings = outcome.report["timings"]
    figures["apply_s"] = round(sum(timings.get(name, 0) for name in NAMES), 2)
    figures["apply_by_carrier_s"] = {name: timings.get(name, 0) for name in NAMES}
    figures["units_s"] = timings.get("units")
    figures["batch_rows"] = size
    moved = {name: outcome.report["carriers"].get(name, 0) for name in NAMES}
    figures["moved"] = moved
    figures["moved_total"] = sum(moved.values())
    figures["moved_raw"] = moved_raw
    # What the preview said arrives (its counts and the staff panel) is what the apply moved.
    [panel] = [p for p in preview["panels"] if p["name"] == "staffing_arrivals"]
    figures["preview_units"] = len(panel["rows"])
    figures["preview_matches_apply"] = {
        name: preview["carriers"].get(name, 0) for name in NAMES
    } == moved and sum(row[1] for row in panel["rows"]) == moved["officials"]
    figures["left_behind"] = left_behind(outcome.plan.pk, spec.effective_date)
    figures["same_end_state"] = (
        fingerprint(spec.effective_date) == raw_state and moved_raw == figures["moved_total"]
    )
    figures["apply_vs_raw"] = round(figures["apply_s"] / max(figures["raw_sql_s"], 0.001), 2)


def run(
    *,
    officials: int,
    batch_rows: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """The whole benchmark on the current (empty) database; returns the figures."""

    def step(what: str) -> None:
        if progress:
            progress(what)

    figures: dict[str, Any] = {"database": connection.vendor, "officials": officials}
    step("legacy registry")
    spec, prepare_s = prepare()
    figures["prepare_s"] = round(prepare_s, 2)
    step(f"loading {officials:,} officials with their positions and assignments")
    figures.update(load_staff(officials))
    figures["load_per_s"] = round(officials / max(figures["load_s"], 0.001))
    step("the 2025 plan: raw SQL, then the engine")
    plan_vs_raw(spec, figures, batch_rows, progress)
    figures["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return figures


# -- the command's options (tinhgon.operations.management.commands.benchmark) ------------------
def _count(value: str) -> int:
    try:
        number = int(value.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("'%(value)s' is not a number of officials") % {"value": value[:40]}
        ) from None
    if not 1 <= number <= MAX_OFFICIALS:
        raise argparse.ArgumentTypeError(
            _("between 1 and %(high)s officials") % {"high": number_text(MAX_OFFICIALS)}
        )
    return number


def add_arguments(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--officials", type=_count, default=100_000, help="Officials to load.")
    sub.add_argument("--batch-rows", type=_count, help="Records per batch (default: the setting).")
    sub.add_argument("--format", choices=["table", "json"], default="table")


def run_options(options: dict[str, Any], progress: Callable[[str], None]) -> dict[str, Any]:
    return run(officials=options["officials"], batch_rows=options["batch_rows"], progress=progress)
