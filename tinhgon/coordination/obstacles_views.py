"""Pages of obstacles: raise one, the obstacles of one's units, the responsible body's inbox,
an obstacle with its answer (answer, publish, close: a confirmation before the last two), and
the search of the published guidance. The same services as the API (obstacles.py)."""

from __future__ import annotations

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

from tinhgon.accounts import access
from tinhgon.accounts.access import visible_versions
from tinhgon.coordination import obstacles
from tinhgon.coordination.models import Obstacle, ObstacleCategory, ObstacleStatus
from tinhgon.coordination.reports import unit_names
from tinhgon.core.errors import DomainError, Forbidden
from tinhgon.core.views import render_invalid_form, render_refusal
from tinhgon.units.kinds import KINDS_BY_LEVEL, Level

LIST_LIMIT = 200


def _named(found: list[Obstacle]) -> list[tuple[Obstacle, str, str]]:
    codes = unit_names(
        {o.unit_id for o in found} | {o.responsible_id for o in found}, timezone.localdate()
    )
    return [(o, codes[o.unit_id][1], codes[o.responsible_id][1]) for o in found]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    raised = list(obstacles.raised(request.user)[:LIST_LIMIT])
    inbox = list(obstacles.inbox(request.user)[:LIST_LIMIT])
    return render(
        request,
        "coordination/obstacles/index.html",
        {"raised": _named(raised), "inbox": _named(inbox), "today": timezone.localdate()},
    )


class RaiseForm(forms.Form):
    unit = forms.TypedChoiceField(label=gettext_lazy("Raised by"), coerce=int)
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=ObstacleCategory.choices)
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=obstacles.SUBJECT_LIMIT)
    body = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=obstacles.BODY_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    dossier_code = forms.CharField(
        label=gettext_lazy("Dossier code"),
        required=False,
        max_length=64,
        help_text=gettext_lazy("If it is about a dossier"),
    )
    plan_ref = forms.IntegerField(
        label=gettext_lazy("Plan number"),
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text=gettext_lazy("If it is about a reorganization plan"),
    )

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = units  # type: ignore[attr-defined]


def _own_units(user) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    """The communes (and provincial bodies) the user may raise an obstacle for."""
    today = timezone.localdate()
    found = visible_versions(user, today).filter(
        kind__in=[*KINDS_BY_LEVEL[Level.COMMUNE], "department"]
    )
    return [(v.unit_id, v.name) for v in found.vietnamese_order()[:300]]


@login_required
def raise_new(request: HttpRequest) -> HttpResponse:
    page = "coordination/obstacles/form.html"
    form = RaiseForm(request.POST or None, units=_own_units(request.user))
    if request.method != "POST":
        return render(request, page, {"form": form})
    if not form.is_valid():
        return render_invalid_form(request, page, form)
    data = form.cleaned_data
    try:
        made = obstacles.obstacle_raise(
            actor=request.user,
            unit_id=data["unit"],
            category=data["category"],
            subject=data["subject"],
            body=data["body"],
            plan_ref=data["plan_ref"],
            dossier_code=data["dossier_code"],
        )
    except DomainError as error:
        return render_refusal(request, error, template=page, form=form)
    messages.success(request, _("The obstacle was sent to the responsible body."))
    return redirect("coordination:obstacle", obstacle_id=made.pk)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Answer"),
        max_length=obstacles.ANSWER_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


def _may_answer(user, obstacle: Obstacle) -> bool:  # type: ignore[no-untyped-def]
    return Obstacle.objects.filter(
        obstacles.routed_filter(user, timezone.localdate()), pk=obstacle.pk
    ).exists()


def _may_close(user, obstacle: Obstacle) -> bool:  # type: ignore[no-untyped-def]
    """The raising unit (writing for it) or the responsible body, as obstacle_close checks:
    a reader of the published guidance is not offered a move the service refuses."""
    today = timezone.localdate()
    allowed = obstacles.raised_filter(user, today, write=True) | obstacles.routed_filter(
        user, today
    )
    return Obstacle.objects.filter(allowed, pk=obstacle.pk).exists()


@login_required
def detail(request: HttpRequest, obstacle_id: int) -> HttpResponse:
    try:
        obstacle = obstacles.access_obstacle(request.user, obstacle_id)
    except DomainError as error:
        return render_refusal(request, error)
    page = "coordination/obstacles/detail.html"
    answerer = _may_answer(request.user, obstacle)
    form = AnswerForm(request.POST or None, initial={"answer": obstacle.answer})
    ((_o, raised_by, responsible),) = _named([obstacle])
    context = {
        "obstacle": obstacle,
        "raised_by": raised_by,
        "responsible": responsible,
        "answerer": answerer,
        # The dossier is a citizen's: published guidance shows it only to the unit that raised
        # the obstacle and to the body that answers it, not to every commune of the province.
        "show_dossier": answerer or bool(access.visible_unit_ids(request.user, [obstacle.unit_id])),
        "may_answer": answerer and obstacle.status in obstacles.OPEN,
        "may_publish": answerer
        and obstacle.status in (ObstacleStatus.ANSWERED, ObstacleStatus.CLOSED),
        "may_close": obstacle.status == ObstacleStatus.ANSWERED
        and _may_close(request.user, obstacle),
        "today": timezone.localdate(),
    }
    if request.method != "POST":
        return render(request, page, {**context, "form": form})
    if not form.is_valid():
        return render_invalid_form(request, page, form, context)
    try:
        obstacles.obstacle_answer(
            actor=request.user, obstacle_id=obstacle.pk, answer=form.cleaned_data["answer"]
        )
    except DomainError as error:
        return render_refusal(request, error, template=page, context=context, form=form)
    messages.success(request, _("The answer was sent."))
    return redirect("coordination:obstacle", obstacle_id=obstacle.pk)


def _confirmed(request: HttpRequest, obstacle_id: int, move: str) -> HttpResponse:
    """Publish, withdraw or close: a confirmation page (GET), then the service (POST)."""
    try:
        # Publishing is the responsible body's: others are refused before the confirmation.
        obstacle = obstacles.access_obstacle(request.user, obstacle_id, answer=move != "close")
    except DomainError as error:
        return render_refusal(request, error)
    if move == "close" and not _may_close(request.user, obstacle):
        return render_refusal(request, Forbidden(_("You may not close this obstacle.")))
    back = reverse("coordination:obstacle", kwargs={"obstacle_id": obstacle.pk})
    titles = {
        "publish": (
            _("Publish as guidance"),
            _("Every unit of the province will find this answer."),
        ),
        "withdraw": (_("Withdraw the guidance"), _("The units will no longer find this answer.")),
        "close": (_("Close the obstacle"), _("The answer stays; nothing more can be added.")),
    }
    if request.method != "POST":
        title, lead = titles[move]
        return render(
            request,
            "confirm.html",
            {
                "title": title,
                "lead": lead,
                "rows": [(_("Subject"), obstacle.subject)],
                "action": request.path,
                "fields": {},
                "button": title,
                "cancel_url": back,
            },
        )
    try:
        if move == "close":
            obstacles.obstacle_close(actor=request.user, obstacle_id=obstacle.pk)
        else:
            obstacles.obstacle_publish(
                actor=request.user, obstacle_id=obstacle.pk, published=move == "publish"
            )
    except DomainError as error:
        return render_refusal(request, error)
    return redirect(back)


@login_required
def publish(request: HttpRequest, obstacle_id: int) -> HttpResponse:
    return _confirmed(request, obstacle_id, "publish")


@login_required
def withdraw(request: HttpRequest, obstacle_id: int) -> HttpResponse:
    return _confirmed(request, obstacle_id, "withdraw")


@login_required
def close(request: HttpRequest, obstacle_id: int) -> HttpResponse:
    return _confirmed(request, obstacle_id, "close")


@login_required
def guidance(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    found = obstacles.guidance(request.user, query)
    return render(
        request,
        "coordination/obstacles/guidance.html",
        {"query": query, "found": _named(found)},
    )
