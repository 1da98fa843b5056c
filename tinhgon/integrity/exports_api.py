"""Integrity API: spreadsheets (/api/integrity/exports): a unit's red flags and a unit's cases,
read within the scope (a unit outside it: 404). The cases' spreadsheet holds no author, for
anyone (integrity/exports.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from tinhgon.accounts.access import scopes_cached
from tinhgon.core.schemas import QueryId
from tinhgon.integrity import exports

router = Router(tags=["integrity"])


def spreadsheet(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get("/flags.xlsx", summary="The red flags of a unit as a spreadsheet")
def flags_xlsx(request: HttpRequest, unit: QueryId, dismissed: bool = True):
    with scopes_cached():
        content = exports.flags_xlsx(request.user, unit_id=unit, dismissed=dismissed)
    return spreadsheet(content, f"red-flags-{unit}.xlsx")


@router.get("/cases.xlsx", summary="The cases of a unit as a spreadsheet (never their authors)")
def cases_xlsx(request: HttpRequest, unit: QueryId, open: bool = False):
    with scopes_cached():
        content = exports.cases_xlsx(request.user, unit_id=unit, open_only=open)
    return spreadsheet(content, f"cases-{unit}.xlsx")
