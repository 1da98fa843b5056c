"""Whether to offer the Dossiers menu: to those whose scope holds any unit (anyone else would
find an empty list behind it)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tinhgon.accounts.access import scope_for


def dossiers(request: HttpRequest) -> dict[str, object]:
    def may_see_dossiers() -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        scope = scope_for(user)
        return scope.everything or bool(scope.roots) or bool(scope.agencies)

    return {"may_see_dossiers": SimpleLazyObject(may_see_dossiers)}
