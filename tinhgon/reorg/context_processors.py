"""What every page needs to know about plans: whether to offer the Plans menu (only to those who
may prepare or approve them; anyone else would meet a refusal behind it)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tinhgon.reorg.access import administered_provinces


def plans(request: HttpRequest) -> dict[str, object]:
    def may_plan() -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        return administered_provinces(user) != set()

    return {"may_plan": SimpleLazyObject(may_plan)}
