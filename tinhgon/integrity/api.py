"""The integrity API, under /api/integrity: each part adds its own router."""

from ninja import Router

router = Router(tags=["integrity"])
router.add_router("/flags", "tinhgon.integrity.flags_api.router")
router.add_router("/exports", "tinhgon.integrity.exports_api.router")
router.add_router("/figures", "tinhgon.integrity.figures_api.router")
router.add_router("", "tinhgon.integrity.cases_api.router")
router.add_router("", "tinhgon.integrity.inspections_api.router")
router.add_router("", "tinhgon.integrity.discipline_api.router")
