"""Writes to accounts: memberships and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from tinhgon.accounts.models import ApiToken, Membership, Role
from tinhgon.core.db import instances
from tinhgon.core.errors import DomainError, Problem, invalid
from tinhgon.core.models import audit
from tinhgon.units import selectors
from tinhgon.units.models import Unit

TOKEN_PREFIX = "tg_"
# A secret is the prefix and 43 characters (token_urlsafe(32)); a longer one is no token.
TOKEN_LIMIT = 100


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, actor, user, name: str, days: int | None = None) -> tuple[ApiToken, str]:  # type: ignore[no-untyped-def]
    """Create a token that works for `days` (default TINHGON_TOKEN_DAYS); the secret is returned
    once and never stored."""
    days = settings.TINHGON_TOKEN_DAYS if days is None else days
    if not 1 <= days <= 3650:
        raise invalid(
            _("A token lasts from 1 to 3650 days, not %(days)s.") % {"days": days}, field="days"
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:10],
        digest=_digest(secret),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    audit(actor=actor, action="token_create", token=token.pk, user=user.pk)
    return token, secret


# The user of a token neither revoked nor expired, if active, and whether the token's last use
# is older than a minute, in one statement: every API request asks it, and the ORM's building
# of this join cost more than PostgreSQL's running it (docs/benchmarks.md, intake).
_TOKEN_USER = (
    "SELECT u.*, t.id AS token_id, "
    "(t.last_used_at IS NULL OR t.last_used_at < %s) AS token_stale "
    "FROM {user} u JOIN {token} t ON t.user_id = u.id "
    "WHERE t.digest = %s AND t.revoked_at IS NULL AND t.expires_at > %s AND u.is_active = %s"
)


def token_authenticate(*, secret: str):  # type: ignore[no-untyped-def]
    """The user of a token that is neither revoked nor expired, else None (the API's 401)."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > TOKEN_LIMIT:
        return None
    now = timezone.now()
    User = get_user_model()
    sql = _TOKEN_USER.format(user=User._meta.db_table, token=ApiToken._meta.db_table)
    # The last use is written at most once a minute per token, so reads do not turn into writes.
    moment = connection.ops.adapt_datetimefield_value
    params = [moment(now - dt.timedelta(seconds=60)), _digest(secret), moment(now), True]
    user = next(iter(instances(User, sql, params)), None)
    if user is None:
        return None
    if user.token_stale:  # type: ignore[attr-defined]
        ApiToken.objects.filter(pk=user.token_id).update(last_used_at=now)  # type: ignore[attr-defined]
    return user


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> ApiToken:  # type: ignore[no-untyped-def]
    """Revoke a token from now on; revoking it again changes nothing and records nothing."""
    if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    ):
        audit(actor=actor, action="token_revoke", token=token.pk, user=token.user_id)
    token.refresh_from_db()
    return token


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
    """A new user. A password must pass AUTH_PASSWORD_VALIDATORS; None makes an API-only user
    who cannot log in on the pages (a token is their way in)."""
    User = get_user_model()
    username_check(username=username)
    if User.objects.filter(username=username).exists():
        raise invalid(_("User '%(name)s' already exists.") % {"name": username}, field="username")
    if password is not None:
        password_check(password=password, user=User(username=username, **fields))
    user = User.objects.create_user(username=username, password=password, **fields)
    audit(actor=actor, action="user_create", user=user.pk)
    return user


def username_check(*, username: str) -> None:
    """Refuse a user name the model would not hold or the login page would not take: empty,
    longer than the column (150), or with characters other than letters, digits and @.+-_
    (Django's own validators of the field, so every caller gets the same rule)."""
    field = get_user_model()._meta.get_field("username")
    if not isinstance(username, str) or not username:
        raise invalid(_("The user name is required."), field="username")
    try:
        field.run_validators(username)
    except ValidationError as error:
        raise invalid(
            _("The user name was refused: %(reasons)s") % {"reasons": " ".join(error.messages)},
            field="username",
        ) from None


# Django 6.1 words the minimum length with %d and its Vietnamese catalog still has the older
# words, so the reason came out in English: marked here, our catalog carries its Vietnamese.
DJANGO_MESSAGES = (
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        8,
    ),
)


def password_check(*, password: str, user) -> None:  # type: ignore[no-untyped-def]
    """Refuse a weak password with the validators' reasons (too short, too common, ...)."""
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as error:
        message = _("The password was refused: %(reasons)s") % {"reasons": " ".join(error.messages)}
        raise DomainError(
            message,
            code="weak_password",
            problems=[Problem(reason, field="password") for reason in error.messages],
        ) from None
