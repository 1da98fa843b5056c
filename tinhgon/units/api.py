"""Units endpoints: authenticate, load through the access function, call one selector or service."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Path, Query, Router, Schema, Status
from ninja.files import UploadedFile

from tinhgon.core.errors import Forbidden, NotFound
from tinhgon.core.schemas import CODE_REGEX, BodyId, Code, Day, Id, Name, Reason, SearchText
from tinhgon.core.upload import read_upload
from tinhgon.units import access, excel, selectors, services
from tinhgon.units.kinds import KINDS_BY_LEVEL, Kind
from tinhgon.units.serializers import version_dict

router = Router(tags=["units"])


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    category: str
    level: int
    parent_id: int | None
    admin_unit_id: int
    province_id: int | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    source: str


class TreeOut(UnitOut):
    depth: int
    children: list[TreeOut]


class LinkOut(Schema):
    unit: UnitOut
    event: str
    effective_date: dt.date
    is_default: bool
    distance: int


class UnitDetailOut(Schema):
    unit: UnitOut
    versions: list[UnitOut]
    predecessors: list[LinkOut]
    successors: list[LinkOut]


class UnitListFilter(Schema):
    as_of: Day | None = None
    q: SearchText | None = Field(None, description="Name or code, with or without diacritics")
    kind: Kind | None = None
    level: int | None = Field(None, ge=1, le=3)
    province_id: BodyId | None = None
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=10_000_000)


class UnitPage(Schema):
    count: int
    items: list[UnitOut]


class UnitCreateIn(Schema):
    code: Code
    name: Name
    kind: Kind
    parent_id: BodyId
    valid_from: Day
    reason: Reason = ""


class UnitChangeIn(Schema):
    effective: Day
    name: Name | None = None
    code: Code | None = None
    kind: Kind | None = None
    parent_id: BodyId | None = Field(None, description="New parent; set `move` to apply it")
    move: bool = False
    reason: Reason = ""


class UnitCloseIn(Schema):
    last_day: Day
    reason: Reason = ""


def _day(value: dt.date | None) -> dt.date:
    return value or timezone.localdate()


@router.get("", response=UnitPage, summary="Search and list units open on a date")
def list_units(request: HttpRequest, filters: Query[UnitListFilter]):
    day = _day(filters.as_of)
    qs = access.visible_versions(request.user, day)
    if filters.q:
        qs = selectors.search(filters.q, None, base=qs)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.level:
        qs = qs.filter(kind__in=KINDS_BY_LEVEL[filters.level])
    if filters.province_id:
        qs = qs.filter(province_id=filters.province_id)
    qs = qs.vietnamese_order()
    page = list(qs[filters.offset : filters.offset + filters.limit])
    return {"count": qs.count(), "items": [version_dict(v) for v in page]}


class ExcelImportOut(Schema):
    created: list[UnitOut]


@router.post(
    "/import-excel",
    response={201: ExcelImportOut},
    summary="Import agencies from an .xlsx sheet (docs/excel-agencies.md); all rows or none",
)
def units_import_excel(request: HttpRequest, file: File[UploadedFile]):
    scope = access.scope_for(request.user)
    if not scope.can_write_anything:
        raise Forbidden()
    allowed = access.unit_filter(scope, timezone.localdate(), write=True)
    content, filename = read_upload(file, default_name="sheet.xlsx")
    versions = excel.agencies_import(
        actor=request.user, content=content, filename=filename, allowed=allowed
    )
    return Status(201, {"created": [version_dict(v) for v in versions]})


class LineageOut(Schema):
    unit: UnitOut
    predecessors: list[dict]
    successors: list[dict]
    current: list[dict]


@router.get(
    "/lineage",
    response=LineageOut,
    summary="Find a unit by a name or code of any date (a legacy address) and its lineage",
)
def lineage_lookup(
    request: HttpRequest,
    q: SearchText,
    province: SearchText | None = None,
    as_of: Day | None = None,
):
    # Only units the user may read are candidates: an ambiguous name lists no other province's
    # communes, and a unit out of scope is "not found", as if it did not exist.
    version = selectors.resolve_any_time(
        q,
        day=as_of,
        province=province,
        keep=lambda ids: access.visible_unit_ids(request.user, ids),
    )
    return selectors.lineage_summary(version.unit_id)


@router.get("/by-code/{code}", response=UnitOut, summary="The unit with an official code on a date")
def unit_by_code(
    request: HttpRequest,
    code: Annotated[str, Path(pattern=CODE_REGEX, max_length=40)],
    as_of: Day | None = None,
):
    day = _day(as_of)
    version = access.visible_versions(request.user, day).filter(code=code).first()
    if version is None:
        raise NotFound(
            _("No unit with code '%(code)s' on %(day)s in your scope.")
            % {"code": code, "day": day.isoformat()}
        )
    return version_dict(version)


@router.get(
    "/{unit_id}", response=UnitDetailOut, summary="A unit: its version on a date, history, lineage"
)
def unit_detail(request: HttpRequest, unit_id: Id, as_of: Day | None = None):
    if as_of is None:
        current = access.access_any_version(request.user, unit_id)
    else:
        current = access.access_unit(request.user, unit_id, day=as_of)
    versions = selectors.UnitVersion.objects.filter(unit_id=unit_id).order_by("valid_from")
    return {
        "unit": version_dict(current),
        "versions": [version_dict(v) for v in versions],
        "predecessors": _links(unit_id, "predecessors"),
        "successors": _links(unit_id, "successors"),
    }


def _links(unit_id: int, direction: str) -> list[dict]:
    links = selectors.lineage(unit_id, direction=direction)
    other = "predecessor_id" if direction == "predecessors" else "successor_id"
    out = []
    for link, distance in links:
        version = selectors.latest_version(getattr(link, other))
        out.append(
            {
                "unit": version_dict(version),
                "event": link.event,
                "effective_date": link.effective_date,
                "is_default": link.is_default,
                "distance": distance,
            }
        )
    return out


@router.get("/{unit_id}/lineage", response=UnitDetailOut, summary="Predecessors and successors")
def unit_lineage(request: HttpRequest, unit_id: Id):
    return unit_detail(request, unit_id)


@router.get("/{unit_id}/children", response=list[UnitOut], summary="Units directly under a unit")
def unit_children(request: HttpRequest, unit_id: Id, as_of: Day | None = None):
    day = _day(as_of)
    access.access_unit(request.user, unit_id, day=day)
    qs = access.visible_versions(request.user, day).filter(parent_id=unit_id).vietnamese_order()
    return [version_dict(v) for v in qs]


@router.get("/{unit_id}/tree", response=TreeOut, summary="The tree under a unit as of a date")
def unit_tree(
    request: HttpRequest,
    unit_id: Id,
    as_of: Day | None = None,
    depth: int = Query(3, ge=0, le=10),
):
    day = _day(as_of)
    access.access_unit(request.user, unit_id, day=day)
    scope = access.unit_filter(access.scope_for(request.user), day)
    return selectors.tree(unit_id, day, max_depth=depth, scope=scope).as_dict()


@router.post("", response={201: UnitOut}, summary="Open a new unit")
def unit_create(request: HttpRequest, payload: UnitCreateIn):
    access.access_unit_create(
        request.user, parent_id=payload.parent_id, kind=payload.kind, day=payload.valid_from
    )
    version = services.unit_create(actor=request.user, **payload.dict())
    return Status(201, version_dict(version))


@router.post(
    "/{unit_id}/versions", response={201: UnitOut}, summary="Rename, reclassify or move a unit"
)
def unit_change(request: HttpRequest, unit_id: Id, payload: UnitChangeIn):
    access.access_unit_change(
        request.user,
        unit_id,
        day=payload.effective,
        parent_id=payload.parent_id if payload.move else None,
    )
    version = services.unit_change(actor=request.user, unit_id=unit_id, **payload.dict())
    return Status(201, version_dict(version))


@router.post("/{unit_id}/close", response=UnitOut, summary="Close a unit with nothing under it")
def unit_close(request: HttpRequest, unit_id: Id, payload: UnitCloseIn):
    access.access_unit_close(request.user, unit_id, day=payload.last_day)
    version = services.unit_close(actor=request.user, unit_id=unit_id, **payload.dict())
    return version_dict(version)
