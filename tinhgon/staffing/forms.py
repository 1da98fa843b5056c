"""Forms of the people pages: an official (new, edited), a position (new, closed), a quota, an
assignment (started, ended), a training. They check what a form can (types, required fields,
the identity number against the date of birth and gender); the rules that read the database
(parent caps, seats, categories) stay in `staffing.services`, which the views call."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhgon.core.forms import DayField, text_field
from tinhgon.staffing import services
from tinhgon.staffing.models import (
    Category,
    Field,
    Gender,
    Group,
    LeaderRole,
    Qualification,
    Training,
)


def _required_day(label: Any) -> DayField:
    return DayField(label=label, required=True)


def _choices(choices: Any, blank: str | None = None) -> list[tuple[Any, Any]]:
    rows = [(value, str(label)[:1].upper() + str(label)[1:]) for value, label in choices]
    return [("", blank), *rows] if blank is not None else rows


def identity_problem(number: str, birth_date: dt.date | None, gender: str | None) -> str | None:
    """Why a citizen identity number cannot be this person's, or None.

    A 12-digit number (CCCD, Decree 137/2015 art. 7) is 3 digits of the province of birth
    registration, one of century and gender (0/1: born 1900-1999 male/female, 2/3: 2000-2099,
    ...), the last two digits of the year of birth, and six more; an old card has 9 digits."""
    value = (number or "").strip().replace(" ", "")
    if not (value.isascii() and value.isdigit() and len(value) in (9, 12)):
        return _("The identity number must have 12 digits (or 9 for an old card).")
    if len(value) == 9 or birth_date is None or not gender:
        return None
    century = (birth_date.year - 1900) // 100
    expected = century * 2 + (1 if gender == Gender.FEMALE else 0)
    if not 0 <= century <= 4 or value[3] != str(expected):
        return _(
            "The 4th digit of the identity number (%(digit)s) does not match the century of "
            "birth and the gender: %(expected)s was expected."
        ) % {"digit": value[3], "expected": expected}
    if value[4:6] != f"{birth_date.year % 100:02d}":
        return _(
            "Digits 5 and 6 of the identity number (%(digits)s) must be the year of birth's last "
            "two (%(year)s)."
        ) % {"digits": value[4:6], "year": f"{birth_date.year % 100:02d}"}
    return None


class CoefficientField(forms.DecimalField):
    """A salary coefficient typed 2,34 (as written in Vietnamese) or 2.34: it never has a
    thousands separator, so either mark is the decimal one, whatever the page's language."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


class OfficialForm(forms.Form):
    """A new official, or (`editing`) the changes to one: there the identity number may stay
    blank, which keeps the one recorded."""

    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=services.NAME_LIMIT)
    national_id = forms.CharField(
        label=gettext_lazy("Identity number"),
        max_length=20,
        help_text=gettext_lazy("12 digits of the citizen identity card (CCCD)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    birth_date = _required_day(gettext_lazy("Date of birth"))
    gender = forms.ChoiceField(label=gettext_lazy("Gender"), choices=_choices(Gender.choices))
    ethnicity = forms.CharField(label=gettext_lazy("Ethnicity"), max_length=40)
    home_commune = text_field(
        gettext_lazy("Home commune"),
        gettext_lazy("Code or name of the commune or ward (optional)."),
        max_length=100,
    )
    level = forms.TypedChoiceField(
        label=gettext_lazy("Qualification"), choices=_choices(Qualification.choices), coerce=int
    )
    field = forms.ChoiceField(label=gettext_lazy("Field"), choices=_choices(Field.choices))
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=_choices(Category.choices))
    rank = forms.CharField(
        label=gettext_lazy("Rank or professional title"), max_length=120, required=False
    )
    salary_coefficient = CoefficientField(
        label=gettext_lazy("Salary coefficient"),
        min_value=services.MIN_COEFFICIENT,
        max_value=services.MAX_COEFFICIENT,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=gettext_lazy("For example 2,34."),
    )
    hire_date = _required_day(gettext_lazy("Hired on"))

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing:
            number = self.fields["national_id"]
            number.required = False
            number.help_text = gettext_lazy(
                "Leave blank to keep the number recorded; type a new one to replace it."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        number = data.get("national_id") or ""
        if number or not self.editing:
            problem = identity_problem(number, data.get("birth_date"), data.get("gender"))
            if problem:
                self.add_error("national_id", problem)
        return data


class PositionForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"), max_length=services.CODE_LIMIT, help_text="CV-01"
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=services.TITLE_LIMIT)
    group = forms.ChoiceField(
        label=gettext_lazy("Kind of position"), choices=_choices(Group.choices)
    )
    leader_role = forms.ChoiceField(
        label=gettext_lazy("Leader"), choices=_choices(LeaderRole.choices), required=False
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=_choices(Category.choices))
    level_required = forms.TypedChoiceField(
        label=gettext_lazy("Qualification required"),
        choices=_choices(Qualification.choices),
        coerce=int,
        initial=Qualification.BACHELOR,
    )
    field_required = forms.ChoiceField(
        label=gettext_lazy("Field required"), choices=_choices(Field.choices)
    )
    seats = forms.IntegerField(
        label=gettext_lazy("Seats"), min_value=1, max_value=services.MAX_SEATS, initial=1
    )
    valid_from = _required_day(gettext_lazy("Open from"))


class QuotaForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=_choices(Category.choices))
    count = forms.IntegerField(
        label=gettext_lazy("Quota"), min_value=0, max_value=services.MAX_QUOTA
    )
    decision = forms.CharField(
        label=gettext_lazy("Decision"),
        max_length=services.DECISION_LIMIT,
        help_text=gettext_lazy("Number of the decision that sets it, e.g. 12/QĐ-UBND."),
    )
    decided_on = DayField(label=gettext_lazy("Decided on"))


class AssignmentForm(forms.Form):
    """An official of the unit and a position with a vacant seat (choices set by the view)."""

    official = forms.TypedChoiceField(label=gettext_lazy("Official"), coerce=int)
    position = forms.TypedChoiceField(label=gettext_lazy("Vacant seat"), coerce=int)
    valid_from = _required_day(gettext_lazy("From"))
    decision = forms.CharField(
        label=gettext_lazy("Decision"), max_length=services.DECISION_LIMIT, required=False
    )

    def __init__(
        self,
        *args: Any,
        officials: list[tuple[int, str]],
        positions: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["official"].choices = [("", _("Choose an official")), *officials]  # type: ignore[attr-defined]
        self.fields["position"].choices = [("", _("Choose a seat")), *positions]  # type: ignore[attr-defined]


class EndForm(forms.Form):
    """The last day of an assignment or a position (and the decision, for an assignment)."""

    last_day = _required_day(gettext_lazy("Last day"))
    decision = forms.CharField(
        label=gettext_lazy("Decision"), max_length=services.DECISION_LIMIT, required=False
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class LinkUserForm(forms.Form):
    """The user name of the official's own account (staffing/user_link.py)."""

    username = forms.CharField(
        label=gettext_lazy("User name of the official's account"),
        max_length=150,
        help_text=gettext_lazy(
            "The account the official signs in with: what concerns them (a denunciation, a "
            "proceeding, a red flag) is kept from it."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )


class TrainingForm(forms.Form):
    course = forms.CharField(label=gettext_lazy("Course"), max_length=200)
    field = forms.ChoiceField(label=gettext_lazy("Field"), choices=_choices(Field.choices))
    level = forms.TypedChoiceField(
        label=gettext_lazy("Qualification conferred"),
        choices=_choices(Qualification.choices, blank="—"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=gettext_lazy("Only for a course that confers a degree."),
    )
    start = _required_day(gettext_lazy("Start"))
    end = DayField(label=gettext_lazy("End"))
    result = forms.ChoiceField(
        label=gettext_lazy("Result"), choices=_choices(Training.Result.choices)
    )


def today_initial() -> dict[str, Any]:
    today = timezone.localdate()
    return {"valid_from": today, "last_day": today, "year": today.year, "start": today}
