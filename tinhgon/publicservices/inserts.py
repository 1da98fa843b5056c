"""One row inserted with a written-out INSERT: the filing's dossier, its event, the portal's
outbox row and the applicant's email.

`Model.objects.create` builds and compiles its INSERT anew on every call; for a filing's rows
that was about a fifth of the server's processor time (docs/benchmarks.md, "Intake, issue 8's
last target"). `insert` keeps the statement per model, and converts each value as `save()`
would (`Field.get_db_prep_save`: JSON, times on SQLite, ...), so the row is the one `save()`
would have written, defaults included. It sends no `pre_save`/`post_save` signal: nothing in
tinhgon listens to these models (a test says so), and business rules do not live in signals.
The modules that own the tables call it (services: dossiers and events; outbox; notifications).
"""

from __future__ import annotations

from typing import Any

from django.db import connections, router
from django.db.models import Field, Model

# model -> (its fields but the primary key, the statement without RETURNING, with RETURNING)
_STATEMENTS: dict[type[Model], tuple[list[Field], str, str]] = {}


def _statement(model: type[Model]) -> tuple[list[Field], str, str]:
    found = _STATEMENTS.get(model)
    if found is None:
        meta = model._meta
        fields = [f for f in meta.concrete_fields if not f.primary_key]
        quote = connections[router.db_for_write(model)].ops.quote_name
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(meta.db_table),
            ", ".join(quote(str(f.column)) for f in fields),
            ", ".join(["%s"] * len(fields)),
        )
        found = _STATEMENTS[model] = (fields, sql, f"{sql} RETURNING {quote(str(meta.pk.column))}")
    return found


def insert[M: Model](model: type[M], **values: Any) -> M:
    """A new row of `model` from `values` (as the model's constructor takes them; the others at
    their defaults), in the current transaction; the instance, as saved (its primary key set)."""
    instance = model(**values)
    fields, plain, returning = _statement(model)
    alias = router.db_for_write(model)
    connection = connections[alias]
    # pre_save: auto_now_add and the like, as save() does
    params = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    with connection.cursor() as cursor:
        if connection.features.can_return_columns_from_insert:
            cursor.execute(returning, params)
            (pk,) = cursor.fetchone()
        else:
            cursor.execute(plain, params)
            pk = cursor.lastrowid
    instance.pk = pk
    instance._state.adding = False
    instance._state.db = alias
    return instance
