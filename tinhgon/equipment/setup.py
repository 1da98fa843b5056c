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

    # The unit page's section (units/sections.py): the unit's equipment against its standard.
    from tinhgon.equipment.unit_section import unit_section
    from tinhgon.units.sections import register_section

    register_section(unit_section, name="equipment")
