"""The figures of dossiers (Decision 766) over the API."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["services"])
