"""Who may see an official and who manages them: the scope rules of `tinhgon.accounts.access`
applied to the unit that employs the official.

- *Seeing* an official (name, unit, category, rank, qualification, positions) follows the read
  scope on the official's unit: a commune's officials are seen by that commune, its province and
  observers of either; never by another commune.
- *Managing* an official follows the write scope on the official's unit (a provincial
  administrator in the province, the commune's own officials, an agency's official in that
  agency's subtree). Only a manager sees the personal data: the identity number unmasked, the
  date of birth, ethnicity, home commune and salary coefficient. Observers never manage.
- *Linking* an official to their own user account (`staffing.user_link`) is an act of the
  province's personnel authority, not of any manager: superusers, the provincial administrators
  of the official's province, and the officials of the province's Sở Nội vụ (or a unit under it),
  among those who see the official. A ward's officials manage the ward's records, their own
  included, and would otherwise re-point their own record at a colleague's account.

Every page, endpoint and command of people goes through the functions below; actor None is the
operator at the command line (full scope).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.accounts.access import memberships_in_force, records_filter, scope_for
from tinhgon.accounts.models import Role
from tinhgon.core.errors import Forbidden, NotFound
from tinhgon.staffing import protect
from tinhgon.staffing.models import Official, Position
from tinhgon.units import selectors
from tinhgon.units.kinds import Kind

# What only a manager of the official sees (the rest of an official's record is readable by
# everyone whose scope covers the official's unit).
PERSONAL_FIELDS = ("national_id", "birth_date", "ethnicity", "home_commune", "salary_coefficient")


def _filter(user: Any, day: dt.date | None, *, write: bool, prefix: str = "") -> Q:
    if user is None:
        return Q()
    return records_filter(
        scope_for(user),
        day or timezone.localdate(),
        unit_field=f"{prefix}unit",
        province_field=f"{prefix}province",
        write=write,
    )


def officials_filter(user: Any, day: dt.date | None = None, *, write: bool = False) -> Q:
    """A filter on Official: those the user may see (write: manage) on `day` (default today)."""
    return _filter(user, day, write=write)


def visible_officials(user: Any, day: dt.date | None = None) -> QuerySet[Official]:
    """The officials the user may see, one SQL query (chain further filters on it)."""
    return Official.objects.filter(officials_filter(user, day))


def managed_officials(user: Any, day: dt.date | None = None) -> QuerySet[Official]:
    return Official.objects.filter(officials_filter(user, day, write=True))


def positions_filter(user: Any, day: dt.date | None = None, *, write: bool = False) -> Q:
    """A filter on Position: those of units the user may see (write: change)."""
    return _filter(user, day, write=write)


def visible_positions(user: Any, day: dt.date | None = None) -> QuerySet[Position]:
    return Position.objects.filter(positions_filter(user, day))


def may_manage(user: Any, official: Official) -> bool:
    """Whether the user manages the official (write scope on the unit that employs them)."""
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return managed_officials(user).filter(pk=official.pk).exists()


def may_import(user: Any) -> bool:
    """Whether the user may import officials from a workbook (each row is then checked against
    the write scope on its unit): anyone whose role writes somewhere; never an observer."""
    return user is None or scope_for(user).can_write_anything


def access_official(user: Any, official_id: int, *, write: bool = False) -> Official:
    """The official if the user may see them (write: manage them). Outside the scope the
    official does not exist for the user; seen but not managed is forbidden."""
    found = Official.objects.filter(pk=official_id).select_related("unit", "home_commune")
    official = found.filter(officials_filter(user)).first()
    if official is None:
        raise NotFound(_("No official %(id)s in your scope.") % {"id": official_id})
    if write and not may_manage(user, official):
        raise Forbidden(_("You may not change the records of this official."))
    return official


def home_affairs_unit(province_id: int, day: dt.date) -> int | None:
    """The province's Sở Nội vụ on `day` (a department under the province's people's committee
    whose name starts with "Sở Nội vụ"): the province's personnel body."""
    committees = selectors.versions_on(day).filter(
        parent_id=province_id, kind=Kind.PEOPLES_COMMITTEE
    )
    return (
        selectors.versions_on(day)
        .filter(
            parent_id__in=committees.values("unit_id"),
            kind=Kind.DEPARTMENT,
            name_folded__startswith="so noi vu",
        )
        .values_list("unit_id", flat=True)
        .first()
    )


def may_link(user: Any, official: Official) -> bool:
    """Whether the user may link the official to an account or undo the link: the operator
    (None), a superuser, or, among those who see the official, a provincial administrator of the
    official's province or an official of its Sở Nội vụ (or of a unit under it)."""
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if scope_for(user).everything:
        return True
    if not visible_officials(user).filter(pk=official.pk).exists():
        return False
    province = official.province_id or official.unit_id
    held = memberships_in_force(user)
    if held.filter(unit_id=province, role=Role.PROVINCE_ADMIN).exists():
        return True
    today = timezone.localdate()
    body = home_affairs_unit(province, today)
    if body is None:
        return False
    return held.filter(
        unit_id__in=selectors.subtree_ids([body], today), role=Role.UNIT_OFFICIAL
    ).exists()


def access_link(user: Any, official_id: int) -> Official:
    """The official if the user may link them to an account (`may_link`); outside the read
    scope the official does not exist for the user, seen but not linkable is forbidden."""
    official = access_official(user, official_id)
    if not may_link(user, official):
        raise Forbidden(
            _(
                "Only the province's personnel authority (its administrators, Sở Nội vụ) links "
                "an official to a user account."
            )
        )
    return official


def access_position(user: Any, position_id: int, *, write: bool = False) -> Position:
    found = Position.objects.filter(pk=position_id)
    position = found.filter(positions_filter(user)).first()
    if position is None:
        raise NotFound(_("No position %(id)s in your scope.") % {"id": position_id})
    if write and not found.filter(positions_filter(user, write=True)).exists():
        raise Forbidden(_("You may not change the positions of this unit."))
    return position


def identity_number(user: Any, official: Official, *, manages: bool | None = None) -> str:
    """The identity number as this user may see it: whole for a manager, masked otherwise."""
    if manages is None:
        manages = may_manage(user, official)
    if manages:
        return protect.unseal(official.national_id_sealed)
    return protect.masked(official.national_id_last)


def personal_data(user: Any, official: Official, *, manages: bool | None = None) -> dict[str, Any]:
    """The personal fields for a manager; for anyone else the identity number masked, the year
    of birth only, and nothing else personal (None)."""
    if manages is None:
        manages = may_manage(user, official)
    if manages:
        return {
            "national_id": identity_number(user, official, manages=True),
            "birth_date": official.birth_date,
            "birth_year": official.birth_date.year,
            "ethnicity": official.ethnicity,
            "home_commune_id": official.home_commune_id,
            "salary_coefficient": official.salary_coefficient,
            "masked": False,
        }
    return {
        "national_id": protect.masked(official.national_id_last),
        "birth_date": None,
        "birth_year": official.birth_date.year,
        "ethnicity": None,
        "home_commune_id": None,
        "salary_coefficient": None,
        "masked": True,
    }
