"""The access matrix's rows of the integrity figures (accounts/tests/test_matrix.py adds them):
counts of a unit's cases, inspections and recommendations, for those whose read scope covers
the unit; a unit outside one's scope is "not found".

Columns: SU AD A2 DE WA NB OB OP (see test_matrix). The figures asked for are those of Phường
Chiềng An (03667).
"""

from __future__ import annotations

from typing import Any

READ_WARD = "200 200 200 200 200 404 200 404"


def api_rows() -> dict[tuple[str, str], list[Any]]:
    from tinhgon.accounts.tests.test_matrix import Row, get

    return {
        ("GET", "/api/integrity/figures"): [
            Row(
                "the figures of the ward",
                get(lambda w: "/api/integrity/figures", {"unit": "03667"}),
                READ_WARD,
            )
        ],
    }


def page_rows() -> dict[str, list[Any]]:
    from tinhgon.accounts.tests.test_matrix import Row, page

    return {
        "integrity:figures": [
            Row(
                "the figures page of the ward",
                page(lambda w: "/integrity/figures/?unit=03667"),
                READ_WARD,
            )
        ],
    }
