"""Database housekeeping that operators' commands run after bulk work, and written-out reads
as model instances."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model
from django.db.models.base import DEFERRED


def refresh_statistics() -> None:
    """After tens of thousands of rows arrive at once, PostgreSQL's planner still believes the
    tables are small until autovacuum catches up; ANALYZE now so the next queries plan well.
    SQLite plans without statistics of this kind; nothing to do there."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# -- a written-out read, as model instances ----------------------------------------------------
# (alias, model, the statement's column names) -> the fields in the model's order, each with the
# index of its column (None: deferred) and its converters; the columns that name no field.
_Plan = tuple[list[tuple[str, int | None, list[Any], Any]], list[tuple[str, int]]]
_PLANS: dict[tuple[str, type[Model], tuple[str, ...]], _Plan] = {}


def _plan(alias: str, model: type[Model], names: tuple[str, ...]) -> _Plan:
    found = _PLANS.get((alias, model, names))
    if found is None:
        connection = connections[alias]
        where = {name: i for i, name in enumerate(names)}
        fields = []
        for f in model._meta.concrete_fields:
            index = where.pop(str(f.column), None)
            col = f.get_col(model._meta.db_table)
            converters = connection.ops.get_db_converters(col) + f.get_db_converters(connection)
            fields.append((f.attname, index, converters, col))
        found = _PLANS[(alias, model, names)] = (fields, sorted(where.items(), key=lambda c: c[1]))
    return found


def instances[M: Model](
    model: type[M], sql: str, params: Sequence[Any], *, using: str = DEFAULT_DB_ALIAS
) -> list[M]:
    """The rows of a written-out SELECT as instances of `model`: a column named as a field's
    column fills that field, converted as the ORM converts it (times on SQLite, JSON, ...); a
    field without a column is deferred; any other column becomes an attribute of its name.

    `Model.objects.raw` does the same but works out the columns' fields and converters on every
    query; the hot reads (a filing reads three) pay that more than the database's work, so here
    it is worked out once per model and list of columns."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = tuple(column[0] for column in cursor.description)
        rows = cursor.fetchall()
    fields, extra = _plan(using, model, names)
    present = [attname for attname, index, _c, _col in fields if index is not None]
    found = []
    for row in rows:
        values = []
        for _attname, index, converters, col in fields:
            if index is None:
                values.append(DEFERRED)
                continue
            value = row[index]
            for converter in converters:
                value = converter(value, col, connection)
            values.append(value)
        instance = model.from_db(using, present, values)
        for name, index in extra:
            setattr(instance, name, row[index])
        found.append(instance)
    return found
