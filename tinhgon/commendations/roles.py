"""Who proposes, who reviews, who decides, who reads (decided here, documented in
docs/commendations.md).

- **Propose**: whoever may write the proposing unit (`accounts.access.access_unit(write=True)`):
  its officials and the province's administrators.
- **Review** (the emulation council): the council's standing body in a province is the Ban Thi
  đua - Khen thưởng inside the province's Sở Nội vụ. A council member is an official whose
  membership in force is at the province's Sở Nội vụ or a unit under it, or an administrator of
  the province. No new role: the membership already says it, and it follows a reorganization of
  the department like every membership.
- **Decide**: the provincial People's Committee's chairman signs; in the register the decision is
  recorded by an administrator of the province (the chairman's office), never by the council
  that reviewed the proposal.
- **Manage the forms and the proposing rules**: they are one list for the whole database (the Law
  and Decree 98 are national). They are edited by the council of the deployment's province
  (`settings.TINHGON_PORTAL_PROVINCE`): another province's council reads them and cannot change
  them. A campaign's quotas are its province's council's, like the campaign.
- **Read**: the register follows the scope of the unit it names (its province column for
  province-wide readers); a unit's page shows the commendations of the unit and of its
  predecessors to whoever may open that page.
Superusers do everything.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.accounts.access import memberships_in_force, scope_for
from tinhgon.accounts.models import Role
from tinhgon.core.errors import Forbidden
from tinhgon.staffing.access import home_affairs_unit
from tinhgon.units import selectors


def council_unit(province_id: int, day: dt.date) -> int | None:
    """The province's Sở Nội vụ on `day` (`staffing.access.home_affairs_unit`), the council's
    standing body."""
    return home_affairs_unit(province_id, day)


def _administers(user, province_id: int) -> bool:  # type: ignore[no-untyped-def]
    return memberships_in_force(user).filter(unit_id=province_id, role=Role.PROVINCE_ADMIN).exists()


def is_council_member(user, province_id: int) -> bool:  # type: ignore[no-untyped-def]
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if scope_for(user).everything or _administers(user, province_id):
        return True
    today = timezone.localdate()
    council = council_unit(province_id, today)
    if council is None:
        return False
    return (
        memberships_in_force(user)
        .filter(role=Role.UNIT_OFFICIAL)
        .filter(Q(unit_id=council) | Q(unit_id__in=selectors.subtree_ids([council], today)))
        .exists()
    )


def may_decide(user, province_id: int) -> bool:  # type: ignore[no-untyped-def]
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return scope_for(user).everything or _administers(user, province_id)


def check_council(actor, province_id: int) -> None:  # type: ignore[no-untyped-def]
    """None is the system (a command, the demo): it acts as the operator."""
    if actor is not None and not is_council_member(actor, province_id):
        raise Forbidden(
            _("Only the emulation council (Sở Nội vụ of the province) reviews proposals.")
        )


def check_decider(actor, province_id: int) -> None:  # type: ignore[no-untyped-def]
    if actor is not None and not may_decide(actor, province_id):
        raise Forbidden(_("Only an administrator of the province records its decisions."))


def forms_province() -> int | None:
    """The province whose council edits the forms and rules: the deployment's own (the
    portal's, `settings.TINHGON_PORTAL_PROVINCE`)."""
    from django.conf import settings

    from tinhgon.core.errors import DomainError

    try:
        return selectors.resolve_province(
            settings.TINHGON_PORTAL_PROVINCE, day=timezone.localdate()
        ).unit_id
    except DomainError:
        return None


def may_manage_forms(user) -> bool:  # type: ignore[no-untyped-def]
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if scope_for(user).everything:
        return True
    province = forms_province()
    return province is not None and is_council_member(user, province)


def check_forms_manager(actor) -> None:  # type: ignore[no-untyped-def]
    if actor is not None and not may_manage_forms(actor):
        raise Forbidden(
            _(
                "Only the emulation council (Sở Nội vụ) of %(province)s changes the forms and "
                "the proposing rules."
            )
            % {"province": settings_province()}
        )


def settings_province() -> str:
    from django.conf import settings

    return str(settings.TINHGON_PORTAL_PROVINCE)
