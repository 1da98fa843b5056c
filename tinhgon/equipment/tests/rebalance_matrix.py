"""The access matrix's rows of rebalancing and the equipment figures (accounts/tests/test_matrix.py
adds them): who may use each endpoint and page of these parts.

Columns: SU AD A2 DE WA NB OB OP (see test_matrix). A province's runs and figures are read by
those who read the province whole (its administrators, the department's official); proposing
and approving are for its managers (its administrators): the department's official, who writes
only its own department, is refused. Each request on a run gets a new run of Sơn La (the
operator's proposal), made before its savepoint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

READ_PROVINCE = "200 200 200 200 404 404 404 404"
MANAGE_PROVINCE = "200 200 200 403 404 404 404 404"
PROPOSE = "201 201 201 403 404 404 404 404"
# Without a province named: the first the user reads whole (none for a ward's people: the page
# says so), Hà Nội for its administrator.
OWN_PROVINCE = "200 200 200 200 200 200 200 200"
World = Any


def run_url(
    suffix: str = "", *, prefix: str = "/api/equipment/rebalance"
) -> Callable[[World], str]:
    def url(world: World) -> str:
        from tinhgon.equipment import rebalance

        run = rebalance.rebalance_propose(actor=None, province_id=world.id("province"))
        return f"{prefix}/{run.pk}{suffix}"

    return url


def api_rows() -> dict[tuple[str, str], list[Any]]:
    from tinhgon.accounts.tests.test_matrix import Row, get, post

    def province(world: World) -> dict:
        return {"province_id": world.id("province")}

    return {
        ("GET", "/api/equipment/rebalance"): [
            Row("Sơn La's runs", get(lambda w: "/api/equipment/rebalance", province), READ_PROVINCE)
        ],
        ("POST", "/api/equipment/rebalance"): [
            Row(
                "propose transfers for Sơn La",
                post(lambda w: "/api/equipment/rebalance", province),
                PROPOSE,
            )
        ],
        ("GET", "/api/equipment/rebalance/{run_id}"): [
            Row("a run of Sơn La", get(run_url()), READ_PROVINCE)
        ],
        ("POST", "/api/equipment/rebalance/{run_id}/approve"): [
            Row("approve a run of Sơn La", post(run_url("/approve"), lambda w: {}), MANAGE_PROVINCE)
        ],
        ("GET", "/api/equipment/figures"): [
            Row(
                "Sơn La's figures", get(lambda w: "/api/equipment/figures", province), READ_PROVINCE
            )
        ],
        ("GET", "/api/equipment/figures/xlsx"): [
            Row(
                "Sơn La's figures as a spreadsheet",
                get(lambda w: "/api/equipment/figures/xlsx", province),
                READ_PROVINCE,
            )
        ],
    }


def page_rows() -> dict[str, list[Any]]:
    from tinhgon.accounts.tests.test_matrix import Row, page

    def pages(world: World, path: str) -> str:
        return f"{path}?province={world.id('province')}"

    return {
        "equipment:rebalance": [
            Row("one's own province's runs", page(lambda w: "/equipment/rebalance/"), OWN_PROVINCE),
            Row(
                "Sơn La's runs",
                page(lambda w: pages(w, "/equipment/rebalance/")),
                READ_PROVINCE,
            ),
        ],
        "equipment:rebalance_run": [
            Row("a run of Sơn La", page(run_url("/", prefix="/equipment/rebalance")), READ_PROVINCE)
        ],
        "equipment:rebalance_approve": [
            Row(
                "the confirmation before approving",
                page(run_url("/approve/", prefix="/equipment/rebalance")),
                MANAGE_PROVINCE,
            )
        ],
        "equipment:figures": [
            Row(
                "one's own province's figures", page(lambda w: "/equipment/figures/"), OWN_PROVINCE
            ),
            Row("Sơn La's figures", page(lambda w: pages(w, "/equipment/figures/")), READ_PROVINCE),
        ],
    }
