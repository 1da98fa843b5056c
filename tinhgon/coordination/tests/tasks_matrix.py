"""The access matrix's rows of directives and tasks (accounts/tests/test_matrix.py adds them):
who may use each endpoint and page of this part.

Columns: SU AD A2 DE WA NB OB OP (see test_matrix). Each request gets a new task of Phường
Chiềng An, of a directive of the province, made before its savepoint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ALL_200 = "200 200 200 200 200 200 200 200"
READ_WARD = "200 200 200 200 200 404 200 404"
# The lead unit's moves: the province and the ward; the issuer's: the province.
TASK_LEAD = "200 200 200 403 200 404 403 404"
TASK_ISSUER = "200 200 200 403 403 404 403 404"
World = Any


# A new task of the ward (Chiềng An) for each persona, of a directive of the province.
def coord_task(suffix: str = "", *, prefix: str = "/api/coord/tasks") -> Callable[[World], str]:
    def url(world: World) -> str:
        from tinhgon.coordination.tests import tasks_factories

        return f"{prefix}/{tasks_factories.open_task(world.id('ward'))}{suffix}"

    return url


def coord_extension(prefix: str) -> Callable[[World], str]:
    def url(world: World) -> str:
        from tinhgon.coordination.tests import tasks_factories

        return f"{prefix}/{tasks_factories.pending_extension(world.id('ward'))}/"

    return url


def coord_report_file(world: World) -> str:
    from tinhgon.coordination.tests import tasks_factories

    return f"/coord/files/{tasks_factories.reported_with_file(world.id('ward'))[1]}/"


def coord_directive(suffix: str) -> Callable[[World], str]:
    def url(world: World) -> str:
        from tinhgon.coordination.tests import tasks_factories

        return f"/coord/directives/{tasks_factories.directive_with_document(world.id('ward'))}/{suffix}"

    return url


def api_rows() -> dict[tuple[str, str], list[Any]]:
    from tinhgon.accounts.tests.test_matrix import Row, get, json_body, post

    return {
        ("GET", "/api/coord/tasks"): [
            Row("the tasks of one's scope", get(lambda w: "/api/coord/tasks"), ALL_200)
        ],
        ("GET", "/api/coord/tasks/{task_id}"): [
            Row("a task of the ward", get(coord_task()), READ_WARD)
        ],
        ("POST", "/api/coord/tasks/{task_id}/{move}"): [
            Row("start (the lead unit)", post(coord_task("/start"), lambda w: {}), TASK_LEAD)
        ],
        ("POST", "/api/coord/extensions/{extension_id}"): [
            Row(
                "approve more time (the issuing body)",
                lambda w: (
                    "post",
                    coord_extension("/api/coord/extensions")(w).rstrip("/"),
                    json_body({"approve": True}),
                ),
                TASK_ISSUER,
            )
        ],
    }


def page_rows() -> dict[str, list[Any]]:
    from tinhgon.accounts.tests.test_matrix import Row, form, page

    return {
        "coordination:tasks": [Row("my unit's tasks", page(lambda w: "/coord/"), ALL_200)],
        "coordination:directives": [
            Row("the directives", page(lambda w: "/coord/directives/"), ALL_200)
        ],
        "coordination:directive_new": [
            Row(
                "the issue form (provincial bodies)",
                page(lambda w: "/coord/directives/new/"),
                "200 200 200 200 403 403 403 200",
            )
        ],
        "coordination:directive": [
            Row("a directive to the ward", page(coord_directive("")), READ_WARD)
        ],
        "coordination:directive_file": [
            Row("its document", page(coord_directive("file/")), READ_WARD)
        ],
        "coordination:task": [
            Row("a task of the ward", page(coord_task("/", prefix="/coord/tasks")), READ_WARD)
        ],
        "coordination:task_move": [
            Row(
                "start (the lead unit)",
                form(coord_task("/start/", prefix="/coord/tasks")),
                "302 302 302 403 302 404 403 404",
            )
        ],
        "coordination:extension": [
            Row(
                "approve more time: the confirmation (the issuing body)",
                form(coord_extension("/coord/extensions"), {"decision": "approve"}),
                TASK_ISSUER,
            )
        ],
        "coordination:event_file": [
            Row("the file of a ward's report", page(coord_report_file), READ_WARD)
        ],
    }
