"""A plan written on the page, a step at a time: the common steps (merge communes, absorb,
rename, move) without a file. The form builds the same step a plan file would hold; the planner
then checks it against the registry like any other."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tinhgon.core.schemas import CODE_REGEX
from tinhgon.reorg.spec import NewUnit, Step
from tinhgon.units.kinds import Kind

CODE = re.compile(CODE_REGEX)
# Dates as people write them here first (01/07/2025), and as ISO.
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

ACTIONS = [
    ("consolidate", _("Merge units into a new one")),
    ("absorb", _("Merge units into an existing one")),
    ("rename", _("Rename a unit")),
    ("move", _("Move a unit under another parent")),
]


def _codes(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;\s]+", value or "") if part.strip()]


class PlanHeaderForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    effective_date = forms.DateField(
        label=_("Effective date"),
        input_formats=DATE_FORMATS,
        help_text=_("dd/mm/yyyy"),
        widget=forms.TextInput(attrs={"placeholder": "01/07/2027", "inputmode": "numeric"}),
    )
    legal_basis_number = forms.CharField(
        label=_("Legal basis (document number)"), max_length=120, required=False
    )
    legal_basis_issuer = forms.CharField(label=_("Issued by"), max_length=255, required=False)


class StepForm(forms.Form):
    """One step. Codes are text: "04246" stays "04246"."""

    action = forms.ChoiceField(label=_("Step"), choices=ACTIONS)
    sources = forms.CharField(
        label=_("Units that merge (codes)"),
        max_length=2000,
        required=False,
        help_text=_("Codes separated by commas, e.g. 03646, 03667"),
    )
    into = forms.CharField(label=_("Unit that receives them (code)"), max_length=40, required=False)
    unit = forms.CharField(label=_("Unit (code)"), max_length=40, required=False)
    new_code = forms.CharField(label=_("New code"), max_length=40, required=False)
    new_name = forms.CharField(label=_("New name"), max_length=255, required=False)
    new_kind = forms.ChoiceField(
        label=_("Kind of the new unit"),
        choices=[("", "—"), *[(k.value, k.label) for k in Kind]],
        required=False,
    )
    parent = forms.CharField(label=_("Parent (code)"), max_length=40, required=False)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    REQUIRED = {
        "consolidate": ("sources", "new_code", "new_name", "new_kind", "parent"),
        "absorb": ("sources", "into"),
        "rename": ("unit",),
        "move": ("unit", "parent"),
    }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        for name in self.REQUIRED.get(action or "", ()):
            if not data.get(name):
                self.add_error(name, _("Required for this step."))
        if action == "rename" and not (data.get("new_name") or data.get("new_code")):
            self.add_error("new_name", _("Give a new name or a new code."))
        for name in ("into", "unit", "new_code", "parent"):
            if data.get(name) and not CODE.fullmatch(data[name]):
                self.add_error(name, _("A code is letters and digits, with - . / _ inside."))
        for code in _codes(data.get("sources", "")):
            if not CODE.fullmatch(code):
                self.add_error("sources", _("'%(code)s' is not a code.") % {"code": code})
        if action in ("consolidate", "absorb") and len(_codes(data.get("sources", ""))) < 1:
            self.add_error("sources", _("Name at least one unit."))
        return data

    def step(self, number: int) -> Step:
        data = self.cleaned_data
        action = data["action"]
        step = Step(number, action, note=data.get("note") or "")
        if action == "consolidate":
            step.sources = _codes(data["sources"])
            step.target = NewUnit(
                data["new_code"], data["new_name"], data["new_kind"], parent=data["parent"]
            )
        elif action == "absorb":
            step.sources, step.into = _codes(data["sources"]), data["into"]
        elif action == "rename":
            step.unit = data["unit"]
            step.name = data.get("new_name") or None
            step.code = data.get("new_code") or None
        else:
            step.unit, step.parent = data["unit"], data["parent"]
        return step


# Where the planner's problems land on the form ("sources[2]" is the sources field).
PROBLEM_FIELDS = {
    "sources": "sources",
    "into": "into",
    "unit": "unit",
    "parent": "parent",
    "name": "new_name",
    "code": "new_code",
    "target": "new_code",
    "target.code": "new_code",
    "target.name": "new_name",
    "target.kind": "new_kind",
    "target.parent": "parent",
    "kind": "new_kind",
}


def form_field(problem_field: str | None) -> str | None:
    if not problem_field:
        return None
    base = problem_field.split("[", 1)[0]
    return PROBLEM_FIELDS.get(problem_field) or PROBLEM_FIELDS.get(base)
