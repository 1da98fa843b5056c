"""Pages of the registry: browse the tree as of a date, search, and a unit with its history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tinhgon.core.errors import DomainError
from tinhgon.core.views import error_summary, render_refusal
from tinhgon.units import access, sections, selectors
from tinhgon.units.forms import AsOfForm, SearchForm
from tinhgon.units.kinds import KIND_INFO, Category, Level
from tinhgon.units.models import UnitVersion


def by_category(versions: Iterable[UnitVersion]) -> list[tuple[str, list[UnitVersion]]]:
    """Versions grouped by category (administrative units first, then party, state, ...), each
    group in the order given: a province's communes apart from its agencies."""
    groups: dict[str, list[UnitVersion]] = {}
    for version in versions:
        groups.setdefault(KIND_INFO[version.kind].category, []).append(version)
    return [(str(Category(c).label), groups[c]) for c in Category.values if c in groups]


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    form = AsOfForm(request.GET)
    valid = form.is_valid()
    day = (form.cleaned_data.get("as_of") if valid else None) or timezone.localdate()
    root_id = form.cleaned_data.get("root") if valid else None
    visible = access.visible_versions(request.user, day)
    try:
        if root_id:
            root = access.access_unit(request.user, root_id, day=day)
            children = list(visible.filter(parent_id=root.unit_id).vietnamese_order())
            chain = selectors.ancestor_ids(root.unit_id, day)
            found = {v.unit_id: v for v in visible.filter(unit_id__in=chain)}
            ancestors = [found[i] for i in reversed(chain) if i in found]
        else:
            root, ancestors = None, []
            children = _top_units(request, visible)
    except DomainError as error:
        return render_refusal(request, error)
    child_counts = dict(
        selectors.versions_on(day)
        .filter(parent_id__in=[c.unit_id for c in children])
        .values_list("parent_id")
        .annotate(n=Count("id"))
        .values_list("parent_id", "n")
    )
    groups = [
        (label, [(child, child_counts.get(child.unit_id, 0)) for child in members])
        for label, members in by_category(children)
    ]
    return render(
        request,
        "units/tree.html",
        {
            "day": day,
            "root": root,
            "ancestors": ancestors,
            "groups": groups,
            "form": form,
            "error_summary": error_summary(form=form) if not valid else None,
        },
        status=200 if valid else 400,
    )


def _top_units(request: HttpRequest, visible) -> list[UnitVersion]:  # type: ignore[no-untyped-def]
    """Provinces for a national user; otherwise the administrative units the user belongs to."""
    scope = access.scope_for(request.user)
    if scope.everything:
        return list(visible.filter(level=Level.PROVINCE, parent__isnull=True).vietnamese_order())
    ids = [root.admin_unit_id for root in scope.roots]
    return list(visible.filter(unit_id__in=ids).vietnamese_order())


@login_required
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "units/search.html",
            {"form": form, "query": "", "error_summary": error_summary(form=form)},
            status=400,
        )
    query = form.cleaned_data["q"].strip()
    day = form.cleaned_data["as_of"]
    page, rows = None, []
    if query:
        # Without a date every name a unit ever had is searched, so old names still find units.
        scope = access.unit_filter(access.scope_for(request.user), day or timezone.localdate())
        base = UnitVersion.objects.filter(scope)
        results = selectors.search(query, day, base=base).vietnamese_order()
        page = Paginator(results, 50).get_page(form.cleaned_data["page"])
        rows = placed(list(page), timezone.localdate())
    return render(
        request,
        "units/search.html",
        {"form": form, "query": query, "day": day, "page": page, "rows": rows},
    )


def placed(versions: list[UnitVersion], today: dt.date) -> list[dict]:
    """Each version with the names of its parent and its province at the time (two queries)."""
    probes = {v.pk: selectors.probe_day(v, today) for v in versions}
    wanted = {(v.parent_id, probes[v.pk]) for v in versions if v.parent_id}
    wanted |= {(v.province_id, probes[v.pk]) for v in versions if v.province_id}
    names = selectors.versions_at(wanted)

    def name(unit_id: int | None, day: dt.date) -> str | None:
        found = names.get((unit_id, day)) if unit_id else None
        return found.name if found else None

    return [
        {
            "version": v,
            "parent": name(v.parent_id, probes[v.pk]),
            # A province is its own province: say nothing rather than repeat its name.
            "province": name(v.province_id, probes[v.pk]) if v.province_id != v.unit_id else None,
        }
        for v in versions
    ]


@login_required
def detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    try:
        current = access.access_any_version(request.user, unit_id)
    except DomainError as error:
        return render_refusal(request, error)
    versions = list(UnitVersion.objects.filter(unit_id=unit_id).order_by("valid_from"))
    history = placed(versions, timezone.localdate())
    day = current.valid_to or timezone.localdate()
    children = list(
        access.visible_versions(request.user, day)
        .filter(parent_id=unit_id)
        .vietnamese_order()[:500]
    )
    lineage = selectors.lineage_events(unit_id)
    return render(
        request,
        "units/detail.html",
        {
            "unit": current,
            "history": history,
            "before": lineage["before"],
            "after": lineage["after"],
            "child_groups": by_category(children),
            "children_day": day,
            "sections": sections.render_sections(request, current, day),
        },
    )
