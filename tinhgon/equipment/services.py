"""Writes of equipment and premises: item types (create, update, delete one nothing uses),
standards (a new version), a unit's profile, inventory lines (add, update, write off) and
premises (add, update, status). Pages, the API and the commands
call these functions and nothing else.

Every write: keyword-only arguments, an `actor` (None: the operator on the command line, on
their own authority), one transaction, one audit row, a DomainError naming the field. Updates
are conditional on the row's `version` (two people editing at once: the second is told to
reload); the same change again is harmless.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.accounts.access import access_unit, scope_for
from tinhgon.core import text
from tinhgon.core.errors import DomainError, Forbidden, NotFound, Problem, invalid
from tinhgon.core.models import audit
from tinhgon.equipment import selectors
from tinhgon.equipment.models import (
    Category,
    Condition,
    EquipmentProfile,
    InventoryItem,
    ItemType,
    Per,
    Premises,
    PremisesStatus,
    PremisesUse,
    Standard,
    StandardItem,
)
from tinhgon.units import selectors as units
from tinhgon.units.kinds import Kind, Level
from tinhgon.units.models import UnitVersion

# Bounds of every input (the API's schemas and the forms use the same).
NAME_LIMIT = 200
TEXT_LIMIT = 500
NOTE_LIMIT = 2000
ROLE_PATTERN = re.compile(r"^[A-Z0-9]{0,16}$")
# An item type's code: lower-case letters, digits and hyphens ("queue-system"), as the
# standards, the API and the import sheets write it.
ITEM_CODE_REGEX = r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$"
ITEM_CODE_PATTERN = re.compile(ITEM_CODE_REGEX)
MEASURE_LIMIT = 20
MAX_QUANTITY = 1_000_000
MAX_VALUE = 10**15  # VND: a thousand trillion, beyond any single line
MAX_AREA = 10_000_000  # m²
MAX_LINES = 200
FIRST_YEAR = 1900


def unit_for(actor, unit_id: int, *, write: bool, day: dt.date | None = None) -> UnitVersion:  # type: ignore[no-untyped-def]
    """The unit's version today, if the actor may read (or write) it; the operator (None) may."""
    day = day or timezone.localdate()
    if actor is None:
        return units.version_on(unit_id, day)
    return access_unit(actor, unit_id, day=day, write=write)


def province_of(version: UnitVersion) -> int:
    return int(version.province_id or version.unit_id)


def _stale(what: str) -> DomainError:
    return DomainError(
        _("%(what)s changed since you read it; reload it.") % {"what": what},
        code="stale",
        status=409,
    )


def _year(value: int | None, field: str) -> None:
    if value is not None and not FIRST_YEAR <= value <= timezone.localdate().year:
        raise invalid(_("A year from %(first)s to this year.") % {"first": FIRST_YEAR}, field=field)


def _bounded(value: int | None, field: str, high: int, *, low: int = 0) -> None:
    if value is not None and not low <= value <= high:
        raise invalid(
            _("A whole number from %(low)s to %(high)s.")
            % {"low": text.number(low), "high": text.number(high)},
            field=field,
        )


def _choice(value: str, choices: type[models.TextChoices], field: str) -> None:
    if value not in choices.values:
        raise invalid(
            _("'%(value)s' is not one of %(values)s.")
            % {"value": str(value)[:20], "values": ", ".join(choices.values)},
            field=field,
        )


def _text(value: str, field: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise invalid(_("At most %(limit)s characters.") % {"limit": limit}, field=field)
    if any(ord(c) < 32 and c not in "\n\t" for c in value):
        raise invalid(_("Control characters are not allowed."), field=field)
    return value


def item_type_by_code(code: str, *, field: str = "item") -> ItemType:
    found = ItemType.objects.filter(code=(code or "").strip()[:40]).first()
    if found is None or not hold_item_types([found.pk]):
        raise invalid(
            _("No item type coded '%(code)s'.") % {"code": (code or "")[:40]}, field=field
        )
    return found


def hold_item_types(pks: list[int]) -> set[int]:
    """Hold the item types a write is about to name until it commits, and return those that
    still exist. The foreign keys Django makes on PostgreSQL are checked at commit (deferred),
    so without this a type deleted meanwhile (`item_type_delete`, which counts its uses under
    `FOR UPDATE`) would be seen by neither side, and the line's commit would fail with an
    integrity error. `FOR KEY SHARE` makes the delete wait for the line (and then count it),
    or the line wait for the delete (and then find the type gone). SQLite writes one
    transaction at a time, which already orders the two."""
    if not pks:
        return set()
    if connection.vendor != "postgresql":
        return set(ItemType.objects.filter(pk__in=pks).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM equipment_itemtype WHERE id = ANY(%s) FOR KEY SHARE", [list(pks)]
        )
        return {row[0] for row in cursor.fetchall()}


# -- item types ---------------------------------------------------------------------------------
def _may_edit_item_types(actor) -> None:  # type: ignore[no-untyped-def]
    """Item types are national (every province's standards and inventories share them): a
    superuser's to write, as the national standards are."""
    if actor is not None and not scope_for(actor).everything:
        raise Forbidden(
            _("Item types are shared by every province: a superuser creates and changes them.")
        )


def _item_type_fields(
    *,
    name: str,
    category: str,
    unit_of_measure: str,
    unit_price: int,
    source: str,
    movable: bool,
) -> dict[str, Any]:
    name = _text(name, "name", NAME_LIMIT)
    if not name:
        raise invalid(_("Give the item type a name."), field="name")
    _choice(category, Category, "category")
    measure = _text(unit_of_measure, "unit_of_measure", MEASURE_LIMIT)
    if not measure:
        raise invalid(_("Give the unit of measure (chiếc, bộ, Mbps)."), field="unit_of_measure")
    _bounded(unit_price, "unit_price", MAX_VALUE)
    return {
        "name": name,
        "category": category,
        "unit_of_measure": measure,
        "unit_price": unit_price,
        "source": _text(source, "source", 255),
        "movable": bool(movable),
    }


@transaction.atomic
def item_type_create(  # type: ignore[no-untyped-def]
    *,
    actor,
    code: str,
    name: str,
    category: str,
    unit_of_measure: str,
    unit_price: int = 0,
    source: str = "",
    movable: bool = True,
) -> ItemType:
    """A new item type (a superuser's: item types are national). Its code is unique and never
    changes (standards, inventories, import sheets and past runs name it). The same type again
    is harmless; another one with a code already used is refused."""
    _may_edit_item_types(actor)
    code = (code or "").strip()
    if not ITEM_CODE_PATTERN.match(code):
        raise invalid(
            _(
                "A code is 1 to 40 lower-case letters, digits or hyphens, "
                "not starting or ending with a hyphen (queue-system)."
            ),
            field="code",
        )
    fields = _item_type_fields(
        name=name,
        category=category,
        unit_of_measure=unit_of_measure,
        unit_price=unit_price,
        source=source,
        movable=movable,
    )
    existing = ItemType.objects.filter(code=code).first()
    if existing is not None:
        if all(getattr(existing, k) == v for k, v in fields.items()):
            return existing
        raise DomainError(
            _("An item type coded '%(code)s' exists already.") % {"code": code},
            code="exists",
            status=409,
            problems=[Problem(_("already used"), field="code")],
        )
    made = ItemType.objects.create(code=code, **fields)
    audit(actor=actor, action="equipment_item_type_create", item_type=code, **fields)
    return made


def item_type_get(code: str) -> ItemType:
    found = ItemType.objects.filter(code=(code or "")[:40]).first()
    if found is None:
        raise NotFound(_("No item type coded '%(code)s'.") % {"code": (code or "")[:40]})
    return found


@transaction.atomic
def item_type_update(  # type: ignore[no-untyped-def]
    *,
    actor,
    code: str,
    version: int | None = None,
    name: str,
    category: str,
    unit_of_measure: str,
    unit_price: int = 0,
    source: str = "",
    movable: bool = True,
) -> ItemType:
    """Change an item type (all but its code). A new price counts from now on (past runs keep
    the purchase lists they priced); marking a type not movable keeps rebalancing from
    transferring it. Refused when the type changed since `version` was read."""
    _may_edit_item_types(actor)
    item_type = item_type_get(code)
    fields = _item_type_fields(
        name=name,
        category=category,
        unit_of_measure=unit_of_measure,
        unit_price=unit_price,
        source=source,
        movable=movable,
    )
    if all(getattr(item_type, k) == v for k, v in fields.items()):
        return item_type  # the same change again
    stale = _stale(_("Item type %(code)s") % {"code": item_type.code})
    if version is not None and version != item_type.version:
        raise stale
    updated = ItemType.objects.filter(pk=item_type.pk, version=item_type.version).update(
        version=F("version") + 1, **fields
    )
    if not updated:
        raise stale
    audit(
        actor=actor,
        action="equipment_item_type_update",
        item_type=item_type.code,
        before={k: getattr(item_type, k) for k in fields},
        after=fields,
    )
    item_type.refresh_from_db()
    return item_type


def item_type_uses(item_type: ItemType) -> dict[str, int]:
    """How many inventory lines (written-off ones included), standard lines and transfers name
    the item type."""
    # The counts are annotations of the selector, which the type checker cannot follow.
    found = (
        selectors.item_types_with_uses()
        .values("inventory_uses", "standard_uses", "transfer_uses")  # type: ignore[misc]
        .get(pk=item_type.pk)
    )
    return {
        "inventory": found["inventory_uses"],
        "standards": found["standard_uses"],
        "transfers": found["transfer_uses"],
    }


def item_type_refuse_if_used(item_type: ItemType) -> None:
    """Refuse to delete an item type that inventory lines, standards or transfers name, saying
    how many: they are the record."""
    uses = item_type_uses(item_type)
    if any(uses.values()):
        raise DomainError(
            _(
                "Item type %(code)s is used by %(inventory)s inventory lines, %(standards)s "
                "standard lines and %(transfers)s transfers: it cannot be deleted."
            )
            % {"code": item_type.code, **uses},
            code="in_use",
            status=409,
            problems=[Problem(_("in use"), field="code")],
        )


@transaction.atomic
def item_type_delete(*, actor, code: str) -> None:  # type: ignore[no-untyped-def]
    """Delete an item type that nothing uses (one created by mistake). One that inventory lines,
    standards or transfers name is refused, saying how many: they are the record."""
    _may_edit_item_types(actor)
    item_type = item_type_get(code)
    # Locked: a line or standard being written meanwhile holds its type `FOR KEY SHARE`
    # (`hold_item_types`: the foreign keys are only checked at commit), so one waits for the
    # other and the counts below see the line.
    ItemType.objects.select_for_update().filter(pk=item_type.pk).first()
    item_type_refuse_if_used(item_type)
    ItemType.objects.filter(pk=item_type.pk).delete()
    audit(
        actor=actor,
        action="equipment_item_type_delete",
        item_type=item_type.code,
        name=item_type.name,
    )


# -- standards ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class LineSpec:
    item: str  # item type code
    quantity: int
    per: str = Per.FIXED
    source: str = ""


def _check_lines(lines: list[LineSpec]) -> list[tuple[ItemType, LineSpec]]:
    if not lines:
        raise invalid(_("A standard lists at least one item."), field="lines")
    if len(lines) > MAX_LINES:
        raise invalid(_("At most %(max)s lines.") % {"max": MAX_LINES}, field="lines")
    types = {t.code: t for t in ItemType.objects.filter(code__in=[x.item for x in lines])}
    held = hold_item_types([t.pk for t in types.values()])
    types = {code: t for code, t in types.items() if t.pk in held}
    problems, seen, checked = [], set(), []
    for index, line in enumerate(lines, start=1):
        where = f"lines[{index}]"
        if line.item not in types:
            problems.append(
                Problem(_("No item type coded '%(code)s'.") % {"code": line.item[:40]}, field=where)
            )
        elif line.item in seen:
            problems.append(Problem(_("This item is listed twice."), field=where))
        if line.per not in Per.values:
            problems.append(
                Problem(
                    _("'per' is one of %(values)s.") % {"values": ", ".join(Per.values)},
                    field=where,
                )
            )
        if not 0 <= line.quantity <= MAX_QUANTITY:
            problems.append(
                Problem(
                    _("A whole number from 0 to %(high)s.") % {"high": text.number(MAX_QUANTITY)},
                    field=where,
                )
            )
        if len(line.source) > 255:
            problems.append(
                Problem(_("At most %(limit)s characters.") % {"limit": 255}, field=where)
            )
        seen.add(line.item)
        if line.item in types:
            checked.append((types[line.item], line))
    if problems:
        raise DomainError(_("The standard's lines are not valid."), problems=problems)
    return checked


def _may_edit_standard(actor, province_id: int | None) -> None:  # type: ignore[no-untyped-def]
    if actor is None:
        return
    if province_id is None:
        if not scope_for(actor).everything:
            raise Forbidden(
                _(
                    "The national default standards are changed by a superuser; write your province's own version."
                )
            )
        return
    access_unit(actor, province_id, write=True)


@transaction.atomic
def standard_version_create(  # type: ignore[no-untyped-def]
    *,
    actor,
    kind: str,
    role: str = "",
    valid_from: dt.date,
    title: str,
    lines: list[LineSpec],
    source: str = "",
    note: str = "",
    province_id: int | None = None,
) -> Standard:
    """A new version of the standard for `kind` (and `role`) from `valid_from`, national or the
    province's own. The versions before stay as they were: gaps as of an earlier date still use
    them. The same version again (same date, same lines) is harmless; a different one on the
    same date is refused (choose another date)."""
    if kind not in Kind.values:
        raise invalid(_("Unknown unit kind '%(kind)s'.") % {"kind": kind[:32]}, field="kind")
    role = (role or "").strip().upper()
    if not ROLE_PATTERN.match(role):
        raise invalid(
            _("A role is the code suffix of the unit: up to 16 capital letters or digits (TTHCC)."),
            field="role",
        )
    title = _text(title, "title", 255)
    if not title:
        raise invalid(_("Give the standard a title."), field="title")
    source = _text(source, "source", 255)
    note = _text(note, "note", NOTE_LIMIT)
    if province_id is not None:
        province = units.version_on(province_id, timezone.localdate())
        if province.level != Level.PROVINCE or province.admin_unit_id != province.unit_id:
            raise invalid(
                _("%(name)s is not a province.") % {"name": province.name}, field="province"
            )
    _may_edit_standard(actor, province_id)
    checked = _check_lines(lines)
    existing = Standard.objects.filter(
        province_id=province_id, kind=kind, role=role, valid_from=valid_from
    ).first()
    if existing is not None:
        same = {(i.item_type_id, i.quantity, i.per) for i in existing.items.all()} == {
            (t.pk, x.quantity, x.per) for t, x in checked
        }
        if same:
            return existing
        raise DomainError(
            _(
                "A version of this standard starts on %(day)s already: give the new one another date."
            )
            % {"day": text.day(valid_from)},
            code="exists",
            status=409,
            problems=[Problem(_("already used"), field="valid_from")],
        )
    standard = Standard.objects.create(
        province_id=province_id,
        kind=kind,
        role=role,
        valid_from=valid_from,
        title=title,
        source=source,
        note=note,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    StandardItem.objects.bulk_create(
        [
            StandardItem(
                standard=standard,
                item_type=item_type,
                quantity=line.quantity,
                per=line.per,
                source=line.source.strip(),
            )
            for item_type, line in checked
        ]
    )
    audit(
        actor=actor,
        action="equipment_standard_create",
        unit=province_id,
        standard=standard.pk,
        kind=kind,
        role=role,
        valid_from=valid_from.isoformat(),
        lines=len(checked),
    )
    return standard


# -- profiles -----------------------------------------------------------------------------------
@transaction.atomic
def profile_set(  # type: ignore[no-untyped-def]
    *,
    actor,
    unit_id: int,
    officers: int | None,
    counters: int | None,
    headquarters_id: int | None = None,
) -> EquipmentProfile:
    """The figures a unit's standard multiplies by, and its chosen headquarters (premises of the
    unit, not handed over)."""
    unit_for(actor, unit_id, write=True)
    _bounded(officers, "officers", 100_000)
    _bounded(counters, "counters", 1_000)
    if headquarters_id is not None:
        premises = Premises.objects.filter(pk=headquarters_id, unit_id=unit_id).first()
        if premises is None:
            raise invalid(_("These premises are not the unit's."), field="headquarters")
        if premises.status == PremisesStatus.HANDED_OVER:
            raise invalid(
                _("Premises handed over cannot be the headquarters."), field="headquarters"
            )
    profile, _created = EquipmentProfile.objects.select_for_update().get_or_create(unit_id=unit_id)
    new = (officers, counters, headquarters_id)
    if (profile.officers, profile.counters, profile.headquarters_id) == new and not _created:
        return profile
    profile.officers, profile.counters, profile.headquarters_id = new
    profile.version += 1
    profile.save()
    audit(
        actor=actor,
        action="equipment_profile_set",
        unit=unit_id,
        officers=officers,
        counters=counters,
        headquarters=headquarters_id,
    )
    return profile


# -- inventory ----------------------------------------------------------------------------------
def _item_fields(
    *,
    quantity: int,
    condition: str,
    acquired_year: int | None,
    value: int,
    location: str,
    note: str,
) -> dict[str, Any]:
    _bounded(quantity, "quantity", MAX_QUANTITY, low=1)
    _choice(condition, Condition, "condition")
    _year(acquired_year, "acquired_year")
    _bounded(value, "value", MAX_VALUE)
    return {
        "quantity": quantity,
        "condition": condition,
        "acquired_year": acquired_year,
        "value": value,
        "location": _text(location, "location", NAME_LIMIT),
        "note": _text(note, "note", TEXT_LIMIT),
    }


def _premises_of(unit_id: int, premises_id: int | None) -> int | None:
    if premises_id is None:
        return None
    if not Premises.objects.filter(pk=premises_id, unit_id=unit_id).exists():
        raise invalid(_("These premises are not the unit's."), field="premises")
    return premises_id


@transaction.atomic
def inventory_add(  # type: ignore[no-untyped-def]
    *,
    actor,
    unit_id: int,
    item: str,
    quantity: int,
    condition: str = Condition.GOOD,
    acquired_year: int | None = None,
    value: int = 0,
    location: str = "",
    note: str = "",
    premises_id: int | None = None,
    synthetic: bool = False,
) -> InventoryItem:
    """A new line of the unit's inventory (`item`: the item type's code)."""
    version = unit_for(actor, unit_id, write=True)
    item_type = item_type_by_code(item)
    fields = _item_fields(
        quantity=quantity,
        condition=condition,
        acquired_year=acquired_year,
        value=value,
        location=location,
        note=note,
    )
    made = InventoryItem.objects.create(
        unit_id=unit_id,
        province_id=province_of(version),
        item_type=item_type,
        premises_id=_premises_of(unit_id, premises_id),
        synthetic=synthetic,
        **fields,
    )
    audit(
        actor=actor,
        action="equipment_item_add",
        unit=unit_id,
        item=made.pk,
        item_type=item_type.code,
        quantity=quantity,
        condition=condition,
    )
    return made


def access_item(actor, item_id: int, *, write: bool = False) -> InventoryItem:  # type: ignore[no-untyped-def]
    """The inventory line if the actor may read (write) its unit; else "not found"."""
    found = InventoryItem.objects.select_related("item_type").filter(pk=item_id).first()
    if found is None:
        raise NotFound(_("Inventory line %(id)s does not exist.") % {"id": item_id})
    try:
        unit_for(actor, found.unit_id, write=False)
    except NotFound:
        raise NotFound(_("Inventory line %(id)s does not exist.") % {"id": item_id}) from None
    if write:
        unit_for(actor, found.unit_id, write=True)
    return found


@transaction.atomic
def inventory_update(  # type: ignore[no-untyped-def]
    *,
    actor,
    item_id: int,
    version: int | None = None,
    quantity: int,
    condition: str,
    acquired_year: int | None = None,
    value: int = 0,
    location: str = "",
    note: str = "",
    premises_id: int | None = None,
) -> InventoryItem:
    """Change a line (its count, condition, year, value, place). Refused on a written-off line
    (its record is closed) and when the line changed since `version` was read."""
    item = access_item(actor, item_id, write=True)
    if item.written_off_on is not None:
        raise DomainError(
            _("Inventory line %(id)s was written off: it cannot change.") % {"id": item_id},
            code="illegal_move",
            status=409,
        )
    fields = _item_fields(
        quantity=quantity,
        condition=condition,
        acquired_year=acquired_year,
        value=value,
        location=location,
        note=note,
    )
    fields["premises_id"] = _premises_of(item.unit_id, premises_id)
    if all(getattr(item, k) == v for k, v in fields.items()):
        return item  # the same change again
    if version is not None and version != item.version:
        raise _stale(_("Inventory line %(id)s") % {"id": item_id})
    updated = InventoryItem.objects.filter(pk=item.pk, version=item.version).update(
        version=F("version") + 1, updated_at=timezone.now(), **fields
    )
    if not updated:
        raise _stale(_("Inventory line %(id)s") % {"id": item_id})
    audit(
        actor=actor,
        action="equipment_item_update",
        unit=item.unit_id,
        item=item.pk,
        before={k: getattr(item, k) for k in ("quantity", "condition", "value")},
        after={k: fields[k] for k in ("quantity", "condition", "value")},
    )
    item.refresh_from_db()
    return item


@transaction.atomic
def inventory_write_off(  # type: ignore[no-untyped-def]
    *,
    actor,
    item_id: int,
    reason: str,
    quantity: int | None = None,
    day: dt.date | None = None,
    version: int | None = None,
) -> InventoryItem:
    """Write off `quantity` items of a line (all of them by default): the written-off items stay
    as a closed line (for the asset register) and count for nothing. Writing off part of a line
    splits it, the value shared in proportion. A line written off already is returned as it is.
    Returns the written-off line."""
    item = access_item(actor, item_id, write=True)
    if item.written_off_on is not None:
        return item
    reason = _text(reason, "reason", TEXT_LIMIT)
    if not reason:
        raise invalid(_("Give the reason for the write-off."), field="reason")
    quantity = item.quantity if quantity is None else quantity
    _bounded(quantity, "quantity", item.quantity, low=1)
    day = day or timezone.localdate()
    if version is not None and version != item.version:
        raise _stale(_("Inventory line %(id)s") % {"id": item_id})
    if quantity == item.quantity:
        updated = InventoryItem.objects.filter(
            pk=item.pk, version=item.version, written_off_on__isnull=True
        ).update(
            written_off_on=day,
            write_off_reason=reason,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        if not updated:
            raise _stale(_("Inventory line %(id)s") % {"id": item_id})
        written = item
        written.refresh_from_db()
    else:
        share = item.value * quantity // item.quantity
        updated = InventoryItem.objects.filter(pk=item.pk, version=item.version).update(
            quantity=F("quantity") - quantity,
            value=F("value") - share,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        if not updated:
            raise _stale(_("Inventory line %(id)s") % {"id": item_id})
        written = InventoryItem.objects.create(
            unit_id=item.unit_id,
            province_id=item.province_id,
            item_type_id=item.item_type_id,
            quantity=quantity,
            condition=item.condition,
            acquired_year=item.acquired_year,
            value=share,
            premises_id=item.premises_id,
            location=item.location,
            note=item.note,
            written_off_on=day,
            write_off_reason=reason,
            synthetic=item.synthetic,
        )
    audit(
        actor=actor,
        action="equipment_item_write_off",
        unit=item.unit_id,
        item=item.pk,
        written=written.pk,
        quantity=quantity,
        reason=reason,
    )
    return written


# -- premises -----------------------------------------------------------------------------------
def _premises_fields(
    *,
    name: str,
    address: str,
    area_m2: int | None,
    land_m2: int | None,
    built_year: int | None,
    use: str,
    planned_use: str,
    note: str,
) -> dict[str, Any]:
    name = _text(name, "name", NAME_LIMIT)
    if not name:
        raise invalid(_("Give the premises a name."), field="name")
    _choice(use, PremisesUse, "use")
    _bounded(area_m2, "area_m2", MAX_AREA)
    _bounded(land_m2, "land_m2", MAX_AREA)
    _year(built_year, "built_year")
    return {
        "name": name,
        "address": _text(address, "address", 300),
        "area_m2": area_m2,
        "land_m2": land_m2,
        "built_year": built_year,
        "use": use,
        "planned_use": _text(planned_use, "planned_use", TEXT_LIMIT),
        "note": _text(note, "note", NOTE_LIMIT),
    }


@transaction.atomic
def premises_add(  # type: ignore[no-untyped-def]
    *,
    actor,
    unit_id: int,
    name: str,
    use: str,
    address: str = "",
    area_m2: int | None = None,
    land_m2: int | None = None,
    built_year: int | None = None,
    planned_use: str = "",
    note: str = "",
    status: str = PremisesStatus.IN_USE,
    synthetic: bool = False,
) -> Premises:
    version = unit_for(actor, unit_id, write=True)
    fields = _premises_fields(
        name=name,
        address=address,
        area_m2=area_m2,
        land_m2=land_m2,
        built_year=built_year,
        use=use,
        planned_use=planned_use,
        note=note,
    )
    if status not in PremisesStatus.values:
        raise invalid(_("Unknown status."), field="status")
    made = Premises.objects.create(
        unit_id=unit_id,
        province_id=province_of(version),
        status=status,
        synthetic=synthetic,
        **fields,
    )
    audit(actor=actor, action="equipment_premises_add", unit=unit_id, premises=made.pk, name=name)
    return made


def access_premises(actor, premises_id: int, *, write: bool = False) -> Premises:  # type: ignore[no-untyped-def]
    found = Premises.objects.filter(pk=premises_id).first()
    if found is None:
        raise NotFound(_("Premises %(id)s do not exist.") % {"id": premises_id})
    try:
        unit_for(actor, found.unit_id, write=False)
    except NotFound:
        raise NotFound(_("Premises %(id)s do not exist.") % {"id": premises_id}) from None
    if write:
        unit_for(actor, found.unit_id, write=True)
    return found


# Which statuses premises may go to from each status. Handed over is the end: the building is
# no longer the apparatus's.
STATUS_MOVES: dict[str, set[str]] = {
    PremisesStatus.IN_USE: {PremisesStatus.SURPLUS, PremisesStatus.REPURPOSING},
    PremisesStatus.SURPLUS: {
        PremisesStatus.IN_USE,
        PremisesStatus.REPURPOSING,
        PremisesStatus.HANDED_OVER,
    },
    PremisesStatus.REPURPOSING: {
        PremisesStatus.IN_USE,
        PremisesStatus.SURPLUS,
        PremisesStatus.HANDED_OVER,
    },
    PremisesStatus.HANDED_OVER: set(),
}


@transaction.atomic
def premises_update(  # type: ignore[no-untyped-def]
    *,
    actor,
    premises_id: int,
    version: int | None = None,
    status: str | None = None,
    **changes: Any,
) -> Premises:
    """Change premises' description and/or status. Status moves follow STATUS_MOVES (handed
    over is final; the unit's headquarters is not declared surplus or handed over: choose
    another headquarters first). The same values again change nothing."""
    premises = access_premises(actor, premises_id, write=True)
    allowed = {"name", "address", "area_m2", "land_m2", "built_year", "use", "planned_use", "note"}
    unknown = set(changes) - allowed
    if unknown:
        raise invalid(_("Unknown field."), field=sorted(unknown)[0])
    current = {k: getattr(premises, k) for k in allowed}
    fields = _premises_fields(**{**current, **changes})
    status = status or premises.status
    if status not in PremisesStatus.values:
        raise invalid(_("Unknown status."), field="status")
    if all(getattr(premises, k) == v for k, v in fields.items()) and status == premises.status:
        return premises
    if premises.status == PremisesStatus.HANDED_OVER:
        raise DomainError(
            _("These premises were handed over: their record is closed."),
            code="illegal_move",
            status=409,
        )
    if status != premises.status and status not in STATUS_MOVES[premises.status]:
        raise DomainError(
            _("Premises that are %(from)s cannot become %(to)s.")
            % {
                "from": PremisesStatus(premises.status).label,
                "to": PremisesStatus(status).label,
            },
            code="illegal_move",
            status=409,
            problems=[Problem(_("not allowed from the current status"), field="status")],
        )
    if status in (PremisesStatus.SURPLUS, PremisesStatus.HANDED_OVER) and (
        EquipmentProfile.objects.filter(headquarters_id=premises.pk).exists()
    ):
        raise DomainError(
            _("These premises are the unit's headquarters: choose another headquarters first."),
            code="illegal_move",
            status=409,
            problems=[Problem(_("the headquarters"), field="status")],
        )
    if version is not None and version != premises.version:
        raise _stale(_("Premises %(id)s") % {"id": premises_id})
    updated = Premises.objects.filter(pk=premises.pk, version=premises.version).update(
        status=status, version=F("version") + 1, updated_at=timezone.now(), **fields
    )
    if not updated:
        raise _stale(_("Premises %(id)s") % {"id": premises_id})
    audit(
        actor=actor,
        action="equipment_premises_update",
        unit=premises.unit_id,
        premises=premises.pk,
        status_before=premises.status,
        status=status,
        planned_use=fields["planned_use"],
    )
    premises.refresh_from_db()
    return premises
