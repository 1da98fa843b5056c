"""Pages of integrity: the spreadsheets to download (/integrity/exports/): a unit's red flags and
a unit's cases, within the scope; the cases' spreadsheet holds no author (integrity/exports.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from tinhgon.accounts.access import scopes_cached
from tinhgon.core.errors import DomainError, invalid
from tinhgon.core.views import render_refusal
from tinhgon.integrity import exports
from tinhgon.integrity.exports_api import spreadsheet


def unit_param(request: HttpRequest) -> int:
    """The `unit` of the query: a positive id, or a refusal (400) naming the field."""
    text = request.GET.get("unit", "")
    if not (text.isascii() and text.isdigit() and len(text) <= 18 and int(text) > 0):
        raise invalid(_("Choose a unit."), field="unit")
    return int(text)


@login_required
def flags_xlsx(request: HttpRequest) -> HttpResponse:
    try:
        unit_id = unit_param(request)
        with scopes_cached():
            content = exports.flags_xlsx(request.user, unit_id=unit_id)
    except DomainError as error:
        return render_refusal(request, error)
    return spreadsheet(content, f"red-flags-{unit_id}.xlsx")


@login_required
def cases_xlsx(request: HttpRequest) -> HttpResponse:
    try:
        unit_id = unit_param(request)
        with scopes_cached():
            content = exports.cases_xlsx(
                request.user, unit_id=unit_id, open_only=request.GET.get("open") == "1"
            )
    except DomainError as error:
        return render_refusal(request, error)
    return spreadsheet(content, f"cases-{unit_id}.xlsx")
