"""Writes to accounts: memberships and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.accounts.models import ApiToken, Membership, Role
from tinhgon.core.errors import invalid
from tinhgon.core.models import audit
from tinhgon.units import selectors
from tinhgon.units.models import Unit

TOKEN_PREFIX = "tg_"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, actor, user, name: str) -> tuple[ApiToken, str]:  # type: ignore[no-untyped-def]
    """Create a token; the secret is returned once and never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=secret[:10], digest=_digest(secret)
    )
    audit(actor=actor, action="token_create", token=token.pk, user=user.pk)
    return token, secret


def token_authenticate(*, secret: str):  # type: ignore[no-untyped-def]
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Written at most once a minute per token, so reads do not turn into writes.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> None:  # type: ignore[no-untyped-def]
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit(actor=actor, action="token_revoke", token=token.pk)


@transaction.atomic
def membership_add(
    *,
    actor,
    user,
    unit_id: int,
    role: str,
    valid_from: dt.date | None = None,  # type: ignore[no-untyped-def]
) -> Membership:
    if role not in Role.values:
        raise invalid(
            _("Unknown role '%(role)s'. Known roles: %(known)s.")
            % {"role": role, "known": ", ".join(Role.values)},
            field="role",
        )
    day = valid_from or timezone.localdate()
    selectors.version_on(unit_id, day)  # the unit must be open when the membership starts
    membership = Membership.objects.create(
        user=user, unit_id=unit_id, role=role, valid_from=valid_from
    )
    audit(actor=actor, action="membership_add", unit=Unit(pk=unit_id), user=user.pk, role=role)
    return membership


@transaction.atomic
def user_create(*, actor, username: str, password: str | None = None, **fields):  # type: ignore[no-untyped-def]
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise invalid(_("User '%(name)s' already exists.") % {"name": username}, field="username")
    user = User.objects.create_user(username=username, password=password, **fields)
    audit(actor=actor, action="user_create", user=user.pk)
    return user
