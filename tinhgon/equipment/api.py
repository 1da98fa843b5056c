"""The equipment API, under /api/equipment: each part adds its own router."""

from ninja import Router

router = Router(tags=["equipment"])
router.add_router("/standards", "tinhgon.equipment.standards_api.router")
router.add_router("/rebalance", "tinhgon.equipment.rebalance_api.router")
router.add_router("/figures", "tinhgon.equipment.figures_api.router")
router.add_router("", "tinhgon.equipment.inventory_api.router")
