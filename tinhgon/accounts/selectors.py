"""Reads of accounts: a user's API tokens."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tinhgon.accounts.models import ApiToken
from tinhgon.core.errors import DomainError, NotFound


def token_list(*, user) -> QuerySet[ApiToken]:  # type: ignore[no-untyped-def]
    """Every token of the user, revoked and expired ones included, newest first."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def token_by_prefix(*, prefix: str, user=None) -> ApiToken:  # type: ignore[no-untyped-def]
    """The one token whose secret starts with `prefix` (of `user`, when given). Another user's
    token is not found, as a token that does not exist."""
    tokens = ApiToken.objects.select_related("user").filter(prefix=prefix)
    if user is not None:
        tokens = tokens.filter(user=user)
    found = list(tokens[:2])
    if not found:
        raise NotFound(_("No token starts with '%(prefix)s'.") % {"prefix": prefix})
    if len(found) > 1:
        raise DomainError(
            _("Several tokens start with '%(prefix)s': name the user too.") % {"prefix": prefix},
            code="ambiguous",
        )
    return found[0]
