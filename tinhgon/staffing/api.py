"""The staffing API, under /api/staff: each part of the capability adds its own router."""

from ninja import Router

router = Router(tags=["staff"])
router.add_router("/figures", "tinhgon.staffing.figures_api.router")
router.add_router("/placement", "tinhgon.staffing.placement_api.router")
router.add_router("/rules", "tinhgon.staffing.rules_api.router")
router.add_router("", "tinhgon.staffing.people_api.router")
