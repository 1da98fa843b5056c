"""How tasks follow their lead unit, and cooperators their unit, through a reorganization.

Open tasks (received, in progress, reported, returned) move in place to the lead unit's
successor on the plan's effective date: same primary key, same due date, same events, their
province refreshed. Accepted tasks stay with the unit that did them: they are its record.

Duplicates of one directive land once. When two open tasks of the same directive end in the same
unit (two communes that each had it merge), the successor holds one task: the one due first
(the stricter deadline; on a tie the one further along: reported, in progress, returned,
received; then the older one, the lower id) is kept, every other becomes
"merged" with `merged_into` pointing at it. The absorbed task keeps its events (who did what, at
which unit) and gains one "merge" event; the kept task's page shows both histories
(selectors.history) and gains the absorbed task's cooperating units. A task absorbed earlier into
one that is itself absorbed later points at the final one.

Cooperating units follow their unit too, deduplicated: a row that would land where the task
already has that cooperator (or where another row of the same task lands first, or on the task's
own lead unit) is recorded as moved and then dropped.

Everything here is set-based SQL (a few statements per plan or batch) and idempotent: run it
again and nothing moves, nothing merges twice.
"""

from __future__ import annotations

from django.db import connection

from tinhgon.carriers.contract import HISTORY_INSERT, ROUTE, Batch, Context, UnitRowsCarrier
from tinhgon.coordination.models import OPEN_TASK, Task, TaskCooperator, TaskEvent, TaskStatus

OPEN_SQL = ", ".join(f"'{status.value}'" for status in OPEN_TASK)
MERGED = TaskStatus.MERGED.value


class TasksCarrier(UnitRowsCarrier):
    name = "tasks"
    model = Task
    unit_field = "unit"
    province_field = "province"

    def extra(self, alias: str = "t") -> str:
        # Constants, not parameters: the bases bind their own.
        return f" AND {alias}.status IN ({OPEN_SQL})"

    def describe(self, record_ids):  # type: ignore[no-untyped-def]
        titles = dict(Task.objects.filter(pk__in=record_ids).values_list("pk", "directive__number"))
        return {record: f"{titles.get(record, '?')} #{record}" for record in record_ids}

    def move(self, ctx: Context, batch: Batch | None = None) -> int:
        moved = super().move(ctx, batch)
        merge_duplicates(ctx)
        return moved


def _destinations(ctx: Context) -> str:
    return f"(SELECT to_unit_id FROM {ROUTE} WHERE plan_ref = {int(ctx.plan_id)} AND priority > 0)"


def _rank(alias: str) -> str:
    """How far a task has gone (lower: further): of two due the same day, the one further along
    is kept, so that a report made or work started is not set back."""
    order = [TaskStatus.REPORTED, TaskStatus.IN_PROGRESS, TaskStatus.RETURNED]
    whens = " ".join(f"WHEN '{status.value}' THEN {n}" for n, status in enumerate(order))
    return f"(CASE {alias}.status {whens} ELSE {len(order)} END)"


def merge_duplicates(ctx: Context) -> int:
    """In the units the plan routes records to: every open task of a directive but the one due
    first (then the lowest id) becomes "merged" into it, with an event; chains are shortened and
    the absorbed tasks' cooperators are copied to the kept task. Returns how many merged."""
    task = Task._meta.db_table
    event = TaskEvent._meta.db_table
    cooperator = TaskCooperator._meta.db_table
    rank_k, rank_t = _rank("k"), _rank("t")
    # `t` has an open task of its directive in its unit that comes before it.
    duplicate = (
        f"t.status IN ({OPEN_SQL}) AND t.unit_id IN {_destinations(ctx)} AND EXISTS ("
        f"SELECT 1 FROM {task} k WHERE k.directive_id = t.directive_id AND k.unit_id = t.unit_id "
        f"AND k.status IN ({OPEN_SQL}) AND (k.due < t.due OR (k.due = t.due AND "
        f"({rank_k} < {rank_t} OR ({rank_k} = {rank_t} AND k.id < t.id)))))"
    )
    keeper = (
        f"(SELECT k.id FROM {task} k WHERE k.directive_id = t.directive_id "
        f"AND k.unit_id = t.unit_id AND k.status IN ({OPEN_SQL}) "
        f"ORDER BY k.due, {rank_k}, k.id LIMIT 1)"
    )
    if connection.vendor == "postgresql":
        data = f"jsonb_build_object('merged_into', {keeper}, 'plan', %(plan)s::bigint)"
    else:
        data = f"json_object('merged_into', {keeper}, 'plan', %(plan)s)"
    params = ctx.params()
    with connection.cursor() as cursor:
        # The events first, while the rows still show the status they leave.
        cursor.execute(
            f"INSERT INTO {event} (task_id, move, from_status, to_status, actor_id, unit_id, at, "
            f"note, file, data) SELECT t.id, 'merge', t.status, '{MERGED}', %(actor)s, t.unit_id, "
            f"%(now)s, '', '', {data} FROM {task} t WHERE {duplicate}",
            params,
        )
        if not cursor.rowcount:
            return 0
        cursor.execute(
            f"UPDATE {task} AS t SET status = '{MERGED}', merged_into_id = {keeper}, "
            f"version = t.version + 1 WHERE {duplicate}",
            params,
        )
        merged = int(cursor.rowcount)
        # A task absorbed into one absorbed now points at the one kept.
        cursor.execute(
            f"UPDATE {task} AS t SET merged_into_id = (SELECT m.merged_into_id FROM {task} m "
            f"WHERE m.id = t.merged_into_id) WHERE t.merged_into_id IN "
            f"(SELECT m.id FROM {task} m WHERE m.status = '{MERGED}' "
            f"AND m.merged_into_id IS NOT NULL)"
        )
        # The kept task gains the absorbed tasks' cooperating units (not its own lead unit).
        cursor.execute(
            f"INSERT INTO {cooperator} (task_id, unit_id) SELECT DISTINCT a.merged_into_id, "
            f"c.unit_id FROM {cooperator} c JOIN {task} a ON a.id = c.task_id "
            f"JOIN {task} k ON k.id = a.merged_into_id WHERE a.status = '{MERGED}' "
            f"AND k.status IN ({OPEN_SQL}) AND c.unit_id <> k.unit_id AND NOT EXISTS "
            f"(SELECT 1 FROM {cooperator} o WHERE o.task_id = a.merged_into_id "
            f"AND o.unit_id = c.unit_id)"
        )
    return merged


class CooperatorsCarrier(UnitRowsCarrier):
    """Cooperating units of open (or just merged) tasks follow their unit, once per task."""

    name = "task_cooperators"
    model = TaskCooperator
    unit_field = "unit"

    def extra(self, alias: str = "t") -> str:
        task = Task._meta.db_table
        return (
            f" AND {alias}.task_id IN (SELECT id FROM {task} "
            f"WHERE status IN ({OPEN_SQL}, '{MERGED}'))"
        )

    def move(self, ctx: Context, batch: Batch | None = None) -> int:
        moved = 0
        for priority in self.priorities(ctx):
            moved += self._drop_duplicates(ctx, priority, batch)
            moved += self._move_in_place(ctx, priority, batch, self.live())
        return moved

    def _drop_duplicates(self, ctx: Context, priority: int, batch: Batch | None) -> int:
        """Rows whose move would make the task cooperate twice with one unit (or with its own
        lead unit): their history is written (they moved, into the row already there), then
        they go."""
        task = Task._meta.db_table
        match = self.match(priority)
        landing = (
            f" AND (EXISTS (SELECT 1 FROM {self.table} o WHERE o.task_id = t.task_id "
            f"AND o.unit_id = r.to_unit_id AND o.id <> t.id) "
            f"OR EXISTS (SELECT 1 FROM {task} k WHERE k.id = t.task_id "
            f"AND k.unit_id = r.to_unit_id) "
            f"OR EXISTS (SELECT 1 FROM {self.table} o JOIN {ROUTE} r2 ON "
            f"r2.plan_ref = r.plan_ref AND r2.priority = r.priority AND r2.carrier = r.carrier "
            f"AND r2.from_unit_id = o.unit_id AND r2.to_unit_id = r.to_unit_id "
            f"AND r2.record_id IN (0, o.id) "
            f"WHERE o.task_id = t.task_id AND o.id < t.id))"
        )
        where = f"{self.extra()}{self._batch(batch)}{landing}"
        params = ctx.params(carrier=self.name)
        with connection.cursor() as cursor:
            cursor.execute(
                f"{HISTORY_INSERT}SELECT %(plan)s, r.step, %(carrier)s, t.id, r.from_unit_id, "
                f"r.to_unit_id FROM {self.table} t JOIN {ROUTE} r ON {match} WHERE 1 = 1{where}",
                params,
            )
            dropped = int(cursor.rowcount)
            if dropped:
                cursor.execute(
                    f"DELETE FROM {self.table} WHERE id IN (SELECT t.id FROM {self.table} t "
                    f"JOIN {ROUTE} r ON {match} WHERE 1 = 1{where})",
                    params,
                )
        return dropped
