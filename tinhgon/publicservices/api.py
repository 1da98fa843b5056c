"""The staff's API of dossiers: work lists, a dossier and its moves, filing at the counter."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["services"])
router.add_router("/figures", "tinhgon.publicservices.figures_api.router")
router.add_router("/documents", "tinhgon.publicservices.documents_api.router")
