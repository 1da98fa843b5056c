"""The scope rules as the registry's own pages and endpoints reach them: registered from above.

Who may see and change which units is decided in one place, tinhgon.accounts.access, from the
users' memberships: a layer above the registry. The registry may not import it (layers contract
in pyproject.toml), so the accounts app registers its rules here when Django starts
(AccountsConfig.ready) and the functions below call them. A scope itself is plain data about
units (administrative units and their levels), so its type lives here, below both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from tinhgon.units.models import UnitVersion, UnitVersionQuerySet


@dataclass(frozen=True)
class Root:
    admin_unit_id: int
    level: int
    writable: bool


@dataclass(frozen=True)
class Scope:
    everything: bool
    roots: tuple[Root, ...]

    @property
    def can_write_anything(self) -> bool:
        return self.everything or any(root.writable for root in self.roots)


class Rules(Protocol):
    def scope_for(self, user: Any) -> Scope: ...

    def unit_filter(self, scope: Scope, day: dt.date, *, write: bool = False) -> Q: ...

    def visible_versions(self, user: Any, day: dt.date) -> UnitVersionQuerySet: ...

    def access_unit(
        self, user: Any, unit_id: int, *, day: dt.date | None = None, write: bool = False
    ) -> UnitVersion: ...

    def access_any_version(self, user: Any, unit_id: int) -> UnitVersion: ...


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
