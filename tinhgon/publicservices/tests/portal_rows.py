"""What the access matrix (tinhgon/accounts/tests/test_matrix.py) sends to the portal: a
dossier filed online at Phường Chiềng An with one document, and the requests about it."""

from __future__ import annotations

import itertools
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tinhgon.publicservices import portal
from tinhgon.publicservices.models import Document
from tinhgon.publicservices.tests.factories import TAM_TRU, load_catalogue

PDF = b"%PDF-1.4\n%%EOF\n"
PHONE = "0912345678"
_refs = itertools.count(1)


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("to-khai.pdf", PDF)


def form(**more: Any) -> dict[str, Any]:
    load_catalogue()
    return {
        "procedure": TAM_TRU,
        "applicant_kind": "citizen",
        "applicant_name": "Lò Thị Mai",
        "applicant_id": "014199001234",
        "applicant_commune": "03667",
        "applicant_phone": PHONE,
        "documents": pdf(),
        **more,
    }


def filed() -> Document:
    """A dossier of Phường Chiềng An filed online, and its document."""
    load_catalogue()
    dossier = portal.portal_file(
        procedure_code=TAM_TRU,
        applicant_kind="citizen",
        applicant_name="Lò Thị Mai",
        applicant_id="014199001234",
        applicant_commune="03667",
        applicant_phone=PHONE,
        files=[pdf()],
        client_ref=f"matrix-{next(_refs)}",
    )
    return Document.objects.get(dossier=dossier)


def second_factor() -> dict[str, str]:
    """The code of a new dossier and the right digits: every persona tracks it (no login)."""
    return {"code": filed().dossier.code, "phone_last": PHONE[-4:]}
