"""Pages of the registry: browse the tree as of a date, search, and a unit with its history."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date

from tinhgon.core.errors import DomainError
from tinhgon.core.views import render_refusal
from tinhgon.units import access, selectors
from tinhgon.units.kinds import Level
from tinhgon.units.models import UnitVersion


def _day(request: HttpRequest) -> dt.date:
    raw = request.GET.get("as_of", "")
    parsed = parse_date(raw) if raw else None
    return parsed or timezone.localdate()


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    day = _day(request)
    visible = access.visible_versions(request.user, day)
    root_id = request.GET.get("root")
    try:
        if root_id:
            root = access.access_unit(request.user, int(root_id), day=day)
            children = list(visible.filter(parent_id=root.unit_id).vietnamese_order())
            chain = selectors.ancestor_ids(root.unit_id, day)
            found = {v.unit_id: v for v in visible.filter(unit_id__in=chain)}
            ancestors = [found[i] for i in reversed(chain) if i in found]
        else:
            root, ancestors = None, []
            children = _top_units(request, visible)
    except (DomainError, ValueError) as error:
        if isinstance(error, DomainError):
            return render_refusal(request, error)
        return render_refusal(request, DomainError("Invalid unit id.", status=400))
    child_counts = dict(
        selectors.versions_on(day)
        .filter(parent_id__in=[c.unit_id for c in children])
        .values_list("parent_id")
        .annotate(n=Count("id"))
        .values_list("parent_id", "n")
    )
    rows = [(child, child_counts.get(child.unit_id, 0)) for child in children]
    return render(
        request,
        "units/tree.html",
        {"day": day, "root": root, "ancestors": ancestors, "rows": rows},
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
    query = request.GET.get("q", "").strip()
    raw_day = request.GET.get("as_of", "")
    day = parse_date(raw_day) if raw_day else None
    page = None
    if query:
        # Without a date every name a unit ever had is searched, so old names still find units.
        scope = access.unit_filter(access.scope_for(request.user), day or timezone.localdate())
        base = UnitVersion.objects.filter(scope)
        results = selectors.search(query, day, base=base).vietnamese_order()
        page = Paginator(results, 50).get_page(request.GET.get("page"))
    return render(
        request, "units/search.html", {"query": query, "day": day, "raw_day": raw_day, "page": page}
    )


@login_required
def detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    try:
        current = access.access_any_version(request.user, unit_id)
    except DomainError as error:
        return render_refusal(request, error)
    versions = (
        UnitVersion.objects.filter(unit_id=unit_id).select_related("parent").order_by("valid_from")
    )
    parents = {
        v.parent_id: selectors.latest_version(v.parent_id).name for v in versions if v.parent_id
    }
    history = [(v, parents.get(v.parent_id) if v.parent_id else None) for v in versions]
    predecessors = [
        (link, selectors.latest_version(link.predecessor_id), distance)
        for link, distance in selectors.lineage(unit_id, direction="predecessors")
    ]
    successors = [
        (link, selectors.latest_version(link.successor_id), distance)
        for link, distance in selectors.lineage(unit_id, direction="successors")
    ]
    day = current.valid_to or timezone.localdate()
    children = (
        access.visible_versions(request.user, day)
        .filter(parent_id=unit_id)
        .vietnamese_order()[:500]
    )
    return render(
        request,
        "units/detail.html",
        {
            "unit": current,
            "history": history,
            "predecessors": predecessors,
            "successors": successors,
            "children": children,
            "children_day": day,
        },
    )
