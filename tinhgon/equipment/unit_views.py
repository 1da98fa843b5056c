"""Pages of one unit's equipment (/equipment/units/ID/): its gaps against the standard (chart and
table), inventory, premises and figures; add and change lines and premises, write off (a
confirmation page), the Excel import and its template. The same services as the API."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.core.charts import bar_chart
from tinhgon.core.errors import DomainError
from tinhgon.core.upload import read_upload
from tinhgon.core.views import render_invalid_form, render_refusal
from tinhgon.equipment import exports, importer, selectors, services
from tinhgon.equipment.forms import ImportForm, ItemForm, PremisesForm, ProfileForm, WriteOffForm
from tinhgon.equipment.models import PremisesStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _may_write(user, unit_id: int) -> bool:  # type: ignore[no-untyped-def]
    try:
        services.unit_for(user, unit_id, write=True)
    except DomainError:
        return False
    return True


def _premises_choices(unit_id: int) -> list[tuple[int, str]]:
    return [
        (p.pk, p.name)
        for p in selectors.premises_of(unit_id).exclude(status=PremisesStatus.HANDED_OVER)[:200]
    ]


@login_required
def unit_page(request: HttpRequest, unit_id: int) -> HttpResponse:
    try:
        version = services.unit_for(request.user, unit_id, write=False)
    except DomainError as error:
        return render_refusal(request, error)
    day = timezone.localdate()
    gaps = selectors.gaps(day=day, unit_ids=[unit_id])
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(exports.unit_xlsx(version, gaps), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="equipment-{version.code}.xlsx"'
        return response
    required = [g for g in gaps if g.required]
    chart = None
    if required:
        chart = bar_chart(
            _("Required and usable"),
            [_("required"), _("usable")],
            [(g.item_name, [g.required, g.usable]) for g in required if g.item != "bandwidth"],
        )
    standards = selectors.standard_for(day, version)
    items = list(selectors.inventory_of(unit_id)[:1000])
    return render(
        request,
        "equipment/unit.html",
        {
            "version": version,
            "gaps": gaps,
            "short": [g for g in gaps if g.shortfall],
            "chart": chart,
            "standards": standards,
            "items": items,
            "synthetic": any(i.synthetic for i in items),
            "written_off": list(selectors.inventory_of(unit_id, written_off=True)[:200]),
            "premises": list(selectors.premises_of(unit_id)[:200]),
            "profile": selectors.profile_of(unit_id),
            "may_write": _may_write(request.user, unit_id),
            "officers_unknown": any(g.officers_unknown for g in gaps),
        },
    )


def _back(unit_id: int) -> str:
    return reverse("equipment:unit", kwargs={"unit_id": unit_id})


def _item_args(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "quantity": data["quantity"],
        "condition": data["condition"],
        "acquired_year": data["acquired_year"],
        "value": data["value"] or 0,
        "location": data["location"],
        "note": data["note"],
        "premises_id": data["premises"],
    }


@login_required
def item_new(request: HttpRequest, unit_id: int) -> HttpResponse:
    try:
        version = services.unit_for(request.user, unit_id, write=True)
    except DomainError as error:
        return render_refusal(request, error)
    page = "equipment/form.html"
    context = {"version": version, "title": _("Add equipment"), "back": _back(unit_id)}
    form = ItemForm(request.POST or None, premises=_premises_choices(unit_id))
    if request.method != "POST":
        return render(request, page, {**context, "form": form})
    if not form.is_valid():
        return render_invalid_form(request, page, form, context)
    try:
        services.inventory_add(
            actor=request.user,
            unit_id=unit_id,
            item=form.cleaned_data["item"],
            **_item_args(form.cleaned_data),
        )
    except DomainError as error:
        return render_refusal(request, error, template=page, context=context, form=form)
    messages.success(request, _("The line was added."))
    return redirect(_back(unit_id))


@login_required
def item_edit(request: HttpRequest, item_id: int) -> HttpResponse:
    try:
        item = services.access_item(request.user, item_id, write=True)
        version = services.unit_for(request.user, item.unit_id, write=True)
    except DomainError as error:
        return render_refusal(request, error)
    page = "equipment/form.html"
    context = {
        "version": version,
        "title": _("Change a line"),
        "back": _back(item.unit_id),
        "extra_action": (
            reverse("equipment:item_write_off", kwargs={"item_id": item.pk}),
            _("Write off"),
        )
        if item.written_off_on is None
        else None,
    }
    initial = {
        "item": item.item_type.code,
        "quantity": item.quantity,
        "condition": item.condition,
        "acquired_year": item.acquired_year,
        "value": item.value,
        "premises": item.premises_id,
        "location": item.location,
        "note": item.note,
    }
    form = ItemForm(
        request.POST or None,
        initial=initial,
        premises=_premises_choices(item.unit_id),
        fixed_item=True,
    )
    if request.method != "POST":
        return render(request, page, {**context, "form": form})
    if not form.is_valid():
        return render_invalid_form(request, page, form, context)
    try:
        services.inventory_update(
            actor=request.user, item_id=item.pk, **_item_args(form.cleaned_data)
        )
    except DomainError as error:
        return render_refusal(request, error, template=page, context=context, form=form)
    messages.success(request, _("The line was changed."))
    return redirect(_back(item.unit_id))


@login_required
def item_write_off(request: HttpRequest, item_id: int) -> HttpResponse:
    """The confirmation page of a write-off (it cannot be undone), with how many and why."""
    try:
        item = services.access_item(request.user, item_id, write=True)
    except DomainError as error:
        return render_refusal(request, error)
    page = "equipment/write_off.html"
    context = {
        "title": _("Write off equipment"),
        "lead": _("Written-off items stay in the record but no longer count against the standard."),
        "rows": [
            (_("Item"), item.item_type.name),
            (_("Quantity"), item.quantity),
            (_("Condition"), item.get_condition_display()),
        ],
        "warning": _("A write-off cannot be undone."),
        "button": _("Write off"),
        "cancel_url": _back(item.unit_id),
        "item": item,
    }
    form = WriteOffForm(request.POST or None, initial={"quantity": item.quantity})
    if request.method != "POST":
        return render(request, page, {**context, "form": form})
    if not form.is_valid():
        return render_invalid_form(request, page, form, context)
    try:
        services.inventory_write_off(
            actor=request.user,
            item_id=item.pk,
            quantity=form.cleaned_data["quantity"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        return render_refusal(request, error, template=page, context=context, form=form)
    messages.success(request, _("The items were written off."))
    return redirect(_back(item.unit_id))


def _premises_args(data: dict[str, Any]) -> dict[str, Any]:
    keys = ("name", "use", "address", "area_m2", "land_m2", "built_year", "planned_use", "note")
    return {k: data[k] for k in keys}


@login_required
def premises_new(request: HttpRequest, unit_id: int) -> HttpResponse:
    try:
        version = services.unit_for(request.user, unit_id, write=True)
    except DomainError as error:
        return render_refusal(request, error)
    page = "equipment/form.html"
    context = {"version": version, "title": _("Add premises"), "back": _back(unit_id)}
    form = PremisesForm(request.POST or None, initial={"status": PremisesStatus.IN_USE})
    if request.method != "POST":
        return render(request, page, {**context, "form": form})
    if not form.is_valid():
        return render_invalid_form(request, page, form, context)
    try:
        services.premises_add(
            actor=request.user,
            unit_id=unit_id,
            status=form.cleaned_data["status"],
            **_premises_args(form.cleaned_data),
        )
    except DomainError as error:
        return render_refusal(request, error, template=page, context=context, form=form)
    messages.success(request, _("The premises were added."))
    return redirect(_back(unit_id))


@login_required
def premises_edit(request: HttpRequest, premises_id: int) -> HttpResponse:
    """Change premises; handing them over (final) asks for a confirmation first."""
    try:
        premises = services.access_premises(request.user, premises_id, write=True)
        version = services.unit_for(request.user, premises.unit_id, write=True)
    except DomainError as error:
        return render_refusal(request, error)
    page = "equipment/form.html"
    back = request.GET.get("back") == "surplus"
    back_url = (
        reverse("equipment:surplus") + f"?province={premises.province_id}"
        if back
        else _back(premises.unit_id)
    )
    context = {"version": version, "title": _("Change premises"), "back": back_url}
    initial = {k: getattr(premises, k) for k in PremisesForm.base_fields}
    form = PremisesForm(request.POST or None, initial=initial)
    if request.method != "POST":
        return render(request, page, {**context, "form": form})
    if not form.is_valid():
        return render_invalid_form(request, page, form, context)
    data = form.cleaned_data
    if (
        data["status"] == PremisesStatus.HANDED_OVER
        and premises.status != PremisesStatus.HANDED_OVER
        and request.POST.get("confirmed") != "1"
    ):
        fields = {k: request.POST.get(k, "") for k in PremisesForm.base_fields}
        return render(
            request,
            "confirm.html",
            {
                "title": _("Hand over the premises"),
                "lead": _("Premises handed over leave the apparatus: their record is closed."),
                "rows": [(_("Name"), premises.name), (_("Planned use"), data["planned_use"])],
                "warning": _("This cannot be undone."),
                "action": request.get_full_path(),
                "fields": {**fields, "confirmed": "1"},
                "button": _("Hand over"),
                "cancel_url": back_url,
            },
        )
    try:
        services.premises_update(
            actor=request.user,
            premises_id=premises.pk,
            status=data["status"],
            **_premises_args(data),
        )
    except DomainError as error:
        return render_refusal(request, error, template=page, context=context, form=form)
    messages.success(request, _("The premises were changed."))
    return redirect(back_url)


@login_required
def profile_edit(request: HttpRequest, unit_id: int) -> HttpResponse:
    try:
        version = services.unit_for(request.user, unit_id, write=True)
    except DomainError as error:
        return render_refusal(request, error)
    page = "equipment/form.html"
    context = {"version": version, "title": _("Figures of the unit"), "back": _back(unit_id)}
    found = selectors.profile_of(unit_id)
    initial = (
        {
            "officers": found.officers,
            "counters": found.counters,
            "headquarters": found.headquarters_id,
        }
        if found
        else {}
    )
    form = ProfileForm(request.POST or None, initial=initial, premises=_premises_choices(unit_id))
    if request.method != "POST":
        return render(request, page, {**context, "form": form})
    if not form.is_valid():
        return render_invalid_form(request, page, form, context)
    try:
        services.profile_set(
            actor=request.user,
            unit_id=unit_id,
            officers=form.cleaned_data["officers"],
            counters=form.cleaned_data["counters"],
            headquarters_id=form.cleaned_data["headquarters"],
        )
    except DomainError as error:
        return render_refusal(request, error, template=page, context=context, form=form)
    messages.success(request, _("The figures were saved."))
    return redirect(_back(unit_id))


@login_required
def import_page(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Upload a workbook of the unit's lines: all rows or none, the problems by row and column."""
    try:
        version = services.unit_for(request.user, unit_id, write=True)
    except DomainError as error:
        return render_refusal(request, error)
    page = "equipment/import.html"
    context = {"version": version, "back": _back(unit_id), "columns": importer.COLUMNS}
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return render(request, page, {**context, "form": form})
    if not form.is_valid():
        return render_invalid_form(request, page, form, context)
    try:
        content, filename = read_upload(form.cleaned_data["file"], default_name="inventory.xlsx")
        done = importer.inventory_import(
            actor=request.user, content=content, filename=filename, unit_id=unit_id
        )
    except DomainError as error:
        return render_refusal(request, error, template=page, context=context, form=form)
    messages.success(request, _("%(lines)s lines imported.") % done)
    return redirect(_back(unit_id))


@login_required
def template_download(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(importer.template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="equipment-inventory-template.xlsx"'
    return response
