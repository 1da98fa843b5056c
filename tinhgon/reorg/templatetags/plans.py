"""Plan words in the page's language: `{% load plans %}{{ step.action|action_label }}`,
`{{ name|carrier_label }}` ("consolidate" -> "Hợp nhất", "memberships" -> "tư cách thành viên")."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from tinhgon.carriers import contract

register = template.Library()

ACTION_LABELS = {
    "consolidate": _("Consolidate into a new unit"),
    "absorb": _("Absorb into an existing unit"),
    "split": _("Split"),
    "partial": _("Move part of a unit"),
    "dissolve": _("Dissolve"),
    "move": _("Move under another parent"),
    "rename": _("Rename"),
    "reclassify": _("Reclassify"),
    "abolish_level": _("Abolish a level"),
}
# Carriers without a model of their own to take a name from, or sharing one with another.
CARRIER_LABELS = {
    "child_units": _("units under it"),
    "case_handlers": _("cases (handler unit)"),
}


@register.filter
def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


@register.filter
def carrier_label(name: str) -> str:
    if name in CARRIER_LABELS:
        return str(CARRIER_LABELS[name])
    for carrier in contract.registered():
        model = getattr(carrier, "model", None)
        if carrier.name == name and model is not None:
            return str(model._meta.verbose_name_plural)
    return name
