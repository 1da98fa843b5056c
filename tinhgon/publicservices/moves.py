"""One way from a request to a move of the workflow, for the API and the pages alike: the
name of the move and what the form or the body gave (a note, an official, an amount, a unit, a
new date) become the call of its service function."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.accounts.models import WRITE_ROLES, Membership
from tinhgon.core.errors import DomainError, Problem
from tinhgon.publicservices import services
from tinhgon.publicservices.models import Dossier
from tinhgon.units import selectors as units

MOVES = (*services.MOVES, "apologize")
# Irreversible: a confirmation page comes first on the pages.
IRREVERSIBLE = frozenset({"refuse", "reject", "stop", "withdraw", "return_result"})
# What each move needs besides the dossier (the API documents it; the page draws its form).
NEEDS: dict[str, tuple[str, ...]] = {
    "refuse": ("note",),
    "assign": ("assignee",),
    "request_supplement": ("note",),
    "supplement": ("note?",),
    "request_payment": ("amount",),
    "transfer": ("to_unit_id", "note?"),
    "approve": ("note?",),
    "reject": ("note",),
    "stop": ("note",),
    "withdraw": ("note?",),
    "apologize": ("new_due_at", "reason"),
}


# The moves that take a note (required or not: the service says), and those that take nothing.
WITH_NOTE: dict[str, Callable[..., Dossier]] = {
    "refuse": services.dossier_refuse,
    "request_supplement": services.dossier_request_supplement,
    "supplement": services.dossier_supplement,
    "approve": services.dossier_approve,
    "reject": services.dossier_reject,
    "stop": services.dossier_stop,
    "withdraw": services.dossier_withdraw,
}
BARE: dict[str, Callable[..., Dossier]] = {
    "receive": services.dossier_receive,
    "pay": services.dossier_pay,
    "return_result": services.dossier_return_result,
}


@dataclass(frozen=True)
class MoveInput:
    note: str = ""
    assignee: str | int | None = None
    amount: int | None = None
    to_unit_id: int | None = None
    new_due_at: dt.datetime | None = None
    reason: str = ""


def _required(field: str) -> DomainError:
    return DomainError(
        _("The request is not valid."),
        problems=[Problem(_("This field is required."), field=field)],
    )


def assignee_for(dossier: Dossier, who: str | int | None):  # type: ignore[no-untyped-def]
    """The official named by username or id, if active and able to change the dossier (one may
    hand a dossier only to someone who may process it)."""
    if who is None or who == "":
        raise _required("assignee")
    users = get_user_model().objects.filter(is_active=True)
    match = Q(username=str(who)[:150])
    if isinstance(who, int) or str(who).isdigit():
        match |= Q(pk=int(who)) if int(who) < 2**63 else Q()
    candidates = list(users.filter(match)[:2])
    today = timezone.localdate()
    for user in candidates:
        if Dossier.objects.filter(
            services.dossier_scope_filter(user, today, write=True), pk=dossier.pk
        ).exists():
            return user
    raise DomainError(
        _("%(who)s is not an official who may process dossier %(code)s.")
        % {"who": str(who)[:150], "code": dossier.code},
        problems=[Problem(_("an official who may process this dossier"), field="assignee")],
    )


def apply(actor, code: str, move: str, given: MoveInput) -> Dossier:  # type: ignore[no-untyped-def]
    """Check that the actor may change the dossier, then apply `move` with what it needs."""
    if move not in MOVES:
        raise DomainError(_("No such move."), code="not_found", status=404)
    dossier = services.access_dossier(actor, code, write=True)
    code = dossier.code
    note = given.note or ""
    if move in WITH_NOTE:
        return WITH_NOTE[move](actor=actor, code=code, note=note)
    if move in BARE:
        return BARE[move](actor=actor, code=code)
    if move == "assign":
        user = assignee_for(dossier, given.assignee)
        return services.dossier_assign(actor=actor, code=code, assignee=user)
    if move == "request_payment":
        if given.amount is None:
            raise _required("amount")
        return services.dossier_request_payment(actor=actor, code=code, amount=given.amount)
    if move == "transfer":
        if given.to_unit_id is None:
            raise _required("to_unit_id")
        return services.dossier_transfer(
            actor=actor, code=code, to_unit_id=given.to_unit_id, note=note
        )
    if given.new_due_at is None:  # "apologize"
        raise _required("new_due_at")
    return services.dossier_apologize(
        actor=actor, code=code, new_due_at=given.new_due_at, reason=given.reason
    )


def officials_for(dossier: Dossier, *, limit: int = 50) -> list:  # type: ignore[type-arg]
    """The officials to whom the dossier may be handed: members (who may write) of its unit,
    of the agencies of its administrative unit, or of its province, if they may change it."""
    today = timezone.localdate()
    served = units.versions_on(today).filter(admin_unit_id=dossier.admin_unit_id)
    members = (
        memberships_in_force_of(today)
        .filter(role__in=WRITE_ROLES)
        .filter(Q(unit_id__in=served.values("unit_id")) | Q(unit_id=dossier.province_id))
        .values("user_id")
    )
    users = get_user_model().objects.filter(is_active=True, pk__in=members).order_by("username")
    return [
        user
        for user in users[: limit * 2]
        if Dossier.objects.filter(
            services.dossier_scope_filter(user, today, write=True), pk=dossier.pk
        ).exists()
    ][:limit]


def memberships_in_force_of(day: dt.date):  # type: ignore[no-untyped-def]
    return Membership.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day),
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
    )
