"""Staff pages of the one-stop workflow: the work list, a dossier with the moves legal now, and
filing at a counter. Every page reads through the access functions and writes through the same
services as the API (moves.apply)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.accounts.access import scope_for, visible_versions
from tinhgon.core.errors import DomainError, Forbidden, NotFound, Problem
from tinhgon.core.views import render_invalid_form, render_refusal
from tinhgon.publicservices import moves, services, worklist
from tinhgon.publicservices.forms import FileForm, MoveForm, WorkListForm
from tinhgon.publicservices.models import Dossier, ProcedureVersion, Status
from tinhgon.units import selectors as units
from tinhgon.units.kinds import Level
from tinhgon.units.models import UnitVersion

PAGE_SIZE = 50
# Above this many administrative units in scope the unit is typed, not chosen from a list.
CHOOSER_LIMIT = 300


def _administrative_units(user, day: dt.date):  # type: ignore[no-untyped-def]
    return visible_versions(user, day).filter(
        unit_id__in=units.versions_on(day)
        .filter(level__in=[Level.PROVINCE, Level.COMMUNE])
        .values("admin_unit_id")
    )


def _chooser(user, day: dt.date) -> list[tuple[str, str]] | None:  # type: ignore[no-untyped-def]
    found = list(_administrative_units(user, day).vietnamese_order()[: CHOOSER_LIMIT + 1])
    if len(found) > CHOOSER_LIMIT:
        return None
    return [(v.code, v.name) for v in found]


def _visible_by_code(user, code: str, day: dt.date) -> UnitVersion | None:  # type: ignore[no-untyped-def]
    return visible_versions(user, day).filter(code=code).first()


@login_required
def work_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    today = timezone.localdate()
    form = WorkListForm(
        request.GET or None, units=_chooser(request.user, today), initial={"state": "open"}
    )
    data: dict[str, Any] = {"state": "open"}
    if request.GET:
        data = form.cleaned_data if form.is_valid() else {}
    unit_id = None
    if data.get("unit"):
        version = _visible_by_code(request.user, data["unit"], today)
        if version is None:
            form.add_error("unit", _("No unit with this code in your scope."))
        else:
            unit_id = version.unit_id
    if form.is_bound and not form.is_valid():
        return render_invalid_form(request, "services/list.html", form, {"rows": []})
    state = data.get("state")
    filters = worklist.Filters(
        unit_id=unit_id,
        open={"open": True, "finished": False}.get(state or ""),
        status=data.get("status"),
        overdue=True if data.get("overdue") else None,
        assigned_to_me=bool(data.get("mine")),
    )
    offset = data.get("offset") or 0
    found = list(worklist.dossiers(request.user, filters, now=now)[offset : offset + PAGE_SIZE + 1])
    rows = [{"dossier": d, "timeliness": d.timeliness(now)} for d in found[:PAGE_SIZE]]
    return render(
        request,
        "services/list.html",
        {
            "form": form,
            "rows": rows,
            "offset": offset,
            "previous": _page_link(request, offset - PAGE_SIZE) if offset > 0 else None,
            "next": _page_link(request, offset + PAGE_SIZE) if len(found) > PAGE_SIZE else None,
            "may_file": scope_for(request.user).can_write_anything,
        },
    )


def _page_link(request: HttpRequest, offset: int) -> str:
    query: QueryDict = request.GET.copy()
    query["offset"] = str(max(offset, 0))
    return f"?{query.urlencode()}"


# -- a dossier -------------------------------------------------------------------------------
# Form fields each move draws (moves.NEEDS: "note?" is an optional note).
FIELDS = {
    "note": "note",
    "note?": "note",
    "assignee": "assignee",
    "amount": "amount",
    "to_unit_id": "to_unit",
    "new_due_at": "new_due_at",
    "reason": "reason",
}


USUAL_NEXT: dict[int, str] = {
    Status.REGISTERED: "receive",
    Status.RECEIVED: "assign",
    Status.PROCESSING: "approve",
    Status.SUPPLEMENT: "supplement",
    Status.PAYMENT: "pay",
    Status.DONE: "return_result",
}


def _move_form(dossier: Dossier, move: str, data=None, *, me: str = "") -> MoveForm:  # type: ignore[no-untyped-def]
    officials: list[tuple[str, str]] = []
    if move == "assign":
        officials = [
            (u.get_username(), u.get_full_name() or u.get_username())
            for u in moves.officials_for(dossier)
        ]
    # Handing the dossier to oneself is the common case at a commune's desk.
    form = MoveForm(
        data, prefix=move, officials=officials, auto_id="id_%s", initial={"assignee": me}
    )
    for need in moves.NEEDS.get(move, ()):
        if not need.endswith("?"):
            form.fields[FIELDS[need]].widget.attrs["required"] = "required"
    return form


def _move_panels(
    dossier: Dossier, legal: list[str], failed: MoveForm | None, *, me: str
) -> list[dict]:
    panels = []
    # One primary action: the usual next step from the status, first; the others after it.
    usual = USUAL_NEXT.get(dossier.status)
    for move in sorted(legal, key=lambda m: m != usual):
        form = failed if failed is not None and failed.prefix == move else None
        form = form or _move_form(dossier, move, me=me)
        panels.append(
            {
                "move": move,
                "label": services.move_name(move),
                "form": form,
                "fields": [form[FIELDS[need]] for need in moves.NEEDS.get(move, ())],
                "irreversible": move in moves.IRREVERSIBLE,
                "primary": move == usual,
            }
        )
    return panels


def _detail_context(request: HttpRequest, dossier: Dossier, failed: MoveForm | None = None):  # type: ignore[no-untyped-def]
    now = timezone.now()
    writable = worklist.may_change(request.user, dossier)
    shown = worklist.detail(dossier, now=now, contact=writable)
    dossier = Dossier.objects.select_related("procedure__procedure", "assignee").get(pk=dossier.pk)
    panels = _move_panels(dossier, shown["moves"], failed, me=request.user.get_username())
    panels = panels if writable else []
    return {
        "dossier": dossier,
        "shown": shown,
        "has_primary": any(p["primary"] for p in panels),
        "secondary": [p for p in panels if not p["primary"]],
        # A move refused with what was typed: its form shows open, with the problems.
        "secondary_open": failed is not None and failed.prefix != USUAL_NEXT.get(dossier.status),
        "events": shown["events"],
        "timeliness": dossier.timeliness(now),
        "writable": writable,
        "panels": panels,
    }


@login_required
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        dossier = services.access_dossier(request.user, code)
    except DomainError as error:
        return render_refusal(request, error)
    return render(request, "services/detail.html", _detail_context(request, dossier))


def _given(request: HttpRequest, form: MoveForm) -> moves.MoveInput:
    data = form.cleaned_data
    to_unit_id = None
    if data.get("to_unit"):
        version = _visible_by_code(request.user, data["to_unit"], timezone.localdate())
        if version is None:
            raise DomainError(
                _("No unit with this code in your scope."),
                problems=[Problem(_("not found"), field="to_unit")],
            )
        to_unit_id = version.unit_id
    day = data.get("new_due_at")
    return moves.MoveInput(
        note=data.get("note") or "",
        assignee=data.get("assignee") or None,
        amount=data.get("amount"),
        to_unit_id=to_unit_id,
        new_due_at=services.close_of_business(day) if day else None,
        reason=data.get("reason") or "",
    )


@login_required
def dossier_move(request: HttpRequest, code: str, move: str) -> HttpResponse:
    """Apply a move from its form on the dossier page; an irreversible one shows its
    confirmation page first. A move's address opened as a page leads to the dossier."""
    if request.method != "POST":
        return redirect("services:detail", code=code[:64])
    try:
        if move not in moves.MOVES:
            raise NotFound(_("No such move."))
        dossier = services.access_dossier(request.user, code, write=True)
    except DomainError as error:
        return render_refusal(request, error)
    form = _move_form(dossier, move, request.POST)
    if not form.is_valid():
        return _detail_again(request, dossier, form, None)
    try:
        given = _given(request, form)
        if move in moves.IRREVERSIBLE and not form.cleaned_data.get("confirmed"):
            return _confirm(request, dossier, move, form)
        moves.apply(request.user, dossier.code, move, given)
    except DomainError as error:
        if error.status in (403, 404):
            return render_refusal(request, error)
        return _detail_again(request, dossier, form, error)
    messages.success(
        request,
        _("Done: %(move)s, dossier %(code)s.")
        % {"move": services.move_name(move), "code": dossier.code},
    )
    return redirect("services:detail", code=dossier.code)


def _detail_again(
    request: HttpRequest, dossier: Dossier, form: MoveForm, error: DomainError | None
) -> HttpResponse:
    """The dossier page again with what was typed and the problems on top (400, 409)."""
    context = _detail_context(request, Dossier.objects.get(pk=dossier.pk), failed=form)
    if error is None:
        return render_invalid_form(request, "services/detail.html", form, context)
    return render_refusal(
        request, error, template="services/detail.html", context=context, form=form
    )


def _confirm(request: HttpRequest, dossier: Dossier, move: str, form: MoveForm) -> HttpResponse:
    note = form.cleaned_data.get("note") or ""
    rows = [
        (_("Dossier"), dossier.code),
        (_("Procedure"), dossier.procedure.name),
        (_("Applicant"), f"{dossier.applicant_name} ({dossier.applicant_id_masked})"),
    ]
    if note:
        rows.append((_("Note or reason"), note))
    return render(
        request,
        "confirm.html",
        {
            "title": _("Confirm: %(move)s") % {"move": services.move_name(move)},
            "lead": _("Dossier %(code)s will be %(move)s. This cannot be undone.")
            % {"code": dossier.code, "move": services.move_name(move)},
            "rows": rows,
            "warning": _("The applicant is told of it, and the dossier's history keeps it."),
            "action": reverse("services:move", kwargs={"code": dossier.code, "move": move}),
            "fields": {f"{move}-note": note, f"{move}-confirmed": "on"},
            "button": services.move_name(move).capitalize(),
            "cancel_url": reverse("services:detail", kwargs={"code": dossier.code}),
        },
    )


# -- filing at a counter ---------------------------------------------------------------------
def _procedures(day: dt.date) -> list[tuple[str, str]]:
    versions = (
        ProcedureVersion.objects.filter(valid_from__lte=day)
        .exclude(valid_to__lt=day)
        .select_related("procedure")
        .order_by("procedure__code")
    )
    return [(v.procedure.code, f"{v.procedure.code} · {v.name}") for v in versions]


@login_required
def dossier_file(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).can_write_anything:
        return render_refusal(
            request, Forbidden(_("Your role is read-only: you may not file dossiers."))
        )
    today = timezone.localdate()
    home = _home_unit(request.user, today)
    form = FileForm(
        request.POST or None,
        procedures=_procedures(today),
        initial={"receiving_unit": home.code if home else "", "applicant_commune": ""},
    )
    communes = _communes(request.user, today)
    if communes:
        form.fields["applicant_commune"].widget.attrs["list"] = "communes"
    page = {"communes": communes}
    if request.method != "POST":
        return render(request, "services/file.html", {**page, "form": form})
    if not form.is_valid():
        return render_invalid_form(request, "services/file.html", form, page)
    data = form.cleaned_data
    try:
        commune = (
            units.versions_on(today)
            .filter(code=data["applicant_commune"], level=Level.COMMUNE)
            .first()
        )
        centre = _visible_by_code(request.user, data["receiving_unit"], today)
        problems = []
        if commune is None:
            problems.append(
                Problem(_("no commune or ward with this code"), field="applicant_commune")
            )
        if centre is None:
            problems.append(
                Problem(_("no unit with this code in your scope"), field="receiving_unit")
            )
        if problems:
            raise DomainError(_("The dossier was not filed."), problems=problems)
        assert commune is not None and centre is not None
        dossier = services.dossier_submit(
            actor=request.user,
            procedure_code=data["procedure"],
            applicant_kind=data["applicant_kind"],
            applicant_name=data["applicant_name"],
            applicant_id=data["applicant_id"],
            applicant_commune_id=commune.unit_id,
            channel=data["channel"],
            receiving_unit_id=centre.unit_id,
            applicant_email=data.get("applicant_email") or "",
            applicant_phone=data.get("applicant_phone") or "",
        )
    except DomainError as error:
        if error.status == 403:
            return render_refusal(request, error)
        return render_refusal(
            request, error, template="services/file.html", context=page, form=form
        )
    messages.success(request, _("Dossier %(code)s is filed.") % {"code": dossier.code})
    return redirect("services:detail", code=dossier.code)


def _communes(user, day: dt.date) -> list[UnitVersion]:  # type: ignore[no-untyped-def]
    """The communes and wards of the provinces in the user's scope, to pick the applicant's
    from (any centre of a province receives its residents' dossiers); none for a national
    scope: too many to list, the code is typed."""
    provinces = set(
        _administrative_units(user, day).values_list("province_id", flat=True).distinct()[:10]
    )
    provinces |= set(
        _administrative_units(user, day)
        .filter(level=Level.PROVINCE)
        .values_list("unit_id", flat=True)[:10]
    )
    provinces.discard(None)
    if not provinces or len(provinces) > 3:
        return []
    return list(
        units.versions_on(day)
        .filter(level=Level.COMMUNE, province_id__in=provinces, unit_id=F("admin_unit_id"))
        .vietnamese_order()[:CHOOSER_LIMIT]
    )


def _home_unit(user, day: dt.date) -> UnitVersion | None:  # type: ignore[no-untyped-def]
    """The unit of the user's first membership in force that is an administrative unit (where
    they most likely sit at the counter)."""
    from tinhgon.accounts.access import memberships_in_force

    for membership in memberships_in_force(user, day).order_by("id"):
        version = units.versions_on(day).filter(unit_id=membership.unit_id).first()
        if version is not None:
            return version
    return None
