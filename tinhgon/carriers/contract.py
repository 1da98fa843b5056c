"""The carrier contract: how the records of a capability follow a unit through a reorganization.

A capability *declares* its carrier (which column points at a unit, which columns are derived
from the unit's placement, which column routes the records of a split unit) and registers it in
its AppConfig.ready():

    class DossiersCarrier(UnitRowsCarrier):
        name = "dossiers"
        model = Dossier
        unit_field = "unit"
        province_field = "province"          # refreshed from the unit's placement
        rule_field = "applicant_commune"     # routes the dossiers of a split unit

The engine (tinhgon.reorg) writes the plan's routing table (`carriers.Route`) once the units of
the plan are opened and closed; the bases here then repoint rows in place with a few set-based
statements joined to it, write one history row (`carriers.RecordMove`) per moved record in the
same statement (PostgreSQL) or transaction (SQLite), and refresh the denormalized columns of the
rows of units whose placement changed. Raw SQL lives here and in the engine, nowhere else.

Which route a row takes: a decision about that record, else the routing rule of its carrier
(the split target that the rule column's unit lies in after the plan) or a decision about that
group, else a decision about every record of the carrier in that unit, else the unit's default
successor (`Priority`). A row is "to move" exactly while it points at a unit the plan closes, so
every statement is idempotent: run it again, after a crash or in the next batch, and it moves
what is left, never a row twice.

Preview never writes: `flows` counts, per closed unit (and rule value), the rows that would
move, with one grouped query that holds no lock. A capability may add a panel to the preview
(`register_preview`): a function given what the engine routed (`Routed`) that returns a table
the plan page draws, without the engine knowing the capability (staff: officials arriving
against the positions available, per new unit).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from django.db import connection, models
from django.utils import timezone

from tinhgon.carriers.models import Priority

ROUTE = "carriers_route"
HISTORY = "carriers_recordmove"
HISTORY_INSERT = (
    f"INSERT INTO {HISTORY} (plan_ref, step, carrier, record_id, from_unit_id, to_unit_id) "
)


@dataclass(frozen=True)
class Context:
    """One apply of one plan."""

    plan_id: int
    effective: dt.date
    actor_id: int | None = None

    @property
    def last_day(self) -> dt.date:
        return self.effective - dt.timedelta(days=1)

    def params(self, **extra: Any) -> dict[str, Any]:
        return {
            "plan": self.plan_id,
            "effective": self.effective,
            "last_day": self.last_day,
            "actor": self.actor_id,
            "now": timezone.now(),
            **extra,
        }


@dataclass(frozen=True)
class Flow:
    """`rows` records attached to `from_unit` (with rule value `key`) on or after a date."""

    from_unit: int
    key: int | None
    rows: int


@dataclass(frozen=True)
class Batch:
    """Rows with lo < id <= hi: the unit of work of one short transaction."""

    lo: int
    hi: int


class Carrier(Protocol):
    name: str
    # The registry's own carrier runs before placement is re-derived (units follow their parent);
    # every other carrier runs after it, so that derived columns get the final placement.
    registry: bool

    def flows(self, day: dt.date, units: Sequence[int], keyed: Sequence[int]) -> list[Flow]:
        """Read-only: rows per unit in `units`, and per (unit, rule value) for `keyed` units."""
        ...

    def located(self, record_ids: Sequence[int]) -> dict[int, tuple[int, int | None]]:
        """Where records are now: {record id: (unit, rule value)}; unknown ids are absent."""
        ...

    def describe(self, record_ids: Sequence[int]) -> dict[int, str]:
        """How a person recognizes each record when deciding where it goes."""
        ...

    def undecided(self, day: dt.date, split: Sequence[int]) -> list[int]:
        """Records that neither a rule nor a default may route (they block apply)."""
        ...

    def batches(self, ctx: Context, size: int) -> Iterator[Batch]:
        """Id ranges of about `size` rows that still move or need their placement refreshed."""
        ...

    def move(self, ctx: Context, batch: Batch | None = None) -> int:
        """Move what is left to move (in `batch`, or all); return how many records moved."""
        ...

    def refresh(self, ctx: Context, batch: Batch | None = None) -> int:
        """Set the derived columns of rows whose unit stays but was placed elsewhere."""
        ...

    def pending(self, ctx: Context) -> int:
        """Rows still pointing at a unit the plan closes (0 once the plan is applied)."""
        ...

    def workload(self, ctx: Context) -> int:
        """Rows to move, plus rows whose denormalized columns the plan changes."""
        ...


_REGISTRY: dict[str, Carrier] = {}


def register(carrier: Carrier) -> None:
    _REGISTRY[carrier.name] = carrier


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def registered() -> list[Carrier]:
    return list(_REGISTRY.values())


def get(name: str) -> Carrier | None:
    return _REGISTRY.get(name)


Target = str | int  # an existing unit id, or the ref of a unit the plan opens ("new:CODE")


@dataclass(frozen=True)
class Routed:
    """What the preview of a plan routed, as a preview panel reads it.

    `moves`: per carrier, the rows that go from each closed unit to each destination (exactly
    what the apply moves); `destination(carrier, flow)`: where a flow of that carrier's rows
    from a closed unit goes (decisions about the group or the carrier, the rule, the default);
    `decisions`: per carrier, the records a person sent elsewhere ({record: target});
    `label(target)`: how the page names a unit, existing or new."""

    day: dt.date
    closing: list[int]
    moves: dict[str, dict[tuple[int, Target], int]]
    destination: Callable[[str, Flow], Target]
    decisions: dict[str, dict[int, Target]]
    label: Callable[[Target], str]


# A panel is JSON (it is stored with the plan's preview): {"name", "title", "columns": [...],
# "rows": [[...]], "note"}; title, columns and note are English source strings (marked with
# gettext_noop) that the page translates when it draws them. None: nothing to show.
PreviewPanel = Callable[[Routed], "dict[str, Any] | None"]
_PREVIEWS: list[PreviewPanel] = []


def register_preview(panel: PreviewPanel) -> None:
    """Add a panel to every plan's preview (from a capability's AppConfig.ready()); registering
    twice is harmless."""
    if panel not in _PREVIEWS:
        _PREVIEWS.append(panel)


def preview_panels(routed: Routed) -> list[dict[str, Any]]:
    return [panel for provider in _PREVIEWS if (panel := provider(routed)) is not None]


def in_ids(column: str, name: str) -> str:
    """`column IN <the ids bound to %(name)s>` as one parameter, whatever their number (bind the
    value with `id_list`)."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%({name})s)"
    return f"{column} IN (SELECT value FROM json_each(%({name})s))"


def id_list(ids: Sequence[int]) -> Any:
    return list(ids) if connection.vendor == "postgresql" else json.dumps(list(ids))


def _places_units(ctx: Context) -> bool:
    """Whether the plan leaves any staying unit in another province or administrative unit."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {ROUTE} WHERE plan_ref = %s AND priority = %s LIMIT 1",
            [ctx.plan_id, int(Priority.PLACE)],
        )
        return cursor.fetchone() is not None


class UnitRowsCarrier:
    """Rows of `model` that point at a unit through `unit_field`: the common case, declared.

    Subclasses name the model and the fields; the statements are written here. A row moves in
    place (its primary key and every other column stay); `province_field` and
    `admin_unit_field`, when declared, are set from the placement of the unit the row ends in.
    """

    name: str
    model: type[models.Model]
    unit_field: str = "unit"
    province_field: str | None = None
    admin_unit_field: str | None = None
    # A field holding a unit (a person's home commune, an applicant's commune) that decides which
    # successor of a split unit a row goes to.
    rule_field: str | None = None
    # The field that identifies a record in history and decisions (default: the primary key).
    record_field: str | None = None
    registry: bool = False
    dated: ClassVar[bool] = False

    # -- names ---------------------------------------------------------------------------------
    @property
    def table(self) -> str:
        return self.model._meta.db_table

    def column(self, field: str) -> str:
        return str(self.model._meta.get_field(field).column)  # type: ignore[union-attr]

    @property
    def pk(self) -> str:
        return str(self.model._meta.pk.column)  # type: ignore[union-attr]

    @property
    def unit(self) -> str:
        return self.column(self.unit_field)

    @property
    def record(self) -> str:
        return self.column(self.record_field) if self.record_field else self.pk

    def derived(self) -> list[tuple[str, str]]:
        """(column, route column) pairs of the denormalized placement columns."""
        pairs = []
        if self.province_field:
            pairs.append((self.column(self.province_field), "to_province_id"))
        if self.admin_unit_field:
            pairs.append((self.column(self.admin_unit_field), "to_admin_unit_id"))
        return pairs

    # -- which rows ----------------------------------------------------------------------------
    def live(self, alias: str = "t") -> str:
        """Rows that matter on and after the effective date (all rows of an undated table)."""
        return ""

    def extra(self, alias: str = "t") -> str:
        """Further conditions a subclass adds (SQL starting with AND)."""
        return ""

    def _unit_ref(self, alias: str, batched: bool) -> str:
        """The row's unit column in a filter. In a batch (a range of primary keys) SQLite must
        walk that range, not every closed unit's rows through the unit index: its unary `+`
        keeps it off that index (PostgreSQL plans by its statistics)."""
        plus = "+" if batched and connection.vendor == "sqlite" else ""
        return f"{plus}{alias}.{self.unit}"

    def match(self, priority: int, alias: str = "t") -> str:
        """The join of a row to its route of `priority`."""
        sql = (
            f"r.plan_ref = %(plan)s AND r.priority = {priority} "
            f"AND r.from_unit_id = {alias}.{self.unit}"
        )
        if priority in (Priority.DEFAULT, Priority.PLACE):
            return sql + " AND r.carrier = ''"
        sql += " AND r.carrier = %(carrier)s"
        if priority == Priority.RECORD:
            sql += f" AND r.record_id = {alias}.{self.record}"
        elif priority in (Priority.GROUP, Priority.RULE):
            assert self.rule_field, "only a carrier with a rule has keyed routes"
            sql += f" AND r.key = {alias}.{self.column(self.rule_field)}"
        return sql

    def _batch(self, batch: Batch | None, alias: str = "t") -> str:
        if batch is None:
            return ""
        return f" AND {alias}.{self.pk} > {int(batch.lo)} AND {alias}.{self.pk} <= {int(batch.hi)}"

    def priorities(self, ctx: Context) -> list[int]:
        """The move priorities the plan has routes of for this carrier, in the order they apply."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT DISTINCT priority FROM {ROUTE} WHERE plan_ref = %s AND priority > 0 "
                "AND (carrier = '' OR carrier = %s)",
                [ctx.plan_id, self.name],
            )
            found = sorted(row[0] for row in cursor.fetchall())
        if not self.rule_field:  # keyed routes are for carriers with a rule
            found = [p for p in found if p not in (Priority.GROUP, Priority.RULE)]
        return found

    # -- preview (read-only) -------------------------------------------------------------------
    def _live_on(self, alias: str = "t") -> str:
        return self.live(alias).replace("%(effective)s", "%(day)s")

    def flows(self, day: dt.date, units: Sequence[int], keyed: Sequence[int]) -> list[Flow]:
        found: list[Flow] = []
        keyed_set = set(keyed) if self.rule_field else set()
        plain = [u for u in units if u not in keyed_set]
        params = {"day": day, "plain": id_list(plain), "keyed": id_list(sorted(keyed_set))}
        where = f"{self._live_on()}{self.extra()}"
        with connection.cursor() as cursor:
            if plain:
                cursor.execute(
                    f"SELECT t.{self.unit}, COUNT(*) FROM {self.table} t "
                    f"WHERE {in_ids('t.' + self.unit, 'plain')}{where} GROUP BY t.{self.unit}",
                    params,
                )
                found += [Flow(unit, None, n) for unit, n in cursor.fetchall()]
            if keyed_set and self.rule_field:
                rule = self.column(self.rule_field)
                cursor.execute(
                    f"SELECT t.{self.unit}, t.{rule}, COUNT(*) FROM {self.table} t "
                    f"WHERE {in_ids('t.' + self.unit, 'keyed')}{where} "
                    f"GROUP BY t.{self.unit}, t.{rule}",
                    params,
                )
                found += [Flow(unit, key, n) for unit, key, n in cursor.fetchall()]
        return found

    def located(self, record_ids: Sequence[int]) -> dict[int, tuple[int, int | None]]:
        if not record_ids:
            return {}
        rule = f"t.{self.column(self.rule_field)}" if self.rule_field else "NULL"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT t.{self.record}, t.{self.unit}, {rule} FROM {self.table} t "
                f"WHERE {in_ids('t.' + self.record, 'ids')}{self.extra()}",
                {"ids": id_list(record_ids)},
            )
            return {record: (unit, key) for record, unit, key in cursor.fetchall()}

    def describe(self, record_ids: Sequence[int]) -> dict[int, str]:
        return {record: f"{self.model._meta.verbose_name} #{record}" for record in record_ids}

    def undecided(self, day: dt.date, split: Sequence[int]) -> list[int]:
        return []

    # -- apply ---------------------------------------------------------------------------------
    def _routed(self, ctx: Context, alias: str = "t", *, batched: bool = False) -> str:
        """Rows pointing at a unit the plan closes (routes of every move priority)."""
        return (
            f"{self._unit_ref(alias, batched)} IN (SELECT from_unit_id FROM {ROUTE} "
            f"WHERE plan_ref = {int(ctx.plan_id)} AND priority > 0)"
        )

    def _placed(self, ctx: Context, alias: str = "t", *, batched: bool = False) -> str:
        return (
            f"{self._unit_ref(alias, batched)} IN (SELECT from_unit_id FROM {ROUTE} "
            f"WHERE plan_ref = {int(ctx.plan_id)} AND priority = {Priority.PLACE})"
        )

    def batches(self, ctx: Context, size: int) -> Iterator[Batch]:
        """Keyset over the primary key: each range holds `size` rows still to move or refresh,
        found through the index on the unit column."""
        wanted = self._routed(ctx, batched=True)
        if self.derived():
            wanted = f"({wanted} OR {self._placed(ctx, batched=True)})"
        where = f"{wanted}{self.live()}{self.extra()}"
        params = ctx.params()
        lo = 0
        with connection.cursor() as cursor:
            while True:
                cursor.execute(
                    f"SELECT MAX(k) FROM (SELECT t.{self.pk} AS k FROM {self.table} t "
                    f"WHERE t.{self.pk} > {lo} AND {where} ORDER BY t.{self.pk} LIMIT {int(size)}) s",
                    params,
                )
                hi = cursor.fetchone()[0]
                if hi is None:
                    return
                yield Batch(lo, hi)
                lo = hi

    def move(self, ctx: Context, batch: Batch | None = None) -> int:
        moved = 0
        for priority in self.priorities(ctx):
            moved += self._move_in_place(ctx, priority, batch, self.live())
        return moved

    def _joined(self, match: str, batch: Batch | None) -> str:
        """SQLite: the rows joined to their routes. For a batch, CROSS JOIN makes SQLite walk
        the batch's key range and look each row's route up, rather than walk every route's rows
        (which would read the whole table once per batch)."""
        join = "CROSS JOIN" if batch is not None else "JOIN"
        return f"{self.table} t {join} {ROUTE} r ON {match}"

    def _history(
        self, cursor: Any, params: dict[str, Any], match: str, where: str, batch: Batch | None
    ) -> int:
        """SQLite: the history rows of the rows about to move (run before they move)."""
        cursor.execute(
            f"{HISTORY_INSERT}SELECT %(plan)s, r.step, %(carrier)s, t.{self.record}, "
            f"r.from_unit_id, r.to_unit_id FROM {self._joined(match, batch)} WHERE 1 = 1{where}",
            params,
        )
        return int(cursor.rowcount)

    def _sqlite_update(
        self,
        cursor: Any,
        params: dict[str, Any],
        sets: list[tuple[str, str]],
        match: str,
        where: str,
        batch: Batch | None,
    ) -> int:
        """SQLite: set `sets` (column, route column) on the rows that match a route. A batch is
        walked by its key range, each row's route looked up (see `_joined`); a whole table, by
        the routes, each route's rows found through the unit index."""
        if batch is None:
            assignments = ", ".join(f"{column} = r.{source}" for column, source in sets)
            cursor.execute(
                f"UPDATE {self.table} AS t SET {assignments} FROM {ROUTE} r WHERE {match}{where}",
                params,
            )
            return int(cursor.rowcount)
        columns = ", ".join(column for column, _source in sets)
        sources = ", ".join(f"r.{source}" for _column, source in sets)
        cursor.execute(
            f"UPDATE {self.table} AS t SET ({columns}) = (SELECT {sources} FROM {ROUTE} r "
            f"WHERE {match}) WHERE EXISTS (SELECT 1 FROM {ROUTE} r WHERE {match}){where}",
            params,
        )
        return int(cursor.rowcount)

    def _moved_columns(self) -> list[tuple[str, str]]:
        """(column, route column) pairs a move sets."""
        return [(self.unit, "to_unit_id"), *self.derived()]

    def _set_clause(self) -> str:
        return ", ".join(f"{column} = r.{source}" for column, source in self._moved_columns())

    def _move_in_place(self, ctx: Context, priority: int, batch: Batch | None, rows: str) -> int:
        """Repoint matching rows to their route's unit and write their history."""
        params = ctx.params(carrier=self.name)
        match = self.match(priority)
        where = f"{rows}{self.extra()}{self._batch(batch)}"
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # One statement: the rows are updated and their history written from RETURNING.
                cursor.execute(
                    f"WITH moved AS (UPDATE {self.table} AS t SET {self._set_clause()} "
                    f"FROM {ROUTE} r WHERE {match}{where} "
                    f"RETURNING t.{self.record} AS record, r.from_unit_id, r.to_unit_id, r.step) "
                    f"{HISTORY_INSERT}SELECT %(plan)s, step, %(carrier)s, record, from_unit_id, to_unit_id "
                    "FROM moved",
                    params,
                )
                return cursor.rowcount
            moved = self._history(cursor, params, match, where, batch)
            self._sqlite_update(cursor, params, self._moved_columns(), match, where, batch)
            return moved

    def refresh(self, ctx: Context, batch: Batch | None = None) -> int:
        if not self.derived() or not _places_units(ctx):
            return 0
        return self._refresh_in_place(ctx, batch, self.live())

    def _differs(self) -> str:
        """A row's derived columns differ from its route's placement."""
        return " OR ".join(
            f"t.{column} IS NULL OR t.{column} <> r.{source}" for column, source in self.derived()
        )

    def _refresh_in_place(self, ctx: Context, batch: Batch | None, rows: str) -> int:
        derived = self.derived()
        match = f"{self.match(Priority.PLACE)} AND ({self._differs()})"
        where = f"{rows}{self.extra()}{self._batch(batch)}"
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                return self._sqlite_update(cursor, ctx.params(), derived, match, where, batch)
            sets = ", ".join(f"{column} = r.{source}" for column, source in derived)
            cursor.execute(
                f"UPDATE {self.table} AS t SET {sets} FROM {ROUTE} r WHERE {match}{where}",
                ctx.params(),
            )
            return cursor.rowcount

    def pending(self, ctx: Context) -> int:
        return self._count(ctx, self._routed(ctx))

    def workload(self, ctx: Context) -> int:
        work = self.pending(ctx)
        if self.derived() and _places_units(ctx):
            work += self._count(ctx, self._placed(ctx))
        return work

    def _count(self, ctx: Context, condition: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM {self.table} t WHERE {condition}{self.live()}{self.extra()}",
                ctx.params(),
            )
            return int(cursor.fetchone()[0])


class DatedUnitRowsCarrier(UnitRowsCarrier):
    """Rows valid over [valid_from, valid_to] (NULL: open-ended) that point at a unit.

    A row in force on the day before the effective date keeps its history: it ends that day, and
    a copy (every column but the primary key, with the new unit and placement) starts on the
    effective date. A row that starts on or after the effective date (a future assignment, a
    future version) is repointed in place. Rows that ended before are history and stay.
    """

    valid_from_field: str = "valid_from"
    valid_to_field: str = "valid_to"
    # Column -> SQL expression for columns the copy does not take from the original
    # (%(now)s, %(actor)s, %(plan)s bind).
    overrides: ClassVar[dict[str, str]] = {}
    dated: ClassVar[bool] = True

    @property
    def valid_from(self) -> str:
        return self.column(self.valid_from_field)

    @property
    def valid_to(self) -> str:
        return self.column(self.valid_to_field)

    def live(self, alias: str = "t") -> str:
        return f" AND ({alias}.{self.valid_to} IS NULL OR {alias}.{self.valid_to} >= %(effective)s)"

    def _spanning(self, alias: str = "t") -> str:
        return (
            f" AND ({alias}.{self.valid_from} IS NULL OR {alias}.{self.valid_from} < %(effective)s)"
            f"{self.live(alias)}"
        )

    def _starting(self, alias: str = "t") -> str:
        return f" AND {alias}.{self.valid_from} >= %(effective)s"

    def copied(self) -> list[str]:
        skip = {self.pk, self.unit, self.valid_from, self.valid_to, *self.overrides}
        skip |= {column for column, _source in self.derived()}
        return [
            str(field.column)
            for field in self.model._meta.concrete_fields
            if field.column not in skip and not field.primary_key
        ]

    def move(self, ctx: Context, batch: Batch | None = None) -> int:
        moved = 0
        for priority in self.priorities(ctx):
            moved += self._move_spanning(ctx, priority, batch)
            moved += self._move_in_place(ctx, priority, batch, self._starting())
        return moved

    def refresh(self, ctx: Context, batch: Batch | None = None) -> int:
        """A row in force across the effective date keeps its old placement until the day
        before, and a copy carries the new one; a row starting later is updated in place."""
        if not self.derived() or not _places_units(ctx):
            return 0
        ended = self._move_spanning(
            ctx, Priority.PLACE, batch, history=False, condition=f" AND ({self._differs()})"
        )
        return ended + self._refresh_in_place(ctx, batch, self._starting())

    def _move_spanning(
        self,
        ctx: Context,
        priority: int,
        batch: Batch | None,
        *,
        history: bool = True,
        condition: str = "",
    ) -> int:
        """End each matching row the day before, and open its copy at the new unit (with a
        history row, unless the unit stays and only its placement changes)."""
        params = ctx.params(carrier=self.name)
        match = self.match(priority) + condition
        where = f"{self._spanning()}{self.extra()}{self._batch(batch)}"
        kept = self.copied()
        columns = [*kept, *self.overrides, self.unit, *(c for c, _ in self.derived())]
        columns += [self.valid_from, self.valid_to]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                values = [
                    *(f"t.{c}" for c in kept),
                    *self.overrides.values(),
                    "s.to_unit_id",
                    *(f"s.{source}" for _c, source in self.derived()),
                    "%(effective)s",
                    f"t.{self.valid_to}",
                ]
                cursor.execute(
                    f"WITH s AS (SELECT t.{self.pk} AS row_id, t.{self.record} AS record, "
                    "r.from_unit_id, r.to_unit_id, r.to_province_id, r.to_admin_unit_id, r.step "
                    f"FROM {self.table} t JOIN {ROUTE} r ON {match} WHERE 1 = 1{where} "
                    # Locked: a service changing the row meanwhile waits, and is not undone.
                    "FOR UPDATE OF t), "
                    f"ended AS (UPDATE {self.table} SET {self.valid_to} = %(last_day)s "
                    f"WHERE {self.pk} IN (SELECT row_id FROM s)), "
                    f"copied AS (INSERT INTO {self.table} ({', '.join(columns)}) "
                    f"SELECT {', '.join(values)} FROM {self.table} t JOIN s ON s.row_id = t.{self.pk}) "
                    + (
                        f"{HISTORY_INSERT}SELECT %(plan)s, step, %(carrier)s, record, "
                        "from_unit_id, to_unit_id FROM s"
                        if history
                        else "SELECT COUNT(*) FROM s"
                    ),
                    params,
                )
                return cursor.rowcount if history else int(cursor.fetchone()[0])
            # SQLite: history, then the copies (which no longer match), then the ends.
            moved = self._history(cursor, params, match, where, batch) if history else 0
            values = [
                *(f"t.{c}" for c in kept),
                *self.overrides.values(),
                "r.to_unit_id",
                *(f"r.{source}" for _c, source in self.derived()),
                "%(effective)s",
                f"t.{self.valid_to}",
            ]
            cursor.execute(
                f"INSERT INTO {self.table} ({', '.join(columns)}) SELECT {', '.join(values)} "
                f"FROM {self._joined(match, batch)} WHERE 1 = 1{where}",
                params,
            )
            cursor.execute(
                f"UPDATE {self.table} SET {self.valid_to} = %(last_day)s WHERE {self.pk} IN "
                f"(SELECT t.{self.pk} FROM {self._joined(match, batch)} WHERE 1 = 1{where})",
                params,
            )
            return moved if history else int(cursor.rowcount)
