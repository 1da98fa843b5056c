"""`tinhgon benchmark services --dossiers N`: public services at national scale.

On an empty database it builds the legacy registry (63 provinces, 10,035 communes, as on
2025-06-30), imports the starter catalogue and loads N synthetic dossiers over the legacy
communes with set-based SQL (a generated series joined to the communes: nothing per dossier in
Python, so memory does not grow with N). Then it measures:

- `apply_s`: the national 2025 plan applied by the engine; the figure is the time the
  dossiers carrier (tinhgon.publicservices.carriers) spends moving the open dossiers with their
  history rows, in the engine's batches (`plan_apply_s` is the whole apply, units included);
- `raw_sql_s`: the same dossier moves written by hand for this one table and this plan (each
  closed unit's default successor, province and administrative unit refreshed, one history row
  per moved dossier), timed first, in a transaction that is then rolled back: in it the engine
  applies the plan without the dossiers carrier (the registry's changes), then the raw SQL
  moves the dossiers. Only the dossiers' moves are compared: the registry's changes are not in
  either figure. `same_end_state` compares where the open dossiers are after each (a count and
  weighted sums of the codes of their unit, province and administrative unit);
- `figures_s`: the unit dashboard (`publicservices.figures.unit_dashboard`; the counters it
  reads are rebuilt once after the load) of the 50 units with the most dossiers, median and
  95th percentile;
- `intake_per_s`: dossiers filed through the staff API (`POST /api/services/dossiers`) by
  concurrent clients against a real server process on the same database.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import json
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from tinhgon.carriers import contract
from tinhgon.core.db import refresh_statistics
from tinhgon.publicservices import catalogue
from tinhgon.publicservices import figures as dossier_figures
from tinhgon.publicservices.carriers import DossiersCarrier
from tinhgon.publicservices.models import OPEN, Dossier, Level, ProcedureVersion, Status
from tinhgon.reorg import engine
from tinhgon.reorg.national import build_2025_plan
from tinhgon.reorg.spec import PlanSpec
from tinhgon.units import selectors
from tinhgon.units.importer import import_legacy
from tinhgon.units.kinds import Level as UnitLevel
from tinhgon.units.models import LinkEvent
from tinhgon.units.national import LEGACY_LAST_DAY, load_sources

TABLE = Dossier._meta.db_table
CARRIER = DossiersCarrier.name
RAW = "dossiers_raw"
OPEN_SQL = ", ".join(str(int(s)) for s in OPEN)
# The catalogue in force for the loaded dossiers (received in May and June 2025).
CATALOGUE_FROM = dt.date(2025, 1, 1)
# Rows per INSERT ... SELECT of the load (each its own transaction).
LOAD_CHUNK = 500_000
# Status of a dossier by (i * 37) % 100: 78 % open (1, 2, 4, 5, 6, 9).
STATUS_BY_SHARE = [
    (10, Status.REGISTERED),
    (20, Status.RECEIVED),
    (60, Status.PROCESSING),
    (66, Status.SUPPLEMENT),
    (70, Status.PAYMENT),
    (78, Status.DONE),
    (80, Status.NOT_RECEIVED),
    (82, Status.WITHDRAWN),
    (84, Status.STOPPED),
    (100, Status.RETURNED),
]
FINISHED = (Status.NOT_RECEIVED, Status.WITHDRAWN, Status.STOPPED, Status.DONE, Status.RETURNED)
DASHBOARD_UNITS = 50
INTAKE_PATH = "/api/services/dossiers"


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


# -- the legacy registry and the catalogue ---------------------------------------------------
def prepare() -> tuple[PlanSpec, float]:
    """The legacy registry and the starter catalogue; returns the 2025 plan (not applied)."""
    start = time.perf_counter()
    sources = load_sources()
    result = import_legacy(sources=sources)
    spec = build_2025_plan(sources, result.reconciliation)
    if not ProcedureVersion.objects.exists():
        catalogue.catalogue_import(actor=None, data=catalogue.starter(), valid_from=CATALOGUE_FROM)
    refresh_statistics()
    return spec, time.perf_counter() - start


# -- the load --------------------------------------------------------------------------------
def _series(lo: int, hi: int) -> str:
    if _pg():
        return f"SELECT g AS i FROM generate_series({int(lo)}, {int(hi)}) g"
    return (
        f"WITH RECURSIVE s(i) AS (SELECT {int(lo)} UNION ALL SELECT i + 1 FROM s "
        f"WHERE i < {int(hi)}) SELECT i FROM s"
    )


def _hours(expr: str, hours: str) -> str:
    """`expr` (a moment) plus `hours` (an SQL integer expression, may be negative)."""
    if _pg():
        return f"({expr} + ({hours}) * INTERVAL '1 hour')"
    return f"datetime({expr}, ({hours}) || ' hours')"


def _day_code(expr: str) -> str:
    if _pg():
        return f"to_char({expr} AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYYMMDD')"
    return f"strftime('%Y%m%d', {expr}, '+7 hours')"


def _padded(expr: str, width: int) -> str:
    if _pg():
        return f"lpad(CAST({expr} AS TEXT), {width}, '0')"
    return f"substr('{'0' * width}' || {expr}, -{width})"


def _status_case() -> str:
    whens = " ".join(f"WHEN r.s < {limit} THEN {int(status)}" for limit, status in STATUS_BY_SHARE)
    return f"CASE {whens} END"


def _places() -> int:
    """bench_places: the legacy communes with their province; bench_procs: the commune-level
    procedures."""
    communes = list(
        selectors.versions_on(LEGACY_LAST_DAY)
        .filter(level=UnitLevel.COMMUNE)
        .order_by("code", "unit_id")
        .values_list("unit_id", "code", "province_id", "admin_unit_id")
    )
    communes = [c for c in communes if c[3] == c[0]]  # the communes, not their organs
    provinces = dict(
        selectors.versions_on(LEGACY_LAST_DAY)
        .filter(unit_id__in={c[2] for c in communes})
        .values_list("unit_id", "admin_unit_id")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_places (n integer PRIMARY KEY, commune_id bigint, "
            "code varchar(32), province_id bigint, province_admin_id bigint)"
        )
        rows = [
            (n, unit, code, province, provinces.get(province) or province)
            for n, (unit, code, province, _admin) in enumerate(communes)
        ]
        for start in range(0, len(rows), 2000):
            cursor.executemany(
                "INSERT INTO bench_places VALUES (%s, %s, %s, %s, %s)",
                rows[start : start + 2000],
            )
        commune_versions = list(
            ProcedureVersion.objects.filter(level=Level.COMMUNE, valid_to__isnull=True)
            .order_by("procedure__code")
            .values_list("pk", flat=True)
        )
        cursor.execute("CREATE TEMPORARY TABLE bench_procs (n integer PRIMARY KEY, id bigint)")
        cursor.executemany(
            "INSERT INTO bench_procs VALUES (%s, %s)", list(enumerate(commune_versions))
        )
    return len(communes)


def load_dossiers(count: int) -> dict[str, Any]:
    """N dossiers over the legacy communes, set-based, in chunks (each a transaction). Dossier i
    is at commune i mod P; one in ten is a province-level procedure decided by the province."""
    places = _places()
    province_version = (
        ProcedureVersion.objects.filter(level=Level.PROVINCE, valid_to__isnull=True)
        .order_by("procedure__code")
        .values_list("pk", flat=True)
        .first()
    )
    kinds = _scalar("SELECT COUNT(*) FROM bench_procs")
    # Submitted at 09:00 on 2025-06-30 (Vietnam), minus up to 60 days.
    base = "CAST('2025-06-30 02:00:00+00' AS TIMESTAMPTZ)" if _pg() else "'2025-06-30 02:00:00'"
    status = _status_case()
    province_level = f"(q.i / {places}) % 10 = 9" if province_version else "1 = 0"
    finished = ", ".join(str(int(s)) for s in FINISHED)
    received = "q.st NOT IN (1, 3)"
    columns = (
        "code, procedure_id, status, version, applicant_kind, applicant_name, "
        "applicant_id_digest, applicant_id_last, applicant_email, applicant_phone_last, "
        "applicant_commune_id, channel, client_ref, receiving_unit_id, unit_id, province_id, "
        "admin_unit_id, submitted_at, received_at, clock_from, pauses, paused_at, due_at, "
        "fees_due, fees_paid, outcome, finished_at, returned_at"
    )
    select = (
        f"SELECT p.code || '-' || {_day_code('q.sub')} || '-' || {_padded('q.i', 8)}, "
        f"CASE WHEN {province_level} THEN {province_version or 0} ELSE pr.id END, "
        "q.st, 0, 'citizen', "
        f"'Công dân mẫu ' || {_padded('q.i', 8)}, "
        f"'bench' || {_padded('q.i', 59)}, {_padded('q.i % 10000', 4)}, '', "
        f"{_padded('(q.i * 7) % 10000', 4)}, "
        "p.commune_id, "
        "CASE WHEN q.i % 20 < 11 THEN 'in_person' WHEN q.i % 20 < 19 THEN 'online' "
        "ELSE 'postal' END, NULL, p.commune_id, "
        f"CASE WHEN {province_level} THEN p.province_id ELSE p.commune_id END, "
        "p.province_id, "
        f"CASE WHEN {province_level} THEN p.province_admin_id ELSE p.commune_id END, "
        "q.sub, "
        f"CASE WHEN {received} THEN {_hours('q.sub', '1')} END, "
        f"CASE WHEN {received} THEN {_hours('q.sub', '1')} END, "
        "'[]', "
        f"CASE WHEN q.st IN (5, 6) THEN {_hours('q.sub', '3')} END, "
        f"CASE WHEN {received} THEN {_hours('q.sub', '1 + 24 * 14')} END, "
        "CASE WHEN q.st = 6 THEN 10000 ELSE 0 END, 0, "
        "CASE WHEN q.st IN (9, 10) THEN 'approved' ELSE '' END, "
        f"CASE WHEN q.st IN ({finished}) THEN {_hours('q.sub', '2')} END, "
        f"CASE WHEN q.st = 10 THEN {_hours('q.sub', '3')} END "
        f"FROM (SELECT r.i, r.s, {status} AS st, {_hours(base, '-((r.i * 13) % 1440)')} AS sub "
        f"FROM (SELECT g.i, (g.i * 37) % 100 AS s FROM ({{series}}) g) r) q "
        f"JOIN bench_places p ON p.n = q.i % {places} "
        f"JOIN bench_procs pr ON pr.n = (q.i / {places}) % {kinds}"
    )
    start = time.perf_counter()
    for lo in range(0, count, LOAD_CHUNK):
        hi = min(count, lo + LOAD_CHUNK) - 1
        with transaction.atomic():
            _execute(
                f"INSERT INTO {TABLE} ({columns}) {select.replace('{series}', _series(lo, hi))}"
            )
    load_s = time.perf_counter() - start
    _execute("DROP TABLE bench_places")
    _execute("DROP TABLE bench_procs")
    refresh_statistics()
    # The figures' counters are kept at each transition; dossiers loaded in bulk get theirs
    # recomputed once, set-based.
    start = time.perf_counter()
    tallies = dossier_figures.rebuild()
    refresh_statistics()
    return {
        "communes": places,
        "load_s": round(load_s, 2),
        "tallies": tallies,
        "tallies_s": round(time.perf_counter() - start, 2),
    }


# -- the plan: the engine against raw SQL ----------------------------------------------------
class _Rollback(Exception):
    pass


def fingerprint(day: dt.date) -> tuple[int, ...]:
    """Where the open dossiers are on `day`: their count, and weighted sums of their unit,
    province and administrative unit (weights drawn from the id, so that a dossier sent
    elsewhere changes them). Units are named by their code and level on `day`, not by id:
    units that a rolled-back apply opened got other ids than the same units opened again."""
    on_day = (
        "JOIN units_unitversion {a} ON {a}.unit_id = d.{column} "
        "AND ({a}.valid_from IS NULL OR {a}.valid_from <= %(day)s) "
        "AND ({a}.valid_to IS NULL OR {a}.valid_to >= %(day)s)"
    )
    joins = " ".join(
        on_day.format(a=alias, column=column)
        for alias, column in (("u", "unit_id"), ("p", "province_id"), ("a", "admin_unit_id"))
    )
    key = "(CAST({a}.code AS INTEGER) * 4 + {a}.level)"
    u, p, a = (key.format(a=alias) for alias in "upa")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), SUM({u}), SUM({p}), SUM({a}), SUM((d.id %% 1009) * {u}), "
            f"SUM((d.id %% 1013) * {p}), SUM((d.id %% 1019) * {a}) FROM {TABLE} d {joins} "
            f"WHERE d.status IN ({OPEN_SQL})",
            {"day": day},
        )
        return tuple(int(value or 0) for value in cursor.fetchone())


def _vacuum() -> None:
    """After the rolled-back raw SQL, the table holds a dead copy of each row it moved: reclaim
    them so that the engine starts on a table like the raw SQL's (PostgreSQL; VACUUM runs
    outside a transaction)."""
    if _pg():
        _execute(f"VACUUM ANALYZE {TABLE}")


def raw_sql_moves(plan_id: int, effective: dt.date) -> int:
    """The plan's dossier moves as one would write them by hand: every open dossier of a closed
    unit to the unit's default successor (from the plan's lineage links) with the successor's
    province and administrative unit; a unit that stays but lies in another province now keeps
    its dossiers and refreshes their placement. One history row per moved dossier, written
    from the UPDATE's RETURNING (PostgreSQL) or just before it (SQLite). Returns the dossiers
    moved."""
    params = {
        "plan": plan_id,
        "effective": effective,
        "last_day": effective - dt.timedelta(days=1),
        "split": LinkEvent.SPLIT.value,
        "true": True,
    }
    history = (
        "INSERT INTO carriers_recordmove (plan_ref, step, carrier, record_id, from_unit_id, "
        "to_unit_id) "
    )
    placed = (
        "JOIN units_unitversion v ON v.unit_id = {unit} "
        "AND (v.valid_from IS NULL OR v.valid_from <= %(effective)s) "
        "AND (v.valid_to IS NULL OR v.valid_to >= %(effective)s)"
    )
    # Closed units to their default successor, re-placed units to themselves, with the
    # placement of where they go.
    _execute(
        "CREATE TEMPORARY TABLE bench_map AS SELECT l.predecessor_id AS from_id, "
        "l.successor_id AS to_id, l.step, v.province_id, v.admin_unit_id "
        f"FROM units_unitlink l {placed.format(unit='l.successor_id')} "
        "WHERE l.plan_ref = %(plan)s AND l.is_default = %(true)s "
        "UNION ALL SELECT a.unit_id, a.unit_id, NULL, a.province_id, a.admin_unit_id "
        "FROM units_unitversion a "
        "JOIN units_unitversion b ON b.unit_id = a.unit_id AND b.valid_to = %(last_day)s "
        "WHERE a.valid_from = %(effective)s AND (COALESCE(a.province_id, 0) <> "
        "COALESCE(b.province_id, 0) OR a.admin_unit_id <> b.admin_unit_id)",
        params,
    )
    _execute("CREATE UNIQUE INDEX bench_map_from ON bench_map (from_id)")
    # Written for a plan that splits no unit, as the 2025 plan (its divided communes have one
    # successor each, and "partial" links for the parts that went elsewhere): a rule routing
    # the dossiers of a split unit by the applicant's commune would be one more join here.
    if _scalar(
        "SELECT COUNT(*) FROM units_unitlink WHERE plan_ref = %(plan)s AND event = %(split)s",
        params,
    ):
        raise ValueError("the hand-written moves are for a plan that splits no unit")
    rows = (
        f"m.from_id = d.unit_id AND d.status IN ({OPEN_SQL}) AND (d.unit_id <> m.to_id "
        "OR d.province_id <> m.province_id OR d.admin_unit_id <> m.admin_unit_id)"
    )
    history_of = f"{history}SELECT %(plan)s, step, '{RAW}', id, from_id, to_id FROM"
    if _pg():
        _execute("ANALYZE bench_map")
        moved = _execute(
            f"WITH moved AS (UPDATE {TABLE} d SET unit_id = m.to_id, "
            "province_id = m.province_id, admin_unit_id = m.admin_unit_id "
            f"FROM bench_map m WHERE {rows} RETURNING d.id, m.from_id, m.to_id, m.step) "
            f"{history_of} moved WHERE from_id <> to_id",
            params,
        )
    else:  # no RETURNING into another table: the history first, then the moves
        moved = _execute(
            f"{history_of} (SELECT d.id, m.from_id, m.to_id, m.step FROM {TABLE} d "
            f"JOIN bench_map m ON {rows} AND m.from_id <> m.to_id)",
            params,
        )
        _execute(
            f"UPDATE {TABLE} AS d SET unit_id = m.to_id, province_id = m.province_id, "
            f"admin_unit_id = m.admin_unit_id FROM bench_map m WHERE {rows}"
        )
    _execute("DROP TABLE bench_map")
    return moved


def _open_at_closed(plan_id: int) -> int:
    """Open dossiers still attached to a unit the plan closed (0 when every one moved)."""
    return int(
        _scalar(
            f"SELECT COUNT(*) FROM {TABLE} WHERE status IN ({OPEN_SQL}) AND unit_id IN "
            "(SELECT predecessor_id FROM units_unitlink WHERE plan_ref = %s)",
            [plan_id],
        )
    )


def plan_vs_raw(
    spec: PlanSpec,
    figures: dict[str, Any],
    batch_rows: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> None:
    """The same dossier moves by hand, then by the engine, from the same start.

    First, in a transaction that is then rolled back: the engine applies the plan without the
    dossiers carrier (the registry's changes), and the raw SQL moves the dossiers (timed). Then
    the engine applies the plan for real, dossiers carrier included, in its batches (timed)."""

    def say(what: str) -> None:
        if progress:
            progress(what)

    said = [0]

    def moving(carrier: str, done: int, total: int) -> None:
        tenth = 10 * done // max(total, 1)
        if carrier == CARRIER and tenth > said[0]:
            said[0] = tenth
            say(f"  the engine: {done:,} of {total:,} dossiers")

    figures["open_dossiers"] = Dossier.objects.filter(status__in=OPEN).count()
    start_state = fingerprint(LEGACY_LAST_DAY)
    size = batch_rows or engine.batch_rows_setting()
    carrier = contract.get(CARRIER)
    assert carrier is not None, "the dossiers carrier is registered by the app"
    say("  raw SQL (then rolled back)")
    try:
        with transaction.atomic():
            contract.unregister(CARRIER)
            try:
                units_only = engine.apply_plan(spec, batch_rows=size)
            finally:
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
    say("  the engine")
    start = time.perf_counter()
    outcome = engine.apply_plan(spec, batch_rows=size, on_progress=moving)
    figures["plan_apply_s"] = round(time.perf_counter() - start, 2)
    assert outcome.plan is not None
    figures["apply_s"] = round(outcome.report["timings"][CARRIER], 2)
    figures["units_s"] = outcome.report["timings"].get("units")
    figures["batch_rows"] = size
    figures["dossiers_moved"] = outcome.report["carriers"][CARRIER]
    figures["dossiers_moved_raw"] = moved_raw
    figures["left_behind"] = _open_at_closed(outcome.plan.pk)
    figures["same_end_state"] = (
        fingerprint(spec.effective_date) == raw_state and moved_raw == figures["dossiers_moved"]
    )
    figures["apply_vs_raw"] = round(figures["apply_s"] / max(figures["raw_sql_s"], 0.001), 2)
    refresh_statistics()


# -- the unit dashboard ----------------------------------------------------------------------
def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def time_figures(results: dict[str, Any], units: int = DASHBOARD_UNITS) -> None:
    """The dashboard of the `units` units holding the most dossiers, each read three times (the
    first warms the cache and is not counted): median and 95th percentile."""
    read = dossier_figures.unit_dashboard
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT unit_id FROM {TABLE} GROUP BY unit_id ORDER BY COUNT(*) DESC, unit_id "
            f"LIMIT {int(units)}"
        )
        busiest = [row[0] for row in cursor.fetchall()]
    date_to = timezone.localdate()
    date_from = date_to - dt.timedelta(days=730)
    timings = []
    for unit_id in busiest:
        read(unit_id, date_from, date_to)
        for _ in range(2):
            start = time.perf_counter()
            read(unit_id, date_from, date_to)
            timings.append(time.perf_counter() - start)
    results["figures_units"] = len(busiest)
    results["figures_s"] = round(statistics.median(timings), 4) if timings else None
    results["figures_p95_s"] = round(_percentile(timings, 0.95), 4) if timings else None
    results["figures_max_s"] = round(max(timings), 4) if timings else None


# -- intake through the API ------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# The last lines of the server's log naming an error (why a request got a 500).
SERVER_ERRORS: list[str] = []
# The process id of the server serving each address (`serve`), to read the CPU it spends.
SERVED: dict[str, int] = {}


@contextlib.contextmanager
def serve(workers: int = 1) -> Iterator[str]:
    """The production server, `gunicorn tinhgon.wsgi` with `workers` pre-forked worker processes,
    on a free port, on this process's database settings (DATABASE_URL), without debug, each
    worker keeping its database connection between requests. Its log goes to a temporary file;
    the lines naming an error are kept in SERVER_ERRORS when it stops."""
    port = _free_port()
    env = {
        **os.environ,
        "TINHGON_DEBUG": "0",
        "TINHGON_DB_CONN_MAX_AGE": os.environ.get("TINHGON_DB_CONN_MAX_AGE", "600"),
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "tinhgon.wsgi",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--worker-class=sync",
        # Django's checks ran in this process already; the workers load the app once, forked.
        "--preload",
        "--backlog=256",
        "--timeout=120",
        "--error-logfile=-",
    ]
    with (
        tempfile.TemporaryFile(mode="w+") as log,
        subprocess.Popen(command, env=env, stdout=log, stderr=log) as process,
    ):
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise RuntimeError("the server process stopped at start")
                with (
                    contextlib.suppress(OSError),
                    socket.create_connection(("127.0.0.1", port), 1),
                ):
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not start within 60 s")
                time.sleep(0.2)
            url = f"http://127.0.0.1:{port}"
            SERVED[url] = process.pid
            yield url
        finally:
            SERVED.pop(f"http://127.0.0.1:{port}", None)
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.seek(0)
            errors = [line.strip()[:300] for line in log if "rror" in line]
            SERVER_ERRORS[:] = list(dict.fromkeys(SERVER_ERRORS + errors))[-3:]


def intake_actor() -> tuple[str, list[int], str]:
    """An API user of Sơn La's province (provincial administrator), its token, and the
    communes its dossiers are filed at today; the commune-level procedure they are filed under."""
    from tinhgon.accounts import services as accounts

    today = timezone.localdate()
    province = selectors.resolve_province("Sơn La", day=today)
    user = accounts.user_create(actor=None, username=f"bench-intake-{time.time_ns()}")
    accounts.membership_add(actor=None, user=user, unit_id=province.unit_id, role="province_admin")
    _token, secret = accounts.token_create(actor=None, user=user, name="benchmark", days=1)
    communes = [
        v.unit_id
        for v in selectors.versions_on(today).filter(
            province_id=province.unit_id, level=UnitLevel.COMMUNE
        )
        if v.admin_unit_id == v.unit_id
    ]
    procedure = (
        ProcedureVersion.objects.filter(level=Level.COMMUNE, valid_to__isnull=True)
        .order_by("procedure__code")
        .values_list("procedure__code", flat=True)
        .first()
    )
    return secret, communes, str(procedure)


def intake_bodies(communes: list[int], procedure: str, *, count: int) -> list[bytes]:
    """The JSON bodies of `count` filings at a counter, each at the applicant's own commune
    (picked at random among `communes`) with a reference of its own."""
    run = time.time_ns()
    rng = random.Random(run)
    return [
        json.dumps(
            {
                "procedure_code": procedure,
                "applicant_kind": "citizen",
                "applicant_name": f"Công dân mẫu {n:06d}",
                "applicant_id": f"000{n:09d}",
                "applicant_commune_id": (commune := rng.choice(communes)),
                "channel": "in_person",
                "receiving_unit_id": commune,
                "client_ref": f"bench-{run}-{n}",
            }
        ).encode()
        for n in range(count)
    ]


def intake(
    base_urls: list[str],
    token: str,
    communes: list[int],
    procedure: str,
    *,
    count: int,
    clients: int,
) -> dict[str, Any]:
    """`count` dossiers filed by `clients` threads, each on its own connection (kept alive when
    the server keeps it; gunicorn's sync workers close it after each answer and the client opens
    the next one); returns the rate, latencies and failures (the first answer of each kind is
    kept). The bodies are built before the clock starts: the clients share the server's cores,
    so what they spend is taken from the server."""
    hosts = [url.removeprefix("http://") for url in base_urls]
    bodies = intake_bodies(communes, procedure, count=count)
    numbers = iter(range(count))
    lock = threading.Lock()
    latencies: list[float] = []
    failed: Counter[int] = Counter()  # answers other than 201 by status (0: no answer)
    first: dict[int, str] = {}
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def client(seed: int) -> None:
        host = hosts[seed % len(hosts)]  # the clients spread over the servers given
        conn = http.client.HTTPConnection(host, timeout=60)
        while True:
            with lock:
                n = next(numbers, None)
            if n is None:
                break
            start = time.perf_counter()
            try:
                conn.request("POST", INTAKE_PATH, bodies[n], headers)
                answer = conn.getresponse()
                text = answer.read()
                status = answer.status
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                conn = http.client.HTTPConnection(host, timeout=60)
                status, text = 0, str(error).encode()
            spent = time.perf_counter() - start
            with lock:
                if status == 201:
                    latencies.append(spent)
                else:
                    failed[status] += 1
                    first.setdefault(status, text[:300].decode(errors="replace"))
        conn.close()

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return {
        "intake_dossiers": len(latencies),
        "intake_clients": clients,
        "intake_s": round(elapsed, 2),
        "intake_per_s": round(len(latencies) / elapsed, 1) if latencies else None,
        "intake_p50_ms": round(_percentile(latencies, 0.5) * 1000, 1) if latencies else None,
        "intake_p95_ms": round(_percentile(latencies, 0.95) * 1000, 1) if latencies else None,
        "intake_failed": dict(failed),
        "intake_first_failure": first,
    }


# -- what a filing costs ---------------------------------------------------------------------
def _cpu_seconds(pids: list[int]) -> dict[int, float]:
    """Processor seconds (user + system) each process has spent, read from /proc (Linux); a
    process that ended or that /proc does not show is left out."""
    tick = os.sysconf("SC_CLK_TCK")
    spent = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        spent[pid] = (int(fields[11]) + int(fields[12])) / tick
    return spent


def _process_tree(root: int) -> list[int]:
    """The process and its descendants (the server's master and its workers)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def _backends() -> list[int]:
    """The PostgreSQL backends serving this database, this process's own left out."""
    if not _pg():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


def _spent(before: dict[int, float], after: dict[int, float]) -> float:
    # a process that started in between (a backend) spent all it has in between
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


class CpuWatch:
    """The processor time spent between `start` and `per_filing` by the server (its process
    tree), the database's backends (PostgreSQL on this machine) and this process (the clients)."""

    def __init__(self, server_pid: int | None) -> None:
        self.server_pid = server_pid

    def _read(self) -> tuple[dict[int, float], dict[int, float], float]:
        server = _cpu_seconds(_process_tree(self.server_pid)) if self.server_pid else {}
        times = os.times()
        return server, _cpu_seconds(_backends()), times.user + times.system

    def start(self) -> None:
        self.before = self._read()

    def per_filing(self, filings: int) -> dict[str, Any]:
        """Milliseconds of processor a filing cost each side (None where not read), and the
        machine's load average over the last minute (the share of the cores the run got)."""
        (server, database, clients), (server_was, database_was, clients_was) = (
            self._read(),
            self.before,
        )

        def per(seconds: float) -> float | None:
            return round(seconds * 1000 / filings, 2) if filings else None

        return {
            "intake_cpu_ms_server": per(_spent(server_was, server)) if self.server_pid else None,
            "intake_cpu_ms_database": per(_spent(database_was, database)) if _pg() else None,
            "intake_cpu_ms_clients": per(clients - clients_was),
            "intake_load_average": round(os.getloadavg()[0], 1),
        }


def profile_intake(count: int = 300, *, top: int = 0, sort: str = "cumulative") -> dict[str, Any]:
    """Filings through the staff API inside this process (Django's test client: the middleware,
    the authentication, ninja and the service; no server, no network), on this database: the
    queries of one filing, and the processor time a filing costs this process, in rounds of 50
    (the cheapest round and the median; the database's own work is in its process, not here).
    With `top`, as many again run under cProfile on the processor clock, and its `top`
    costliest functions (by `sort`: cumulative time by default) go to standard error."""
    import cProfile
    import pstats

    from django.test import Client

    token, communes, procedure = intake_actor()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")
    bodies = intake_bodies(communes, procedure, count=2 + count * (2 if top else 1))

    def post(body: bytes) -> None:
        answer = client.post(INTAKE_PATH, body, content_type="application/json")
        if answer.status_code != 201:
            raise RuntimeError(f"filing answered {answer.status_code}: {answer.content[:300]!r}")

    # The queries of one filing (CaptureQueriesContext would lose them: a request starts by
    # resetting the connection's log).
    sql: list[str] = []

    def record(execute, statement, params, many, context):  # type: ignore[no-untyped-def]
        sql.append(statement)
        return execute(statement, params, many, context)

    post(bodies[0])  # what is built on first use, and the token's first use written
    with connection.execute_wrapper(record):
        post(bodies[1])
    # In rounds of 50, the cheapest round counted: on a shared machine a round that met
    # contention (caches, frequency) costs more processor time, never less.
    rounds = []
    for first in range(2, count + 2, 50):
        batch = bodies[first : min(first + 50, count + 2)]
        start = time.process_time()
        for body in batch:
            post(body)
        rounds.append((time.process_time() - start) / len(batch))
    if top:  # as many again, profiled (the profiler's own cost left out of `spent`)
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for body in bodies[count + 2 :]:
            post(body)
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats(sort).print_stats(top)
    return {
        "filings": count,
        "queries": len(sql),
        "sql": [statement[:160] for statement in sql],
        "cpu_ms_per_filing": round(min(rounds) * 1000, 2),
        "cpu_ms_per_filing_median": round(statistics.median(rounds) * 1000, 2),
        "load_average": round(os.getloadavg()[0], 1),
    }


# -- the whole run ---------------------------------------------------------------------------
def run(
    *,
    dossiers: int,
    intake_count: int = 2000,
    clients: int = 8,
    servers: int | None = None,
    batch_rows: int | None = None,
    server: Callable[[int], contextlib.AbstractContextManager[str]] | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """The whole benchmark on the current (empty) database; returns the figures."""

    def step(what: str) -> None:
        if progress:
            progress(what)

    figures: dict[str, Any] = {
        "database": connection.vendor,
        "dossiers": dossiers,
    }
    step("legacy registry and catalogue")
    spec, prepare_s = prepare()
    figures["prepare_s"] = round(prepare_s, 2)
    step(f"loading {dossiers:,} dossiers")
    figures.update(load_dossiers(dossiers))
    figures["load_per_s"] = round(dossiers / max(figures["load_s"], 0.001))
    step("the 2025 plan: engine, then raw SQL")
    plan_vs_raw(spec, figures, batch_rows, progress)
    step("unit dashboards")
    time_figures(figures)
    if intake_count:
        step(f"intake of {intake_count:,} dossiers through the API")
        token, communes, procedure = intake_actor()
        SERVER_ERRORS.clear()
        servers = servers or min(8, os.cpu_count() or 1)
        with (server or serve)(servers) as url:
            watch = CpuWatch(SERVED.get(url))
            watch.start()
            figures.update(
                intake([url], token, communes, procedure, count=intake_count, clients=clients)
            )
            figures.update(watch.per_filing(figures["intake_dossiers"]))
        figures["intake_servers"] = servers
        if figures["intake_failed"]:
            figures["intake_server_errors"] = SERVER_ERRORS
    figures["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return figures
