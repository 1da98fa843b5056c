"""Who may preview and apply a plan: a superuser, or a provincial administrator for a plan whose
every touched unit lies in their province (the units it closes, changes or receives into)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tinhgon.accounts import access
from tinhgon.accounts.models import Role
from tinhgon.core.errors import Forbidden
from tinhgon.reorg.planner import Planner
from tinhgon.reorg.spec import PlanSpec
from tinhgon.units.kinds import Level


def touched_provinces(spec: PlanSpec) -> set[int]:
    planner = Planner(spec)
    planner.run()
    return planner.touched_provinces()


def administered_provinces(user) -> set[int] | None:  # type: ignore[no-untyped-def]
    """Province ids the user administers; None for a superuser (every province)."""
    scope = access.scope_for(user)
    if scope.everything:
        return None
    provinces = {
        root.admin_unit_id for root in scope.roots if root.level == Level.PROVINCE and root.writable
    }
    admin_provinces = set()
    for membership in access.memberships_in_force(user):
        if membership.role == Role.PROVINCE_ADMIN:
            admin_provinces.add(membership.unit_id)
    return provinces & _province_ids_of(admin_provinces)


def check_may_reorganize(user, provinces: set[int]) -> None:  # type: ignore[no-untyped-def]
    allowed = administered_provinces(user)
    if allowed is None:
        return
    if not allowed:
        raise Forbidden(_("Only a provincial administrator may prepare reorganization plans."))
    if not provinces <= allowed:
        raise Forbidden(_("The plan touches units outside your province."))


def _province_ids_of(unit_ids: set[int]) -> set[int]:
    from tinhgon.units.models import UnitVersion

    return set(
        UnitVersion.objects.filter(unit_id__in=unit_ids).values_list("province_id", flat=True)
    )
