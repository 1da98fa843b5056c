"""Pages of people: the officials of a unit, one official, the positions of a unit with their
holders and vacancies, and the Excel import. Reads go through `staffing.selectors` and
`staffing.access` (the identity number is masked in every list; whole only on the official's
page, for those who manage them); the import writes through `staffing.excel`, which calls the
same services as the API and the command."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhgon.accounts.access import memberships_in_force, scope_for
from tinhgon.core.errors import DomainError
from tinhgon.core.forms import DayField, text_field
from tinhgon.core.upload import read_upload
from tinhgon.core.views import render_invalid_form, render_refusal
from tinhgon.staffing import access, excel, selectors
from tinhgon.units import selectors as registry
from tinhgon.units.models import UnitVersion

PAGE_LIMIT = 500


class UnitForm(forms.Form):
    unit = text_field(
        gettext_lazy("Unit"),
        gettext_lazy("Code or name of the unit (a commune, a department, an office)."),
        max_length=100,
    )
    as_of = DayField(label=gettext_lazy("As of"))


class OfficialsForm(UnitForm):
    q = text_field(
        gettext_lazy("Search"),
        gettext_lazy("Name (with or without diacritics) or the last digits of the number."),
        max_length=100,
        type="search",
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Workbook (.xlsx)"),
        help_text=gettext_lazy("Sheets 'positions' and 'officials', as in the template."),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Only check the file (write nothing)"), required=False, initial=True
    )


def _my_units(user: Any, day: dt.date) -> list[UnitVersion]:
    """The units of the user's memberships in force, to start from."""
    ids = list(memberships_in_force(user, day).values_list("unit_id", flat=True)[:20])
    return list(registry.versions_on(day).filter(unit_id__in=ids).order_by("name"))


def _chosen(request: HttpRequest, form: forms.Form) -> tuple[UnitVersion | None, dt.date]:
    day = form.cleaned_data.get("as_of") or timezone.localdate()
    code = (form.cleaned_data.get("unit") or "").strip()
    if not code:
        return None, day
    return selectors.unit_for(request.user, code, day), day


@login_required
def officials_page(request: HttpRequest) -> HttpResponse:
    form = OfficialsForm(request.GET or None)
    today = timezone.localdate()
    page: dict[str, Any] = {"form": form, "my_units": _my_units(request.user, today)}
    if form.is_bound and not form.is_valid():
        return render_invalid_form(request, "staffing/people/officials.html", form, page)
    if not form.is_bound:
        return render(request, "staffing/people/officials.html", page)
    try:
        version, day = _chosen(request, form)
    except DomainError as error:
        return render_refusal(
            request, error, template="staffing/people/officials.html", context=page, form=form
        )
    if version is not None:
        found = selectors.officials_of_unit(
            user=request.user, unit_id=version.unit_id, day=day, search=form.cleaned_data["q"]
        )
        officials = list(found[: PAGE_LIMIT + 1])
        page.update(
            unit=version,
            day=day,
            # Lists show the number masked, whoever reads them: the whole number is on the
            # official's own page, for those who manage them.
            rows=[
                selectors.official_row(request.user, o, manages=False)
                for o in officials[:PAGE_LIMIT]
            ],
            more=len(officials) > PAGE_LIMIT,
            synthetic=any(o.synthetic for o in officials),
        )
    return render(request, "staffing/people/officials.html", page)


@login_required
def official_page(request: HttpRequest, official_id: int) -> HttpResponse:
    try:
        history = selectors.official_history(user=request.user, official_id=official_id)
    except DomainError as error:
        return render_refusal(request, error)
    official = history.official
    manages = access.may_manage(request.user, official)
    unit = registry.latest_version(official.unit_id)
    home = (
        registry.latest_version(official.home_commune_id)
        if (manages and official.home_commune_id)
        else None
    )
    return render(
        request,
        "staffing/people/official.html",
        {
            "official": official,
            "row": selectors.official_row(request.user, official, manages=manages),
            "manages": manages,
            "unit": unit,
            "home": home,
            "history": history,
        },
    )


@login_required
def positions_page(request: HttpRequest) -> HttpResponse:
    form = UnitForm(request.GET or None)
    page: dict[str, Any] = {"form": form, "my_units": _my_units(request.user, timezone.localdate())}
    if form.is_bound and not form.is_valid():
        return render_invalid_form(request, "staffing/people/positions.html", form, page)
    if not form.is_bound:
        return render(request, "staffing/people/positions.html", page)
    try:
        version, day = _chosen(request, form)
    except DomainError as error:
        return render_refusal(
            request, error, template="staffing/people/positions.html", context=page, form=form
        )
    if version is not None:
        views = selectors.positions_of_unit(user=request.user, unit_id=version.unit_id, day=day)
        page.update(
            unit=version,
            day=day,
            positions=views,
            seats=sum(v.position.seats for v in views),
            held=sum(len(v.holders) for v in views),
            vacant=sum(v.vacant for v in views),
            synthetic=any(v.position.synthetic for v in views),
        )
    return render(request, "staffing/people/positions.html", page)


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).can_write_anything:
        return render_refusal(
            request, DomainError(_("Your role is read-only: you cannot import staff."), status=403)
        )
    if request.method != "POST":
        return render(request, "staffing/people/import.html", {"form": ImportForm()})
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_invalid_form(request, "staffing/people/import.html", form)
    try:
        content, name = read_upload(request.FILES.get("file"), default_name="staff.xlsx")
        report = excel.staff_import(
            actor=request.user,
            content=content,
            filename=name,
            dry_run=form.cleaned_data["dry_run"],
        )
    except DomainError as error:
        return render_refusal(request, error, template="staffing/people/import.html", form=form)
    if report.dry_run:
        messages.success(
            request,
            _("The file is valid (nothing written): %(summary)s.") % {"summary": report.summary()},
        )
        return render(
            request, "staffing/people/import.html", {"form": ImportForm(), "report": report}
        )
    messages.success(request, _("Imported: %(summary)s.") % {"summary": report.summary()})
    return redirect("staffing:people")


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        excel.write_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="tinhgon-staff-template.xlsx"'
    return response
