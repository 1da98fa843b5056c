"""The access matrix's rows of cases (accounts/tests/test_matrix.py adds them): who may use each
endpoint of this part.

Columns: SU AD A2 DE WA NB OB OP (see test_matrix). Each request gets a new denunciation
concerning Phường Chiềng An, handled by the ward's people's committee, made before its savepoint.
Reading a denunciation follows the hierarchy above its handler unit, not the whole scope: the
department's official (DE), whose scope is the province, does not read what the ward handles
(docs/integrity-cases.md, "Who reads a case"). Acting is the handler's alone: the ward's official
(WA), not the superuser nor the provincial administrators, who never act on (nor read the author
of) a case.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ALL_200 = "200 200 200 200 200 200 200 200"
# A denunciation the ward handles: read at the ward and above it, not by a department (DE).
READ_WARD = "200 200 200 404 200 404 200 404"
# DE: 404, as it does not read the denunciation at all (its existence does not leak).
HANDLER = "403 403 403 404 200 404 403 404"
RECEIVE_AT_WARD = "200 200 200 403 200 404 403 404"
RECEIVE_PAGE = "200 200 200 200 200 200 403 200"
World = Any


def ward_case(suffix: str = "", *, decided: bool = False) -> Callable[[World], str]:
    def url(world: World) -> str:
        from tinhgon.integrity import cases
        from tinhgon.integrity.tests.cases_factories import receive

        case = receive(world.id("ward"), received_at=None)
        if decided:
            cases.case_accept(actor=None, case_id=case.pk)
            cases.case_decide(actor=None, case_id=case.pk, decision="Kết luận")
        return f"/api/integrity/cases/{case.pk}{suffix}"

    return url


def api_rows() -> dict[tuple[str, str], list[Any]]:
    from tinhgon.accounts.tests.test_matrix import Row, get, post

    return {
        ("GET", "/api/integrity/cases"): [
            Row("the cases of one's scope", get(lambda w: "/api/integrity/cases"), ALL_200)
        ],
        ("GET", "/api/integrity/cases/{case_id}"): [
            Row("a case the ward's committee handles", get(ward_case()), READ_WARD)
        ],
        ("POST", "/api/integrity/cases"): [
            Row(
                "receive a case concerning the ward",
                post(
                    lambda w: "/api/integrity/cases",
                    lambda w: {
                        "kind": "feedback",
                        "subject": "Phản ánh thủ tục",
                        "body": "Nội dung",
                        "unit_id": w.id("ward"),
                        "author_name": "Người phản ánh",
                    },
                ),
                RECEIVE_AT_WARD,
            )
        ],
        ("POST", "/api/integrity/cases/{case_id}/{move}"): [
            Row("accept (the handler)", post(ward_case("/accept"), lambda w: {}), HANDLER)
        ],
    }


def page_rows() -> dict[str, list[Any]]:
    from tinhgon.accounts.tests.test_matrix import Row, page

    def case_page(suffix: str = "", *, decided: bool = False) -> Callable[[World], str]:
        def url(world: World) -> str:
            api = ward_case(decided=decided)(world)
            return api.replace("/api/integrity/cases/", "/integrity/cases/") + suffix

        return url

    return {
        "integrity:cases": [Row("the inbox", page(lambda w: "/integrity/"), ALL_200)],
        "integrity:case": [
            Row("a case the ward's committee handles", page(case_page("/")), READ_WARD)
        ],
        "integrity:case_new": [
            Row("the desk's form", page(lambda w: "/integrity/cases/new/"), RECEIVE_PAGE)
        ],
        "integrity:case_move": [
            Row(
                "close: the confirmation (the handler)",
                page(case_page("/close/", decided=True)),
                HANDLER,
            )
        ],
        "integrity:case_pdf": [
            Row(
                "the decision of a decided case",
                page(case_page("/decision.pdf", decided=True)),
                READ_WARD,
            ),
            Row(
                "the notice to the author (the handler)",
                page(case_page("/notice.pdf", decided=True)),
                "404 404 404 404 200 404 404 404",
            ),
        ],
    }
