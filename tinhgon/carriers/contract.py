"""Carriers: each kind of record attached to units declares how it follows a unit through a plan.

A carrier is registered by its own app (in its AppConfig.ready) and is called by the engine
inside the apply transaction, after the units have been opened and closed and the lineage links
written. The links of the plan are the routing table: every unit the plan closes has exactly
one link with `is_default` true, to the successor that takes what no rule routes elsewhere.
Carriers move their records with a few set-based statements and write one history row
(`reorg_recordmove`) per moved record. The engine knows nothing else about them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import connection
from django.utils import timezone


@dataclass(frozen=True)
class Context:
    plan_id: int
    effective: dt.date
    actor_id: int | None

    @property
    def last_day(self) -> dt.date:
        return self.effective - dt.timedelta(days=1)


class Carrier(Protocol):
    name: str

    def move(self, ctx: Context) -> int:
        """Move every record attached to a unit the plan closes; return how many moved."""
        ...

    def dangling(self, ctx: Context) -> int:
        """Records still open on the effective date that point at a unit closed by then."""
        ...

    def undecided(self, ctx: Context) -> list[int]:
        """Records no rule routes and no decision covers (they block apply)."""
        ...

    def describe(self, record_ids: list[int]) -> dict[int, str]:
        """How a person recognizes each record when deciding where it goes."""
        ...


_REGISTRY: dict[str, Carrier] = {}


def register(carrier: Carrier) -> None:
    _REGISTRY[carrier.name] = carrier


def registered() -> list[Carrier]:
    return list(_REGISTRY.values())


# SQL shared by carriers of dated rows. %(plan)s, %(effective)s, %(last_day)s, %(true)s bind.
DEFAULT_SUCCESSOR = (
    "JOIN units_unitlink l ON l.predecessor_id = {alias}.{column} "
    "AND l.plan_ref = %(plan)s AND l.is_default = %(true)s"
)


def _params(ctx: Context) -> dict[str, Any]:
    return {
        "plan": ctx.plan_id,
        "effective": ctx.effective,
        "last_day": ctx.last_day,
        "true": True,
        "actor": ctx.actor_id,
        "now": timezone.now(),
    }


class DatedRowsCarrier:
    """Rows valid over [valid_from, valid_to] that point at a unit through `column`.

    A row open on the effective date whose unit closes is ended the day before, and a copy
    pointing at the default successor starts on the effective date: history keeps both.
    """

    name: str
    table: str
    column: str
    # Columns copied as they are into the new row; `overrides` give SQL expressions for others.
    copied: tuple[str, ...]
    overrides: dict[str, str] = {}
    # A row that starts on the effective date itself is repointed in place.

    def _open_rows(self) -> str:
        return (
            "(r.valid_from IS NULL OR r.valid_from < %(effective)s) "
            "AND (r.valid_to IS NULL OR r.valid_to >= %(effective)s)"
        )

    # The column that identifies a record in decisions and history (a unit's versions share it).
    record_column = "id"

    def _joins(self) -> str:
        """The default successor of the row's unit, and a person's decision if there is one."""
        return (
            DEFAULT_SUCCESSOR.format(alias="r", column=self.column)
            + " LEFT JOIN reorg_decision d ON d.plan_id = %(plan)s "
            f"AND d.carrier = '{self.name}' AND d.record_id = r.{self.record_column}"
        )

    TARGET = "COALESCE(d.to_unit_id, l.successor_id)"

    def move(self, ctx: Context) -> int:
        params = _params(ctx)
        joins = self._joins()
        where = self._open_rows() + self.extra_where()
        history = (
            "INSERT INTO reorg_recordmove (plan_id, step, carrier, record_id, from_unit_id, to_unit_id) "
            f"SELECT %(plan)s, l.step, '{self.name}', r.{self.record_column}, r.{self.column}, "
            f"{self.TARGET} FROM {self.table} r {joins} WHERE "
        )
        with connection.cursor() as cursor:
            cursor.execute(history + where, params)
            moved = cursor.rowcount
            columns = [*self.copied, *self.overrides, self.column, "valid_from", "valid_to"]
            values = [
                *(f"r.{c}" for c in self.copied),
                *self.overrides.values(),
                self.TARGET,
                "%(effective)s",
                "r.valid_to",
            ]
            cursor.execute(
                f"INSERT INTO {self.table} ({', '.join(columns)}) "
                f"SELECT {', '.join(values)} FROM {self.table} r {joins} WHERE {where}",
                params,
            )
            cursor.execute(
                f"UPDATE {self.table} SET valid_to = %(last_day)s WHERE id IN ("
                f"SELECT r.id FROM {self.table} r {joins} WHERE {where})",
                params,
            )
            # Rows that start on the effective date: repointed in place (no earlier interval).
            starting = "r.valid_from = %(effective)s" + self.extra_where()
            cursor.execute(history + starting, params)
            moved += cursor.rowcount
            cursor.execute(
                f"UPDATE {self.table} SET {self.column} = COALESCE("
                "(SELECT d.to_unit_id FROM reorg_decision d WHERE d.plan_id = %(plan)s "
                f"AND d.carrier = '{self.name}' AND d.record_id = {self.table}.{self.record_column}), "
                "(SELECT l.successor_id FROM units_unitlink l "
                f"WHERE l.predecessor_id = {self.table}.{self.column} AND l.plan_ref = %(plan)s "
                "AND l.is_default = %(true)s)) "
                f"WHERE valid_from = %(effective)s AND {self.column} IN (SELECT predecessor_id "
                "FROM units_unitlink WHERE plan_ref = %(plan)s AND is_default = %(true)s)"
                + self.extra_where(alias=self.table),
                params,
            )
        return moved

    def extra_where(self, alias: str = "r") -> str:
        return ""

    def dangling(self, ctx: Context) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM {self.table} r WHERE {self.column} IN ("
                "SELECT predecessor_id FROM units_unitlink WHERE plan_ref = %(plan)s "
                "AND is_default = %(true)s) "
                "AND (r.valid_from IS NULL OR r.valid_from <= %(effective)s) "
                "AND (r.valid_to IS NULL OR r.valid_to >= %(effective)s)" + self.extra_where(),
                _params(ctx),
            )
            return int(cursor.fetchone()[0])

    def undecided(self, ctx: Context) -> list[int]:
        return []

    def describe(self, record_ids: list[int]) -> dict[int, str]:
        return {record: f"{self.name} #{record}" for record in record_ids}
