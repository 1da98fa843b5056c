"""The citizens' and businesses' API: file, track, rate (no login).

No authentication and no cookie: the applicant proves who they are with the dossier's code and
the last four digits of the phone (throttled per address and per code, and a wrong pair answers
as an unknown code does). The rules are `tinhgon.publicservices.portal`'s, as on the pages."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from tinhgon.core.schemas import PRINTABLE_REGEX
from tinhgon.publicservices import portal
from tinhgon.publicservices.services import NAME_LIMIT, REF_LIMIT

router = Router(tags=["portal"])

Text = Annotated[str, Field(pattern=PRINTABLE_REGEX, max_length=NAME_LIMIT)]
CodeText = Annotated[
    str, Field(pattern=PRINTABLE_REGEX, min_length=1, max_length=portal.CODE_LIMIT)
]
PhoneLast = Annotated[str, Field(pattern=r"^\d{4}$", examples=["5678"])]


class FilingIn(Schema):
    procedure: Annotated[str, Field(pattern=PRINTABLE_REGEX, max_length=32, examples=["1.004194"])]
    applicant_kind: Annotated[str, Field(pattern=r"^(citizen|business)$", examples=["citizen"])]
    applicant_name: Text
    applicant_id: Annotated[str, Field(pattern=PRINTABLE_REGEX, max_length=20)]
    applicant_commune: Annotated[
        str,
        Field(
            pattern=PRINTABLE_REGEX,
            max_length=portal.COMMUNE_LIMIT,
            description="Today's name or code of the commune; an older name finds its successor",
        ),
    ]
    applicant_phone: Annotated[
        str, Field(pattern=PRINTABLE_REGEX, max_length=20, examples=["0912345678"])
    ]
    applicant_email: Annotated[
        str, Field(pattern=PRINTABLE_REGEX, max_length=portal.EMAIL_LIMIT)
    ] = ""
    client_ref: (
        Annotated[
            str,
            Field(
                pattern=PRINTABLE_REGEX,
                max_length=REF_LIMIT,
                description="Sending the same token again files nothing new",
            ),
        ]
        | None
    ) = None


class FiledOut(Schema):
    code: str
    status: int
    status_name: str
    documents: int


class TrackIn(Schema):
    code: CodeText
    phone_last: PhoneLast


class RateIn(TrackIn):
    rating: Annotated[int, Field(ge=1, le=3, description="1 not satisfied, 2 satisfied, 3 very")]


class HistoryOut(Schema):
    at: str
    move: str
    status: str
    note: str


class DocumentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    stage: str
    uploaded: str


class TrackingOut(Schema):
    code: str
    status: int
    status_name: str
    procedure: str
    procedure_name: str
    unit_name: str
    submitted: str
    received: str | None
    due: str | None
    promised: str | None
    finished: str | None
    returned: str | None
    rating: int | None
    history: list[HistoryOut]
    documents: list[DocumentOut]


def _address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "")


@router.post("/dossiers", response={201: FiledOut}, auth=None)
def portal_file(
    request: HttpRequest,
    payload: Form[FilingIn],
    documents: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status:
    """File a dossier online (multipart/form-data: the fields and the files `documents`)."""
    dossier = portal.portal_file(
        procedure_code=payload.procedure,
        applicant_kind=payload.applicant_kind,
        applicant_name=payload.applicant_name,
        applicant_id=payload.applicant_id,
        applicant_commune=payload.applicant_commune,
        applicant_phone=payload.applicant_phone,
        applicant_email=payload.applicant_email,
        files=documents or [],
        client_ref=payload.client_ref,
        address=_address(request),
    )
    found = portal.tracking(dossier)
    return Status(
        201,
        {
            "code": dossier.code,
            "status": dossier.status,
            "status_name": found.status_name,
            "documents": len(found.documents),
        },
    )


@router.post("/track", response=TrackingOut, auth=None)
def portal_track(request: HttpRequest, payload: TrackIn) -> dict[str, Any]:
    """A dossier by its code and the last 4 digits of the phone (404 for a wrong pair as for an
    unknown code; 429 after too many wrong pairs)."""
    dossier = portal.dossier_for_applicant(
        code=payload.code, phone_last=payload.phone_last, address=_address(request)
    )
    return portal.tracking_dict(portal.tracking(dossier))


@router.post("/rate", response=TrackingOut, auth=None)
def portal_rate(request: HttpRequest, payload: RateIn) -> dict[str, Any]:
    """Rate a processed dossier (9 or 10), once: a second rating is refused (409)."""
    dossier = portal.dossier_for_applicant(
        code=payload.code, phone_last=payload.phone_last, address=_address(request)
    )
    portal.portal_rate(dossier=dossier, rating=payload.rating)
    return portal.tracking_dict(portal.tracking(dossier))


class SupplementIn(TrackIn):
    note: Annotated[str, Field(pattern=PRINTABLE_REGEX, max_length=1000)] = ""


@router.post("/supplement", response=TrackingOut, auth=None)
def portal_supplement(
    request: HttpRequest,
    payload: Form[SupplementIn],
    documents: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> dict[str, Any]:
    """Send the documents asked for (multipart/form-data) to a dossier waiting for them
    (status 5): it goes back to processing (409 unless it waits)."""
    dossier = portal.dossier_for_applicant(
        code=payload.code, phone_last=payload.phone_last, address=_address(request)
    )
    dossier = portal.portal_supplement(dossier=dossier, files=documents or [], note=payload.note)
    return portal.tracking_dict(portal.tracking(dossier))
