"""What the cases part registers from IntegrityConfig.ready(): its carriers, and the guard of
the account link (`staffing.user_link.register_guard`).

Open cases (received, accepted) follow the unit they concern and, separately, their handler unit
through a reorganization: moved in place (same id, same due date, same events), their province
columns refreshed. Decided and closed cases stay with the units of their time: they are record.
"""

from __future__ import annotations

from tinhgon.carriers import contract
from tinhgon.carriers.contract import UnitRowsCarrier
from tinhgon.integrity.cases import refuse_link_to_handler
from tinhgon.integrity.models import OPEN_CASE, Case
from tinhgon.staffing import user_link

OPEN_SQL = ", ".join(f"'{status.value}'" for status in OPEN_CASE)


class CasesCarrier(UnitRowsCarrier):
    """Open cases follow the unit they concern."""

    name = "cases"
    model = Case
    unit_field = "unit"
    province_field = "province"

    def extra(self, alias: str = "t") -> str:
        # Constants, not parameters: the bases bind their own.
        return f" AND {alias}.status IN ({OPEN_SQL})"

    def describe(self, record_ids):  # type: ignore[no-untyped-def]
        # Kind and number only: never the subject (it may name the author).
        kinds = dict(Case.objects.filter(pk__in=record_ids).values_list("pk", "kind"))
        return {record: f"{kinds.get(record, '?')} #{record}" for record in record_ids}


class CaseHandlersCarrier(CasesCarrier):
    """Open cases follow their handler unit."""

    name = "case_handlers"
    unit_field = "handler_unit"
    province_field = "handler_province"


def register_all() -> None:
    contract.register(CasesCarrier())
    contract.register(CaseHandlersCarrier())
    # Never link the accused's record to the account of who handles the case (cases.py).
    user_link.register_guard(refuse_link_to_handler)
