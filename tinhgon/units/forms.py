"""The forms of the registry's pages: a date (dd/mm/yyyy), a unit, a search."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tinhgon.core.forms import DayField, IdField, text_field


class AsOfForm(forms.Form):
    root = IdField()
    as_of = DayField(label=_("As of"))


class SearchForm(forms.Form):
    q = text_field(
        _("Name or code"),
        _("With or without diacritics: “chieng an” finds “Chiềng An”."),
        type="search",
    )
    as_of = DayField(label=_("As of"), help_text=_("dd/mm/yyyy; empty: every name a unit ever had"))
    page = forms.IntegerField(
        required=False, min_value=1, max_value=100_000, widget=forms.HiddenInput
    )
