"""Form fields shared by the pages: dates typed as people write them (01/07/2025), ids that fit
the database."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The largest id a BigAutoField holds: a larger one names nothing and must not reach the query.
MAX_ID = 2**63 - 1


class DayField(forms.DateField):
    """A date typed as dd/mm/yyyy (or ISO, as links send it), shown as dd/mm/yyyy in Vietnamese.

    A text box, not <input type="date">: the browser's date picker shows the browser's order,
    not the page's, and refuses the dates people paste."""

    widget = forms.DateInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 10})
    default_error_messages = {
        "invalid": _("Enter a real date as dd/mm/yyyy, for example 01/07/2025."),
    }

    def __init__(self, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("dd/mm/yyyy"))
        super().__init__(**kwargs)


class IdField(forms.IntegerField):
    def __init__(self, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(**kwargs)


def text_field(
    label: StrOrPromise, help_text: StrOrPromise, *, max_length: int = 200, **attrs: str
) -> forms.CharField:
    """An optional line of text, bounded, with its hint; `attrs` go to the input."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        help_text=help_text,
        widget=forms.TextInput(attrs={"autocomplete": "off", **attrs}),
    )
