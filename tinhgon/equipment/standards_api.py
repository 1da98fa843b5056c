"""Equipment API: item types and standards (/api/equipment/standards): read them; create,
change and delete an item type (national: a superuser); write a new version of a standard
(national: a superuser; a province's own: its administrators)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status

from tinhgon.accounts.access import scope_for
from tinhgon.core.errors import NotFound
from tinhgon.core.schemas import PRINTABLE_REGEX, BodyId, Day, Id
from tinhgon.equipment import services
from tinhgon.equipment.models import ItemType, Standard
from tinhgon.equipment.selectors import visible_provinces

router = Router(tags=["equipment"])


Category = Literal["it", "network", "service", "meeting", "vehicle", "furniture", "other"]
ItemCode = Annotated[str, Path(pattern=services.ITEM_CODE_REGEX, min_length=1, max_length=40)]


class ItemTypeOut(Schema):
    code: str
    name: str
    category: str
    unit_of_measure: str
    unit_price: int
    source: str
    movable: bool
    version: int


class ItemTypeUpdateIn(Schema):
    """The whole item type as it should be (its code does not change)."""

    name: str = Field(min_length=1, max_length=services.NAME_LIMIT, pattern=PRINTABLE_REGEX)
    category: Category
    unit_of_measure: str = Field(
        min_length=1, max_length=services.MEASURE_LIMIT, pattern=PRINTABLE_REGEX
    )
    unit_price: int = Field(0, ge=0, le=services.MAX_VALUE)
    source: str = Field("", max_length=255, pattern=PRINTABLE_REGEX)
    movable: bool = True
    version: int | None = Field(None, ge=0, le=2**31)


class ItemTypeIn(ItemTypeUpdateIn):
    code: str = Field(min_length=1, max_length=40, pattern=services.ITEM_CODE_REGEX)


class LineIO(Schema):
    item: str = Field(max_length=40, pattern=PRINTABLE_REGEX)
    quantity: int = Field(ge=0, le=services.MAX_QUANTITY)
    per: Literal["fixed", "officer", "counter"] = "fixed"
    source: str = Field("", max_length=255, pattern=PRINTABLE_REGEX)


class StandardOut(Schema):
    id: int
    province_id: int | None
    kind: str
    role: str
    valid_from: dt.date
    title: str
    source: str
    note: str
    lines: list[LineIO]


class StandardIn(Schema):
    province_id: BodyId | None = None
    kind: str = Field(max_length=32, pattern=r"^[a-z_]+$")
    role: str = Field("", max_length=16, pattern=r"^[A-Za-z0-9]*$")
    valid_from: Day
    title: str = Field(min_length=1, max_length=255, pattern=PRINTABLE_REGEX)
    source: str = Field("", max_length=255, pattern=PRINTABLE_REGEX)
    note: str = Field("", max_length=services.NOTE_LIMIT)
    lines: list[LineIO] = Field(min_length=1, max_length=services.MAX_LINES)


def standard_out(s: Standard) -> dict:
    return {
        "id": s.pk,
        "province_id": s.province_id,
        "kind": s.kind,
        "role": s.role,
        "valid_from": s.valid_from,
        "title": s.title,
        "source": s.source,
        "note": s.note,
        "lines": [
            {"item": i.item_type.code, "quantity": i.quantity, "per": i.per, "source": i.source}
            for i in s.items.all()
        ],
    }


def readable_standards(user):  # type: ignore[no-untyped-def]
    """National standards and those of the provinces the user reads."""
    found = Standard.objects.prefetch_related("items__item_type")
    if scope_for(user).everything:
        return found
    return found.filter(Q(province__isnull=True) | Q(province_id__in=visible_provinces(user)))


@router.get("/item-types", response=list[ItemTypeOut], summary="The item types")
def item_types(request: HttpRequest):
    return list(ItemType.objects.all()[:1000])


@router.post("/item-types", response={201: ItemTypeOut}, summary="A new item type (superuser)")
def item_type_create(request: HttpRequest, body: ItemTypeIn):
    fields = body.dict(exclude={"version"})
    return Status(201, services.item_type_create(actor=request.user, **fields))


@router.post("/item-types/{code}", response=ItemTypeOut, summary="Change an item type (superuser)")
def item_type_update(request: HttpRequest, code: ItemCode, body: ItemTypeUpdateIn):
    return services.item_type_update(actor=request.user, code=code, **body.dict())


@router.delete(
    "/item-types/{code}",
    response={204: None},
    summary="Delete an item type nothing uses (superuser); one in use is refused with its counts",
)
def item_type_delete(request: HttpRequest, code: ItemCode):
    services.item_type_delete(actor=request.user, code=code)
    return Status(204, None)


@router.get("", response=list[StandardOut], summary="Standards, every version")
def standard_list(request: HttpRequest):
    return [standard_out(s) for s in readable_standards(request.user)[:1000]]


@router.get("/{standard_id}", response=StandardOut, summary="A standard's version")
def standard_get(request: HttpRequest, standard_id: Id):
    found = readable_standards(request.user).filter(pk=standard_id).first()
    if found is None:
        raise NotFound(_("Standard %(id)s does not exist.") % {"id": standard_id})
    return standard_out(found)


@router.post("", response={201: StandardOut}, summary="A new version of a standard")
def standard_create(request: HttpRequest, body: StandardIn):
    made = services.standard_version_create(
        actor=request.user,
        province_id=body.province_id,
        kind=body.kind,
        role=body.role,
        valid_from=body.valid_from,
        title=body.title,
        source=body.source,
        note=body.note,
        lines=[services.LineSpec(x.item, x.quantity, x.per, x.source) for x in body.lines],
    )
    return Status(201, standard_out(made))
