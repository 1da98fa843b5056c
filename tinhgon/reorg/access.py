"""Who may store, preview, approve and apply a plan: a superuser, or an administrator of every
province the plan touches. A plan touches every existing unit it names (closed, changed, received
into, given a part of, hung under), every unit its derived steps close, and the province of each;
a plan that touches no province is a superuser's alone."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tinhgon.accounts import access
from tinhgon.accounts.models import Role
from tinhgon.core.errors import DomainError, Forbidden, NotFound
from tinhgon.reorg.models import Plan
from tinhgon.reorg.planner import Planner
from tinhgon.reorg.spec import PlanSpec
from tinhgon.units.kinds import Level


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


def covers(allowed: set[int] | None, provinces: set[int]) -> bool:
    """Whether administering `allowed` (None: a superuser) lets one handle a plan that touches
    `provinces`. A plan that touches none is a superuser's: otherwise every administrator of
    every province could read and apply it."""
    return allowed is None or (bool(provinces) and provinces <= allowed)


def check_may_reorganize(user, provinces: set[int], *, complete: bool = True) -> None:  # type: ignore[no-untyped-def]
    """Refuse unless `user` administers every province in `provinces`. `complete=False`: the
    provinces of a plan with problems, as far as it resolved (touching none is then no refusal)."""
    allowed = administered_provinces(user)
    if allowed is None:
        return
    if not allowed:
        raise Forbidden(_("Only a provincial administrator may prepare reorganization plans."))
    if not provinces <= allowed:
        raise Forbidden(_("The plan touches units outside your province."))
    if complete and not provinces:
        raise Forbidden(_("A plan that touches no province is for a superuser only."))


def plan_provinces(spec: PlanSpec, *, user=None) -> set[int]:  # type: ignore[no-untyped-def]
    """The provinces a plan touches, checked against the registry (its problems raised as a
    DomainError). With a `user`, refuse unless they administer all of them, and do so before the
    plan's problems are reported: those would describe the units of another province."""
    planner = Planner(spec)
    try:
        planner.run()
    except DomainError:
        if user is not None:
            check_may_reorganize(user, planner.touched_provinces(), complete=False)
        raise
    provinces = planner.touched_provinces()
    if user is not None:
        check_may_reorganize(user, provinces)
    return provinces


def access_plan(user, plan_id: int) -> Plan:  # type: ignore[no-untyped-def]
    """A stored plan, if the user may handle it. Someone who administers no province is refused
    whatever the id; a plan outside the user's provinces is reported as not found, exactly like
    a plan that does not exist, so that ids do not tell which plans exist."""
    allowed = administered_provinces(user)
    if allowed is not None and not allowed:
        raise Forbidden(_("Only a provincial administrator may prepare reorganization plans."))
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None or not covers(allowed, set(plan.provinces)):
        raise NotFound(_("No plan %(id)s.") % {"id": plan_id})
    return plan


def visible_plans(user, *, limit: int = 500) -> list[Plan]:  # type: ignore[no-untyped-def]
    allowed = administered_provinces(user)
    plans = list(Plan.objects.all()[:limit])
    return [p for p in plans if covers(allowed, set(p.provinces))]


def _province_ids_of(unit_ids: set[int]) -> set[int]:
    from tinhgon.units.models import UnitVersion

    return set(
        UnitVersion.objects.filter(unit_id__in=unit_ids).values_list("province_id", flat=True)
    )
