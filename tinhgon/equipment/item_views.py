"""Pages of the item types (/equipment/item-types/): the list, with how many lines, standards and
transfers use each type, for everyone who signs in; a new type, a change, and the deletion of a
type nothing uses (a confirmation page), for a superuser: item types are national, shared by
every province's standards and inventories. The same services as the API."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tinhgon.accounts.access import scope_for
from tinhgon.core import text
from tinhgon.core.errors import DomainError, Forbidden
from tinhgon.core.views import render_invalid_form, render_refusal
from tinhgon.equipment import selectors, services
from tinhgon.equipment.forms import ItemTypeForm
from tinhgon.equipment.models import Category, ItemType

FIELDS = ("name", "category", "unit_of_measure", "unit_price", "source", "movable")


def _may_edit(user) -> bool:  # type: ignore[no-untyped-def]
    """Whether the user may write item types (national: as the national standards)."""
    return scope_for(user).everything


def _refused() -> Forbidden:
    return Forbidden(
        _("Item types are shared by every province: a superuser creates and changes them.")
    )


def _back() -> str:
    return reverse("equipment:item_types")


@login_required
def item_types(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.item_types_with_uses()[:1000])
    return render(
        request,
        "equipment/item_types.html",
        {"rows": rows, "may_edit": _may_edit(request.user)},
    )


@login_required
def item_type_new(request: HttpRequest) -> HttpResponse:
    if not _may_edit(request.user):
        return render_refusal(request, _refused())
    page = "equipment/form.html"
    context = {"title": _("New item type"), "back": _back()}
    form = ItemTypeForm(request.POST or None)
    if request.method != "POST":
        return render(request, page, {**context, "form": form})
    if not form.is_valid():
        return render_invalid_form(request, page, form, context)
    try:
        made = services.item_type_create(actor=request.user, **form.cleaned_data)
    except DomainError as error:
        return render_refusal(request, error, template=page, context=context, form=form)
    messages.success(request, _("Item type %(code)s was created.") % {"code": made.code})
    return redirect(_back())


def _editable(request: HttpRequest, code: str) -> ItemType:
    if not _may_edit(request.user):
        raise _refused()
    return services.item_type_get(code)


@login_required
def item_type_edit(request: HttpRequest, code: str) -> HttpResponse:
    try:
        item_type = _editable(request, code)
    except DomainError as error:
        return render_refusal(request, error)
    page = "equipment/form.html"
    context: dict[str, Any] = {
        "title": _("Change item type %(code)s") % {"code": item_type.code},
        "back": _back(),
        "extra_action": (
            reverse("equipment:item_type_delete", kwargs={"code": item_type.code}),
            _("Delete"),
        ),
    }
    initial = {"code": item_type.code, **{k: getattr(item_type, k) for k in FIELDS}}
    form = ItemTypeForm(request.POST or None, initial=initial, fixed_code=True)
    if request.method != "POST":
        return render(request, page, {**context, "form": form})
    if not form.is_valid():
        return render_invalid_form(request, page, form, context)
    try:
        services.item_type_update(
            actor=request.user,
            code=item_type.code,
            **{k: form.cleaned_data[k] for k in FIELDS},
        )
    except DomainError as error:
        return render_refusal(request, error, template=page, context=context, form=form)
    messages.success(request, _("Item type %(code)s was changed.") % {"code": item_type.code})
    return redirect(_back())


@login_required
def item_type_delete(request: HttpRequest, code: str) -> HttpResponse:
    """The confirmation page of a deletion (it cannot be undone); a type in use is refused with
    its counts before anything is offered."""
    try:
        item_type = _editable(request, code)
        services.item_type_refuse_if_used(item_type)
    except DomainError as error:
        return render_refusal(request, error)
    if request.method == "POST":
        try:
            services.item_type_delete(actor=request.user, code=item_type.code)
        except DomainError as error:
            return render_refusal(request, error)
        messages.success(request, _("Item type %(code)s was deleted.") % {"code": item_type.code})
        return redirect(_back())
    return render(
        request,
        "confirm.html",
        {
            "title": _("Delete item type %(code)s") % {"code": item_type.code},
            "lead": _(
                "No inventory line, standard or transfer uses this item type: it was likely "
                "created by mistake."
            ),
            "rows": [
                (_("Code"), item_type.code),
                (_("Name"), item_type.name),
                (_("Category"), Category(item_type.category).label),
                (_("Unit of measure"), item_type.unit_of_measure),
                (_("Estimated unit price (VND)"), text.number(item_type.unit_price)),
            ],
            "warning": _("A deletion cannot be undone."),
            "action": "",
            "fields": {},
            "button": _("Delete"),
            "cancel_url": reverse("equipment:item_type", kwargs={"code": item_type.code}),
        },
    )
