"""Dossiers for tests: the starter catalogue, and a dossier filed (and received) at a commune."""

from __future__ import annotations

import datetime as dt
import itertools

from tinhgon.publicservices import catalogue, services
from tinhgon.publicservices.models import Dossier, ProcedureVersion

CATALOGUE_DAY = dt.date(2025, 7, 1)
TAM_TRU = "1.004194"  # Đăng ký tạm trú: 3 working days
_numbers = itertools.count(1)


def load_catalogue() -> None:
    if not ProcedureVersion.objects.exists():
        catalogue.catalogue_import(actor=None, data=catalogue.starter(), valid_from=CATALOGUE_DAY)


def file_dossier(
    commune_id: int,
    *,
    procedure: str = TAM_TRU,
    receive: bool = True,
    actor=None,  # type: ignore[no-untyped-def]
    receiving_unit_id: int | None = None,
) -> Dossier:
    load_catalogue()
    dossier = services.dossier_submit(
        actor=actor,
        procedure_code=procedure,
        applicant_kind="citizen",
        applicant_name="Lò Văn Thử",
        applicant_id=f"0141{next(_numbers):08d}",
        applicant_commune_id=commune_id,
        channel="in_person",
        receiving_unit_id=receiving_unit_id or commune_id,
    )
    if receive:
        dossier = services.dossier_receive(actor=actor, code=dossier.code)
    return dossier


def open_dossier(commune_id: int) -> int:
    """An example record for the carrier contract suite."""
    return file_dossier(commune_id).pk
