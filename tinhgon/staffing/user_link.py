"""The link between an official (a person of the staff records) and their own user account.

Accounts know users and their memberships (the scope); staffing knows people. `Official.user`
joins them so that integrity keeps from a person's own account what concerns that person (a
denunciation, a discipline proceeding before it is closed, a complaints red flag).

Writes (keyword-only, atomic, an `actor`, one audit row), by the province's personnel
authority only (`staffing.access.may_link`: superusers, the provincial administrators of the
official's province, the officials of its Sở Nội vụ; None: the operator at the command line),
not by every manager of the official: a ward's officials manage the ward's records, their own
included, and one of them, denounced, would tie their own record to a colleague's account (the
colleague then blind to the denunciation, the accused still reading it, the right link refused).
- `official_link_user`: one account per official and one official per account. Linking an
  account already linked to another official is refused, naming that official (when the actor
  sees them; otherwise "another official"); so is linking an official already linked to another
  account (unlink it first). The same link again does nothing. Refused too (409), for everyone
  the operator included, the account of who handles an open case against the official: the
  checks a layer above registers (`register_guard`; integrity: the handler of an open
  denunciation whose official concerned is this one, or a member of its handler unit), else the
  link would hide the case from its own handler.
- `official_unlink_user`: the same again does nothing.
Nobody links or unlinks their own account: the person concerned would otherwise undo what keeps
them from the denunciations against them. Another member of the authority (or the operator)
does it.

The account is looked up among those the actor's scope reads (`account_in_scope`); an unknown
name and one outside the scope get the same answer, so the form does not tell who has an account.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tinhgon.accounts.access import memberships_in_force, scope_for, visible_unit_ids
from tinhgon.core.errors import Forbidden, NotFound, invalid
from tinhgon.core.models import audit
from tinhgon.staffing.access import access_link, may_link, may_manage, visible_officials
from tinhgon.staffing.models import Official

USERNAME_LIMIT = 150  # django.contrib.auth's username

# Checks a layer above registers (integrity: the account handles an open denunciation against
# the official), called with the official, the account to link and the actor (None: the
# operator); each raises a DomainError to refuse.
_GUARDS: list[Callable[[Official, Any, Any], None]] = []


def register_guard(guard: Callable[[Official, Any, Any], None]) -> None:
    _GUARDS.append(guard)


def account_in_scope(actor: Any, username: str, *, field: str) -> Any:
    """The account named `username` if the actor's scope reads it (a membership in force at a
    unit the scope covers; the operator (None) and superusers: any account), else the same
    refusal as for a name nobody has. None for an empty name."""
    username = (username or "").strip()
    if not username:
        return None
    user = get_user_model().objects.filter(username=username[:USERNAME_LIMIT]).first()
    if user is not None and actor is not None and not scope_for(actor).everything:
        units = memberships_in_force(user).values_list("unit_id", flat=True)
        if not visible_unit_ids(actor, units):
            user = None
    if user is None:
        raise invalid(
            _("No account '%(name)s'.") % {"name": username[:USERNAME_LIMIT]}, field=field
        )
    return user


def account_name(official: Official) -> str | None:
    """The user name of the account linked to the official (None: none). For callers that have
    decided who may see it (`linked_username`), or that just wrote it."""
    return None if official.user is None else str(official.user.get_username())


def linked_username(user: Any, official: Official, *, manages: bool | None = None) -> str | None:
    """The user name of the official's account, for those who manage the official or may link
    them (`may_link`) only."""
    if manages is None:
        manages = may_manage(user, official)
    return account_name(official) if manages or may_link(user, official) else None


def _official_for_update(actor: Any, official_id: int) -> Official:
    if actor is not None:
        access_link(actor, official_id)
    official = (
        Official.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(pk=official_id)
        .first()
    )
    if official is None:
        raise NotFound(_("No official %(id)s in your scope.") % {"id": official_id})
    return official


def _not_oneself(actor: Any, account_id: int | None) -> None:
    if actor is not None and account_id is not None and account_id == actor.pk:
        raise Forbidden(
            _(
                "Nobody links or unlinks their own account: another member of the personnel "
                "authority does."
            )
        )


def official_link_user(*, actor: Any, official_id: int, username: str) -> Official:
    """Link the account named `username` to the official. Invariant: an account belongs to one
    official at most and an official has one account at most (the database's unique column
    refuses a second link made at the same time)."""
    with transaction.atomic():
        official = _official_for_update(actor, official_id)
        user = account_in_scope(actor, username, field="username")
        if user is None:
            raise invalid(_("Give the user name of the official's account."), field="username")
        _not_oneself(actor, user.pk)
        if official.user_id == user.pk:
            return official  # the same link again
        for guard in _GUARDS:
            guard(official, user, actor)
        if official.user_id is not None:
            raise invalid(
                _("%(name)s is already linked to the account '%(username)s': unlink it first.")
                % {"name": official.full_name, "username": account_name(official)},
                field="username",
            )
        other = Official.objects.filter(user=user).exclude(pk=official.pk).first()
        if other is not None:
            raise _taken(actor, user, other)
        try:
            with transaction.atomic():
                Official.objects.filter(pk=official.pk).update(user=user)
        except IntegrityError:
            # Linked to another official meanwhile.
            other = Official.objects.filter(user=user).first()
            raise _taken(actor, user, other) from None
        official.user = user
        audit(
            actor=actor,
            action="staffing.official_link_user",
            unit=official.unit_id,
            official=official.pk,
            user=user.pk,
        )
    return official


def _taken(actor: Any, user: Any, other: Official | None) -> Exception:
    """The refusal naming the official the account is linked to (only when the actor sees that
    official: otherwise "another official", not even its number)."""
    if other is not None and (
        actor is None or visible_officials(actor).filter(pk=other.pk).exists()
    ):
        named = f"#{other.pk} {other.full_name}"
    else:
        named = _("another official")
    return invalid(
        _(
            "The account '%(username)s' is already linked to official %(official)s: unlink it "
            "there first."
        )
        % {"username": user.get_username(), "official": named},
        field="username",
    )


def official_unlink_user(*, actor: Any, official_id: int) -> Official:
    """Undo the official's link to their account; nothing to undo does nothing."""
    with transaction.atomic():
        official = _official_for_update(actor, official_id)
        if official.user_id is None:
            return official
        _not_oneself(actor, official.user_id)
        former = official.user_id
        Official.objects.filter(pk=official.pk).update(user=None)
        official.user = None
        audit(
            actor=actor,
            action="staffing.official_unlink_user",
            unit=official.unit_id,
            official=official.pk,
            user=former,
        )
    return official
