"""The access matrix's rows of discipline proceedings (accounts/tests/test_matrix.py adds them).

Columns: SU AD A2 DE WA NB OB OP (see test_matrix). Each request gets a new proceeding against a
civil servant of Phường Chiềng An's people's committee. Reading and acting follow the managing
scope of the official (write scope on the unit that employs them): the superuser, the province's
administrators and the ward's official; the department's official (DE) and the observer (OB) see
the official but manage none (403 on opening, 404 on a proceeding).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ALL_200 = "200 200 200 200 200 200 200 200"
MANAGERS = "200 200 200 404 200 404 404 404"
OPEN = "200 200 200 403 200 404 403 404"
NEW_PAGE = "200 200 200 200 200 200 403 200"
World = Any


def ward_official(world: World) -> int:
    from tinhgon.staffing.tests import factories as staff

    return staff.official(world.id("committee"))


def proceeding(
    suffix: str = "", *, prefix: str = "/api/integrity/discipline"
) -> Callable[[World], str]:
    def url(world: World) -> str:
        from tinhgon.integrity import discipline

        made = discipline.proceeding_open(
            actor=None,
            official_id=ward_official(world),
            measure="reprimand",
            grounds="Chậm giải quyết hồ sơ nhiều lần",
        )
        return f"{prefix}/{made.pk}{suffix}"

    return url


def api_rows() -> dict[tuple[str, str], list[Any]]:
    from django.utils import timezone

    from tinhgon.accounts.tests.test_matrix import Row, get, post

    def decision(_world: World) -> dict:
        return {
            "measure": "reprimand",
            "decision": "1/QĐ-UBND",
            "decided_on": timezone.localdate().isoformat(),
            "legal_basis": "Nghị định 172/2025/NĐ-CP",
        }

    return {
        ("GET", "/api/integrity/discipline"): [
            Row("the proceedings one manages", get(lambda w: "/api/integrity/discipline"), ALL_200)
        ],
        ("GET", "/api/integrity/discipline/{proceeding_id}"): [
            Row("a proceeding against a ward's official", get(proceeding()), MANAGERS)
        ],
        ("POST", "/api/integrity/discipline"): [
            Row(
                "open one against a ward's official",
                post(
                    lambda w: "/api/integrity/discipline",
                    lambda w: {
                        "official_id": ward_official(w),
                        "measure": "warning",
                        "grounds": "Sách nhiễu người dân",
                    },
                ),
                OPEN,
            )
        ],
        ("POST", "/api/integrity/discipline/{proceeding_id}/decide"): [
            Row("decide it", post(proceeding("/decide"), decision), MANAGERS)
        ],
        ("POST", "/api/integrity/discipline/{proceeding_id}/drop"): [
            Row(
                "drop it",
                post(proceeding("/drop"), lambda w: {"reason": "Không vi phạm"}),
                MANAGERS,
            )
        ],
    }


def page_rows() -> dict[str, list[Any]]:
    from tinhgon.accounts.tests.test_matrix import Row, page

    pages = "/integrity/discipline"
    return {
        "integrity:discipline": [Row("the proceedings", page(lambda w: f"{pages}/"), ALL_200)],
        "integrity:discipline_new": [
            Row("the form to open one", page(lambda w: f"{pages}/new/"), NEW_PAGE)
        ],
        "integrity:proceeding": [
            Row("a proceeding", page(proceeding("/", prefix=pages)), MANAGERS)
        ],
        "integrity:proceeding_move": [
            Row(
                "decide: back to the proceeding (those who may act)",
                page(proceeding("/decide/", prefix=pages)),
                "302 302 302 404 302 404 404 404",
            )
        ],
    }
