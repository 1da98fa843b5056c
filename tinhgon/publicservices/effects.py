"""What follows every change of a dossier's status, in the transaction that made it.

`changed(dossier, event)` runs after each transition (and the filing) has written its row and
its `DossierEvent`, inside the same transaction: the figures kept current, the portal's outbox,
the applicant's notification. Each follows by registering a function here (in the app's
`ready()` or the module that owns it); they run in the order registered. A function that must
not run unless the transaction commits (an email) defers itself with `transaction.on_commit`.

A rating is not a transition (no DossierEvent): `rated(dossier)` runs the functions registered
with `register_rated`, in the transaction of `portal.portal_rate`, once the rating is written
(the red flags count ratings per official: integrity.flags_ratings).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tinhgon.publicservices.models import Dossier, DossierEvent
    from tinhgon.units.models import UnitVersion

Effect = Callable[["Dossier", "DossierEvent"], None]
_effects: list[Effect] = []
Rated = Callable[["Dossier"], None]
_rated: list[Rated] = []
# The units' versions the change read already (unit id -> version), while its effects run.
_versions: ContextVar[Mapping[int, UnitVersion] | None] = ContextVar(
    "tinhgon_effect_versions", default=None
)


def register(effect: Effect) -> Effect:
    """Usable as a decorator; registering the same function twice keeps one."""
    if effect not in _effects:
        _effects.append(effect)
    return effect


def changed(
    dossier: Dossier, event: DossierEvent, *, versions: Mapping[int, UnitVersion] | None = None
) -> None:
    """Run the effects; `versions`: units' versions the change has read (a filing: its centre,
    commune and competent unit), which `known_version` gives the effects instead of a query."""
    token = _versions.set(versions)
    try:
        for effect in list(_effects):
            effect(dossier, event)
    finally:
        _versions.reset(token)


def known_version(unit_id: int, day: dt.date) -> UnitVersion | None:
    """The unit's version on `day` if the change being followed read it already."""
    version = (_versions.get() or {}).get(unit_id)
    if version is None:
        return None
    if (version.valid_from is None or version.valid_from <= day) and (
        version.valid_to is None or day <= version.valid_to
    ):
        return version
    return None


def register_rated(effect: Rated) -> Rated:
    """What follows a rating (registering the same function twice keeps one)."""
    if effect not in _rated:
        _rated.append(effect)
    return effect


def rated(dossier: Dossier) -> None:
    """Run what follows the applicant's rating of `dossier` (its `rating` and `rated_at` set)."""
    for effect in list(_rated):
        effect(dossier)
