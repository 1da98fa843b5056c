from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tinhgon.core.forms import DayField, text_field


class FiguresForm(forms.Form):
    province = text_field(_("Province"), _("Name or code; empty: your whole scope"), max_length=120)
    day_from = DayField(label=_("Compare with"), help_text=_("dd/mm/yyyy; empty: one date only"))
    day_to = DayField(label=_("As of"))

    def add_prefix(self, field_name: str) -> str:
        # The address says ?from=...&to=..., as links and bookmarks already do.
        return {"day_from": "from", "day_to": "to"}.get(field_name, field_name)


class StaffReportForm(forms.Form):
    province = text_field(_("Province"), _("Name or code"), max_length=120)
    day_from = DayField(label=_("Before"), help_text=_("dd/mm/yyyy"))
    day_to = DayField(label=_("After"), help_text=_("dd/mm/yyyy; empty: today"))

    def add_prefix(self, field_name: str) -> str:
        return {"day_from": "from", "day_to": "to"}.get(field_name, field_name)
