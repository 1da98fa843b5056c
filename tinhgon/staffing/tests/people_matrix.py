"""The access matrix's rows of the people pages and endpoints (accounts/tests/test_matrix.py adds
them): who may read a unit's officials and positions, and who may import.

Columns: SU AD A2 DE WA NB OB OP (see test_matrix). Reading follows the read scope of the unit
(the neighbouring ward and another province do not see Phường Chiềng An's people: 404); the
identity number shown in full only to managers is tested in test_access_people.py. Importing
needs a role that writes somewhere: the observer is refused (403).
"""

from __future__ import annotations

from typing import Any

READ_WARD = "200 200 200 200 200 404 200 404"
WRITERS_PAGE = "200 200 200 200 200 200 403 200"
ALL_200 = "200 200 200 200 200 200 200 200"


def _official(world: Any) -> int:
    from tinhgon.staffing.models import Official
    from tinhgon.staffing.tests.factories import official

    found = Official.objects.filter(full_name="Lò Văn Ma Trận").values_list("pk", flat=True)
    return found[0] if found else official(world.id("ward"), full_name="Lò Văn Ma Trận")


def api_rows(row: Any, get: Any) -> dict[tuple[str, str], list[Any]]:
    ward = {"unit": "03667"}
    return {
        ("GET", "/api/staff/officials"): [
            row("the ward's officials", get(lambda w: "/api/staff/officials", ward), READ_WARD)
        ],
        ("GET", "/api/staff/officials/{official_id}"): [
            row(
                "an official of the ward",
                get(lambda w: f"/api/staff/officials/{_official(w)}"),
                READ_WARD,
            )
        ],
        ("GET", "/api/staff/positions"): [
            row("the ward's positions", get(lambda w: "/api/staff/positions", ward), READ_WARD)
        ],
    }


def page_rows(row: Any, page: Any) -> dict[str, list[Any]]:
    ward = {"unit": "03667"}
    return {
        "staffing:people": [
            row("the ward's officials", page(lambda w: "/staff/", ward), READ_WARD)
        ],
        "staffing:official": [
            row(
                "an official of the ward",
                page(lambda w: f"/staff/officials/{_official(w)}/"),
                READ_WARD,
            )
        ],
        "staffing:positions": [
            row("the ward's positions", page(lambda w: "/staff/positions/", ward), READ_WARD)
        ],
        "staffing:import": [row("the import form", page(lambda w: "/staff/import/"), WRITERS_PAGE)],
        "staffing:import_template": [
            # A blank spreadsheet: anyone signed in may take it.
            row("the import template", page(lambda w: "/staff/import/template.xlsx"), ALL_200)
        ],
    }
