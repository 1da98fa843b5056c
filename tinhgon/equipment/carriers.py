"""How equipment and premises follow their unit through a reorganization (declared on the carrier
contract's base; registered from EquipmentConfig.ready() through `setup.register_all`).

- Inventory lines not written off move in place to the unit's successor: the items of merged
  communes pool at the successor (the rows move, nothing is summed away, so each line keeps its
  condition, year and value); the gaps are then computed on the pooled rows. Written-off lines
  stay with the unit that wrote them off: they are its record.
- Premises not handed over follow their unit too, and are marked with the date they came from a
  closed unit (`merged_on`): unless the successor chooses them as its headquarters, they are the
  candidates for "surplus premises after mergers".
"""

from __future__ import annotations

from tinhgon.carriers.contract import Batch, Context, UnitRowsCarrier
from tinhgon.carriers.models import RecordMove
from tinhgon.equipment.models import InventoryItem, Premises, PremisesStatus


class InventoryCarrier(UnitRowsCarrier):
    name = "equipment_inventory"
    model = InventoryItem
    unit_field = "unit"
    province_field = "province"

    def extra(self, alias: str = "t") -> str:
        return f" AND {alias}.written_off_on IS NULL"

    def describe(self, record_ids):  # type: ignore[no-untyped-def]
        found = InventoryItem.objects.filter(pk__in=record_ids).select_related("item_type")
        labels = {i.pk: f"{i.item_type.name} × {i.quantity}" for i in found}
        return {record: labels.get(record, f"#{record}") for record in record_ids}


class PremisesCarrier(UnitRowsCarrier):
    name = "equipment_premises"
    model = Premises
    unit_field = "unit"
    province_field = "province"

    def extra(self, alias: str = "t") -> str:
        return f" AND {alias}.status <> '{PremisesStatus.HANDED_OVER.value}'"

    def move(self, ctx: Context, batch: Batch | None = None) -> int:
        moved = super().move(ctx, batch)
        if moved:
            # Idempotent: only premises this plan moved and not yet marked.
            Premises.objects.filter(
                pk__in=RecordMove.objects.filter(plan_ref=ctx.plan_id, carrier=self.name).values(
                    "record_id"
                ),
                merged_on__isnull=True,
            ).update(merged_on=ctx.effective)
        return moved

    def describe(self, record_ids):  # type: ignore[no-untyped-def]
        labels = dict(Premises.objects.filter(pk__in=record_ids).values_list("pk", "name"))
        return {record: labels.get(record, f"#{record}") for record in record_ids}
