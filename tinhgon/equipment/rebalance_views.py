"""Pages of rebalancing (/equipment/rebalance/): a province's runs and the button to propose one,
a run (totals, gaps by item before and after, the transfers as a table, the purchase list), and
its approval behind a confirmation page. The same services as the API and the command line
(rebalance.py), which check the scope through accounts.access."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tinhgon.core import text
from tinhgon.core.errors import DomainError, Forbidden, NotFound
from tinhgon.core.forms import MAX_ID
from tinhgon.core.views import render_refusal
from tinhgon.equipment import rebalance, selectors
from tinhgon.equipment.models import ItemType
from tinhgon.equipment.rebalance_models import RebalanceRun, RunStatus
from tinhgon.units import selectors as units
from tinhgon.units.models import UnitVersion

MAX_RUNS = 30


def readable_provinces(user) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    """The provinces the user reads whole, by name."""
    found = []
    for province_id in selectors.visible_provinces(user):
        try:
            version = rebalance.province_version(user, province_id)
        except DomainError:
            continue
        found.append((version.unit_id, version.name))
    return sorted(found, key=lambda p: p[1])


def own_province(request: HttpRequest) -> tuple[UnitVersion | None, list[tuple[int, str]]]:
    """The province of ?province= (its id, as the other equipment pages link it), else the
    first the user reads whole; None when there is none. With it, the provinces to choose from."""
    provinces = readable_provinces(request.user)
    raw = request.GET.get("province", "")
    if raw.isdigit() and len(raw) < 19:
        return rebalance.province_version(request.user, int(raw)), provinces
    if raw:
        raise NotFound(_("No such province."))
    if not provinces:
        return None, provinces
    return rebalance.province_version(request.user, provinces[0][0]), provinces


def may_manage(user, province_id: int) -> bool:  # type: ignore[no-untyped-def]
    try:
        rebalance.province_version(user, province_id, write=True)
    except (Forbidden, NotFound):
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def runs_page(request: HttpRequest) -> HttpResponse:
    """The province's runs, the latest first; POST proposes a new one."""
    if request.method == "POST":
        raw = request.POST.get("province_id", "")
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
            return render_refusal(request, NotFound(_("No such province.")))
        try:
            run = rebalance.rebalance_propose(actor=request.user, province_id=int(raw))
        except DomainError as error:
            return render_refusal(request, error)
        messages.success(
            request,
            _("Run %(run)s proposes %(n)s transfers.") % {"run": run.pk, "n": run.lines.count()},
        )
        return redirect("equipment:rebalance_run", run_id=run.pk)
    try:
        province, provinces = own_province(request)
    except DomainError as error:
        return render_refusal(request, error)
    runs: list[RebalanceRun] = []
    if province is not None:
        runs = list(
            RebalanceRun.objects.filter(province_id=province.unit_id).order_by("-pk")[:MAX_RUNS]
        )
    return render(
        request,
        "equipment/rebalance_list.html",
        {
            "province": province,
            "provinces": provinces,
            "runs": runs,
            "may_manage": province is not None and may_manage(request.user, province.unit_id),
        },
    )


def _context(run: RebalanceRun, user: Any) -> dict[str, Any]:
    data = rebalance.run_data(run)
    names = dict(ItemType.objects.values_list("code", "name"))
    moved = sum(t["quantity"] for t in data["transfers"])
    items = [
        {
            "code": code,
            "name": names.get(code, code),
            "before": row["before"],
            "after": row["after"],
            "closed": row["before"] - row["after"],
        }
        for code, row in data["gaps_by_item"].items()
    ]
    items.sort(key=lambda i: (-i["before"], i["code"]))
    for t in data["transfers"]:
        t["item_name"] = names.get(t["item"], t["item"])
    for p in data["purchases"]:
        p["item_name"] = names.get(p["item"], p["item"])
    solver = run.solver or {}
    return {
        "run": run,
        "data": data,
        "items": items,
        "moved": moved,
        "optimal": solver.get("optimal", {}),
        "greedy": solver.get("greedy", {}),
        "may_approve": run.status == RunStatus.PROPOSED and may_manage(user, run.province_id),
        "province": units.version_on(run.province_id, timezone.localdate()),
    }


@login_required
def run_page(request: HttpRequest, run_id: int) -> HttpResponse:
    try:
        run = rebalance.access_run(request.user, run_id)
    except DomainError as error:
        return render_refusal(request, error)
    return render(request, "equipment/rebalance_run.html", _context(run, request.user))


@login_required
@require_http_methods(["GET", "POST"])
def run_approve(request: HttpRequest, run_id: int) -> HttpResponse:
    """A confirmation page, then the approval: the inventory moves and cannot be moved back but by
    new transfers."""
    try:
        run = rebalance.access_run(request.user, run_id, write=True)
    except DomainError as error:
        return render_refusal(request, error)
    back = reverse("equipment:rebalance_run", kwargs={"run_id": run.pk})
    if request.method != "POST":
        context = _context(run, request.user)
        return render(
            request,
            "confirm.html",
            {
                "title": _("Approve rebalancing run %(run)s") % {"run": run.pk},
                "lead": _(
                    "The transfers are recorded and the items move from the giving units' "
                    "inventories to the receiving units' in one step."
                ),
                "rows": [
                    (_("Province"), context["province"].name),
                    (_("Gaps as of"), text.day(run.day)),
                    (_("Transfers"), text.number(len(context["data"]["transfers"]))),
                    (_("Items moved"), text.number(context["moved"])),
                    (_("Shortfall before"), text.number(context["data"]["gaps_before"])),
                    (_("Shortfall after"), text.number(context["data"]["gaps_after"])),
                    (_("Purchases (estimated, VND)"), text.number(run.cost)),
                ],
                "warning": _(
                    "Approval cannot be undone: putting the items back takes new transfers."
                ),
                "action": reverse("equipment:rebalance_approve", kwargs={"run_id": run.pk}),
                "fields": {"version": run.version},
                "button": _("Approve and move the items"),
                "cancel_url": back,
            },
        )
    raw = request.POST.get("version", "")
    version = int(raw) if raw.isdigit() and len(raw) < 10 else None
    try:
        rebalance.rebalance_approve(actor=request.user, run_id=run.pk, version=version)
    except DomainError as error:
        return render_refusal(request, error)
    messages.success(request, _("Run %(run)s is approved: the items were moved.") % {"run": run.pk})
    return redirect(back)
