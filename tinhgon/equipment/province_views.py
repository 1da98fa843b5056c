"""Pages of a province's equipment (/equipment/): the communes ranked by what they lack against
the standards (chart, table, Excel), the surplus premises after mergers, and the standards with
their versions (a new version: a form). A commune's officials, who do not read the province
whole, get the list of their own units instead."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.accounts.access import scope_for, visible_versions
from tinhgon.core.charts import bar_chart
from tinhgon.core.errors import DomainError, Forbidden, NotFound
from tinhgon.core.views import render_invalid_form, render_refusal
from tinhgon.equipment import exports, selectors, services
from tinhgon.equipment.forms import LineFormSet, StandardForm
from tinhgon.equipment.models import Standard
from tinhgon.equipment.unit_views import may_write
from tinhgon.units import selectors as units
from tinhgon.units.kinds import Kind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RANKED = 15


def _provinces(user) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    """The provinces the user reads whole, by name."""
    day = timezone.localdate()
    found = []
    for province_id in selectors.visible_provinces(user):
        try:
            version = selectors.province_for(user, province_id, day)
        except DomainError:
            continue
        found.append((version.unit_id, version.name))
    return sorted(found, key=lambda p: p[1])


def _chosen(request: HttpRequest) -> tuple[int | None, list[tuple[int, str]]]:
    provinces = _provinces(request.user)
    raw = request.GET.get("province", "")
    if raw.isdigit() and len(raw) < 19:
        return int(raw), provinces
    return (provinces[0][0] if provinces else None), provinces


def _own_units(user) -> list:  # type: ignore[no-untyped-def]
    """The units with a standard that the user reads (a commune's service centre, its office)."""
    day = timezone.localdate()
    kinds = set(Standard.objects.values_list("kind", flat=True))
    return list(visible_versions(user, day).filter(kind__in=kinds).vietnamese_order()[:100])


@login_required
def index(request: HttpRequest) -> HttpResponse:
    province_id, provinces = _chosen(request)
    if province_id is None:
        return render(request, "equipment/index.html", {"own_units": _own_units(request.user)})
    day = timezone.localdate()
    try:
        province = selectors.province_for(request.user, province_id, day)
    except DomainError as error:
        return render_refusal(request, error)
    gaps = selectors.province_gaps(request.user, province_id, day)
    ranked = selectors.ranking(gaps, day)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(exports.province_xlsx(ranked, gaps), content_type=XLSX)
        response["Content-Disposition"] = (
            f'attachment; filename="equipment-{province.code}-{day.isoformat()}.xlsx"'
        )
        return response
    short = [r for r in ranked if r.shortfall and r.inventoried]
    chart = None
    if short:
        chart = bar_chart(
            _("Communes furthest from the standard (share missing, %)"),
            [_("share missing")],
            [(r.name, [round(r.share)]) for r in short[:RANKED]],
        )
    # Each commune's units with a standard (its service centre, its office), for the links.
    links: dict[int, dict[int, str]] = {}
    for gap in gaps:
        if gap.required and gap.admin_unit_id:
            links.setdefault(gap.admin_unit_id, {})[gap.unit_id] = gap.unit_code
    return render(
        request,
        "equipment/index.html",
        {
            "province": province,
            "provinces": provinces,
            "ranked": [(r, sorted(links.get(r.unit_id, {}).items())) for r in ranked],
            "chart": chart,
            "cards": [
                (_("communes short of the standard"), len(short)),
                (_("communes with an inventory"), sum(1 for r in ranked if r.inventoried)),
                (_("communes without an inventory"), sum(1 for r in ranked if not r.inventoried)),
                (_("items missing"), sum(r.shortfall for r in short)),
            ],
            "cost": sum(r.cost for r in short),
        },
    )


def _provinces_in_scope(user) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    """The provinces in which the user reads some unit, by name."""
    day = timezone.localdate()
    ids = selectors.visible_provinces(user)
    found = units.versions_on(day).filter(unit_id__in=ids).values_list("unit_id", "name")
    return sorted(found, key=lambda p: p[1])


@login_required
def surplus(request: HttpRequest) -> HttpResponse:
    provinces = _provinces_in_scope(request.user)
    raw = request.GET.get("province", "")
    if not (raw.isdigit() and len(raw) < 19) and len(provinces) != 1:
        # None named, and not exactly one to default to: the chooser.
        return render(request, "equipment/surplus.html", {"provinces": provinces})
    province_id = int(raw) if raw.isdigit() and len(raw) < 19 else provinces[0][0]
    try:
        province = selectors.province_in_scope(request.user, province_id)
        rows = selectors.surplus_premises(request.user, province_id)
    except DomainError as error:
        return render_refusal(request, error)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(exports.surplus_xlsx(rows), content_type=XLSX)
        response["Content-Disposition"] = (
            f'attachment; filename="surplus-premises-{province.code}.xlsx"'
        )
        return response
    writable = {
        unit_id
        for unit_id in {r.premises.unit_id for r in rows}
        if may_write(request.user, unit_id)
    }
    return render(
        request,
        "equipment/surplus.html",
        {
            "province": province,
            "provinces": provinces,
            "rows": rows,
            "writable": writable,
            "candidates": sum(1 for r in rows if r.candidate),
        },
    )


def _readable(user):  # type: ignore[no-untyped-def]
    found = Standard.objects.select_related("province")
    if scope_for(user).everything:
        return found
    return found.filter(
        Q(province__isnull=True) | Q(province_id__in=selectors.visible_provinces(user))
    )


@login_required
def standards(request: HttpRequest) -> HttpResponse:
    found = list(
        _readable(request.user).order_by("kind", "role", "province_id", "-valid_from")[:500]
    )
    day = timezone.localdate()
    names = selectors.names_of({s.province_id for s in found if s.province_id}, day)
    rows = []
    for s in found:
        rows.append((s, names.get(s.province_id, ("", ""))[1] if s.province_id else ""))
    return render(request, "equipment/standards.html", {"rows": rows, "today": day})


@login_required
def standard(request: HttpRequest, standard_id: int) -> HttpResponse:
    found = _readable(request.user).filter(pk=standard_id).first()
    if found is None:
        return render_refusal(
            request, NotFound(_("Standard %(id)s does not exist.") % {"id": standard_id})
        )
    lines = found.items.select_related("item_type").order_by(
        "item_type__category", "item_type__code"
    )
    return render(
        request,
        "equipment/standard.html",
        {
            "standard": found,
            "kind": Kind(found.kind).label,
            "lines": lines,
            "may_edit": bool(_provinces(request.user))
            and scope_for(request.user).can_write_anything,
        },
    )


@login_required
def standard_new_version(request: HttpRequest, standard_id: int) -> HttpResponse:
    """A new version of a standard, from a date: the current lines to start from."""
    base = _readable(request.user).filter(pk=standard_id).first()
    if base is None:
        return render_refusal(
            request, NotFound(_("Standard %(id)s does not exist.") % {"id": standard_id})
        )
    national = scope_for(request.user).everything
    provinces = [
        (pid, name) for pid, name in _provinces(request.user) if may_write(request.user, pid)
    ]
    if not national and not provinces:
        return render_refusal(request, Forbidden(_("You may not change the standards.")))
    page = "equipment/standard_form.html"
    initial_lines = [
        {"item": i.item_type.code, "quantity": i.quantity, "per": i.per, "source": i.source}
        for i in base.items.select_related("item_type").order_by(
            "item_type__category", "item_type__code"
        )
    ]
    form = StandardForm(
        request.POST or None,
        provinces=provinces,
        national=national,
        initial={
            "title": base.title,
            "source": base.source,
            "scope": base.province_id or (0 if national else provinces[0][0]),
        },
    )
    lines = LineFormSet(request.POST or None, initial=initial_lines, prefix="lines")
    context = {"base": base, "kind": Kind(base.kind).label, "lines": lines}
    if request.method != "POST":
        return render(request, page, {**context, "form": form})
    if not form.is_valid() or not lines.is_valid():
        return render_invalid_form(request, page, form, context)
    specs = [
        services.LineSpec(
            item=line["item"],
            quantity=line["quantity"],
            per=line["per"] or "fixed",
            source=line["source"],
        )
        for line in lines.cleaned_data
        if line.get("item") and line.get("quantity") is not None
    ]
    data = form.cleaned_data
    try:
        made = services.standard_version_create(
            actor=request.user,
            province_id=data["scope"] or None,
            kind=base.kind,
            role=base.role,
            valid_from=data["valid_from"],
            title=data["title"],
            source=data["source"],
            note=data["note"],
            lines=specs,
        )
    except DomainError as error:
        return render_refusal(request, error, template=page, context=context, form=form)
    messages.success(request, _("The new version was saved."))
    return redirect(reverse("equipment:standard", kwargs={"standard_id": made.pk}))
