"""Counting attempts per key in a window, shared by every server process (the database holds
the counts: no cache server to install, and a limit stays one limit with several workers).

`take` counts one attempt under each key *before* the attempt runs, with one atomic upsert per
key, so requests arriving at once cannot all slip under the limit; `give_back` uncounts an
attempt that turned out to be legitimate (a right second factor). Expired rows are reset on their
next use and deleted by `purge` (the scheduled job calls it).

Called inside a transaction, the count is written with it: a refusal raised afterwards in that
transaction rolls the count back too, so callers count outside their write transaction.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import F
from django.utils import timezone

from tinhgon.core.models import ThrottleCount

MAX_KEY = 80


def _table_and_columns() -> tuple[str, str, str, str]:
    quote = connection.ops.quote_name
    return (
        quote(ThrottleCount._meta.db_table),
        quote("key"),
        quote("window_ends"),
        quote("count"),
    )


def take(keys: list[str], limit: int, *, seconds: int) -> bool:
    """Count one attempt under each key; True when any key is now over `limit` (refuse)."""
    now = timezone.now()
    ends = now + dt.timedelta(seconds=seconds)
    table, key, window, count = _table_and_columns()
    names = sorted({name[:MAX_KEY] for name in keys})
    if not names:
        return False
    rows = ", ".join(["(%s, %s, 1)"] * len(names))
    with connection.cursor() as cursor:
        # One statement for every key; in key order, so two requests lock rows alike.
        cursor.execute(
            f"INSERT INTO {table} ({key}, {window}, {count}) VALUES {rows} "
            f"ON CONFLICT ({key}) DO UPDATE SET "
            f"{count} = CASE WHEN {table}.{window} <= %s THEN 1 ELSE {table}.{count} + 1 END, "
            f"{window} = CASE WHEN {table}.{window} <= %s THEN %s ELSE {table}.{window} END "
            f"RETURNING {count}",
            [value for name in names for value in (name, ends)] + [now, now, ends],
        )
        return any(counted > limit for (counted,) in cursor.fetchall())


def give_back(keys: list[str]) -> None:
    """Uncount one attempt under each key (never below zero; an ended window is left alone)."""
    ThrottleCount.objects.filter(
        key__in=[name[:MAX_KEY] for name in keys], window_ends__gt=timezone.now(), count__gt=0
    ).update(count=F("count") - 1)


def purge(*, before: dt.datetime | None = None) -> int:
    """Delete the counts whose window ended before `before` (default: now)."""
    deleted, _ = ThrottleCount.objects.filter(window_ends__lte=before or timezone.now()).delete()
    return deleted


def reset() -> None:
    """Forget every count (an operator lifting all locks at once)."""
    ThrottleCount.objects.all().delete()
