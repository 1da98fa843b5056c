"""Pages of the data the workflow reads: the forms (and a form's edit page), the proposing rules
(add, and remove after a confirmation), a campaign's quotas. Each calls the one service the API
calls too (catalogue.py); who may: roles.py."""

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

from tinhgon.commendations import catalogue, roles, services
from tinhgon.commendations.models import Authority, Form, ProposalRule
from tinhgon.commendations.views import refusals_as_pages
from tinhgon.commendations.workflow_views import campaign_in_scope, quotas_of
from tinhgon.core.errors import DomainError, NotFound
from tinhgon.core.views import render_invalid_form, render_refusal
from tinhgon.units.kinds import Kind


def kind_label(value: str) -> str:
    return str(Kind(value).label) if value in Kind.values else value


@login_required
@refusals_as_pages
def forms_page(request: HttpRequest) -> HttpResponse:
    """Every form with its source and the unit kinds that may propose it."""
    kinds: dict[int, list[str]] = {}
    for rule in ProposalRule.objects.order_by("unit_kind"):
        kinds.setdefault(rule.form_id, []).append(kind_label(rule.unit_kind))
    found = list(Form.objects.order_by("rank", "code"))
    return render(
        request,
        "commendations/forms.html",
        {
            "forms": [(f, kinds.get(f.pk, [])) for f in found],
            "may_manage": roles.may_manage_forms(request.user),
        },
    )


class FormEditForm(forms.Form):
    name = forms.CharField(max_length=200, label=gettext_lazy("Name"))
    legal_basis = forms.CharField(max_length=300, label=gettext_lazy("Legal basis"))
    to_confirm = forms.BooleanField(required=False, label=gettext_lazy("Source to confirm"))
    active = forms.BooleanField(required=False, label=gettext_lazy("In use"))
    # The version the page was drawn from: a save over someone else's edit is refused (stale).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31)


def _form(code: str) -> Form:
    found = Form.objects.filter(code=code).first()
    if found is None:
        raise NotFound(_("Unknown form of commendation: %(code)s.") % {"code": code})
    return found


@login_required
@refusals_as_pages
def form_edit(request: HttpRequest, code: str) -> HttpResponse:
    roles.check_forms_manager(request.user)
    found = _form(code)
    initial = {
        k: getattr(found, k) for k in ("name", "legal_basis", "to_confirm", "active", "version")
    }
    form = FormEditForm(request.POST or None, initial=initial)
    context = {"item": found, "form": form}
    if request.method != "POST":
        return render(request, "commendations/form_edit.html", context)
    if not form.is_valid():
        return render_invalid_form(request, "commendations/form_edit.html", form, context)
    try:
        catalogue.form_update(actor=request.user, code=found.code, **form.cleaned_data)
    except DomainError as error:
        return render_refusal(
            request, error, template="commendations/form_edit.html", context=context, form=form
        )
    messages.success(request, _("Form of commendation saved."))
    return redirect("commendations:forms")


class RuleForm(forms.Form):
    unit_kind = forms.ChoiceField(label=gettext_lazy("Proposing unit kind"))
    form = forms.ChoiceField(label=gettext_lazy("Form"))
    source = forms.CharField(max_length=300, required=False, label=gettext_lazy("Source"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit_kind"].choices = Kind.choices  # type: ignore[attr-defined]
        self.fields["form"].choices = [  # type: ignore[attr-defined]
            (f.code, f.name) for f in Form.objects.filter(active=True).order_by("rank", "code")
        ]


@login_required
@refusals_as_pages
def rules(request: HttpRequest) -> HttpResponse:
    """The rules by unit kind; the council adds one (POST)."""
    may_manage = roles.may_manage_forms(request.user)
    form = RuleForm(request.POST or None)
    found = list(ProposalRule.objects.select_related("form").order_by("unit_kind", "form__rank"))
    context = {
        "rules": [(r, kind_label(r.unit_kind)) for r in found],
        "form": form,
        "may_manage": may_manage,
    }
    if request.method != "POST":
        return render(request, "commendations/rules.html", context)
    roles.check_forms_manager(request.user)
    if not form.is_valid():
        return render_invalid_form(request, "commendations/rules.html", form, context)
    try:
        catalogue.rule_add(
            actor=request.user,
            unit_kind=form.cleaned_data["unit_kind"],
            form_code=form.cleaned_data["form"],
            source=form.cleaned_data["source"],
        )
    except DomainError as error:
        return render_refusal(
            request, error, template="commendations/rules.html", context=context, form=form
        )
    messages.success(request, _("Rule added."))
    return redirect("commendations:rules")


@login_required
@refusals_as_pages
def rule_remove(request: HttpRequest, rule_id: int) -> HttpResponse:
    """GET: the confirmation; POST: remove the rule."""
    roles.check_forms_manager(request.user)
    rule = ProposalRule.objects.select_related("form").filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(_("Rule %(id)s does not exist.") % {"id": rule_id})
    if request.method != "POST":
        return render(
            request,
            "confirm.html",
            {
                "title": _("Remove this proposing rule?"),
                "lead": _("%(kind)s may propose %(form)s.")
                % {"kind": kind_label(rule.unit_kind), "form": rule.form.name},
                "rows": [(_("Source"), rule.source or "—")],
                "warning": _(
                    "Units of this kind will no longer propose this form: their drafts naming "
                    "it are refused when submitted. Proposals already submitted go on."
                ),
                "action": reverse("commendations:rule_remove", args=[rule.pk]),
                "fields": {},
                "button": _("Remove the rule"),
                "cancel_url": reverse("commendations:rules"),
            },
        )
    catalogue.rule_remove(actor=request.user, rule_id=rule.pk)
    messages.success(request, _("Rule removed."))
    return redirect("commendations:rules")


class QuotasForm(forms.Form):
    def __init__(self, *args: Any, used: dict[int, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for form in Form.objects.filter(active=True).exclude(authority=Authority.COMMUNE):
            self.fields[f"quota_{form.code}"] = forms.IntegerField(
                required=False,
                min_value=0,
                max_value=catalogue.MAX_QUOTA,
                label=_("Quota: %(form)s") % {"form": form.name},
                help_text=_("%(n)s already proposed") % {"n": used.get(form.pk, 0)},
            )

    def quotas(self) -> dict[str, int]:
        return quotas_of(self.cleaned_data)


@login_required
@refusals_as_pages
def campaign_quotas(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The council sets the campaign's quotas (empty: no limit) while it takes proposals."""
    found = campaign_in_scope(request, campaign_id)
    roles.check_council(request.user, found.province_id)
    used = services.quota_use(found.pk)
    current = {f"quota_{q.form.code}": q.quota for q in found.quotas.select_related("form")}
    form = QuotasForm(request.POST or None, initial=current, used=used)
    context = {"campaign": found, "form": form, "closed": timezone.localdate() > found.closes}
    if request.method != "POST":
        return render(request, "commendations/campaign_quotas.html", context)
    if not form.is_valid():
        return render_invalid_form(request, "commendations/campaign_quotas.html", form, context)
    try:
        # Only the forms shown here change: a quota set through the API on another stays.
        catalogue.campaign_quotas_set(
            actor=request.user,
            campaign_id=found.pk,
            quotas=form.quotas(),
            shown=[name.removeprefix("quota_") for name in form.fields],
        )
    except DomainError as error:
        return render_refusal(
            request,
            error,
            template="commendations/campaign_quotas.html",
            context=context,
            form=form,
        )
    messages.success(request, _("Quotas saved."))
    return redirect("commendations:campaign", found.pk)
