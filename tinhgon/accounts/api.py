from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Router, Schema

from tinhgon.accounts import access, services
from tinhgon.accounts import selectors as accounts
from tinhgon.accounts.models import ApiToken
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


# "tg_" and the next 7 characters of the secret, as `tinhgon accounts tokens` shows them.
TOKEN_PREFIX_PATTERN = r"^tg_[A-Za-z0-9_-]{7}$"


class TokenOut(Schema):
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    active: bool


def _token_out(token: ApiToken) -> dict:
    return {
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
        "active": token.revoked_at is None and token.expires_at > timezone.now(),
    }


@router.get(
    "/tokens",
    response=list[TokenOut],
    summary="My API tokens, revoked and expired ones included (never their secrets)",
)
def token_list(request: HttpRequest):
    return [_token_out(token) for token in accounts.token_list(user=request.user)]


@router.delete(
    "/tokens/{prefix}",
    response=TokenOut,
    summary="Revoke one of my API tokens (from now on it answers 401); again changes nothing",
)
def token_revoke(
    request: HttpRequest,
    prefix: Annotated[str, Path(pattern=TOKEN_PREFIX_PATTERN, max_length=10)],
):
    token = accounts.token_by_prefix(prefix=prefix, user=request.user)
    return _token_out(services.token_revoke(actor=request.user, token=token))
