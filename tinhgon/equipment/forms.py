"""The forms of the equipment pages: bounded as the services are (the services check again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tinhgon.core.forms import DayField
from tinhgon.equipment import services
from tinhgon.equipment.models import (
    Category,
    Condition,
    ItemType,
    Per,
    PremisesStatus,
    PremisesUse,
)


def _item_choices() -> list[tuple[str, str]]:
    return [
        (t.code, f"{t.name} ({t.unit_of_measure})")
        for t in ItemType.objects.order_by("category", "name")
    ]


class ItemForm(forms.Form):
    item = forms.ChoiceField(label=_("Item"))
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=services.MAX_QUANTITY)
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices)
    acquired_year = forms.IntegerField(
        label=_("Year acquired"), required=False, min_value=services.FIRST_YEAR, max_value=9999
    )
    value = forms.IntegerField(
        label=_("Value (VND)"), required=False, min_value=0, max_value=services.MAX_VALUE
    )
    premises = forms.TypedChoiceField(
        label=_("Premises"), required=False, coerce=int, empty_value=None
    )
    location = forms.CharField(label=_("Location"), required=False, max_length=services.NAME_LIMIT)
    note = forms.CharField(label=_("Note"), required=False, max_length=services.TEXT_LIMIT)

    def __init__(
        self, *args: Any, premises: list[tuple[int, str]], fixed_item: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = _item_choices()  # type: ignore[attr-defined]
        self.fields["premises"].choices = [("", "—"), *premises]  # type: ignore[attr-defined]
        if fixed_item:
            self.fields["item"].disabled = True
            self.fields["item"].help_text = _(
                "The type of a line does not change: write it off and add another."
            )


class ItemTypeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code"),
        regex=services.ITEM_CODE_REGEX,
        max_length=40,
        help_text=_(
            "Lower-case letters, digits and hyphens (queue-system): the import sheets and the "
            "standards name the type by it. It does not change later."
        ),
        error_messages={"invalid": _("Lower-case letters, digits and hyphens only.")},
    )
    name = forms.CharField(label=_("Name"), max_length=services.NAME_LIMIT)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    unit_of_measure = forms.CharField(
        label=_("Unit of measure"),
        max_length=services.MEASURE_LIMIT,
        help_text=_("chiếc, bộ, Mbps"),
    )
    unit_price = forms.IntegerField(
        label=_("Estimated unit price (VND)"),
        min_value=0,
        max_value=services.MAX_VALUE,
        initial=0,
        help_text=_("For purchase lists; 0: not estimated"),
    )
    source = forms.CharField(label=_("Source of the price"), required=False, max_length=255)
    movable = forms.BooleanField(
        label=_("Can be moved between units"),
        required=False,
        initial=True,
        help_text=ItemType._meta.get_field("movable").help_text,
    )

    def __init__(self, *args: Any, fixed_code: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if fixed_code:
            self.fields["code"].disabled = True


class WriteOffForm(forms.Form):
    quantity = forms.IntegerField(label=_("How many"), min_value=1, max_value=services.MAX_QUANTITY)
    reason = forms.CharField(
        label=_("Reason for write-off"),
        max_length=services.TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PremisesForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=services.NAME_LIMIT)
    use = forms.ChoiceField(label=_("Use"), choices=PremisesUse.choices)
    address = forms.CharField(label=_("Address"), required=False, max_length=300)
    area_m2 = forms.IntegerField(
        label=_("Floor area (m²)"), required=False, min_value=0, max_value=services.MAX_AREA
    )
    land_m2 = forms.IntegerField(
        label=_("Land area (m²)"), required=False, min_value=0, max_value=services.MAX_AREA
    )
    built_year = forms.IntegerField(
        label=_("Year built"), required=False, min_value=services.FIRST_YEAR, max_value=9999
    )
    status = forms.ChoiceField(label=_("Status"), choices=PremisesStatus.choices)
    planned_use = forms.CharField(
        label=_("Planned use"),
        required=False,
        max_length=services.TEXT_LIMIT,
        help_text=_("For surplus premises: what the province plans for them"),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=services.NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ProfileForm(forms.Form):
    officers = forms.IntegerField(
        label=_("Officers"),
        required=False,
        min_value=0,
        max_value=100_000,
        help_text=_("Multiplies the standard's per-officer lines"),
    )
    counters = forms.IntegerField(
        label=_("Service counters"),
        required=False,
        min_value=0,
        max_value=1_000,
        help_text=_("Multiplies the per-counter lines; blank: the standard's number of counters"),
    )
    headquarters = forms.TypedChoiceField(
        label=_("Headquarters"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, premises: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["headquarters"].choices = [("", "—"), *premises]  # type: ignore[attr-defined]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))


class StandardForm(forms.Form):
    valid_from = DayField(label=_("In force from"), required=True)
    title = forms.CharField(label=_("Title"), max_length=255)
    source = forms.CharField(label=_("Legal or provincial source"), required=False, max_length=255)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=services.NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    scope = forms.TypedChoiceField(label=_("For"), coerce=int, empty_value=None)

    def __init__(
        self, *args: Any, provinces: list[tuple[int, str]], national: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[int, str]] = (
            [(0, str(_("Every province (national default)")))] if national else []
        )
        self.fields["scope"].choices = choices + provinces  # type: ignore[attr-defined]


class LineForm(forms.Form):
    item = forms.ChoiceField(label=_("Item"), required=False)
    quantity = forms.IntegerField(
        label=_("Quantity"), required=False, min_value=0, max_value=services.MAX_QUANTITY
    )
    per = forms.ChoiceField(label=_("Per"), choices=Per.choices, required=False)
    source = forms.CharField(label=_("Source"), required=False, max_length=255)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "—"), *_item_choices()]  # type: ignore[attr-defined]


LineFormSet = forms.formset_factory(
    LineForm,
    extra=3,
    max_num=services.MAX_LINES,
    absolute_max=services.MAX_LINES,
    validate_max=True,
)
