"""The portal's forms: what the applicant types, bounded; the rules themselves are checked by
`tinhgon.publicservices.portal`, whose problems come back to these fields by name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tinhgon.publicservices.models import ApplicantKind, ProcedureVersion, Rating
from tinhgon.publicservices.portal import CODE_LIMIT, COMMUNE_LIMIT, EMAIL_LIMIT
from tinhgon.publicservices.services import NAME_LIMIT, REF_LIMIT

ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DocumentsField(forms.FileField):
    """Several files under one name; the list is checked by `documents.check_files`."""

    widget = MultipleFileInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        if data in (None, "", []):
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        return list(data) if isinstance(data, list | tuple) else [data]


class FileForm(forms.Form):
    procedure = forms.ChoiceField(label=_("Procedure"))
    applicant_kind = forms.ChoiceField(
        label=_("You file as"),
        choices=ApplicantKind.choices,
        initial=ApplicantKind.CITIZEN,
        widget=forms.RadioSelect,
    )
    applicant_name = forms.CharField(
        label=_("Full name (or the business's name)"),
        max_length=NAME_LIMIT,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    applicant_id = forms.CharField(
        label=_("Identity number (or tax code)"),
        max_length=20,
        help_text=_("12 digits of the citizen identity card; a business: its tax code"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    applicant_commune = forms.CharField(
        label=_("Your commune or ward"),
        max_length=COMMUNE_LIMIT,
        help_text=_("Today's name; a commune's name from before 2025 finds the commune it became"),
        widget=forms.TextInput(attrs={"list": "communes", "autocomplete": "off"}),
    )
    applicant_phone = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        help_text=_("Its last 4 digits are asked when you track the dossier"),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    applicant_email = forms.CharField(
        label=_("Email (optional)"),
        max_length=EMAIL_LIMIT,
        required=False,
        widget=forms.TextInput(attrs={"type": "email", "autocomplete": "email"}),
    )
    documents = DocumentsField(
        label=_("Documents"),
        required=False,
        help_text=_(
            "PDF, JPEG or PNG, at most %(size)s each and %(total)s together, at most %(count)s files"
        ),
    )
    client_ref = forms.CharField(max_length=REF_LIMIT, required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        procedures: list[ProcedureVersion],
        size: str,
        total: str,
        count: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["procedure"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Choose a procedure"))] + [
            (p.procedure.code, f"{p.name} ({p.procedure.code})") for p in procedures
        ]
        documents = self.fields["documents"]
        documents.help_text = str(documents.help_text) % {
            "size": size,
            "total": total,
            "count": count,
        }


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Dossier code"),
        max_length=CODE_LIMIT,
        help_text=_("As printed on the receipt, such as 03667-20250701-000123"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    phone_last = forms.RegexField(
        label=_("Last 4 digits of your phone number"),
        regex=r"^\s*\d{4}\s*$",
        max_length=8,
        error_messages={"invalid": _("Four digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class SupplementForm(forms.Form):
    documents = DocumentsField(label=_("Documents asked for"), required=True)
    note = forms.CharField(
        label=_("Note (optional)"), max_length=1000, required=False, widget=forms.Textarea
    )


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the service?"),
        choices=[(int(value), label) for value, label in Rating.choices][::-1],
        coerce=int,
        widget=forms.RadioSelect,
    )
