"""The access matrix's rows of the staffing figures and the Resolution 18 report
(accounts/tests/test_matrix.py adds them).

Columns: SU AD A2 DE WA NB OB OP (see test_matrix). A unit's figures follow the read scope of
the unit: the neighbouring ward and another province get "not found" (404). The Resolution 18
report is the province's, read as its apparatus report is: by its administrators and its
departments; a commune's officials and another province's administrator get 404.
"""

from __future__ import annotations

from typing import Any

READ_WARD = "200 200 200 200 200 404 200 404"
# As the apparatus report of the province: its administrators and its departments.
READ_PROVINCE = "200 200 200 200 404 404 404 404"
BETWEEN = {"province": "Sơn La", "date_from": "2025-06-30", "date_to": "2025-07-01"}
BETWEEN_PAGE = {"province": "Sơn La", "from": "30/06/2025", "to": "01/07/2025"}


def api_rows(row: Any, get: Any) -> dict[tuple[str, str], list[Any]]:
    return {
        ("GET", "/api/staff/figures"): [
            row(
                "the ward's staffing figures",
                get(lambda w: "/api/staff/figures", {"unit": "03667"}),
                READ_WARD,
            )
        ],
        ("GET", "/api/reports/staff"): [
            row(
                "the province's Resolution 18 report",
                get(lambda w: "/api/reports/staff", BETWEEN),
                READ_PROVINCE,
            )
        ],
    }


def page_rows(row: Any, page: Any) -> dict[str, list[Any]]:
    return {
        "staffing:figures": [
            row(
                "the ward's staffing figures",
                page(lambda w: "/staff/figures/", {"unit": "03667"}),
                READ_WARD,
            )
        ],
        "reports:staff": [
            row(
                "the province's Resolution 18 report",
                page(lambda w: "/reports/staff/", BETWEEN_PAGE),
                READ_PROVINCE,
            )
        ],
    }
