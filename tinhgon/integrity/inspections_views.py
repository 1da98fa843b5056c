"""Pages of inspections (under /integrity/inspections/): the list with its filters, an
inspection's page (team, findings, recommendations with their overdue marks, sampled dossiers,
the summary), and one form per write. Each move (decide, start, conclude, close), the sample, an
acceptance and a withdrawal are confirmed on a page of their own before they are done.

The page reads through the same selectors as the API and writes through the same services; the
inspection's forms are shown only to its inspectors, a recommendation's report only to the unit
that must implement it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhgon.accounts.access import access_unit, scope_for, scopes_cached
from tinhgon.core.errors import DomainError, Forbidden, NotFound, invalid
from tinhgon.core.views import render_invalid_form, render_refusal
from tinhgon.integrity import inspections
from tinhgon.integrity import inspections_selectors as read
from tinhgon.integrity.inspections_api import detail, filtered
from tinhgon.integrity.models import (
    Inspection,
    InspectionKind,
    InspectionStatus,
    RecommendationStatus,
    SampleVerdict,
    Severity,
)
from tinhgon.units import selectors
from tinhgon.units.kinds import Level

PAGE_SIZE = 200
EXPORT_LIMIT = 5000
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXTAREA = forms.Textarea(attrs={"rows": 4})


# -- the list -----------------------------------------------------------------------------------


class ListFilter(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("Inspections"),
        required=False,
        choices=[("open", gettext_lazy("not concluded")), ("all", gettext_lazy("all"))],
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[("", gettext_lazy("all kinds")), *InspectionKind.choices],
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("any status")), *InspectionStatus.choices],
    )


class _Filters:
    def __init__(self, data: dict[str, Any]) -> None:
        self.unit_id = None
        self.open = True if data.get("state", "open") != "all" else None
        self.kind = data.get("kind") or None
        self.status = data.get("status") or None
        if self.status:
            self.open = None


@login_required
def index(request: HttpRequest) -> HttpResponse:
    form = ListFilter(request.GET or {"state": "open"})
    data = form.cleaned_data if form.is_valid() else {"state": "open"}
    with scopes_cached():
        found = filtered(request.user, _Filters(data)).order_by("-decided_on", "-id")
        ids = list(found.values_list("pk", flat=True)[:PAGE_SIZE])
        rows = read.inspection_rows(
            Inspection.objects.filter(pk__in=ids), today=timezone.localdate()
        )
    names = read.names(
        {r["inspecting_unit_id"] for r in rows} | {r["subject_unit_id"] for r in rows}
    )
    kinds, statuses = dict(InspectionKind.choices), dict(InspectionStatus.choices)
    for row in rows:
        row["kind_name"] = kinds.get(row["kind"], row["kind"])
        row["status_name"] = statuses.get(row["status"], row["status"])
        row["subject_name"] = names.get(row["subject_unit_id"], "")
        row["inspecting_name"] = names.get(row["inspecting_unit_id"], "")
    return render(
        request,
        "integrity/inspections/index.html",
        {
            "form": form,
            "rows": rows,
            "may_create": bool(_inspecting_units(request.user)),
        },
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """The list as filtered, in Excel: one sheet of inspections, one of their recommendations
    (those the reader may read)."""
    import io

    from openpyxl import Workbook

    from tinhgon.core.xlsx import append_row

    form = ListFilter(request.GET or {"state": "open"})
    data = form.cleaned_data if form.is_valid() else {"state": "open"}
    today = timezone.localdate()
    with scopes_cached():
        found = filtered(request.user, _Filters(data)).order_by("-decided_on", "-id")
        ids = list(found.values_list("pk", flat=True)[:EXPORT_LIMIT])
        rows = read.inspection_rows(Inspection.objects.filter(pk__in=ids), today=today)
        owed = read.recommendation_rows(
            read.visible_recommendations(request.user).filter(inspection_id__in=ids),
            today=today,
        )
    kinds, statuses = dict(InspectionKind.choices), dict(InspectionStatus.choices)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = str(_("Inspections"))[:31]
    append_row(
        sheet,
        [
            str(_("Inspection")),
            str(_("Decision number")),
            str(_("Decided on")),
            str(_("Title")),
            str(_("Kind")),
            str(_("Status")),
            str(_("Inspecting unit")),
            str(_("Subject unit")),
            str(_("Period inspected from")),
            str(_("Period inspected to")),
            str(_("Open recommendations")),
            str(_("overdue")),
        ],
    )
    for r in rows:
        append_row(
            sheet,
            [
                r["id"],
                r["decision_number"],
                r["decided_on"],
                r["title"],
                str(kinds.get(r["kind"], r["kind"])),
                str(statuses.get(r["status"], r["status"])),
                r["inspecting_unit"],
                r["subject_unit"],
                r["period_from"],
                r["period_to"],
                r["recommendations_open"],
                r["recommendations_overdue"],
            ],
        )
    second = book.create_sheet(str(_("Recommendations"))[:31])
    labels = dict(RecommendationStatus.choices)
    append_row(
        second,
        [
            str(_("Inspection")),
            str(_("Recommendation")),
            str(_("Unit to implement")),
            str(_("Due")),
            str(_("Status")),
            str(_("overdue")),
            str(_("Implemented on")),
            str(_("Evidence")),
        ],
    )
    for r in owed:
        append_row(
            second,
            [
                r["inspection_id"],
                r["text"],
                r["unit"],
                r["due"],
                str(labels.get(r["status"], r["status"])),
                "x" if r["overdue"] else "",
                r["implemented_on"],
                r["evidence"],
            ],
        )
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="inspections-{today}.xlsx"'
    return response


# -- an inspection ------------------------------------------------------------------------------

NEXT_MOVES = {
    InspectionStatus.PLANNED: ["decide"],
    InspectionStatus.DECIDED: ["start", "sample"],
    InspectionStatus.UNDERWAY: ["finding", "recommendation", "sample", "conclude"],
    InspectionStatus.CONCLUDED: ["finding", "recommendation", "close"],
    InspectionStatus.CLOSED: [],
}


@login_required
def inspection(request: HttpRequest, inspection_id: int) -> HttpResponse:
    try:
        with scopes_cached():
            shown = detail(request.user, inspection_id)
    except DomainError as error:
        return render_refusal(request, error)
    units = read.names({shown["inspecting_unit_id"], shown["subject_unit_id"]})
    labels = _labels()
    actions = []
    if shown["may_act"]:
        for action in NEXT_MOVES[InspectionStatus(shown["status"])]:
            if action == "sample" and (
                shown["kind"] != InspectionKind.PUBLIC_SERVICE or shown["samples"]
            ):
                continue
            actions.append((action, ACTIONS[action][0]))
    answering = {
        unit
        for unit in {r["unit_id"] for r in shown["recommendations"]}
        if inspections.writes(request.user, unit)
    }
    for row in shown["recommendations"]:
        row["status_name"] = labels["recommendation"].get(row["status"], row["status"])
        row["may_report"] = row["unit_id"] in answering and row["status"] in (
            RecommendationStatus.OPEN,
            RecommendationStatus.ESCALATED,
        )
    for row in shown["findings"]:
        row["severity_name"] = labels["severity"].get(row["severity"], row["severity"])
    for row in shown["samples"]:
        row["verdict_name"] = labels["verdict"].get(row["verdict"], row["verdict"])
    for member in shown["team"]:
        member["role_name"] = labels["role"].get(member["role"], member["role"])
    return render(
        request,
        "integrity/inspections/detail.html",
        {
            "i": shown,
            "kind_name": dict(InspectionKind.choices).get(shown["kind"], shown["kind"]),
            "status_name": dict(InspectionStatus.choices).get(shown["status"], shown["status"]),
            "inspecting": units.get(shown["inspecting_unit_id"], ""),
            "subject": units.get(shown["subject_unit_id"], ""),
            "actions": actions,
            "may_verdict": shown["may_act"]
            and shown["status"] in (InspectionStatus.UNDERWAY, InspectionStatus.CONCLUDED),
        },
    )


def _labels() -> dict[str, dict[str, Any]]:
    from tinhgon.integrity.models import TeamRole

    return {
        "recommendation": dict(RecommendationStatus.choices),
        "severity": dict(Severity.choices),
        "verdict": dict(SampleVerdict.choices),
        "role": dict(TeamRole.choices),
    }


# -- forms --------------------------------------------------------------------------------------


class DecideForm(forms.Form):
    decision_number = forms.CharField(label=gettext_lazy("Decision number"), max_length=80)
    decided_on = forms.DateField(label=gettext_lazy("Decided on"), widget=DATE)
    head = forms.CharField(label=gettext_lazy("Head of the team"), max_length=200)
    deputy = forms.CharField(label=gettext_lazy("Deputy head"), max_length=200, required=False)
    members = forms.CharField(
        label=gettext_lazy("Members"),
        help_text=gettext_lazy("One name a line."),
        max_length=6000,
        required=False,
        widget=TEXTAREA,
    )

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        team = [{"name": data["head"], "role": "head"}]
        if data["deputy"].strip():
            team.append({"name": data["deputy"], "role": "deputy"})
        team += [
            {"name": line, "role": "member"}
            for line in (line.strip() for line in data["members"].splitlines())
            if line
        ]
        return {
            "decision_number": data["decision_number"],
            "decided_on": data["decided_on"],
            "team": team,
        }


class StartForm(forms.Form):
    starts_on = forms.DateField(
        label=gettext_lazy("Starts on"),
        widget=DATE,
        required=False,
        help_text=gettext_lazy("Empty: today."),
    )

    def arguments(self) -> dict[str, Any]:
        return {"starts_on": self.cleaned_data["starts_on"] or timezone.localdate()}


class ConcludeForm(forms.Form):
    conclusion = forms.CharField(
        label=gettext_lazy("Conclusion"), max_length=20000, widget=TEXTAREA
    )
    concluded_on = forms.DateField(label=gettext_lazy("Concluded on"), widget=DATE)

    def arguments(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class EmptyForm(forms.Form):
    def arguments(self) -> dict[str, Any]:
        return {}


class FindingForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Finding"), max_length=20000, widget=TEXTAREA)
    severity = forms.ChoiceField(label=gettext_lazy("Severity"), choices=Severity.choices)
    dossier_code = forms.CharField(label=gettext_lazy("Dossier"), max_length=64, required=False)

    def arguments(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class RecommendationForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Recommendation"), max_length=20000, widget=TEXTAREA)
    due = forms.DateField(label=gettext_lazy("Due"), widget=DATE)
    unit = forms.CharField(
        label=gettext_lazy("Unit to implement"),
        help_text=gettext_lazy("Its code or name; empty: the subject unit."),
        max_length=200,
        required=False,
    )

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        unit_id = None
        if data["unit"].strip():
            try:
                unit_id = selectors.resolve(
                    data["unit"].strip(), day=timezone.localdate(), field="unit"
                ).unit_id
            except DomainError:
                raise invalid(
                    _("No unit named or coded '%(wanted)s'.") % {"wanted": data["unit"]},
                    field="unit",
                ) from None
        return {"text": data["text"], "due": data["due"], "unit_id": unit_id}


class SampleForm(forms.Form):
    size = forms.IntegerField(
        label=gettext_lazy("Dossiers to draw"),
        min_value=1,
        max_value=inspections.SAMPLE_LIMIT,
        initial=20,
    )
    seed = forms.IntegerField(
        label=gettext_lazy("Seed"),
        min_value=0,
        max_value=2**31 - 1,
        initial=1,
        help_text=gettext_lazy("The same seed draws the same dossiers."),
    )
    stratify = forms.BooleanField(
        label=gettext_lazy("Late and repeatedly sent back dossiers first"),
        required=False,
        initial=True,
    )

    def arguments(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class VerdictForm(forms.Form):
    sample = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    verdict = forms.ChoiceField(label=gettext_lazy("Verdict"), choices=SampleVerdict.choices)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=2000, required=False)

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"sample_id": data["sample"], "verdict": data["verdict"], "note": data["note"]}


# action: (title, form, confirm first, service)
ACTIONS: dict[str, tuple[Any, type[forms.Form], bool, Any]] = {
    "decide": (
        gettext_lazy("Record the decision"),
        DecideForm,
        True,
        inspections.inspection_decide,
    ),
    "start": (gettext_lazy("Start the inspection"), StartForm, True, inspections.inspection_start),
    "conclude": (
        gettext_lazy("Record the conclusion"),
        ConcludeForm,
        True,
        inspections.inspection_conclude,
    ),
    "close": (gettext_lazy("Close the inspection"), EmptyForm, True, inspections.inspection_close),
    "finding": (gettext_lazy("Record a finding"), FindingForm, False, inspections.finding_add),
    "recommendation": (
        gettext_lazy("Record a recommendation"),
        RecommendationForm,
        False,
        inspections.recommendation_add,
    ),
    "sample": (gettext_lazy("Draw the sample"), SampleForm, True, inspections.sample_draw),
    "verdict": (gettext_lazy("Record a verdict"), VerdictForm, False, inspections.sample_verdict),
}


def _confirmation(
    request: HttpRequest, form: forms.Form, title: str, back: str, warning: str
) -> HttpResponse:
    fields = {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "confirm")}
    rows = [
        (form.fields[name].label or name, value)
        for name, value in fields.items()
        if name in form.fields and value and not form.fields[name].widget.is_hidden
    ]
    return render(
        request,
        "confirm.html",
        {
            "title": title,
            "lead": _("Check what will be recorded."),
            "rows": rows,
            "warning": warning,
            "action": request.path,
            "fields": {**fields, "confirm": "1"},
            "button": title,
            "cancel_url": back,
        },
    )


WARNING = gettext_lazy("This cannot be undone: the inspection moves on and the move is recorded.")


def _act(
    request: HttpRequest,
    *,
    title: str,
    form_class: type[forms.Form],
    confirm: bool,
    back: str,
    call,  # type: ignore[no-untyped-def]
    context: dict[str, Any],
) -> HttpResponse:
    page = "integrity/inspections/form.html"
    context = {**context, "title": title, "back": back}
    if request.method != "POST":
        return render(request, page, {**context, "form": form_class()})
    form = form_class(request.POST)
    if not form.is_valid():
        return render_invalid_form(request, page, form, context)
    try:
        arguments = form.arguments()  # type: ignore[attr-defined]
        if confirm and request.POST.get("confirm") != "1":
            return _confirmation(request, form, title, back, str(WARNING))
        call(arguments)
    except DomainError as error:
        return render_refusal(request, error, template=page, context=context, form=form)
    messages.success(request, _("Recorded."))
    return redirect(back)


@login_required
def act(request: HttpRequest, inspection_id: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    title, form_class, confirm, service = ACTIONS[action]
    with scopes_cached():
        try:
            found = read.readable_inspection(request.user, inspection_id)
            if not inspections.may_inspect(request.user, found):
                raise Forbidden(_("Only the inspecting unit acts on this inspection."))
        except DomainError as error:
            return render_refusal(request, error)
        back = reverse("integrity:inspection", kwargs={"inspection_id": found.pk})

        def call(arguments: dict[str, Any]) -> None:
            if action == "verdict":
                if not found.samples.filter(pk=arguments["sample_id"]).exists():
                    raise invalid(_("This dossier is not in the sample."), field="sample")
                service(actor=request.user, **arguments)
            else:
                service(actor=request.user, inspection_id=found.pk, **arguments)

        return _act(
            request,
            title=str(title),
            form_class=form_class,
            confirm=confirm,
            back=back,
            call=call,
            context={"inspection": found},
        )


# -- a recommendation's answer and follow-up ----------------------------------------------------


class ReportForm(forms.Form):
    implemented_on = forms.DateField(
        label=gettext_lazy("Implemented on"),
        widget=DATE,
        required=False,
        help_text=gettext_lazy("Empty: today."),
    )
    evidence = forms.CharField(
        label=gettext_lazy("Evidence"),
        help_text=gettext_lazy("The documents that show it is done (numbers, dates)."),
        max_length=20000,
        widget=TEXTAREA,
    )

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "implemented_on": data["implemented_on"] or timezone.localdate(),
            "evidence": data["evidence"],
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000, widget=TEXTAREA)

    def arguments(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


ANSWERS: dict[str, tuple[Any, type[forms.Form], bool, Any, bool]] = {
    # action: (title, form, confirm first, service, the unit's (else the inspectors'))
    "report": (
        gettext_lazy("Report implementation"),
        ReportForm,
        False,
        inspections.recommendation_report,
        True,
    ),
    "accept": (
        gettext_lazy("Accept the report"),
        EmptyForm,
        True,
        inspections.recommendation_accept,
        False,
    ),
    "reject": (
        gettext_lazy("Send the report back"),
        ReasonForm,
        False,
        inspections.recommendation_reject,
        False,
    ),
    "withdraw": (
        gettext_lazy("Withdraw the recommendation"),
        ReasonForm,
        True,
        inspections.recommendation_withdraw,
        False,
    ),
}


@login_required
def answer(request: HttpRequest, recommendation_id: int, action: str) -> HttpResponse:
    if action not in ANSWERS:
        raise Http404
    title, form_class, confirm, service, the_unit = ANSWERS[action]
    with scopes_cached():
        try:
            found = read.readable_recommendation(request.user, recommendation_id)
            allowed = (
                inspections.may_answer(request.user, found)
                if the_unit
                else inspections.may_inspect(request.user, found.inspection)
            )
            if not allowed:
                raise Forbidden(
                    _("You may not do this to recommendation %(id)s.") % {"id": found.pk}
                )
        except DomainError as error:
            return render_refusal(request, error)
        back = reverse("integrity:inspection", kwargs={"inspection_id": found.inspection_id})
        return _act(
            request,
            title=str(title),
            form_class=form_class,
            confirm=confirm,
            back=back,
            call=lambda arguments: service(
                actor=request.user, recommendation_id=found.pk, **arguments
            ),
            context={"recommendation": found},
        )


# -- a new inspection ---------------------------------------------------------------------------


def _provinces(user, today: dt.date) -> list[int]:  # type: ignore[no-untyped-def]
    """The provinces the user reads at the provincial level (all of them for a superuser)."""
    scope = scope_for(user)
    if scope.everything:
        return list(
            selectors.versions_on(today)
            .filter(level=Level.PROVINCE, parent__isnull=True)
            .values_list("unit_id", flat=True)[:100]
        )
    return sorted({root.admin_unit_id for root in scope.roots if root.level == Level.PROVINCE})


def _inspecting_units(user) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    """The provincial inspectorates and people's committees the user may inspect for."""
    today = timezone.localdate()
    found = []
    for province in _provinces(user, today):
        for body in inspections.provincial_bodies(province, today):
            if inspections.writes(user, body):
                found.append(body)
    names = read.names(set(found))
    return [(unit, names.get(unit, str(unit))) for unit in found]


class NewForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=InspectionKind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    inspecting_unit = forms.TypedChoiceField(
        label=gettext_lazy("Inspecting unit"), coerce=int, choices=[]
    )
    subject_unit = forms.CharField(
        label=gettext_lazy("Subject unit"),
        help_text=gettext_lazy("Its code or name."),
        max_length=200,
    )
    period_from = forms.DateField(label=gettext_lazy("Period inspected from"), widget=DATE)
    period_to = forms.DateField(label=gettext_lazy("Period inspected to"), widget=DATE)
    scope = forms.CharField(label=gettext_lazy("Scope"), max_length=20000, widget=TEXTAREA)
    plan = forms.TypedChoiceField(
        label=gettext_lazy("Plan"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[],
    )

    def __init__(self, *args: Any, units: list[tuple[int, str]], user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["inspecting_unit"].choices = units  # type: ignore[attr-defined]
        plans = read.visible_plans(user).order_by("-year", "-id")[:20]
        self.fields["plan"].choices = [  # type: ignore[attr-defined]
            ("", _("none: an ad hoc inspection")),
            *((p.pk, f"{p.year}: {p.title}") for p in plans),
        ]


@login_required
def new(request: HttpRequest) -> HttpResponse:
    page = "integrity/inspections/form.html"
    units = _inspecting_units(request.user)
    context = {"title": _("A new inspection"), "back": reverse("integrity:inspections")}
    if request.method != "POST":
        return render(request, page, {**context, "form": NewForm(units=units, user=request.user)})
    form = NewForm(request.POST, units=units, user=request.user)
    if not form.is_valid():
        return render_invalid_form(request, page, form, context)
    data = form.cleaned_data
    try:
        with scopes_cached():
            try:
                subject = selectors.resolve(
                    data["subject_unit"], day=timezone.localdate(), field="subject_unit"
                )
            except DomainError:
                raise invalid(
                    _("No unit named or coded '%(wanted)s'.") % {"wanted": data["subject_unit"]},
                    field="subject_unit",
                ) from None
            access_unit(request.user, subject.unit_id)
            made = inspections.inspection_create(
                actor=request.user,
                kind=data["kind"],
                title=data["title"],
                inspecting_unit_id=data["inspecting_unit"],
                subject_unit_id=subject.unit_id,
                period_from=data["period_from"],
                period_to=data["period_to"],
                scope=data["scope"],
                plan_id=data["plan"],
            )
    except DomainError as error:
        return render_refusal(request, error, template=page, context=context, form=form)
    messages.success(request, _("Recorded."))
    return redirect("integrity:inspection", inspection_id=made.pk)


# -- the yearly plan ----------------------------------------------------------------------------


def _plan_provinces(user) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    """The provinces whose plan the user may draft and approve."""
    today = timezone.localdate()
    allowed = [
        province
        for province in _provinces(user, today)
        if any(inspections.writes(user, b) for b in inspections.provincial_bodies(province, today))
    ]
    names = read.names(set(allowed))
    return sorted(((p, names.get(p, str(p))) for p in allowed), key=lambda pair: pair[1])


class PlanForm(forms.Form):
    province = forms.TypedChoiceField(label=gettext_lazy("Province"), coerce=int, choices=[])
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)

    def __init__(self, *args: Any, provinces: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = provinces  # type: ignore[attr-defined]
        self.fields["year"].initial = timezone.localdate().year


class ApproveForm(forms.Form):
    decision_number = forms.CharField(label=gettext_lazy("Decision number"), max_length=80)
    approved_on = forms.DateField(label=gettext_lazy("Approved on"), widget=DATE)

    def arguments(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


@login_required
def plans(request: HttpRequest) -> HttpResponse:
    page = "integrity/inspections/plans.html"
    with scopes_cached():
        provinces = _plan_provinces(request.user)
        found = list(
            read.visible_plans(request.user)
            .annotate(planned=Count("inspections"))
            .order_by("-year", "id")[:PAGE_SIZE]
        )
    names = read.names({p.province_id for p in found})
    context = {
        "plans": [(p, names.get(p.province_id, "")) for p in found],
        "may_draft": bool(provinces),
        "approvers": {province for province, _name in provinces},
    }
    if request.method != "POST":
        return render(request, page, {**context, "form": PlanForm(provinces=provinces)})
    form = PlanForm(request.POST, provinces=provinces)
    if not form.is_valid():
        return render_invalid_form(request, page, form, context)
    try:
        inspections.plan_create(
            actor=request.user,
            **{
                "province_id": form.cleaned_data["province"],
                "year": form.cleaned_data["year"],
                "title": form.cleaned_data["title"],
            },
        )
    except DomainError as error:
        return render_refusal(request, error, template=page, context=context, form=form)
    messages.success(request, _("Recorded."))
    return redirect("integrity:inspection-plans")


@login_required
def plan_approve(request: HttpRequest, plan_id: int) -> HttpResponse:
    with scopes_cached():
        found = read.visible_plans(request.user).filter(pk=plan_id).first()
        if found is None:
            return render_refusal(
                request,
                NotFound(
                    _("Plan %(id)s does not exist or is not in your scope.") % {"id": plan_id}
                ),
            )
        today = timezone.localdate()
        bodies = inspections.provincial_bodies(found.province_id, today)
        if not any(inspections.writes(request.user, body) for body in bodies):
            return render_refusal(
                request,
                Forbidden(
                    _(
                        "Only the province's inspectorate or its people's committee drafts and "
                        "approves the inspection plan."
                    )
                ),
            )
        return _act(
            request,
            title=str(_("Approve the plan")),
            form_class=ApproveForm,
            confirm=True,
            back=reverse("integrity:inspection-plans"),
            call=lambda arguments: inspections.plan_approve(
                actor=request.user, plan_id=found.pk, **arguments
            ),
            context={"plan": found},
        )
