"""The coordination API, under /api/coord: each part adds its own router."""

from ninja import Router

router = Router(tags=["coordination"])
router.add_router("/reports", "tinhgon.coordination.reports_api.router")
router.add_router("/obstacles", "tinhgon.coordination.obstacles_api.router")
router.add_router("", "tinhgon.coordination.tasks_api.router")
