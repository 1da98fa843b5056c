"""What follows every change of a dossier's status, in the transaction that made it.

`changed(dossier, event)` runs after each transition (and the filing) has written its row and
its `DossierEvent`, inside the same transaction: the figures kept current, the portal's outbox,
the applicant's notification. Each follows by registering a function here (in the app's
`ready()` or the module that owns it); they run in the order registered. A function that must
not run unless the transaction commits (an email) defers itself with `transaction.on_commit`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tinhgon.publicservices.models import Dossier, DossierEvent

Effect = Callable[["Dossier", "DossierEvent"], None]
_effects: list[Effect] = []


def register(effect: Effect) -> Effect:
    """Usable as a decorator; registering the same function twice keeps one."""
    if effect not in _effects:
        _effects.append(effect)
    return effect


def changed(dossier: Dossier, event: DossierEvent) -> None:
    for effect in list(_effects):
        effect(dossier, event)
