from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from tinhgon.accounts import access
from tinhgon.units import selectors

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    unit_id: int
    unit_name: str
    role: str
    valid_from: dt.date | None
    valid_to: dt.date | None


class MeOut(Schema):
    username: str
    is_superuser: bool
    can_write: bool
    memberships: list[MembershipOut]


@router.get("/me", response=MeOut, summary="The authenticated user and their scope")
def me(request: HttpRequest):
    user = request.user
    today = timezone.localdate()
    memberships = []
    for m in access.memberships_in_force(user, today):
        memberships.append(
            {
                "unit_id": m.unit_id,
                "unit_name": selectors.latest_version(m.unit_id).name,
                "role": m.role,
                "valid_from": m.valid_from,
                "valid_to": m.valid_to,
            }
        )
    return {
        "username": user.get_username(),
        "is_superuser": user.is_superuser,
        "can_write": access.scope_for(user).can_write_anything,
        "memberships": memberships,
    }
