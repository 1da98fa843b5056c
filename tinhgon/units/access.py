"""The scope rules as the registry's own pages and endpoints reach them: registered from above.

Who may see and change which units is decided in one place, tinhgon.accounts.access, from the
users' memberships: a layer above the registry. The registry may not import it (layers contract
in pyproject.toml), so the accounts app registers its rules here when Django starts
(AccountsConfig.ready) and the functions below call them. A scope itself is plain data about
units (administrative units and their levels), so its type lives here, below both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from tinhgon.units.models import UnitVersion, UnitVersionQuerySet


@dataclass(frozen=True)
class Root:
    """An administrative unit whose scope the user reads; `writable`: and writes all of it."""

    admin_unit_id: int
    level: int
    writable: bool


@dataclass(frozen=True)
class Scope:
    everything: bool
    roots: tuple[Root, ...]
    # Agencies whose subtree (the agency and the units under it) the user writes, without
    # writing the rest of their administrative unit: a department's official.
    agencies: tuple[int, ...] = ()

    @property
    def can_write_anything(self) -> bool:
        return self.everything or bool(self.agencies) or any(root.writable for root in self.roots)


class Rules(Protocol):
    def scope_for(self, user: Any) -> Scope: ...

    def unit_filter(self, scope: Scope, day: dt.date, *, write: bool = False) -> Q: ...

    def visible_versions(self, user: Any, day: dt.date) -> UnitVersionQuerySet: ...

    def access_unit(
        self, user: Any, unit_id: int, *, day: dt.date | None = None, write: bool = False
    ) -> UnitVersion: ...

    def access_any_version(self, user: Any, unit_id: int) -> UnitVersion: ...

    def visible_unit_ids(self, user: Any, unit_ids: Iterable[int]) -> set[int]: ...

    def access_unit_create(
        self, user: Any, *, parent_id: int, kind: str, day: dt.date
    ) -> UnitVersion: ...

    def access_unit_change(
        self, user: Any, unit_id: int, *, day: dt.date, parent_id: int | None = None
    ) -> UnitVersion: ...

    def access_unit_close(self, user: Any, unit_id: int, *, day: dt.date) -> UnitVersion: ...


_rules: Rules | None = None


def register(rules: Rules) -> None:
    global _rules
    _rules = rules


def rules() -> Rules:
    # Without this error a missing registration would surface as an AttributeError on None.
    if _rules is None:
        raise ImproperlyConfigured("No scope rules registered: is tinhgon.accounts installed?")
    return _rules


def scope_for(user: Any) -> Scope:
    return rules().scope_for(user)


def unit_filter(scope: Scope, day: dt.date, *, write: bool = False) -> Q:
    return rules().unit_filter(scope, day, write=write)


def visible_versions(user: Any, day: dt.date) -> UnitVersionQuerySet:
    return rules().visible_versions(user, day)


def access_unit(
    user: Any, unit_id: int, *, day: dt.date | None = None, write: bool = False
) -> UnitVersion:
    return rules().access_unit(user, unit_id, day=day, write=write)


def access_any_version(user: Any, unit_id: int) -> UnitVersion:
    return rules().access_any_version(user, unit_id)


def visible_unit_ids(user: Any, unit_ids: Iterable[int]) -> set[int]:
    return rules().visible_unit_ids(user, unit_ids)


def access_unit_create(user: Any, *, parent_id: int, kind: str, day: dt.date) -> UnitVersion:
    return rules().access_unit_create(user, parent_id=parent_id, kind=kind, day=day)


def access_unit_change(
    user: Any, unit_id: int, *, day: dt.date, parent_id: int | None = None
) -> UnitVersion:
    return rules().access_unit_change(user, unit_id, day=day, parent_id=parent_id)


def access_unit_close(user: Any, unit_id: int, *, day: dt.date) -> UnitVersion:
    return rules().access_unit_close(user, unit_id, day=day)
