"""What the equipment app registers with lower layers (called from EquipmentConfig.ready())."""

from __future__ import annotations


def register_all() -> None:
    from tinhgon.carriers.contract import register
    from tinhgon.equipment.carriers import InventoryCarrier, PremisesCarrier

    register(InventoryCarrier())
    register(PremisesCarrier())

    from tinhgon.carriers.contract import register_preview
    from tinhgon.equipment.preview import pooling_panel

    register_preview(pooling_panel)
