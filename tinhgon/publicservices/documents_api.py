"""Printable documents (PDF) over the API: which kinds a dossier's history gives, and each one
as PDF, for the dossiers in the caller's read scope."""

from __future__ import annotations

from typing import Annotated, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Path, Router, Schema

from tinhgon.publicservices import pdf_views, printing, services

router = Router(tags=["services"])

# A dossier's code: the receiving centre's code, the day and the sequence
# (03667-20260302-000001).
DossierCode = Annotated[
    str,
    Path(
        pattern=r"^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$",
        max_length=64,
        examples=["03667-20260302-000001"],
    ),
]
KindName = Literal["receipt", "supplement", "refusal", "apology", "stop", "control"]


class DocumentOut(Schema):
    kind: str
    title: str
    form: str
    public: bool
    url: str


class DocumentsOut(Schema):
    code: str
    documents: list[DocumentOut]


@router.get(
    "/{code}",
    response=DocumentsOut,
    summary="The printable documents that a dossier's history gives",
)
def documents_list(request: HttpRequest, code: DossierCode) -> dict:
    dossier = services.access_dossier(request.user, code)
    return {
        "code": dossier.code,
        "documents": [
            {
                "kind": kind,
                "title": printing.KINDS[kind].title,
                "form": printing.KINDS[kind].form,
                "public": printing.KINDS[kind].public,
                "url": f"/api/services/documents/{dossier.code}/{kind}",
            }
            for kind in printing.kinds_for(dossier)
        ],
    }


@router.get(
    "/{code}/{kind}",
    summary="One printable document of a dossier, as PDF (404 if its history gives none)",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The document (application/pdf)",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def document_get(request: HttpRequest, code: DossierCode, kind: KindName) -> HttpResponse:
    dossier = services.access_dossier(request.user, code)
    return pdf_views.document_response(request, dossier, kind)
