"""Pages of directives and tasks: my unit's tasks, the directives and the issue form, a
directive with its tasks and progress, a task with the moves legal now, its history (with the
tasks merged into it), comments, files and requests for more time.

Every page reads through the scope (selectors, services.access_task) and writes through the
same services as the API and the commands. Accepting a report and deciding on more time are
confirmed on a page of their own first.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import PurePath
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhgon.accounts.access import memberships_in_force, scope_for, unit_filter, visible_versions
from tinhgon.coordination import selectors, services
from tinhgon.coordination.models import Extension, TaskEvent, TaskStatus
from tinhgon.coordination.services import TargetKind, TaskSpec
from tinhgon.core.charts import stack_chart
from tinhgon.core.errors import DomainError, Forbidden, NotFound, Problem
from tinhgon.core.schemas import CODE_REGEX
from tinhgon.core.views import render_invalid_form, render_refusal
from tinhgon.units import selectors as units
from tinhgon.units.kinds import Level
from tinhgon.units.models import UnitVersion

PAGE_SIZE = 200
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _names(unit_ids: set[int], day: dt.date) -> dict[int, str]:
    found = units.versions_on(day).filter(unit_id__in=unit_ids).values_list("unit_id", "name")
    names = dict(found)
    missing = unit_ids - set(names)
    if missing:  # closed units (an event of a merged commune): their last name
        last = UnitVersion.objects.filter(unit_id__in=missing).order_by("unit_id", "valid_from")
        names.update(last.values_list("unit_id", "name"))
    return names


def _issuers(user, day: dt.date) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    """The provincial bodies the user may issue directives for (the province, its departments
    and committees it may write)."""
    writable = units.versions_on(day).filter(unit_filter(scope_for(user), day, write=True))
    found = writable.filter(level=Level.PROVINCE).order_by("name_sort")[:300]
    return [(v.unit_id, v.name) for v in found]


# -- my unit's tasks -------------------------------------------------------------------------
@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    code = (request.GET.get("unit") or "").strip()[:40]
    if code and not re.fullmatch(CODE_REGEX, code):
        return render_refusal(request, NotFound(_("No unit with this code in your scope.")))
    if code:
        version = visible_versions(request.user, today).filter(code=code).first()
        if version is None:
            return render_refusal(request, NotFound(_("No unit with this code in your scope.")))
        unit_ids = [version.unit_id]
    else:
        unit_ids = list(memberships_in_force(request.user, today).values_list("unit_id", flat=True))
    open_only = request.GET.get("state", "open") == "open"
    tasks = selectors.visible_tasks(request.user).filter(unit_id__in=unit_ids)
    tasks = tasks.exclude(status=TaskStatus.MERGED)
    if open_only:
        tasks = tasks.filter(status__in=selectors.OPEN_TASK)
    rows = list(selectors.annotated(tasks, today=today)[:PAGE_SIZE])
    names = _names({t.unit_id for t in rows}, today)
    return render(
        request,
        "coordination/tasks/my_tasks.html",
        {
            "rows": [{"task": t, "unit": names.get(t.unit_id, "")} for t in rows],
            "open_only": open_only,
            "unit_code": code,
            "may_issue": bool(_issuers(request.user, today)),
        },
    )


# -- directives ------------------------------------------------------------------------------
@login_required
def directive_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    directives = list(
        selectors.visible_directives(request.user).order_by("-issued_on", "-pk")[:PAGE_SIZE]
    )
    counts = selectors.progress_of([d.pk for d in directives], today=today)
    empty = {"total": 0, "overdue": 0, "accepted": 0, "percent_done": 0}
    rows = [{"directive": d, "progress": counts.get(d.pk, empty)} for d in directives]
    return render(
        request,
        "coordination/tasks/directives.html",
        {"rows": rows, "may_issue": bool(_issuers(request.user, today))},
    )


class DirectiveForm(forms.Form):
    TARGETS = [
        (TargetKind.COMMUNES, gettext_lazy("Every commune and ward of the province")),
        (TargetKind.DEPARTMENTS, gettext_lazy("Every provincial department")),
        ("list", gettext_lazy("The units listed below")),
    ]

    issuer = forms.TypedChoiceField(label=gettext_lazy("Issued by"), coerce=int)
    number = forms.CharField(label=gettext_lazy("Number"), max_length=services.NUMBER_LIMIT)
    issued_on = forms.DateField(label=gettext_lazy("Issued on"), widget=DATE)
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=services.SUBJECT_LIMIT)
    body = forms.CharField(
        label=gettext_lazy("Content"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    file = forms.FileField(
        label=gettext_lazy("Document"),
        required=False,
        help_text=gettext_lazy("PDF, Word, Excel, OpenDocument, JPG or PNG."),
    )
    title = forms.CharField(label=gettext_lazy("Task"), max_length=services.TITLE_LIMIT)
    due = forms.DateField(label=gettext_lazy("Deadline"), widget=DATE)
    report_required = forms.CharField(
        label=gettext_lazy("What must be reported"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    target = forms.ChoiceField(
        label=gettext_lazy("Lead units"), choices=TARGETS, widget=forms.RadioSelect
    )
    units = forms.CharField(
        label=gettext_lazy("Listed units"),
        required=False,
        help_text=gettext_lazy("Codes separated by commas, e.g. 03646, 03667."),
    )
    cooperators = forms.CharField(
        label=gettext_lazy("Cooperating units"),
        required=False,
        help_text=gettext_lazy("Codes separated by commas (optional)."),
    )

    def __init__(self, *args: Any, issuers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuer"].choices = issuers  # type: ignore[attr-defined]


def _unit_ids(user, text: str, field: str, day: dt.date) -> list[int]:  # type: ignore[no-untyped-def]
    codes = [c.strip() for c in text.replace(";", ",").split(",") if c.strip()]
    if not codes:
        return []
    found = dict(units.versions_on(day).filter(code__in=codes[:500]).values_list("code", "unit_id"))
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise DomainError(
            _("Unknown unit codes: %(codes)s.") % {"codes": ", ".join(unknown[:10])},
            problems=[Problem(_("unknown codes"), field=field)],
        )
    return [found[c] for c in codes]


@login_required
def directive_new(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    issuers = _issuers(request.user, today)
    if not issuers:
        return render_refusal(request, Forbidden(_("Directives are issued by provincial bodies.")))
    if request.method != "POST":
        form = DirectiveForm(issuers=issuers, initial={"issued_on": today, "target": "communes"})
        return render(request, "coordination/tasks/directive_form.html", {"form": form})
    form = DirectiveForm(request.POST, request.FILES, issuers=issuers)
    if not form.is_valid():
        return render_invalid_form(request, "coordination/tasks/directive_form.html", form)
    data = form.cleaned_data
    try:
        listed = _unit_ids(request.user, data["units"], "units", today)
        if data["target"] == "list" and not listed:
            raise DomainError(
                _("List at least one unit."), problems=[Problem(_("required"), field="units")]
            )
        directive = services.directive_issue(
            actor=request.user,
            issuer_id=data["issuer"],
            number=data["number"],
            issued_on=data["issued_on"],
            subject=data["subject"],
            body=data["body"],
            file=data["file"],
            tasks=[
                TaskSpec(
                    title=data["title"],
                    due=data["due"],
                    unit_ids=listed if data["target"] == "list" else (),
                    every="" if data["target"] == "list" else data["target"],
                    report_required=data["report_required"],
                    cooperator_ids=_unit_ids(
                        request.user, data["cooperators"], "cooperators", today
                    ),
                )
            ],
        )
    except DomainError as error:
        if error.status in (403, 404):
            return render_refusal(request, error)
        for problem in error.problems:
            name = (problem.field or "").rsplit(".", 1)[-1]
            name = {"every": "target"}.get(name, name)
            if name in form.fields:
                form.add_error(name, str(problem.message))
        return render_refusal(
            request,
            error,
            template="coordination/tasks/directive_form.html",
            context={"form": form},
            form=form,
        )
    messages.success(
        request,
        _("Directive %(number)s issued: %(count)s tasks.")
        % {"number": directive.number, "count": directive.tasks.count()},
    )
    return redirect("coordination:directive", directive_id=directive.pk)


@login_required
def directive_detail(request: HttpRequest, directive_id: int) -> HttpResponse:
    today = timezone.localdate()
    directive = selectors.visible_directives(request.user).filter(pk=directive_id).first()
    if directive is None:
        return render_refusal(
            request, NotFound(_("No directive %(id)s in your scope.") % {"id": directive_id})
        )
    tasks = selectors.visible_tasks(request.user).filter(directive=directive)
    tasks = tasks.exclude(status=TaskStatus.MERGED)
    rows = list(selectors.annotated(tasks, today=today)[:1000])
    names = _names({t.unit_id for t in rows} | {directive.issuer_id}, today)
    counts = selectors.progress(directive, today=today)
    shown = [s for s in TaskStatus if s != TaskStatus.MERGED]
    chart = stack_chart(
        _("Tasks by status"),
        [str(s.label) for s in shown],
        [(directive.number, [counts.get(s.value, 0) for s in shown])],
    )
    return render(
        request,
        "coordination/tasks/directive.html",
        {
            "directive": directive,
            "issuer": names.get(directive.issuer_id, ""),
            "rows": [{"task": t, "unit": names.get(t.unit_id, "")} for t in rows],
            "counts": counts,
            "chart": chart,
        },
    )


@login_required
def directive_file(request: HttpRequest, directive_id: int) -> HttpResponse | FileResponse:
    directive = selectors.visible_directives(request.user).filter(pk=directive_id).first()
    if directive is None or not directive.file:
        return render_refusal(request, NotFound(_("No such document.")))
    return _file(directive.file)


def _file(field: Any) -> FileResponse:
    name = PurePath(field.name).name
    return FileResponse(field.open("rb"), as_attachment=True, filename=name)


# -- a task ----------------------------------------------------------------------------------
class MoveForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=services.NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    file = forms.FileField(label=gettext_lazy("File"), required=False)
    unit = forms.CharField(label=gettext_lazy("Unit below (code)"), required=False, max_length=40)
    due = forms.DateField(label=gettext_lazy("Deadline"), required=False, widget=DATE)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


# The fields each move's form shows.
MOVE_FIELDS: dict[str, tuple[str, ...]] = {
    "receive": (),
    "start": ("note",),
    "report": ("note", "file"),
    "accept": ("note",),
    "return": ("note",),
    "comment": ("note", "file"),
    "delegate": ("unit", "due", "note"),
    "extension_request": ("due", "note"),
}
MOVE_LABELS = {
    "comment": gettext_lazy("comment or attach a file"),
    "delegate": gettext_lazy("delegate to a unit below"),
    "extension_request": gettext_lazy("ask for more time"),
}
USUAL_NEXT = {
    TaskStatus.RECEIVED: "start",
    TaskStatus.IN_PROGRESS: "report",
    TaskStatus.RETURNED: "report",
    TaskStatus.REPORTED: "accept",
}
CONFIRMED = frozenset({"accept"})


def _label(move: str) -> str:
    return str(MOVE_LABELS.get(move) or services.move_label(move))


def _panels(task, legal: list[str], failed: MoveForm | None) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    panels = []
    usual = USUAL_NEXT.get(task.status)
    for move in sorted(legal, key=lambda m: m != usual):
        form = failed if failed is not None and failed.prefix == move else MoveForm(prefix=move)
        panels.append(
            {
                "move": move,
                "label": _label(move),
                "fields": [form[name] for name in MOVE_FIELDS.get(move, ())],
                "primary": move == usual,
                "irreversible": move in CONFIRMED,
            }
        )
    return panels


def _task_context(request: HttpRequest, task, failed: MoveForm | None = None) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    legal = services.legal_moves(request.user, task)
    if (
        services.may_act_as_lead(request.user, task)
        or services.may_act_as_issuer(request.user, task)
        or services.may_act_as_cooperator(request.user, task)
    ):
        legal.append("comment")
    events = list(selectors.history(task))
    cooperators = list(task.cooperators.values_list("unit_id", flat=True))
    names = _names(
        {task.unit_id, task.directive.issuer_id, *cooperators}
        | {e.unit_id for e in events if e.unit_id},
        today,
    )
    panels = _panels(task, legal, failed)
    return {
        "task": task,
        "unit": names.get(task.unit_id, ""),
        "issuer": names.get(task.directive.issuer_id, ""),
        "cooperators": [names.get(u, str(u)) for u in cooperators],
        "overdue": task.status in selectors.UNREPORTED and task.due < today,
        "events": [
            {
                "event": e,
                "move": services.move_label(e.move),
                "unit": names.get(e.unit_id or 0, ""),
                "other": e.task_id != task.pk,
            }
            for e in events
        ],
        "merged": task.absorbed.count(),
        "panels": panels,
        "secondary": [p for p in panels if not p["primary"]],
        "extensions": list(Extension.objects.filter(task=task).order_by("-id")),
        "may_decide": services.may_act_as_issuer(request.user, task),
        "delegated": list(task.delegated.all()),
    }


@login_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    try:
        task = services.access_task(request.user, task_id)
    except DomainError as error:
        return render_refusal(request, error)
    return render(request, "coordination/tasks/task.html", _task_context(request, task))


def _apply(request: HttpRequest, task_id: int, move: str, data: dict[str, Any]) -> None:
    user = request.user
    note = data.get("note") or ""
    if move == "receive":
        services.task_receive(actor=user, task_id=task_id)
    elif move == "start":
        services.task_start(actor=user, task_id=task_id, note=note)
    elif move == "report":
        services.task_report(actor=user, task_id=task_id, note=note, file=data.get("file"))
    elif move == "accept":
        services.task_accept(actor=user, task_id=task_id, note=note)
    elif move == "return":
        services.task_return(actor=user, task_id=task_id, reason=note)
    elif move == "comment":
        services.task_comment(actor=user, task_id=task_id, note=note, file=data.get("file"))
    elif move == "delegate":
        today = timezone.localdate()
        version = visible_versions(user, today).filter(code=(data.get("unit") or "")).first()
        if version is None:
            raise DomainError(
                _("No unit with this code in your scope."),
                problems=[Problem(_("not found"), field="unit")],
            )
        services.task_delegate(
            actor=user, task_id=task_id, unit_id=version.unit_id, due=data.get("due"), note=note
        )
    elif move == "extension_request":
        if data.get("due") is None:
            raise DomainError(
                _("Give the deadline asked for."), problems=[Problem(_("required"), field="due")]
            )
        services.extension_request(actor=user, task_id=task_id, new_due=data["due"], reason=note)


@login_required
def task_move(request: HttpRequest, task_id: int, move: str) -> HttpResponse:
    """Apply a move from its form on the task page; accepting shows its confirmation page
    first. A move's address opened as a page leads to the task."""
    if request.method != "POST":
        return redirect("coordination:task", task_id=task_id)
    try:
        if move not in MOVE_FIELDS:
            raise NotFound(_("No such move."))
        task = services.access_task(request.user, task_id)
    except DomainError as error:
        return render_refusal(request, error)
    form = MoveForm(request.POST, request.FILES, prefix=move)
    if not form.is_valid():
        return render_invalid_form(
            request, "coordination/tasks/task.html", form, _task_context(request, task, form)
        )
    if move in CONFIRMED and not form.cleaned_data.get("confirmed"):
        return _confirm(request, task, move, form.cleaned_data.get("note") or "")
    try:
        _apply(request, task.pk, move, form.cleaned_data)
    except DomainError as error:
        if error.status in (403, 404):
            return render_refusal(request, error)
        for problem in error.problems:
            name = {"reason": "note", "new_due": "due"}.get(problem.field or "", problem.field)
            if name in form.fields:
                form.add_error(name, str(problem.message))
        task = services.access_task(request.user, task_id)
        return render_refusal(
            request,
            error,
            template="coordination/tasks/task.html",
            context=_task_context(request, task, form),
            form=form,
        )
    messages.success(request, _("Done: %(move)s.") % {"move": _label(move)})
    return redirect("coordination:task", task_id=task.pk)


def _confirm(request: HttpRequest, task, move: str, note: str) -> HttpResponse:  # type: ignore[no-untyped-def]
    rows = [(_("Directive"), task.directive.number), (_("Task"), task.title)]
    if note:
        rows.append((_("Note"), note))
    return render(
        request,
        "confirm.html",
        {
            "title": _("Confirm: %(move)s") % {"move": _label(move)},
            "lead": _("The report of task %(id)s will be accepted and the task closed.")
            % {"id": task.pk},
            "rows": rows,
            "warning": _("An accepted task cannot be reopened."),
            "action": reverse("coordination:task_move", kwargs={"task_id": task.pk, "move": move}),
            "fields": {f"{move}-note": note, f"{move}-confirmed": "on"},
            "button": _label(move).capitalize(),
            "cancel_url": reverse("coordination:task", kwargs={"task_id": task.pk}),
        },
    )


@login_required
def extension_decide(request: HttpRequest, extension_id: int) -> HttpResponse:
    """Approve or refuse a request for more time: a confirmation page, then the decision."""
    extension = Extension.objects.filter(pk=extension_id).first()
    if extension is None:
        return render_refusal(request, NotFound(_("No such request.")))
    try:
        task = services.access_task(request.user, extension.task_id)
    except DomainError as error:
        return render_refusal(request, error)
    if request.method != "POST":
        return redirect("coordination:task", task_id=task.pk)
    if not services.may_act_as_issuer(request.user, task):
        return render_refusal(request, Forbidden(_("Only the issuing body decides on more time.")))
    approve = request.POST.get("decision") == "approve"
    note = (request.POST.get("note") or "")[: services.NOTE_LIMIT]
    if not request.POST.get("confirmed"):
        return render(
            request,
            "confirm.html",
            {
                "title": _("Approve more time") if approve else _("Refuse more time"),
                "lead": (
                    _("The deadline of task %(id)s moves to %(day)s.")
                    if approve
                    else _("The deadline of task %(id)s stays %(day)s.")
                )
                % {
                    "id": task.pk,
                    "day": (extension.new_due if approve else task.due).strftime("%d/%m/%Y"),
                },
                "rows": [(_("Reason given"), extension.reason), (_("Note"), note or "—")],
                "warning": _("The decision is final and recorded in the task's history."),
                "action": reverse("coordination:extension", kwargs={"extension_id": extension.pk}),
                "fields": {
                    "decision": "approve" if approve else "refuse",
                    "note": note,
                    "confirmed": "on",
                },
                "button": _("Approve") if approve else _("Refuse"),
                "cancel_url": reverse("coordination:task", kwargs={"task_id": task.pk}),
            },
        )
    try:
        services.extension_decide(
            actor=request.user, extension_id=extension.pk, approve=approve, note=note
        )
    except DomainError as error:
        return render_refusal(request, error)
    messages.success(request, _("Decision recorded."))
    return redirect("coordination:task", task_id=task.pk)


@login_required
def event_file(request: HttpRequest, event_id: int) -> HttpResponse | FileResponse:
    """A file of a task's history, to those who may read the task."""
    event = TaskEvent.objects.filter(pk=event_id).first()
    if event is None or not event.file:
        return render_refusal(request, NotFound(_("No such file.")))
    try:
        services.access_task(request.user, event.task_id)
    except DomainError as error:
        return render_refusal(request, error)
    return _file(event.file)
