"""How the registry's stored texts read on a page, in the page's language."""

from __future__ import annotations

import re

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

register = template.Library()

# Reasons the imports and the template store in every version they write (English, as stored).
_REASONS = {
    "National import": gettext_lazy("National import"),
    "Generated from the standard apparatus template": gettext_lazy(
        "Generated from the standard apparatus template"
    ),
}
_STEP = re.compile(r"^(?P<title>.*) \(step (?P<step>\d+)\)$")
_IMPORTED = re.compile(r"^Imported from (?P<file>.+)$")


@register.filter
def reason(value: str) -> str:
    """A version's stored reason in the page's language: "National import" -> "Nhập dữ liệu toàn
    quốc", "<plan title> (step 421)" -> "<plan title> (bước 421)"."""
    if value in _REASONS:
        return str(_REASONS[value])
    if match := _STEP.match(value):
        return _("%(title)s (step %(step)s)") % {
            "title": match["title"],
            "step": match["step"],
        }
    if match := _IMPORTED.match(value):
        return _("Imported from %(file)s") % {"file": match["file"]}
    return value
