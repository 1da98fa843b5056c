"""Forms of the staff's pages: the work list's filters, a move of a dossier, filing at a counter.
Bounded inputs, checked before anything is looked up; the services check the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tinhgon.core.forms import DayField
from tinhgon.publicservices import services
from tinhgon.publicservices.models import ApplicantKind, Channel, Status

UNIT_CODE = r"^[0-9A-Za-z][0-9A-Za-z._/-]{0,39}$"
OPEN_CHOICES = [("", _("all")), ("open", _("open")), ("finished", _("finished"))]


class WorkListForm(forms.Form):
    """The filters of the work list (GET). `unit` is a unit code: a list to choose from when the
    scope holds few units, a box to type it in otherwise."""

    unit = forms.RegexField(
        label=_("Unit"), regex=UNIT_CODE, required=False, max_length=40, strip=True
    )
    state = forms.ChoiceField(label=_("Dossiers"), choices=OPEN_CHOICES, required=False)
    status = forms.TypedChoiceField(
        label=_("Status"),
        choices=[("", _("any status"))] + [(s.value, f"{s.value}. {s.label}") for s in Status],
        coerce=int,
        required=False,
        empty_value=None,
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)
    offset = forms.IntegerField(
        required=False, min_value=0, max_value=10_000_000, widget=forms.HiddenInput
    )

    def __init__(self, *args, units: list[tuple[str, str]] | None = None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].widget = forms.Select(
                choices=[("", _("every unit in my scope")), *units]
            )


class MoveForm(forms.Form):
    """What a move needs; each move's form on the dossier page draws only its own fields (its
    prefix is the move's name, so that the page's labels stay unique)."""

    note = forms.CharField(
        label=_("Note or reason"),
        required=False,
        max_length=services.NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    assignee = forms.ChoiceField(label=_("Official"), required=False, choices=[])
    amount = forms.IntegerField(
        label=_("Amount (đồng)"), required=False, min_value=1, max_value=services.MAX_FEE
    )
    to_unit = forms.RegexField(
        label=_("Code of the unit"),
        regex=UNIT_CODE,
        required=False,
        max_length=40,
        help_text=_("for example 03670"),
    )
    new_due_at = DayField(label=_("New date"))
    reason = forms.CharField(
        label=_("Reason for the delay"),
        required=False,
        max_length=services.NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, officials: list[tuple[str, str]] = (), **kwargs):  # type: ignore[no-untyped-def,assignment]
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = list(officials)


class FileForm(forms.Form):
    procedure = forms.ChoiceField(label=_("Procedure"), choices=[])
    applicant_kind = forms.ChoiceField(
        label=_("Applicant"), choices=ApplicantKind.choices, initial=ApplicantKind.CITIZEN
    )
    applicant_name = forms.CharField(
        label=_("Name of the citizen or business"), max_length=services.NAME_LIMIT
    )
    applicant_id = forms.RegexField(
        label=_("Identity number or tax code"),
        regex=r"^[0-9 .-]{1,20}$",
        max_length=20,
        help_text=_("12 digits (9 on an old identity card); a tax code 10 or 13 digits"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    applicant_commune = forms.RegexField(
        label=_("Code of the applicant's commune or ward"),
        regex=UNIT_CODE,
        max_length=40,
        help_text=_("for example 03667"),
    )
    receiving_unit = forms.RegexField(
        label=_("Code of the receiving unit"), regex=UNIT_CODE, max_length=40
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial="in_person")
    applicant_email = forms.EmailField(
        label=_("Applicant's email"), required=False, max_length=services.EMAIL_LIMIT
    )
    applicant_phone = forms.RegexField(
        label=_("Applicant's phone"),
        regex=r"^[0-9 .+()-]{4,20}$",
        required=False,
        max_length=20,
        help_text=_("only its last four digits are kept: they let the applicant track the dossier"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    def __init__(self, *args, procedures: list[tuple[str, str]] = (), **kwargs):  # type: ignore[no-untyped-def,assignment]
        super().__init__(*args, **kwargs)
        field = self.fields["procedure"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = list(procedures)
