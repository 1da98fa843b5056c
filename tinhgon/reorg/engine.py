"""The reorganization engine: preview a plan without writing, apply it once, never twice.

Nothing here knows how a capability moves its records: that is its carrier's business
(tinhgon.carriers). The engine resolves and validates the plan (tinhgon.reorg.planner), writes
the units (tinhgon.reorg.writer), writes the routing table (tinhgon.reorg.routing) and drives the
carriers.

Apply, in order, under one lock that serializes applies (an advisory lock on PostgreSQL; the
write lock that the IMMEDIATE transaction takes on SQLite):
1. refuse a plan whose content is applied or applying, and wait for (or refuse) another apply;
2. resolve and validate every step against the registry on the effective date and after it;
3. open, change and close units, write the lineage and the routing table;
4. the registry's own carrier moves child units; placement (administrative unit, province,
   level) is re-derived on the effective date and on every later date a moved version starts;
5. every other carrier moves its records and refreshes their denormalized columns, in the same
   transaction when they are few, otherwise in short idempotent batches (the plan is
   "applying" meanwhile, and a crash resumes where it stopped);
6. check the invariants on every date from the effective date on, and record the plan applied.

Preview (`preview`) resolves the plan and counts, per carrier and per (from, to) pair, what
would move, with read-only queries; no lock, no row written. `rehearse` runs the full apply in
one transaction, checks every invariant, then rolls it back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.carriers import contract
from tinhgon.carriers.models import RecordMove, Route
from tinhgon.core import text
from tinhgon.core.errors import DomainError, Problem
from tinhgon.core.models import audit
from tinhgon.reorg import routing
from tinhgon.reorg.models import Plan
from tinhgon.reorg.planner import Planner, Work
from tinhgon.reorg.routing import PlanView
from tinhgon.reorg.spec import PlanSpec
from tinhgon.reorg.writer import fix_placement, write_units
from tinhgon.units.kinds import KIND_INFO, Level
from tinhgon.units.models import UnitLink, UnitVersion

__all__ = ["Outcome", "apply_plan", "checksum", "fix_placement", "preview", "rehearse", "run"]

# The key of the advisory lock that serializes applies on PostgreSQL ("tinhgon" in ASCII).
APPLY_LOCK = 0x74696E68676F6E
# How long a second apply waits for the first on SQLite before it gives up (seconds).
SQLITE_WAIT = 600


def checksum(plan: PlanSpec) -> str:
    return hashlib.sha256(
        json.dumps(plan.as_dict(), sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


@dataclass
class Outcome:
    plan: Plan | None
    report: dict[str, Any]


class _Rollback(Exception):
    pass


def _already_applied() -> DomainError:
    return DomainError(_("This plan has already been applied."), code="already_applied", status=409)


# -- the lock ------------------------------------------------------------------------------------


@contextlib.contextmanager
def _serialized() -> Iterator[None]:
    """A transaction that no other apply runs beside. The loser of a race waits here, then finds
    the plan applied; if it cannot get the lock at all it gets one clear line."""
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            configured = int(cursor.fetchone()[0])
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_WAIT * 1000}")
    try:
        with transaction.atomic():
            if not sqlite:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [APPLY_LOCK])
            yield
    except OperationalError as error:
        if "locked" in str(error) or "lock" in str(error).lower():
            raise DomainError(
                _("Another plan is being applied; try again when it is done."),
                code="busy",
                status=409,
            ) from None
        raise
    except IntegrityError as error:
        # The database's own guards (one applied plan per content, one default successor per
        # closed unit) caught a race the checks above could not see.
        raise DomainError(
            _("Another plan changed the same units at the same time; nothing was written."),
            code="conflict",
            status=409,
            problems=[Problem(str(error).splitlines()[0])],
        ) from None
    finally:
        if sqlite:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {configured}")


def _claim(digest: str, plan: Plan | None) -> tuple[Plan | None, bool]:
    """Inside the lock: refuse what is applied or what another apply holds. Returns the plan row
    (fresh from the database, or None for a plan file) and whether it is to be resumed."""
    if plan is not None:
        plan = Plan.objects.get(pk=plan.pk)
        if plan.status == Plan.Status.APPLIED:
            raise _already_applied()
    same = Plan.objects.filter(
        checksum=digest, status__in=[Plan.Status.APPLYING, Plan.Status.APPLIED]
    )
    if same.filter(status=Plan.Status.APPLIED).exists():
        raise _already_applied()
    resuming = same.filter(status=Plan.Status.APPLYING).first()
    other = Plan.objects.filter(status=Plan.Status.APPLYING).exclude(checksum=digest).first()
    if other is not None:
        raise DomainError(
            _("Plan %(id)s (%(title)s) is still being applied; try again when it is done.")
            % {"id": other.pk, "title": other.title},
            code="busy",
            status=409,
        )
    if resuming is not None:
        progress = resuming.progress or {}
        beat = progress.get("beat")
        if progress.get("worker") and beat and _fresh(beat):
            moved, total = sum(progress.get("moved", {}).values()), sum(progress["total"].values())
            raise DomainError(
                _("Plan %(id)s is being applied right now (%(moved)s of %(total)s records moved).")
                % {"id": resuming.pk, "moved": moved, "total": total},
                code="busy",
                status=409,
            )
        return resuming, True
    return plan, False


# A process applying batches says so on the plan after every batch; a plan whose last word is
# older than this was left by a process that died, and another apply may take it over.
WORKER_SILENCE = dt.timedelta(minutes=2)


def _fresh(beat: str) -> bool:
    return timezone.now() - dt.datetime.fromisoformat(beat) < WORKER_SILENCE


def _beat(worker: str | None) -> dict[str, Any]:
    return {"worker": worker, "beat": timezone.now().isoformat() if worker else None}


# -- preview -------------------------------------------------------------------------------------


def _units_after(view: PlanView) -> list[Any]:
    """The units open on the effective date once the plan is applied, as figure rows, with the
    province each lies in (for the area of the figures)."""
    from tinhgon.reports.selectors import UnitRow

    work, r = view.work, view.r
    kinds: dict[Any, str] = {}
    for unit, version in r.open.items():
        if unit not in view.closing:
            change = work.changes.get(unit)
            kinds[unit] = (change.kind if change and change.kind else None) or version.kind
    for ref, opening in work.openings.items():
        kinds[ref] = opening.spec.kind
    levels: dict[Any, int] = {}
    provinces: dict[Any, Any] = {}

    def place(unit: Any, depth: int = 0) -> tuple[int, Any]:
        if unit in levels:
            return levels[unit], provinces[unit]
        info = KIND_INFO[kinds[unit]]
        parent = view.parent_after(unit)
        if (
            info.admin_level == Level.PROVINCE
            or parent is None
            or parent not in kinds
            or depth > 40
        ):
            level, province = info.admin_level or Level.PROVINCE, unit
        else:
            parent_level, province = place(parent, depth + 1)
            level = info.admin_level or parent_level
        levels[unit], provinces[unit] = level, province
        return level, province

    rows = []
    for unit, kind in kinds.items():
        level, province = place(unit)
        rows.append((province, UnitRow(unit, kind, level, view.parent_after(unit))))
    return rows


def _area(planner: Planner) -> tuple[int | None, str]:
    """The one province a plan touches (if it survives the plan), else the whole registry."""
    provinces = planner.touched_provinces()
    if len(provinces) == 1:
        province = next(iter(provinces))
        if province not in planner.work.closing and province in planner.r.open:
            return province, planner.r.open[province].name
    return None, "national"


def _figures_in_db(day: dt.date, planner: Planner) -> dict[str, Any]:
    from tinhgon.reports.selectors import Area, apparatus_figures

    province, label = _area(planner)
    area = Area(province_id=province, label=label) if province else Area()
    return apparatus_figures(day, area=area)


def _figures_after(view: PlanView, planner: Planner) -> dict[str, Any]:
    from tinhgon.reports.selectors import figures_of

    province, label = _area(planner)
    rows = [row for where, row in _units_after(view) if province is None or where == province]
    return figures_of(view.day, rows, label=label)


def _flows(view: PlanView, plan_id: int | None, carriers: list[contract.Carrier]) -> dict[str, Any]:
    """What every carrier would move, by read-only grouped counts, routed in memory."""
    choices = routing.choices_of(plan_id, view)
    view.follow(choices, {c.name for c in contract.registered() if c.registry})
    by_group = {
        (c.carrier, c.priority, c.from_unit, c.key): c.target for c in choices if c.priority != 1
    }
    closing, split = sorted(view.closing), sorted(view.split)
    totals: dict[str, int] = {}
    per_step: dict[int, dict[str, int]] = defaultdict(dict)
    pairs: dict[tuple[str, Any, Any], int] = defaultdict(int)
    needs: dict[str, list[int]] = {}
    for carrier in carriers:
        flows = carrier.flows(
            view.day, closing, split if getattr(carrier, "rule_field", None) else []
        )
        view.learn_lineage(f.key for f in flows if f.key)
        moved: dict[tuple[int, Any], int] = defaultdict(int)
        for flow in flows:
            target = view.destination(carrier.name, flow, by_group)
            moved[(flow.from_unit, target)] += flow.rows
        # Decisions about single records take those records out of their group.
        records = [c for c in choices if c.carrier == carrier.name and c.priority == 1]
        located = carrier.located([c.record for c in records])
        for choice in records:
            if choice.record in located:
                unit, key = located[choice.record]
                if unit in view.closing:
                    group = (
                        unit,
                        view.destination(carrier.name, contract.Flow(unit, key, 1), by_group),
                    )
                    moved[group] -= 1
                    moved[(unit, choice.target)] += 1
        total = 0
        for (from_unit, target), rows in moved.items():
            if rows <= 0:
                continue
            total += rows
            pairs[(carrier.name, from_unit, target)] += rows
            step = view.closing[from_unit]
            per_step[step][carrier.name] = per_step[step].get(carrier.name, 0) + rows
        totals[carrier.name] = total
        decided = {c.record for c in records}
        left = [r for r in carrier.undecided(view.day, split) if r not in decided]
        if left:
            needs[carrier.name] = left
    routed: dict[str, dict[tuple[int, Any], int]] = defaultdict(dict)
    for (name, from_unit, target), rows in pairs.items():
        routed[name][(from_unit, target)] = rows
    # Capabilities' panels (registered in carriers.contract) read the same routing.
    panels = contract.preview_panels(
        contract.Routed(
            day=view.day,
            closing=closing,
            moves=dict(routed),
            destination=lambda carrier, flow: view.destination(carrier, flow, by_group),
            decisions={
                name: {c.record: c.target for c in choices if c.carrier == name and c.priority == 1}
                for name in {c.carrier for c in choices}
            },
            label=view.label,
        )
    )
    return {
        "carriers": totals,
        "panels": panels,
        "moves_per_step": dict(per_step),
        "moves": [
            {
                "carrier": name,
                "from": view.label(from_unit),
                "to": view.label(target),
                "records": rows,
            }
            for (name, from_unit, target), rows in sorted(
                pairs.items(), key=lambda item: (item[0][0], -item[1])
            )
        ],
        "needs_decision": needs,
    }


def _step_report(spec: PlanSpec, work: Work, view: PlanView, moves: dict) -> list[dict[str, Any]]:
    opened: dict[int, list[str]] = defaultdict(list)
    for opening in work.openings.values():
        if not opening.derived:
            opened[opening.step].append(f"{opening.spec.code} {opening.spec.name}")
    closed: dict[int, list[str]] = defaultdict(list)
    for unit, step in work.closing.items():
        if unit not in work.derived_closing:
            closed[step].append(view.label(unit))
    changed: dict[int, list[str]] = defaultdict(list)
    for change in work.changes.values():
        changed[change.step].append(view.r.open[change.unit_id].name)
    return [
        {
            "step": step.number,
            "action": step.action,
            "opened": opened.get(step.number, []),
            "closed": closed.get(step.number, []),
            "changed": changed.get(step.number, []),
            "derived": work.derived.get(step.number, []),
            "moves": moves.get(step.number, {}),
        }
        for step in spec.steps
    ]


def _plan_header(spec: PlanSpec, digest: str) -> dict[str, Any]:
    return {
        "title": spec.title,
        "effective_date": spec.effective_date.isoformat(),
        "legal_basis": spec.as_dict()["legal_basis"],
        "checksum": digest,
    }


def preview(spec: PlanSpec, *, plan: Plan | None = None) -> dict[str, Any]:
    """What the plan would do, counted with read-only queries: nothing is written or locked."""
    if Plan.objects.filter(checksum=checksum(spec), status=Plan.Status.APPLIED).exists():
        raise _already_applied()
    planner = Planner(spec)
    work = planner.run()
    view = PlanView(planner)
    flows = _flows(view, plan.pk if plan else None, contract.registered())
    return {
        "mode": "preview",
        "plan": _plan_header(spec, checksum(spec)),
        "units_opened": len(work.openings),
        "units_closed": len(work.closing),
        "units_changed": len(work.changes),
        "links": len(work.links),
        "carriers": flows["carriers"],
        "needs_decision": flows["needs_decision"],
        "moves": flows["moves"],
        "panels": flows["panels"],
        "figures_before": _figures_in_db(spec.effective_date, planner),
        "figures_after": _figures_after(view, planner),
        "steps": _step_report(spec, work, view, flows["moves_per_step"]),
    }


# -- apply ---------------------------------------------------------------------------------------


def _record_carriers() -> list[contract.Carrier]:
    return [c for c in contract.registered() if not c.registry]


def _future_days(ctx: contract.Context) -> list[dt.date]:
    """Later dates on which a version starts that the plan may have re-placed: one that now hangs
    under a successor, or one of a unit (or under a unit) the plan places elsewhere. Placement is
    re-derived on those dates too."""
    routes = Route.objects.filter(plan_ref=ctx.plan_id)
    touched = routes.values("to_unit_id")
    return sorted(
        {
            day
            for day in UnitVersion.objects.filter(valid_from__gt=ctx.effective)
            .filter(Q(parent_id__in=touched) | Q(unit_id__in=touched))
            .values_list("valid_from", flat=True)
            if day is not None
        }
    )


def _check_registry(ctx: contract.Context, work: Work) -> None:
    """Invariants of the registry on every date from the effective date on."""
    problems: list[Problem] = []
    day = ctx.effective
    later = {"effective": day}
    with connection.cursor() as cursor:
        # No unit's versions overlap (consecutive versions: the earlier ends before the later).
        cursor.execute(
            "SELECT unit_id FROM (SELECT unit_id, valid_from, LAG(valid_to) OVER w AS prev_to, "
            "ROW_NUMBER() OVER w AS n FROM units_unitversion "
            "WINDOW w AS (PARTITION BY unit_id ORDER BY COALESCE(valid_from, '0001-01-01'))) s "
            "WHERE n > 1 AND (valid_from IS NULL OR prev_to IS NULL OR prev_to >= valid_from) "
            "LIMIT 5"
        )
        overlapping = [row[0] for row in cursor.fetchall()]
        # No version open on or after the effective date hangs under a parent closed on its
        # first day (or, for an open-ended version, under a parent that closes at all).
        cursor.execute(
            "SELECT c.name FROM units_unitversion c WHERE c.parent_id IS NOT NULL "
            "AND (c.valid_to IS NULL OR c.valid_to >= %(effective)s) AND NOT EXISTS ("
            "SELECT 1 FROM units_unitversion p WHERE p.unit_id = c.parent_id "
            "AND (p.valid_from IS NULL OR p.valid_from <= CASE WHEN c.valid_from IS NULL "
            "OR c.valid_from < %(effective)s THEN %(effective)s ELSE c.valid_from END) "
            "AND (p.valid_to IS NULL OR p.valid_to >= CASE WHEN c.valid_from IS NULL "
            "OR c.valid_from < %(effective)s THEN %(effective)s ELSE c.valid_from END)) LIMIT 5",
            later,
        )
        orphans = [row[0] for row in cursor.fetchall()]
        # ... nor on its last day (a parent that closes before its child does),
        cursor.execute(
            "SELECT c.name FROM units_unitversion c WHERE c.parent_id IS NOT NULL "
            "AND c.valid_to >= %(effective)s AND NOT EXISTS (SELECT 1 FROM units_unitversion p "
            "WHERE p.unit_id = c.parent_id AND (p.valid_from IS NULL OR p.valid_from <= c.valid_to) "
            "AND (p.valid_to IS NULL OR p.valid_to >= c.valid_to)) LIMIT 5",
            later,
        )
        orphans += [row[0] for row in cursor.fetchall()]
        # ... and an open-ended one under a parent that is open-ended too.
        cursor.execute(
            "SELECT c.name FROM units_unitversion c WHERE c.parent_id IS NOT NULL "
            "AND c.valid_to IS NULL AND NOT EXISTS (SELECT 1 FROM units_unitversion p "
            "WHERE p.unit_id = c.parent_id AND p.valid_to IS NULL) LIMIT 5"
        )
        orphans += [row[0] for row in cursor.fetchall()]
    if overlapping:
        problems.append(
            Problem(
                _("units with overlapping versions: %(ids)s")
                % {"ids": ", ".join(map(str, overlapping))}
            )
        )
    if orphans:
        problems.append(
            Problem(
                _("units open on or after %(day)s hang under closed units: %(names)s")
                % {"day": text.day(day), "names": ", ".join(sorted(set(orphans)))}
            )
        )
    linked = set(
        UnitLink.objects.filter(plan_ref=ctx.plan_id, is_default=True).values_list(
            "predecessor_id", flat=True
        )
    )
    unlinked = [u for u in work.closing if u not in linked]
    if unlinked:
        problems.append(
            Problem(_("%(count)s closed units have no successor") % {"count": len(unlinked)})
        )
    _raise_invariants(problems)


def _check_records(ctx: contract.Context, carriers: list[contract.Carrier]) -> None:
    problems = []
    for carrier in carriers:
        left = carrier.pending(ctx)
        if left:
            problems.append(
                Problem(
                    _("%(count)s %(carrier)s records still point at closed units")
                    % {"count": left, "carrier": carrier.name}
                )
            )
    _raise_invariants(problems)


def _raise_invariants(problems: list[Problem]) -> None:
    if problems:
        raise DomainError(
            _("The plan would break the registry's invariants; nothing was written."),
            code="invariant",
            problems=problems,
        )


def _moves_per_step(plan_id: int) -> dict[int, dict[str, int]]:
    per_step: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        RecordMove.objects.filter(plan_ref=plan_id)
        .values("step", "carrier")
        .annotate(n=Count("id"))
        .order_by()
    ):
        per_step[row["step"] or 0][row["carrier"]] = row["n"]
    return dict(per_step)


def batch_rows_setting() -> int:
    return int(settings.TINHGON_APPLY_BATCH_ROWS)


Progress = Callable[[str, int, int], None]


def apply_plan(
    spec: PlanSpec,
    *,
    actor=None,  # type: ignore[no-untyped-def]
    plan: Plan | None = None,
    batch_rows: int | None = None,
    on_progress: Progress | None = None,
    inject_failure: str | None = None,
) -> Outcome:
    """Apply a plan once. Records move in the apply's own transaction when there are at most
    `batch_rows` of them (default: settings.TINHGON_APPLY_BATCH_ROWS); otherwise the units commit
    first and records follow in batches of that size, each its own short transaction. Calling
    it again for a plan left "applying" (a crash) resumes it. `inject_failure` names a point to
    fail at, for the tests that prove nothing is lost: "after_write" (before the first commit),
    "after_batch" or "after_batch:N" (after the first, or the N-th, batch committed). A second
    apply while a process is still moving batches is refused as busy; a plan whose process went
    silent (WORKER_SILENCE) is taken over. Call it outside any transaction: inside one, the
    batches become savepoints of that transaction and commit only with it (the tests use this
    to simulate a crash between batches)."""
    actor_id = getattr(actor, "pk", None)
    digest = checksum(spec)
    size = batch_rows or batch_rows_setting()
    worker = uuid.uuid4().hex
    carriers = _record_carriers()
    report: dict[str, Any]
    with _serialized():
        plan, resuming = _claim(digest, plan)
        if not resuming:
            plan, report, pending = _open(spec, digest, plan, actor_id, carriers)
            ctx = contract.Context(plan.pk, spec.effective_date, actor_id)
            if inject_failure == "after_write":
                raise RuntimeError("injected failure after the writes")
            if sum(pending.values()) <= size:
                moved, timings = {}, report["timings"]
                for carrier in carriers:
                    start = time.perf_counter()
                    moved[carrier.name] = carrier.move(ctx)
                    carrier.refresh(ctx)
                    timings[carrier.name] = round(time.perf_counter() - start, 3)
                return Outcome(_finish(plan, ctx, carriers, report, moved, actor), report)
            routing.set_in_transit(plan.pk, True)
            plan.status = Plan.Status.APPLYING
            plan.progress = {
                "total": pending,
                "moved": {c.name: 0 for c in carriers},
                "done": {c.name: 0 for c in carriers},
                **_beat(worker),
            }
            plan.report = report
            plan.save()
        else:
            assert plan is not None
            report = dict(plan.report or {})
            ctx = contract.Context(plan.pk, plan.effective_date, actor_id)
            plan.progress = {**(plan.progress or {}), **_beat(worker)}
            Plan.objects.filter(pk=plan.pk).update(progress=plan.progress)
    # Batches: each its own transaction; what is moved stays moved if the process dies.
    progress = dict(plan.progress or {})
    moved = dict(progress.get("moved", {}))
    done = dict(progress.get("done", moved))
    totals = progress.get("total", {})
    timings = report.setdefault("timings", {})
    owned = Plan.objects.filter(pk=plan.pk, status=Plan.Status.APPLYING, progress__worker=worker)
    batches = 0
    try:
        for carrier in carriers:
            start = time.perf_counter()
            for batch in carrier.batches(ctx, size):
                with transaction.atomic():
                    # The plan row first: it is locked while this batch writes, and the batch
                    # does nothing if another process has taken the plan over meanwhile.
                    if not owned.select_for_update().exists():
                        raise _taken_over(plan.pk)
                    count = carrier.move(ctx, batch)
                    moved[carrier.name] = moved.get(carrier.name, 0) + count
                    done[carrier.name] = (
                        done.get(carrier.name, 0) + count + carrier.refresh(ctx, batch)
                    )
                    owned.update(
                        progress={"total": totals, "moved": moved, "done": done, **_beat(worker)}
                    )
                batches += 1
                if on_progress:
                    on_progress(carrier.name, done[carrier.name], totals.get(carrier.name, 0))
                if inject_failure in (f"after_batch:{batches}", "after_batch"):
                    raise RuntimeError("injected failure after a batch")
            spent = time.perf_counter() - start
            timings[carrier.name] = round(timings.get(carrier.name, 0) + spent, 3)
        with _serialized():
            if not owned.exists():
                raise _taken_over(plan.pk)
            # Records written at a closed unit while the batches ran follow now.
            for carrier in carriers:
                moved[carrier.name] = moved.get(carrier.name, 0) + carrier.move(ctx)
            routing.set_in_transit(plan.pk, False)
            plan = Plan.objects.get(pk=plan.pk)
            return Outcome(_finish(plan, ctx, carriers, report, moved, actor), report)
    except BaseException:
        # This process stops here: the next apply may take the plan over at once.
        owned.update(progress={"total": totals, "moved": moved, "done": done, **_beat(None)})
        raise


def _taken_over(plan_id: int) -> DomainError:
    return DomainError(
        _("Plan %(id)s was taken over by another process, which goes on with it.")
        % {"id": plan_id},
        code="busy",
        status=409,
    )


def _open(
    spec: PlanSpec,
    digest: str,
    plan: Plan | None,
    actor_id: int | None,
    carriers: list[contract.Carrier],
) -> tuple[Plan, dict[str, Any], dict[str, int]]:
    """Phase one of an apply, inside the lock: validate, write the units, the routing table, the
    child units and the placement. Returns the plan, its report so far, and per carrier how many
    records are still to move or to be re-placed."""
    started = time.perf_counter()
    planner = Planner(spec)
    work = planner.run()
    view = PlanView(planner)
    day = spec.effective_date
    report: dict[str, Any] = {
        "mode": "apply",
        "plan": _plan_header(spec, digest),
        "figures_before": _figures_in_db(day, planner),
    }
    if plan is None:
        # A plan file applied by the operator (`tinhgon plan apply FILE`): stored and approved
        # on their own authority, in this same transaction.
        plan = Plan.objects.create(
            title=spec.title,
            legal_basis_number=spec.legal_basis.number,
            legal_basis_date=spec.legal_basis.date,
            legal_basis_issuer=spec.legal_basis.issuer,
            effective_date=day,
            checksum=digest,
            spec=spec.as_dict(),
            created_by_id=actor_id,
            provinces=sorted(planner.touched_provinces()),
            status=Plan.Status.APPROVED,
            approved_at=timezone.now(),
            approved_by_id=actor_id,
        )
        audit(actor=None, action="plan_create", plan=plan.pk, title=plan.title)
        audit(actor=None, action="plan_approve", plan=plan.pk)
    ctx = contract.Context(plan.pk, day, actor_id)
    # Decisions are read before anything is written: a missing one refuses the plan untouched.
    choices, stale = routing.settle_choices(
        view, routing.choices_of(plan.pk, view), contract.registered()
    )
    if stale:
        raise DomainError(
            _("Some decisions no longer fit the registry; nothing was written."),
            code="stale_decision",
            problems=stale,
        )
    view.follow(choices, {c.name for c in contract.registered() if c.registry})
    needs: dict[str, list[int]] = {}
    split = sorted(view.split)
    for carrier in contract.registered():
        decided = {c.record for c in choices if c.carrier == carrier.name and c.priority == 1}
        left = [r for r in carrier.undecided(day, split) if r not in decided]
        if left:
            needs[carrier.name] = left
    if needs:
        raise DomainError(
            _("Some records need a decision before the plan can be applied."),
            code="needs_decision",
            problems=[Problem(f"{name}: {len(ids)}", field=name) for name, ids in needs.items()],
        )
    ids = write_units(plan, spec, work, planner.r, actor_id)
    ruled = routing.write_routes(ctx, view, ids, choices, contract.registered())
    registry_moved = {c.name: c.move(ctx) for c in contract.registered() if c.registry}
    reason = f"{spec.title}: placement follows the tree"
    fixed = fix_placement(day, actor_id=actor_id, reason=reason)
    placed = routing.place_routes(ctx)
    for later in _future_days(ctx):
        fixed += fix_placement(later, actor_id=actor_id, reason=reason)
    _check_registry(ctx, work)
    report.update(
        {
            "units_opened": len(work.openings),
            "units_closed": len(work.closing),
            "units_changed": len(work.changes),
            "links": len(work.links),
            "placement_fixed": fixed,
            "units_placed_elsewhere": placed,
            "rule_routes": ruled,
            "needs_decision": {},
            "figures_after": _figures_in_db(day, planner),
            "steps": _step_report(spec, work, view, {}),
            "carriers": registry_moved,
            # Seconds: the units (planning, writing, placement, checks), then each carrier.
            "timings": {"units": round(time.perf_counter() - started, 3)},
        }
    )
    return plan, report, {c.name: c.workload(ctx) for c in carriers}


def _finish(
    plan: Plan,
    ctx: contract.Context,
    carriers: list[contract.Carrier],
    report: dict[str, Any],
    moved: dict[str, int],
    actor,  # type: ignore[no-untyped-def]
) -> Plan:
    """Inside the lock, after every record moved: check, and record the plan applied."""
    _check_records(ctx, carriers)
    report["carriers"] = {**report.get("carriers", {}), **moved}
    plan.status = Plan.Status.APPLIED
    plan.applied_at = timezone.now()
    plan.applied_by_id = ctx.actor_id
    plan.progress = None
    plan.report = {k: v for k, v in report.items() if k != "steps"}
    plan.save()
    per_step = _moves_per_step(plan.pk)
    for step in report.get("steps", []):
        step["moves"] = per_step.get(step["step"], {})
    audit(
        actor=actor,
        action="plan_apply",
        plan=plan.pk,
        title=plan.title,
        opened=report.get("units_opened"),
        closed=report.get("units_closed"),
        moved=sum(moved.values()),
    )
    return plan


def rehearse(spec: PlanSpec, *, actor=None, plan: Plan | None = None) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The full apply in one transaction, every invariant checked, then rolled back. Holds the
    apply lock (and on SQLite the write lock) while it runs: an explicit action, not a page view."""
    result: dict[str, Any] = {}
    try:
        with _serialized():
            plan, resuming = _claim(checksum(spec), plan)
            if resuming:
                raise _already_applied()
            carriers = _record_carriers()
            applied, report, _pending = _open(spec, checksum(spec), plan, None, carriers)
            ctx = contract.Context(applied.pk, spec.effective_date, getattr(actor, "pk", None))
            moved = {c.name: c.move(ctx) for c in carriers}
            for carrier in carriers:
                carrier.refresh(ctx)
            _check_records(ctx, carriers)
            report["carriers"] = {**report["carriers"], **moved}
            per_step = _moves_per_step(applied.pk)
            for step in report["steps"]:
                step["moves"] = per_step.get(step["step"], {})
            report["mode"] = "rehearsal"
            result = report
            raise _Rollback
    except _Rollback:
        pass
    return result


def run(
    spec: PlanSpec,
    *,
    actor=None,  # type: ignore[no-untyped-def]
    apply: bool,
    plan: Plan | None = None,
    inject_failure: str | None = None,
) -> Outcome:
    """Preview (apply=False) or apply a plan: the entry point the commands and services use."""
    if not apply:
        return Outcome(None, preview(spec, plan=plan))
    return apply_plan(spec, actor=actor, plan=plan, inject_failure=inject_failure)
