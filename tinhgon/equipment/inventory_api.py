"""Equipment API (/api/equipment): a unit's inventory, premises, profile and gaps; the Excel
import; a province's gaps, ranking and surplus premises. The same services as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from tinhgon.core.schemas import PRINTABLE_REGEX, BodyId, Id, QueryId
from tinhgon.core.upload import read_upload
from tinhgon.equipment import importer, selectors, services
from tinhgon.equipment.models import InventoryItem

router = Router(tags=["equipment"])

Condition = Literal["good", "usable", "broken"]
Use = Literal[
    "headquarters",
    "service_centre",
    "meeting_hall",
    "cultural_house",
    "warehouse",
    "housing",
    "other",
]
PremisesStatusIn = Literal["in_use", "surplus", "repurposing", "handed_over"]


class ItemIn(Schema):
    item: str = Field(max_length=40, pattern=PRINTABLE_REGEX)
    quantity: int = Field(ge=1, le=services.MAX_QUANTITY)
    condition: Condition = "good"
    acquired_year: int | None = Field(None, ge=services.FIRST_YEAR, le=9999)
    value: int = Field(0, ge=0, le=services.MAX_VALUE)
    location: str = Field("", max_length=services.NAME_LIMIT, pattern=PRINTABLE_REGEX)
    note: str = Field("", max_length=services.TEXT_LIMIT, pattern=PRINTABLE_REGEX)
    premises_id: BodyId | None = None


class ItemUpdateIn(Schema):
    """The whole line as it should be (its item type does not change: write it off, add
    another)."""

    quantity: int = Field(ge=1, le=services.MAX_QUANTITY)
    condition: Condition = "good"
    acquired_year: int | None = Field(None, ge=services.FIRST_YEAR, le=9999)
    value: int = Field(0, ge=0, le=services.MAX_VALUE)
    location: str = Field("", max_length=services.NAME_LIMIT, pattern=PRINTABLE_REGEX)
    note: str = Field("", max_length=services.TEXT_LIMIT, pattern=PRINTABLE_REGEX)
    premises_id: BodyId | None = None
    version: int | None = Field(None, ge=0, le=2**31)


class WriteOffIn(Schema):
    reason: str = Field(min_length=1, max_length=services.TEXT_LIMIT, pattern=PRINTABLE_REGEX)
    quantity: int | None = Field(None, ge=1, le=services.MAX_QUANTITY)
    version: int | None = Field(None, ge=0, le=2**31)


class ItemOut(Schema):
    id: int
    unit_id: int
    item: str
    item_name: str
    quantity: int
    condition: str
    acquired_year: int | None
    value: int
    location: str
    note: str
    premises_id: int | None
    written_off_on: dt.date | None
    write_off_reason: str
    version: int
    synthetic: bool


def item_out(i: InventoryItem) -> dict:
    return {
        "id": i.pk,
        "unit_id": i.unit_id,
        "item": i.item_type.code,
        "item_name": i.item_type.name,
        "quantity": i.quantity,
        "condition": i.condition,
        "acquired_year": i.acquired_year,
        "value": i.value,
        "location": i.location,
        "note": i.note,
        "premises_id": i.premises_id,
        "written_off_on": i.written_off_on,
        "write_off_reason": i.write_off_reason,
        "version": i.version,
        "synthetic": i.synthetic,
    }


class PremisesIn(Schema):
    name: str = Field(min_length=1, max_length=services.NAME_LIMIT, pattern=PRINTABLE_REGEX)
    use: Use
    address: str = Field("", max_length=300, pattern=PRINTABLE_REGEX)
    area_m2: int | None = Field(None, ge=0, le=services.MAX_AREA)
    land_m2: int | None = Field(None, ge=0, le=services.MAX_AREA)
    built_year: int | None = Field(None, ge=services.FIRST_YEAR, le=9999)
    planned_use: str = Field("", max_length=services.TEXT_LIMIT, pattern=PRINTABLE_REGEX)
    note: str = Field("", max_length=services.NOTE_LIMIT)


class PremisesUpdateIn(Schema):
    """What changes (fields left out stay as they are)."""

    name: str | None = Field(
        None, min_length=1, max_length=services.NAME_LIMIT, pattern=PRINTABLE_REGEX
    )
    use: Use | None = None
    address: str | None = Field(None, max_length=300, pattern=PRINTABLE_REGEX)
    area_m2: int | None = Field(None, ge=0, le=services.MAX_AREA)
    land_m2: int | None = Field(None, ge=0, le=services.MAX_AREA)
    built_year: int | None = Field(None, ge=services.FIRST_YEAR, le=9999)
    planned_use: str | None = Field(None, max_length=services.TEXT_LIMIT, pattern=PRINTABLE_REGEX)
    note: str | None = Field(None, max_length=services.NOTE_LIMIT)
    status: PremisesStatusIn | None = None
    version: int | None = Field(None, ge=0, le=2**31)


class PremisesOut(Schema):
    id: int
    unit_id: int
    name: str
    address: str
    area_m2: int | None
    land_m2: int | None
    built_year: int | None
    use: str
    status: str
    planned_use: str
    note: str
    merged_on: dt.date | None
    version: int
    synthetic: bool


class ProfileIn(Schema):
    officers: int | None = Field(None, ge=0, le=100_000)
    counters: int | None = Field(None, ge=0, le=1_000)
    headquarters_id: BodyId | None = None


class ProfileOut(Schema):
    unit_id: int
    officers: int | None
    counters: int | None
    headquarters_id: int | None


class GapOut(Schema):
    unit: str
    unit_name: str
    item: str
    item_name: str
    unit_of_measure: str
    required: int
    available: int
    usable: int
    shortfall: int
    surplus: int
    estimated_cost: int
    officers_unknown: bool


class CommuneOut(Schema):
    unit: str
    unit_name: str
    lines: int
    lines_short: int
    required: int
    shortfall: int
    share_missing: float
    estimated_cost: int
    items_short: list[str]
    inventoried: bool


class SurplusOut(Schema):
    id: int
    unit: str
    unit_name: str
    name: str
    address: str
    area_m2: int | None
    use: str
    status: str
    planned_use: str
    merged_on: dt.date | None
    came_from: str
    candidate: bool
    synthetic: bool


class ImportOut(Schema):
    lines: int
    units: int


# -- a unit ---------------------------------------------------------------------------------------
@router.get("/units/{unit_id}/gaps", response=list[GapOut], summary="A unit against its standards")
def unit_gaps(request: HttpRequest, unit_id: Id):
    return [g.as_json() for g in selectors.unit_gaps(request.user, unit_id)]


@router.get("/units/{unit_id}/inventory", response=list[ItemOut], summary="A unit's inventory")
def inventory_list(request: HttpRequest, unit_id: Id, written_off: bool = False):
    services.unit_for(request.user, unit_id, write=False)
    found = selectors.inventory_of(unit_id, written_off=written_off)[:5000]
    return [item_out(i) for i in found]


@router.post("/units/{unit_id}/inventory", response={201: ItemOut}, summary="Add a line")
def inventory_add(request: HttpRequest, unit_id: Id, body: ItemIn):
    made = services.inventory_add(actor=request.user, unit_id=unit_id, **body.dict())
    return Status(201, item_out(made))


@router.post("/inventory/{item_id}", response=ItemOut, summary="Change a line")
def inventory_update(request: HttpRequest, item_id: Id, body: ItemUpdateIn):
    done = services.inventory_update(actor=request.user, item_id=item_id, **body.dict())
    return item_out(done)


@router.post("/inventory/{item_id}/write-off", response=ItemOut, summary="Write off a line")
def inventory_write_off(request: HttpRequest, item_id: Id, body: WriteOffIn):
    done = services.inventory_write_off(actor=request.user, item_id=item_id, **body.dict())
    return item_out(done)


@router.post(
    "/units/{unit_id}/import",
    response={201: ImportOut},
    summary="Import inventory lines from an .xlsx workbook (docs/equipment.md); all or none",
)
def inventory_import(request: HttpRequest, unit_id: Id, file: File[UploadedFile]):
    services.unit_for(request.user, unit_id, write=True)
    content, filename = read_upload(file, default_name="inventory.xlsx")
    done = importer.inventory_import(
        actor=request.user, content=content, filename=filename, unit_id=unit_id
    )
    return Status(201, done)


@router.get("/units/{unit_id}/premises", response=list[PremisesOut], summary="A unit's premises")
def premises_list(request: HttpRequest, unit_id: Id):
    services.unit_for(request.user, unit_id, write=False)
    return list(selectors.premises_of(unit_id)[:1000])


@router.post("/units/{unit_id}/premises", response={201: PremisesOut}, summary="Add premises")
def premises_add(request: HttpRequest, unit_id: Id, body: PremisesIn):
    return Status(201, services.premises_add(actor=request.user, unit_id=unit_id, **body.dict()))


@router.post("/premises/{premises_id}", response=PremisesOut, summary="Change premises or status")
def premises_update(request: HttpRequest, premises_id: Id, body: PremisesUpdateIn):
    changes = body.dict(exclude_none=True)
    return services.premises_update(actor=request.user, premises_id=premises_id, **changes)


@router.get("/units/{unit_id}/profile", response=ProfileOut, summary="A unit's figures")
def profile_get(request: HttpRequest, unit_id: Id):
    services.unit_for(request.user, unit_id, write=False)
    found = selectors.profile_of(unit_id)
    return {
        "unit_id": unit_id,
        "officers": found.officers if found else None,
        "counters": found.counters if found else None,
        "headquarters_id": found.headquarters_id if found else None,
    }


@router.put("/units/{unit_id}/profile", response=ProfileOut, summary="Set a unit's figures")
def profile_set(request: HttpRequest, unit_id: Id, body: ProfileIn):
    done = services.profile_set(actor=request.user, unit_id=unit_id, **body.dict())
    return {
        "unit_id": unit_id,
        "officers": done.officers,
        "counters": done.counters,
        "headquarters_id": done.headquarters_id,
    }


# -- a province -----------------------------------------------------------------------------------
@router.get("/gaps", response=list[GapOut], summary="A province's gaps, unit by unit")
def province_gaps(request: HttpRequest, province: QueryId, short: bool = False):
    found = selectors.province_gaps(request.user, province, timezone.localdate())
    return [g.as_json() for g in found if g.shortfall or not short]


@router.get("/ranking", response=list[CommuneOut], summary="A province's communes, short first")
def province_ranking(request: HttpRequest, province: QueryId):
    day = timezone.localdate()
    found = selectors.province_gaps(request.user, province, day)
    return [r.as_json() for r in selectors.ranking(found, day)]


@router.get(
    "/surplus-premises", response=list[SurplusOut], summary="Surplus premises after mergers"
)
def surplus_premises(request: HttpRequest, province: QueryId):
    return [s.as_json() for s in selectors.surplus_premises(request.user, province)]
