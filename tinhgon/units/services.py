"""Writes to the registry. Each is atomic, takes an actor, and leaves an audit row.

Invariants kept here: versions of a unit never overlap; a unit's parent is open on every day the
unit's version is; no unit is its own ancestor; `admin_unit`, `province` and `level` agree with
the parent chain.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from tinhgon.core import text
from tinhgon.core.errors import DomainError, Problem, invalid
from tinhgon.core.models import audit
from tinhgon.core.text import fold, normalize, sort_key
from tinhgon.units import access, selectors
from tinhgon.units.kinds import KIND_INFO, Category, Kind, Level, is_administrative
from tinhgon.units.models import Source, Unit, UnitVersion

# Checks a layer above registers (the reorganization engine: no unit in the middle of a plan
# that is still moving records may change); each raises a DomainError to refuse.
_GUARDS: list[Callable[[int], None]] = []


def register_guard(guard: Callable[[int], None]) -> None:
    _GUARDS.append(guard)


def _guarded(unit_id: int) -> None:
    for guard in _GUARDS:
        guard(unit_id)


@dataclass(frozen=True)
class Placement:
    """Where a unit of `kind` under `parent` hangs: the derived admin unit, province and level."""

    admin_unit_id: int | None  # None: the unit serves itself (it is an administrative unit)
    province_id: int | None  # None: the unit is a province (it is its own province)
    level: int


def placement_for(*, kind: str, parent: UnitVersion | None) -> Placement:
    """Derive admin unit, province and level; refuse a kind that cannot hang there."""
    info = KIND_INFO[kind]
    if info.admin_level is not None:
        if info.admin_level == Level.PROVINCE:
            if parent is not None:
                raise invalid(_("A province-level unit has no parent."), field="parent")
            return Placement(None, None, Level.PROVINCE)
        if parent is None or not is_administrative(parent.kind):
            raise invalid(
                _("A district- or commune-level unit must hang under an administrative unit."),
                field="parent",
            )
        if parent.level >= info.admin_level:
            raise invalid(
                _("A %(kind)s cannot hang under a %(parent)s.")
                % {"kind": Kind(kind).label, "parent": Kind(parent.kind).label},
                field="parent",
            )
        return Placement(None, parent.province_id or parent.unit_id, info.admin_level)
    if parent is None:
        raise invalid(_("An agency must have a parent."), field="parent")
    admin_unit_id = parent.unit_id if is_administrative(parent.kind) else parent.admin_unit_id
    return Placement(admin_unit_id, parent.province_id or parent.unit_id, parent.level)


def check_kind_change(*, old: str, new: str) -> None:
    """Refuse a reclassification across categories (a commune does not become an office)."""
    if KIND_INFO[new].category != KIND_INFO[old].category:
        raise invalid(
            _("A %(old)s cannot become a %(new)s: the category changes (%(category)s).")
            % {
                "old": Kind(old).label,
                "new": Kind(new).label,
                "category": Category(KIND_INFO[old].category).label,
            },
            field="kind",
        )


def _parent_on(
    parent_id: int | None, day: dt.date | None, field: str = "parent"
) -> UnitVersion | None:
    if parent_id is None:
        return None
    version = (
        selectors.versions_on(day).filter(unit_id=parent_id).first()
        if day is not None
        else selectors.UnitVersion.objects.filter(unit_id=parent_id, valid_to__isnull=True).first()
    )
    if version is None:
        when = text.day(day) if day else _("today")
        raise invalid(
            _("Parent unit %(id)s is not open on %(day)s.") % {"id": parent_id, "day": when},
            field=field,
        )
    return version


def _check_kind(kind: str) -> str:
    if kind not in KIND_INFO:
        known = ", ".join(k.value for k in Kind)
        raise invalid(
            _("Unknown kind '%(kind)s'. Known kinds: %(known)s.") % {"kind": kind, "known": known},
            field="kind",
        )
    return kind


# Official codes: digits and letters, with "-", ".", "/" or "_" inside ("03667", "14-SNV").
CODE_PATTERN = re.compile(r"[0-9A-Za-z](?:[0-9A-Za-z._/-]{0,38}[0-9A-Za-z])?")
# No state body of today's apparatus predates the Democratic Republic (2 September 1945): an
# earlier date is a typing error, not history.
EARLIEST_DAY = dt.date(1945, 9, 2)
# Nor is a plan or a unit dated past this century: 9999-12-31 is a typing error too, and would
# sit in the registry as a change that never comes.
LATEST_DAY = dt.date(2100, 12, 31)


def check_identity(*, code: str | None, name: str | None) -> list[Problem]:
    """Problems with a unit's code and name as typed (None: not being changed)."""
    problems = []
    if code is not None:
        if not code.strip():
            problems.append(Problem(_("A code is required."), field="code"))
        elif not CODE_PATTERN.fullmatch(code.strip()):
            problems.append(
                Problem(
                    _("A code is letters and digits, with - . / _ inside, at most 40 characters."),
                    field="code",
                )
            )
    if name is not None:
        if not name.strip():
            problems.append(Problem(_("A name is required."), field="name"))
        elif len(name) > 255 or any(not ch.isprintable() for ch in name):
            problems.append(
                Problem(_("A name is printable text of at most 255 characters."), field="name")
            )
    return problems


def check_day(day: dt.date, *, field: str) -> list[Problem]:
    if day < EARLIEST_DAY:
        return [
            Problem(
                _("A date before %(day)s is not plausible here.") % {"day": EARLIEST_DAY},
                field=field,
            )
        ]
    if day > LATEST_DAY:
        return [
            Problem(
                _("A date after %(day)s is not plausible here.") % {"day": LATEST_DAY},
                field=field,
            )
        ]
    return []


def _check_code_free(
    code: str, day: dt.date | None, *, actor, except_unit: int | None = None
) -> None:  # type: ignore[no-untyped-def]
    """Refuse a code another unit holds on `day`. The holder is named only to an actor who may
    read it (or the operator, actor None): codes are unique nationwide, scopes are not."""
    qs = selectors.UnitVersion.objects.filter(code=code)
    qs = qs.as_of(day) if day is not None else qs.filter(valid_to__isnull=True)
    if except_unit is not None:
        qs = qs.exclude(unit_id=except_unit)
    holder = qs.first()
    if holder is None:
        return
    if actor is None or access.visible_unit_ids(actor, [holder.unit_id]):
        message = _("Code '%(code)s' is already used by %(name)s.") % {
            "code": code,
            "name": holder.name,
        }
    else:
        message = _("Code '%(code)s' is already used by another unit.") % {"code": code}
    raise invalid(message, field="code")


def build_version(
    *,
    unit_id: int,
    code: str,
    name: str,
    kind: str,
    placement: Placement,
    parent_id: int | None,
    valid_from: dt.date | None,
    valid_to: dt.date | None = None,
    source: str,
    reason: str = "",
    recorded_by_id: int | None = None,
) -> UnitVersion:
    """An unsaved version with its derived columns filled: the one place they are computed."""
    clean_name = normalize(name)
    return UnitVersion(
        unit_id=unit_id,
        code=code.strip(),
        name=clean_name,
        name_folded=fold(clean_name),
        name_sort=sort_key(clean_name),
        kind=kind,
        level=placement.level,
        parent_id=parent_id,
        admin_unit_id=placement.admin_unit_id or unit_id,
        province_id=placement.province_id or unit_id,
        valid_from=valid_from,
        valid_to=valid_to,
        source=source,
        reason=reason,
        recorded_by_id=recorded_by_id,
    )


@transaction.atomic
def unit_create(
    *,
    actor,
    code: str,
    name: str,
    kind: str,
    parent_id: int | None,
    valid_from: dt.date,
    source: str = Source.MANUAL,
    reason: str = "",
) -> UnitVersion:
    """Open a new unit on `valid_from` under a parent open on that date."""
    problems = check_identity(code=code, name=name) + check_day(valid_from, field="valid_from")
    if problems:
        raise DomainError(_("The unit is incomplete."), problems=problems)
    _check_kind(kind)
    parent = _parent_on(parent_id, valid_from)
    placement = placement_for(kind=kind, parent=parent)
    _check_code_free(code, valid_from, actor=actor)
    unit = Unit.objects.create()
    version = build_version(
        unit_id=unit.pk,
        code=code,
        name=name,
        kind=kind,
        placement=placement,
        parent_id=parent_id,
        valid_from=valid_from,
        source=source,
        reason=reason,
        recorded_by_id=getattr(actor, "pk", None),
    )
    version.save()
    audit(actor=actor, action="unit_create", unit=unit, code=version.code, name=version.name)
    return version


@transaction.atomic
def unit_change(
    *,
    actor,
    unit_id: int,
    effective: dt.date,
    name: str | None = None,
    code: str | None = None,
    kind: str | None = None,
    parent_id: int | None = None,
    move: bool = False,
    reason: str = "",
) -> UnitVersion:
    """Rename, recode, reclassify or move a unit from `effective` on: same identity, new version.

    The version in force on `effective` is closed the day before. Refused when the unit has a
    later version already, when the change crosses between administrative units and agencies,
    when the new parent is not open on `effective`, or when it would make a cycle.
    """
    problems = check_identity(code=code, name=name) + check_day(effective, field="effective")
    if problems:
        raise DomainError(problems[0].message, problems=problems)
    _guarded(unit_id)
    current = selectors.versions_on(effective).select_for_update().filter(unit_id=unit_id).first()
    if current is None:
        raise invalid(
            _("Unit %(id)s is not open on %(day)s.") % {"id": unit_id, "day": text.day(effective)},
            field="effective",
        )
    if selectors.UnitVersion.objects.filter(unit_id=unit_id, valid_from__gt=effective).exists():
        raise invalid(
            _("The unit already has a version starting after this date."), field="effective"
        )
    new_kind = _check_kind(kind) if kind else current.kind
    check_kind_change(old=current.kind, new=new_kind)
    new_parent_id = parent_id if move else current.parent_id
    # The unit's own subtree includes the unit itself (depth 0).
    if move and new_parent_id in selectors.subtree_depths([unit_id], effective):
        raise invalid(
            _("The new parent lies under the unit itself: that makes a cycle."), field="parent"
        )
    parent = _parent_on(new_parent_id, effective)
    placement = placement_for(kind=new_kind, parent=parent)
    new_admin = placement.admin_unit_id or unit_id
    new_province = placement.province_id or unit_id
    if (new_admin, new_province) != (current.admin_unit_id, current.province_id):
        has_children = selectors.versions_on(effective).filter(parent_id=unit_id).exists()
        if has_children:
            raise invalid(
                _(
                    "This move changes the administrative unit or province the unit serves, and "
                    "it has units under it: move those first, or use a reorganization plan."
                ),
                field="parent",
            )
    new_code = code.strip() if code else current.code
    if new_code != current.code:
        _check_code_free(new_code, effective, actor=actor, except_unit=unit_id)
    version = build_version(
        unit_id=unit_id,
        code=new_code,
        name=name or current.name,
        kind=new_kind,
        placement=placement,
        parent_id=new_parent_id,
        valid_from=effective,
        source=current.source,
        reason=reason,
        recorded_by_id=getattr(actor, "pk", None),
    )
    if current.valid_from == effective:
        # A correction of a version that starts that very day: replace it rather than leave an
        # empty interval behind.
        version.pk = current.pk
        version.recorded_at = current.recorded_at
        version.save()
    else:
        current.valid_to = effective - dt.timedelta(days=1)
        current.save(update_fields=["valid_to"])
        version.save()
    audit(
        actor=actor,
        action="unit_change",
        unit=Unit(pk=unit_id),
        effective=effective.isoformat(),
        reason=reason,
        before={
            "code": current.code,
            "name": current.name,
            "kind": current.kind,
            "parent": current.parent_id,
        },
        after={
            "code": version.code,
            "name": version.name,
            "kind": version.kind,
            "parent": version.parent_id,
        },
    )
    return version


@transaction.atomic
def unit_close(*, actor, unit_id: int, last_day: dt.date, reason: str = "") -> UnitVersion:
    """Close a unit after `last_day`. Refused while units still hang under it after that day.

    Reorganizations (with successors and moved records) go through a plan, not through this.
    """
    problems = check_day(last_day, field="last_day")
    if problems:
        raise DomainError(problems[0].message, problems=problems)
    _guarded(unit_id)
    current = selectors.versions_on(last_day).select_for_update().filter(unit_id=unit_id).first()
    if current is None:
        raise invalid(
            _("Unit %(id)s is not open on %(day)s.") % {"id": unit_id, "day": text.day(last_day)},
            field="last_day",
        )
    day_after = last_day + dt.timedelta(days=1)
    if selectors.versions_on(day_after).filter(parent_id=unit_id).exists():
        raise invalid(
            _("Units still hang under this unit: move or close them first."), field="unit"
        )
    if selectors.UnitVersion.objects.filter(unit_id=unit_id, valid_from__gt=last_day).exists():
        raise invalid(_("The unit has a version starting after this date."), field="last_day")
    current.valid_to = last_day
    current.save(update_fields=["valid_to"])
    audit(
        actor=actor,
        action="unit_close",
        unit=Unit(pk=unit_id),
        last_day=last_day.isoformat(),
        reason=reason,
    )
    return current
