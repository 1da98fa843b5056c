"""What the flags part registers from IntegrityConfig.ready(): the public services effects that
keep the red flags current (transitions and ratings), the scheduled job's part that refreshes the
idle flags (they change with the clock, not with a transition) (integrity/flags.py), and the
carriers that take the flags and counters of a unit a plan closes to its default successor.

Through a plan (docs/integrity-flags.md, "Through a reorganization"): the dossiers' events stay
where they happened (they are history); the counters of a closed unit are added into the
successor's (two communes merging: an official's counts at both become one count), its flags
move there (of two flags of one key that meet, the one already there, or the older, is kept with
its dismissal), and the flags of every official whose counters moved are recomputed from the
merged counters, reading the events of the successor and of every unit whose default successor
it became (`flags.behind`). So a rebuild after the plan (which counts an event at a closed unit
at its heir) gives the same counters and flags. Only the default successor is followed (not a
person's decision about single records): the lineage is what a rebuild can read again.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import connection
from django.utils import timezone

from tinhgon.carriers import contract
from tinhgon.carriers.contract import HISTORY_INSERT, ROUTE, Batch, Context, UnitRowsCarrier
from tinhgon.carriers.models import Priority
from tinhgon.integrity.models import ComplaintCounter, FlagCounter, RedFlag


class _FollowDefault(UnitRowsCarrier):
    """Rows keyed by (key columns, unit): moved to the default successor, merged with the row of
    the same key found there."""

    keys: ClassVar[tuple[str, ...]] = ()

    def priorities(self, ctx: Context) -> list[int]:
        return [p for p in super().priorities(ctx) if p == Priority.DEFAULT]

    def _join(self, ctx: Context, batch: Batch | None) -> tuple[str, dict[str, Any]]:
        """FROM ... WHERE ...: the rows to move with their default route."""
        params = ctx.params(carrier=self.name)
        sql = (
            f"FROM {self.table} t JOIN {ROUTE} r ON {self.match(Priority.DEFAULT)} "
            f"WHERE 1 = 1{self.live()}{self.extra()}{self._batch(batch)}"
        )
        return sql, params

    def _record(self, cursor, ctx: Context, batch: Batch | None) -> int:  # type: ignore[no-untyped-def]
        rows, params = self._join(ctx, batch)
        cursor.execute(
            f"{HISTORY_INSERT}SELECT %(plan)s, r.step, %(carrier)s, t.{self.pk}, "
            f"r.from_unit_id, r.to_unit_id {rows}",
            params,
        )
        return int(cursor.rowcount)

    def _same_key(self, a: str, b: str) -> str:
        # NULL-safe: a flag without a procedure (or without a user) matches one without.
        return " AND ".join(
            f"({a}.{k} = {b}.{k} OR ({a}.{k} IS NULL AND {b}.{k} IS NULL))" for k in self.keys
        )


class _SummedCarrier(_FollowDefault):
    """Counters: added into the successor's row of the same key (one upsert), then deleted."""

    sums: ClassVar[tuple[str, ...]] = ()

    def move(self, ctx: Context, batch: Batch | None = None) -> int:
        if Priority.DEFAULT not in self.priorities(ctx):
            return 0
        rows, params = self._join(ctx, batch)
        keys = ", ".join(f"t.{k}" for k in self.keys)
        columns = ", ".join(self.keys)
        sums = ", ".join(f"SUM(t.{c})" for c in self.sums)
        updates = ", ".join(f"{c} = {self.table}.{c} + excluded.{c}" for c in self.sums)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT DISTINCT {keys}, r.to_unit_id {rows}", params)
            touched = [tuple(row) for row in cursor.fetchall()]
            if not touched:
                return 0
            moved = self._record(cursor, ctx, batch)
            cursor.execute(
                f"INSERT INTO {self.table} ({columns}, {self.unit}, {', '.join(self.sums)}) "
                f"SELECT {keys}, r.to_unit_id, {sums} {rows} GROUP BY {keys}, r.to_unit_id "
                f"ON CONFLICT ({columns}, {self.unit}) DO UPDATE SET {updates}",
                params,
            )
            cursor.execute(
                f"DELETE FROM {self.table} WHERE {self.pk} IN (SELECT t.{self.pk} {rows})",
                params,
            )
        self.recompute(touched)
        return moved

    def recompute(self, touched: list[tuple[int, ...]]) -> None:
        raise NotImplementedError


class RedFlagsCarrier(_FollowDefault):
    """Flags: moved in place; one that would meet a flag of its key at the successor (already
    there, or an older one arriving) goes, its move recorded. Runs before the counters' carrier,
    whose recompute then finds the flags at the successor (and keeps their dismissals)."""

    name = "red_flags"
    model = RedFlag
    keys = ("official_id", "staff_id", "kind", "procedure_id")

    def move(self, ctx: Context, batch: Batch | None = None) -> int:
        if Priority.DEFAULT not in self.priorities(ctx):
            return 0
        rows, params = self._join(ctx, batch)
        default = (
            f"SELECT {{}} FROM {ROUTE} WHERE plan_ref = {int(ctx.plan_id)} "
            f"AND priority = {int(Priority.DEFAULT)} AND carrier = ''"
        )
        # Already at the successor, or an older flag of the key arriving there too.
        met = (
            f"EXISTS (SELECT 1 FROM {self.table} o WHERE {self._same_key('o', 't')} AND "
            f"(o.{self.unit} = r.to_unit_id OR (o.{self.pk} < t.{self.pk} AND o.{self.unit} IN "
            f"({default.format('from_unit_id')} AND to_unit_id = r.to_unit_id))))"
        )
        with connection.cursor() as cursor:
            moved = self._record(cursor, ctx, batch)
            cursor.execute(
                f"DELETE FROM {self.table} WHERE {self.pk} IN (SELECT t.{self.pk} {rows} AND {met})",
                params,
            )
            cursor.execute(
                f"UPDATE {self.table} SET {self.unit} = ({default.format('to_unit_id')} "
                f"AND from_unit_id = {self.table}.{self.unit}) "
                f"WHERE {self.pk} IN (SELECT t.{self.pk} {rows})",
                params,
            )
        return moved


class FlagCountersCarrier(_SummedCarrier):
    name = "flag_counters"
    model = FlagCounter
    keys = ("official_id", "procedure_id")
    sums = (
        "handled",
        "decided",
        "supplements",
        "repeated",
        "bounced",
        "late",
        "rated",
        "low_rated",
    )

    def recompute(self, touched: list[tuple[int, ...]]) -> None:
        from tinhgon.integrity import flags

        now = timezone.now()
        for official_id, unit_id in sorted({(o, u) for o, _p, u in touched}):
            flags.recompute_official(official_id=official_id, unit_id=unit_id, now=now)
        for procedure_id in sorted({p for _o, p, _u in touched}):
            flags.recompute_procedure(procedure_id=procedure_id, now=now)


class ComplaintCountersCarrier(_SummedCarrier):
    name = "complaint_counters"
    model = ComplaintCounter
    keys = ("staff_id",)
    sums = ("complaints", "denunciations")

    def recompute(self, touched: list[tuple[int, ...]]) -> None:
        from tinhgon.integrity import flags_complaints

        now = timezone.now()
        for staff_id, unit_id in sorted(set(touched)):
            flags_complaints.recompute(staff_id=staff_id, unit_id=unit_id, now=now)


def register_all() -> None:
    from tinhgon.core.jobs import register_part
    from tinhgon.integrity import flags
    from tinhgon.publicservices import effects

    effects.register(flags.follow)
    effects.register_rated(flags.rated)
    register_part("integrity_flags_idle", flags.refresh_idle)
    # The flags first: the counters' carriers recompute them at the successor.
    contract.register(RedFlagsCarrier())
    contract.register(FlagCountersCarrier())
    contract.register(ComplaintCountersCarrier())
