"""Benchmarks: speed figures, each compared in the same run with the naive way.

One function per subcommand of `tinhgon benchmark` (`registry`, ...), run on an empty database
(`make bench` makes a fresh SQLite file; set DATABASE_URL for PostgreSQL). Each returns its
(label, figure) rows; the naive runs happen inside a transaction that is rolled back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import resource
import statistics
import time
from collections.abc import Callable
from functools import partial

from django.db import transaction

from tinhgon.core.db import refresh_statistics
from tinhgon.core.text import fold, sort_key
from tinhgon.reorg import engine
from tinhgon.reorg.national import build_2025_plan
from tinhgon.reorg.planner import Planner
from tinhgon.reorg.spec import NewUnit, PlanSpec, Step
from tinhgon.reports.selectors import apparatus_figures
from tinhgon.units import selectors
from tinhgon.units.importer import import_legacy, plan_units
from tinhgon.units.kinds import KINDS_BY_LEVEL, Level
from tinhgon.units.models import Unit, UnitLink, UnitVersion
from tinhgon.units.national import LEGACY_LAST_DAY, REFORM_DAY, load_sources
from tinhgon.units.template import apparatus_generate

Row = tuple[str, str]  # a label and its figure


class Rollback(Exception):
    pass


def timed(func: Callable[[], object]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def timed_rolled_back(func: Callable[[], object]) -> float:
    """Seconds `func` takes inside a transaction that is then rolled back (naive comparisons)."""

    def run() -> None:
        with transaction.atomic():
            func()
            raise Rollback

    start = time.perf_counter()
    with contextlib.suppress(Rollback):
        run()
    return time.perf_counter() - start


def repeat(func: Callable[[], object], times: int) -> float:
    """Median seconds of `times` runs."""
    return statistics.median(timed(func) for _ in range(times))


def naive_import(sources) -> None:  # type: ignore[no-untyped-def]
    """What a first attempt looks like: one save() per unit and per version, parents fetched."""
    for wave in plan_units(sources):  # the legacy units
        for planned in wave:
            unit = Unit.objects.create(source_key=planned.key)
            parent = Unit.objects.get(source_key=planned.parent_key) if planned.parent_key else None
            province = None
            if parent is not None:
                parent_version = UnitVersion.objects.filter(unit=parent).first()
                province = parent_version.province if parent_version else parent
            UnitVersion.objects.create(
                unit=unit,
                code=planned.row.code,
                name=planned.row.name,
                name_folded=fold(planned.row.name),
                name_sort=sort_key(planned.row.name),
                kind=planned.row.kind,
                level=planned.level,
                parent=parent,
                admin_unit=unit,
                province=province or unit,
                valid_from=planned.valid_from,
                valid_to=planned.valid_to,
                source=planned.source,
            )


def naive_apply(plan) -> None:  # type: ignore[no-untyped-def]
    """The plan's moves, one save() at a time: what the engine replaces with set-based SQL."""
    work = Planner(plan).run()
    day, last_day = plan.effective_date, plan.effective_date - dt.timedelta(days=1)
    ids: dict[str, int] = {}
    for ref, opening in work.openings.items():
        unit = Unit.objects.create(source_key=f"naive:{ref}")
        ids[ref] = unit.pk
        parent_id = (
            opening.parent_target
            if isinstance(opening.parent_target, int)
            else ids.get(str(opening.parent_target))
        )
        parent = (
            UnitVersion.objects.filter(unit_id=parent_id).order_by("-valid_from").first()
            if parent_id
            else None
        )
        UnitVersion.objects.create(
            unit=unit,
            code=opening.spec.code,
            name=opening.spec.name,
            name_folded=fold(opening.spec.name),
            name_sort=sort_key(opening.spec.name),
            kind=opening.spec.kind,
            level=Level.COMMUNE if parent else Level.PROVINCE,
            parent_id=parent_id,
            admin_unit=unit,
            province_id=(parent.province_id if parent else unit.pk),
            valid_from=day,
            source="plan",
        )
    for unit_id in work.closing:
        for version in UnitVersion.objects.as_of(day).filter(unit_id=unit_id):
            version.valid_to = last_day
            version.save()
    for link in work.links:
        successor = ids[link.successor] if isinstance(link.successor, str) else link.successor
        UnitLink.objects.create(
            predecessor_id=link.predecessor,
            successor_id=successor,
            event=link.event,
            effective_date=day,
            is_default=link.is_default,
            step=link.step,
        )


def count_rows() -> int:
    return UnitVersion.objects.count() + UnitLink.objects.count() + Unit.objects.count()


def naive_tree(root_id: int, day: dt.date) -> int:
    """The tree by one query per node, as a recursive template would do it."""
    count = 0
    stack = [root_id]
    while stack:
        node = stack.pop()
        for version in selectors.versions_on(day).filter(parent_id=node):
            count += 1
            stack.append(version.unit_id)
    return count


def count_communes(day: dt.date) -> int:
    return selectors.versions_on(day).filter(level=Level.COMMUNE).count()


PAIRING_DAY = dt.date(2026, 7, 1)


def pairing_plan(effective: dt.date = PAIRING_DAY) -> PlanSpec:
    """The communes of every province consolidated two by two, in code order (1,655 steps on
    the 2025 registry): the national plan the engine's benchmarks carry records through."""
    provinces = selectors.versions_on(effective).filter(kind__in=KINDS_BY_LEVEL[Level.PROVINCE])
    steps: list[Step] = []
    for province in provinces.order_by("code"):
        communes = list(
            selectors.versions_on(effective)
            .filter(parent_id=province.unit_id, kind__in=KINDS_BY_LEVEL[Level.COMMUNE])
            .order_by("code")
        )
        for first, second in zip(communes[::2], communes[1::2], strict=False):
            steps.append(
                Step(
                    len(steps) + 1,
                    "consolidate",
                    sources=[first.code, second.code],
                    target=NewUnit(
                        "9" + first.code,
                        f"{first.name} - {second.name.split(' ', 1)[1]}",
                        first.kind,
                        parent=province.code,
                    ),
                )
            )
    return PlanSpec(title="Ghép cặp xã (thử tải)", effective_date=effective, steps=steps)


def national_registry() -> float:
    """The registry the engine's benchmarks start from: the legacy units, the 2025 plan applied,
    the standard apparatus of every province. Returns the seconds it took."""
    from tinhgon.operations.national import import_national_with_plan

    start = time.perf_counter()
    import_national_with_plan()
    for province in selectors.versions_on(REFORM_DAY).filter(
        kind__in=KINDS_BY_LEVEL[Level.PROVINCE]
    ):
        apparatus_generate(actor=None, province_id=province.unit_id, day=REFORM_DAY)
    refresh_statistics()
    return time.perf_counter() - start


def _national_apparatus(rows: list[Row], skip_naive: bool) -> None:
    """Every province's standard apparatus, then a plan pairing up the communes of every
    province in 2026: each consolidation drags the seven organs and offices of two communes
    into the new commune's (derived steps)."""
    provinces = list(
        selectors.versions_on(REFORM_DAY).filter(kind__in=KINDS_BY_LEVEL[Level.PROVINCE])
    )
    start = time.perf_counter()
    created = sum(
        apparatus_generate(actor=None, province_id=p.unit_id, day=REFORM_DAY) for p in provinces
    )
    rows.append(
        (
            f"standard apparatus of all {len(provinces)} provinces: {created:,} units",
            f"{time.perf_counter() - start:.2f} s",
        )
    )
    plan = pairing_plan()
    steps = plan.steps
    preview_s = timed(lambda: engine.run(plan, apply=False))
    report = engine.run(plan, apply=False).report
    label = f"{len(steps)} consolidations + derived agencies: {report['units_opened']:,} opened, {report['units_closed']:,} closed"
    rows.append((f"preview, {label}", f"{preview_s:.2f} s"))
    if not skip_naive:
        naive_s = timed_rolled_back(lambda: naive_apply(plan))
    apply_s = timed(lambda: engine.run(plan, apply=True))
    rows.append(("apply of the same plan", f"{apply_s:.2f} s"))
    if not skip_naive:
        rows.append(
            (
                "  same moves, one ORM save() per row",
                f"{naive_s:.2f} s ({naive_s / apply_s:.1f}x slower)",
            )
        )


def registry(*, skip_naive: bool) -> list[Row]:
    """The national import and 2025 plan, the national apparatus, trees, counts, search."""
    rows: list[Row] = []

    sources_s = timed(load_sources)
    sources = load_sources()
    planned = sum(len(w) for w in plan_units(sources))
    rows.append(("read the two packages and reconcile (once)", f"{sources_s:.2f} s"))

    if not skip_naive:
        naive_s = timed_rolled_back(lambda: naive_import(sources))
        rows.append(
            (
                f"naive per-row ORM import, {planned} units",
                f"{naive_s:.2f} s ({planned / naive_s:,.0f} units/s)",
            )
        )

    import_s = timed(lambda: import_legacy(sources=sources))
    rows.append(
        (
            f"set-based legacy import, {planned} units + conflict report",
            f"{import_s:.2f} s ({planned / import_s:,.0f} units/s)",
        )
    )
    if not skip_naive:
        rows.append(("import speed-up", f"{naive_s / import_s:.1f}x"))
    rerun_s = timed(lambda: import_legacy(sources=sources))
    rows.append(("re-run of the import (nothing to do)", f"{rerun_s:.2f} s"))

    build_s = timed(lambda: build_2025_plan(sources))
    plan = build_2025_plan(sources)
    rows.append((f"build the 2025 plan ({len(plan.steps)} steps)", f"{build_s:.2f} s"))
    preview_s = timed(lambda: engine.run(plan, apply=False))
    rows.append(("preview of the national plan (read-only counts)", f"{preview_s:.2f} s"))
    if not skip_naive:
        naive_apply_s = timed_rolled_back(lambda: naive_apply(plan))
    before_rows = count_rows()
    apply_s = timed(lambda: engine.run(plan, apply=True))
    written = count_rows() - before_rows
    closed = UnitVersion.objects.filter(valid_to=LEGACY_LAST_DAY).count()
    touched = written + closed
    rows.append(
        (
            f"apply of the national plan: {touched:,} rows written or closed",
            f"{apply_s:.2f} s ({touched / apply_s:,.0f} rows/s)",
        )
    )
    if not skip_naive:
        rows.append(
            (
                "  same moves, one ORM save() per row",
                f"{naive_apply_s:.2f} s ({touched / naive_apply_s:,.0f} rows/s, {naive_apply_s / apply_s:.1f}x slower)",
            )
        )

    _national_apparatus(rows, skip_naive)
    refresh_statistics()  # as `import-units` and `plan apply` do after bulk work

    hanoi = selectors.resolve_province("Hà Nội", day=LEGACY_LAST_DAY)
    son_la = selectors.resolve_province("Sơn La", day=LEGACY_LAST_DAY)
    for label, root, day in [
        ("Hà Nội, 2025-06-30", hanoi.unit_id, LEGACY_LAST_DAY),
        ("Sơn La, 2025-06-30", son_la.unit_id, LEGACY_LAST_DAY),
        ("Sơn La, 2025-07-01", son_la.unit_id, REFORM_DAY),
    ]:
        nodes = len(selectors.subtree_depths([root], day)) - 1
        fast = repeat(partial(selectors.tree, root, day, max_depth=5), 20)
        rows.append(
            (f"tree as of date, {label}: {nodes} units, recursive CTE", f"{fast * 1000:.1f} ms")
        )
        if not skip_naive:
            slow = repeat(partial(naive_tree, root, day), 5)
            rows.append(
                (
                    "  same tree, one query per node",
                    f"{slow * 1000:.1f} ms ({slow / fast:.1f}x slower)",
                )
            )
    for day in (LEGACY_LAST_DAY, REFORM_DAY):
        count_s = repeat(partial(count_communes, day), 20)
        rows.append((f"count of commune-level units open on {day}", f"{count_s * 1000:.1f} ms"))
    report_s = repeat(lambda: apparatus_figures(LEGACY_LAST_DAY), 10)
    rows.append(("national apparatus figures as of 2025-06-30", f"{report_s * 1000:.1f} ms"))
    search_s = repeat(lambda: list(selectors.search("chieng an", REFORM_DAY)[:50]), 20)
    rows.append(
        ("search 'chieng an' (no diacritics) as of 2025-07-01", f"{search_s * 1000:.1f} ms")
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(("peak memory of the process", f"{peak_mb:.0f} MB"))
    return rows
