"""How dossiers follow their competent unit through a reorganization.

Open dossiers (national status 1, 2, 4, 5, 6, 9) move in place to the unit's successor on the
plan's effective date: same primary key, same code, same received and due dates, same history,
their province and administrative unit refreshed; the dossiers of a split commune go where the
applicant's commune lies. Finished dossiers (3, 7, 8, 10) stay with the unit that decided them:
they are its record, and nothing is left to do for them.
"""

from __future__ import annotations

from tinhgon.carriers.contract import Batch, Context, UnitRowsCarrier
from tinhgon.carriers.models import RecordMove
from tinhgon.publicservices.models import OPEN, Dossier


class DossiersCarrier(UnitRowsCarrier):
    name = "dossiers"
    model = Dossier
    unit_field = "unit"
    province_field = "province"
    admin_unit_field = "admin_unit"
    rule_field = "applicant_commune"

    def extra(self, alias: str = "t") -> str:
        # Constants, not parameters: the bases bind their own.
        return f" AND {alias}.status IN ({', '.join(str(int(s)) for s in OPEN)})"

    def move(self, ctx: Context, batch: Batch | None = None) -> int:
        # The figures' counters follow the dossiers moved (figures.follow_moves), in the same
        # transaction: the history rows written after `mark` are this move's.
        from tinhgon.publicservices import figures

        mark = RecordMove.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        moved = super().move(ctx, batch)
        if moved:
            figures.follow_moves(plan_id=ctx.plan_id, after_id=mark)
        return moved

    def describe(self, record_ids):  # type: ignore[no-untyped-def]
        codes = dict(Dossier.objects.filter(pk__in=record_ids).values_list("pk", "code"))
        return {record: codes.get(record, f"#{record}") for record in record_ids}
