"""Pages of periodic reports: the reports to submit, templates and rounds, submitting a report
(a form built from the template's typed fields), who has not submitted, the consolidated table,
chart and spreadsheet; and the province's coordination figures. The same services as the API
(reports.py, figures.py), which check the scope through accounts.access."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhgon.accounts.access import visible_versions
from tinhgon.coordination import figures, reports
from tinhgon.coordination.models import DutyStatus, Period, ReportTemplate
from tinhgon.coordination.obstacles import provinces_of
from tinhgon.core.charts import bar_chart
from tinhgon.core.errors import DomainError, NotFound
from tinhgon.core.forms import DayField
from tinhgon.core.views import render_invalid_form, render_refusal
from tinhgon.units.kinds import Kind, Level

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RANKED = 30
FIELDS_EXAMPLE = json.dumps(
    [
        {"key": "staff", "label": "Số cán bộ", "type": "number", "min": 0, "integer": True},
        {"key": "progress", "label": "Tiến độ", "type": "choice", "choices": ["Xong", "Chưa"]},
    ],
    ensure_ascii=False,
)


def _bodies(user) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    """The provincial bodies the user sees, as choices of a template's owner."""
    today = timezone.localdate()
    found = visible_versions(user, today).filter(
        level=Level.PROVINCE, kind__in=[Kind.DEPARTMENT, Kind.PEOPLES_COMMITTEE]
    )
    return [(v.unit_id, v.name) for v in found.vietnamese_order()[:300]]


def _templates(user) -> list[ReportTemplate]:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    owners = visible_versions(user, today).filter(level=Level.PROVINCE).values("unit_id")
    return list(ReportTemplate.objects.filter(owner_id__in=owners).order_by("-created_at")[:200])


# -- the index -------------------------------------------------------------------------------
@login_required
def index(request: HttpRequest) -> HttpResponse:
    duties = list(reports.duties_of(request.user, open_only=True)[:200])
    codes = reports.unit_names({d.unit_id for d in duties}, timezone.localdate())
    return render(
        request,
        "coordination/reports/index.html",
        {
            "duties": [(d, codes[d.unit_id]) for d in duties],
            "rounds": list(reports.rounds_visible(request.user)[:100]),
            "templates": _templates(request.user),
            "today": timezone.localdate(),
        },
    )


# -- templates and rounds --------------------------------------------------------------------
class TemplateForm(forms.Form):
    owner = forms.TypedChoiceField(label=gettext_lazy("Owning body"), coerce=int)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=reports.NAME_LIMIT)
    period = forms.ChoiceField(label=gettext_lazy("Period"), choices=Period.choices)
    field_list = forms.CharField(
        label=gettext_lazy("Fields"),
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        max_length=100_000,
        help_text=gettext_lazy(
            "A JSON list: each field has a key, a label and a type (number, text, choice, file)."
        ),
    )

    def __init__(self, *args: Any, bodies: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = bodies  # type: ignore[attr-defined]

    def clean_field_list(self) -> Any:
        try:
            return json.loads(self.cleaned_data["field_list"])
        except ValueError:
            raise forms.ValidationError(_("This is not valid JSON.")) from None


@login_required
def template_new(request: HttpRequest) -> HttpResponse:
    page = "coordination/reports/template_form.html"
    form = TemplateForm(
        request.POST or None,
        bodies=_bodies(request.user),
        initial={"field_list": FIELDS_EXAMPLE},
    )
    if request.method != "POST":
        return render(request, page, {"form": form})
    if not form.is_valid():
        return render_invalid_form(request, page, form)
    try:
        reports.template_create(
            actor=request.user,
            owner_id=form.cleaned_data["owner"],
            name=form.cleaned_data["name"],
            period=form.cleaned_data["period"],
            fields=form.cleaned_data["field_list"],
        )
    except DomainError as error:
        return render_refusal(request, error, template=page, form=form)
    messages.success(request, _("The report template was saved."))
    return redirect("coordination:reports")


class RoundForm(forms.Form):
    template = forms.TypedChoiceField(label=gettext_lazy("Report"), coerce=int)
    label = forms.CharField(
        label=gettext_lazy("Period label"),
        max_length=reports.LABEL_ROUND_LIMIT,
        help_text=gettext_lazy("For example 11/2026 or Q4/2026"),
    )
    starts = DayField(label=gettext_lazy("From"), required=True)
    ends = DayField(label=gettext_lazy("To"), required=True)
    due = DayField(label=gettext_lazy("Deadline"), required=True)
    every = forms.ChoiceField(
        label=gettext_lazy("Who must submit"),
        choices=[
            ("communes", gettext_lazy("Every commune and ward of the province")),
            ("departments", gettext_lazy("Every department of the province")),
            ("", gettext_lazy("The units listed below")),
        ],
        required=False,
    )
    codes = forms.CharField(
        label=gettext_lazy("Unit codes"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Separated by spaces or commas"),
    )

    def __init__(self, *args: Any, templates: list[ReportTemplate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(t.pk, t.name) for t in templates]  # type: ignore[attr-defined]


@login_required
def round_new(request: HttpRequest) -> HttpResponse:
    page = "coordination/reports/round_form.html"
    form = RoundForm(request.POST or None, templates=_templates(request.user))
    if request.method != "POST":
        return render(request, page, {"form": form})
    if not form.is_valid():
        return render_invalid_form(request, page, form)
    data = form.cleaned_data
    unit_ids: list[int] = []
    if not data["every"]:
        codes = data["codes"].replace(",", " ").split()
        unit_ids = list(
            visible_versions(request.user, timezone.localdate())
            .filter(code__in=codes)
            .values_list("unit_id", flat=True)
        )
    try:
        made = reports.round_open(
            actor=request.user,
            template_id=data["template"],
            label=data["label"],
            starts=data["starts"],
            ends=data["ends"],
            due=data["due"],
            unit_ids=unit_ids,
            every=data["every"] or None,
        )
    except DomainError as error:
        return render_refusal(request, error, template=page, form=form)
    messages.success(request, _("The round was opened."))
    return redirect("coordination:report_round", round_id=made.pk)


@login_required
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    try:
        round_ = reports.access_round(request.user, round_id)
    except DomainError as error:
        return render_refusal(request, error)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(reports.consolidated_xlsx(round_), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="report-{round_.pk}.xlsx"'
        return response
    data = reports.consolidated(round_)
    charts = []
    for index, field in enumerate(data["fields"]):
        if field["type"] != "number":
            continue
        drawn = [
            (row["unit_name"], [int(row["values"][index] or 0)])
            for row in data["rows"]
            if row["values"][index] is not None
        ]
        drawn.sort(key=lambda item: -item[1][0])
        if drawn:
            charts.append(
                (
                    f"chart-{field['key']}",
                    bar_chart(field["label"], [field["label"]], drawn[:RANKED]),
                )
            )
        if len(charts) >= 2:
            break
    return render(
        request,
        "coordination/reports/round.html",
        {
            "round": round_,
            "data": data,
            "missing": reports.missing(round_),
            "charts": charts,
            "status_names": dict(DutyStatus.choices),
        },
    )


# -- submitting ------------------------------------------------------------------------------
def submission_form(fields: list[dict[str, Any]], *args: Any, **kwargs: Any) -> forms.Form:
    """A form with one input per typed field, named by its key (errors link to it)."""
    form = forms.Form(*args, **kwargs)
    for field in fields:
        key, label, required = field["key"], field["label"], field["required"]
        if field["type"] == "number":
            bounds = [
                str(b)
                for b in (
                    field.get("min") is not None and _("at least %(n)s") % {"n": field["min"]},
                    field.get("max") is not None and _("at most %(n)s") % {"n": field["max"]},
                    field.get("integer") and _("a whole number"),
                )
                if b
            ]
            form.fields[key] = forms.CharField(
                label=label,
                required=False,
                max_length=40,
                help_text=", ".join(bounds),
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )
        elif field["type"] == "text":
            form.fields[key] = forms.CharField(
                label=label,
                required=False,
                max_length=field["max_length"],
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        elif field["type"] == "choice":
            form.fields[key] = forms.ChoiceField(
                label=label,
                required=False,
                choices=[("", "–"), *((c, c) for c in field["choices"])],
            )
        else:
            form.fields[key] = forms.FileField(
                label=label,
                required=False,
                help_text=_("%(types)s, at most %(size)s bytes")
                % {"types": ", ".join(field["file_types"]), "size": field["max_size"]},
            )
        form.fields[key].widget.attrs["aria-required"] = "true" if required else "false"
    return form


@login_required
def duty_submit(request: HttpRequest, duty_id: int) -> HttpResponse:
    try:
        duty = reports.access_duty(request.user, duty_id)
    except DomainError as error:
        return render_refusal(request, error)
    fields = duty.round.template.fields
    latest = duty.submissions.order_by("-submitted_at", "-pk").first()
    initial = {k: v for k, v in (latest.values if latest else {}).items() if v is not None}
    page = "coordination/reports/submit.html"
    code, name = reports.unit_names([duty.unit_id], timezone.localdate())[duty.unit_id]
    context = {"duty": duty, "unit_name": name, "unit_code": code, "latest": latest}
    form = submission_form(fields, request.POST or None, request.FILES or None, initial=initial)
    if request.method != "POST":
        return render(request, page, {**context, "form": form})
    values = {f["key"]: request.POST.get(f["key"], "") for f in fields if f["type"] != "file"}
    files = {
        f["key"]: upload
        for f in fields
        if f["type"] == "file" and (upload := request.FILES.get(f["key"])) is not None
    }
    try:
        reports.submission_save(actor=request.user, duty_id=duty.pk, values=values, files=files)
    except DomainError as error:
        form.is_valid()
        if error.status != 400 or not error.problems:
            return render_refusal(request, error, template=page, context=context, form=form)
        # Each problem on its field (marked, described by its message), the rest above the form.
        for problem in error.problems:
            key = problem.field if problem.field in form.fields else None
            form.add_error(key, str(problem.message))
        return render_invalid_form(request, page, form, context)
    messages.success(request, _("The report was submitted."))
    return redirect("coordination:reports")


@login_required
def duty_decide(request: HttpRequest, duty_id: int) -> HttpResponse:
    """Accept (no more resubmission: a confirmation first) or return a submitted report."""
    accept = request.GET.get("accept", request.POST.get("accept")) == "1"
    try:
        duty = reports.access_duty(request.user, duty_id)
        reports.access_round(request.user, duty.round_id, write=True)
    except DomainError as error:
        return render_refusal(request, error)
    back = reverse("coordination:report_round", kwargs={"round_id": duty.round_id})
    if request.method != "POST":
        code, name = reports.unit_names([duty.unit_id], timezone.localdate())[duty.unit_id]
        return render(
            request,
            "confirm.html",
            {
                "title": _("Accept the report") if accept else _("Return the report"),
                "lead": _("The unit can no longer change an accepted report.")
                if accept
                else _("The unit will be asked to submit it again."),
                "rows": [(_("Unit"), f"{name} ({code})"), (_("Period"), duty.round.label)],
                "action": reverse("coordination:report_decide", kwargs={"duty_id": duty.pk}),
                "fields": {"accept": "1" if accept else "0"},
                "button": _("Accept") if accept else _("Return"),
                "cancel_url": back,
            },
        )
    try:
        reports.duty_decide(actor=request.user, duty_id=duty.pk, accept=accept)
    except DomainError as error:
        return render_refusal(request, error)
    return redirect(back)


# -- the figures -----------------------------------------------------------------------------
@login_required
def figures_page(request: HttpRequest) -> HttpResponse:
    """The province's dashboard: the counts, communes and bodies ranked (charts and tables),
    the directives; ?format=xlsx for the spreadsheet."""
    name = request.GET.get("province", "").strip()[:100]
    try:
        if name:
            province = figures.province_for(request.user, name)
        else:
            provinces = _own_provinces(request.user)
            if not provinces:
                raise NotFound(_("Name a province."))
            province = figures.province_for(request.user, province_id=provinces[0])
    except DomainError as error:
        return render_refusal(request, error)
    data = figures.province_figures(province)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(figures.figures_xlsx(data), content_type=XLSX)
        response["Content-Disposition"] = (
            f'attachment; filename="coordination-{province.code}-{data["as_of"]}.xlsx"'
        )
        return response
    names = figures.labels()
    behind = [r for r in data["communes"] if r["behind"]][:RANKED]
    charts = []
    if behind:
        charts.append(
            (
                "chart-communes",
                bar_chart(
                    _("Communes most behind"),
                    [names["tasks_overdue"], names["reports_missing"]],
                    [(r["name"], [r["tasks_overdue"], r["reports_missing"]]) for r in behind],
                ),
            )
        )
    bodies = [r for r in data["bodies"] if r["obstacles"] or r["tasks"]][:RANKED]
    if bodies:
        charts.append(
            (
                "chart-bodies",
                bar_chart(
                    _("Provincial bodies"),
                    [names["obstacles_open"], names["obstacles_late"], names["tasks_overdue"]],
                    [
                        (r["name"], [r["obstacles_open"], r["obstacles_late"], r["tasks_overdue"]])
                        for r in bodies
                    ],
                ),
            )
        )
    return render(
        request,
        "coordination/figures/index.html",
        {
            "data": data,
            "cards": [(names[k], data[k]) for k in figures.SUMMARY_KEYS if data[k] is not None],
            "charts": charts,
            "province": province,
        },
    )


def _own_provinces(user) -> list[int]:  # type: ignore[no-untyped-def]
    return provinces_of(user, timezone.localdate())
