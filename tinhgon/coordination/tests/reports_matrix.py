"""The access matrix's rows of reports, obstacles and figures (accounts/tests/test_matrix.py
adds them): who may use each endpoint and page of this part.

Columns: SU AD A2 DE WA NB OB OP (see test_matrix). The records are made once per world,
before the requests' savepoints: a round for every commune of Sơn La owned by Sở Nội vụ, an
open obstacle of Phường Chiềng An routed to Sở Nội vụ, and an answered one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tinhgon.coordination import obstacles, reports
from tinhgon.coordination.models import Obstacle, ReportRound
from tinhgon.coordination.tests.reports_factories import FIELDS

LABEL = "matrix"
ALL_200 = "200 200 200 200 200 200 200 200"
READ_WARD = "200 200 200 200 200 404 200 404"
PROVINCE_READERS = "200 200 200 200 404 404 404 404"
BODY_WRITES = "200 200 200 200 403 404 403 404"
WARD_WRITES = "201 201 201 403 201 404 403 404"


def coord(world: Any) -> dict[str, int]:
    """The round, the ward's duty, an open and an answered obstacle of the ward."""
    found = ReportRound.objects.filter(label=LABEL).first()
    if found is None:
        obstacles.routes_seed_defaults(actor=None, province_id=world.id("province"))
        template = reports.template_create(
            actor=None,
            owner_id=world.id("home_affairs"),
            name="Báo cáo ma trận",
            period="monthly",
            fields=FIELDS,
        )
        found = reports.round_open(
            actor=None,
            template_id=template.pk,
            label=LABEL,
            starts=dt.date(2026, 1, 1),
            ends=dt.date(2026, 1, 31),
            due=dt.date(2026, 2, 5),
            every="communes",
        )
        for subject in ("open", "answered"):
            made = obstacles.obstacle_raise(
                actor=None, unit_id=world.id("ward"), category="staff", subject=subject, body="x"
            )
            if subject == "answered":
                obstacles.obstacle_answer(actor=None, obstacle_id=made.pk, answer="y")
    return {
        "round": found.pk,
        "template": found.template_id,
        "duty": found.duties.get(unit_id=world.id("ward")).pk,
        "open": Obstacle.objects.get(subject="open").pk,
        "answered": Obstacle.objects.get(subject="answered").pk,
    }


def _url(pattern: str):  # type: ignore[no-untyped-def]
    return lambda world: pattern.format(**coord(world))


def api_rows() -> dict[tuple[str, str], list[Any]]:
    from tinhgon.accounts.tests.test_matrix import Row, get, post

    reports_api, obstacles_api = "/api/coord/reports", "/api/coord/obstacles"
    return {
        ("POST", f"{reports_api}/templates"): [
            Row(
                "a template of Sở Nội vụ",
                post(
                    lambda w: f"{reports_api}/templates",
                    lambda w: {
                        "owner_id": w.id("home_affairs"),
                        "name": "Báo cáo",
                        "period": "monthly",
                        "fields": FIELDS,
                    },
                ),
                "201 201 201 201 404 404 404 404",
            )
        ],
        ("POST", f"{reports_api}/rounds"): [
            Row(
                "a round of Sở Nội vụ's template for every commune",
                post(
                    lambda w: f"{reports_api}/rounds",
                    lambda w: {
                        "template_id": coord(w)["template"],
                        "label": "02/2026",
                        "starts": "2026-02-01",
                        "ends": "2026-02-28",
                        "due": "2026-03-05",
                        "every": "communes",
                    },
                ),
                "201 201 201 201 404 404 404 404",
            )
        ],
        ("GET", f"{reports_api}/duties"): [
            Row("one's reports to submit", get(lambda w: f"{reports_api}/duties"), ALL_200)
        ],
        ("POST", f"{reports_api}/duties/{{duty_id}}/submissions"): [
            Row(
                "the ward's report",
                post(
                    _url(reports_api + "/duties/{duty}/submissions"),
                    lambda w: {"values": {"staff": 3, "progress": "Xong"}},
                ),
                WARD_WRITES,
            )
        ],
        ("GET", f"{reports_api}/rounds/{{round_id}}/missing"): [
            Row(
                "who has not submitted",
                get(_url(reports_api + "/rounds/{round}/missing")),
                PROVINCE_READERS,
            )
        ],
        ("GET", f"{reports_api}/rounds/{{round_id}}"): [
            Row(
                "the consolidated figures",
                get(_url(reports_api + "/rounds/{round}")),
                PROVINCE_READERS,
            )
        ],
        ("GET", f"{reports_api}/rounds/{{round_id}}/xlsx"): [
            Row(
                "the spreadsheet", get(_url(reports_api + "/rounds/{round}/xlsx")), PROVINCE_READERS
            )
        ],
        ("GET", f"{reports_api}/figures"): [
            Row(
                "the figures of Sơn La",
                get(lambda w: f"{reports_api}/figures", {"province": "Sơn La"}),
                PROVINCE_READERS,
            )
        ],
        ("GET", obstacles_api): [
            Row("the obstacles of one's units", get(lambda w: obstacles_api), ALL_200)
        ],
        ("POST", obstacles_api): [
            Row(
                "raise one for the ward",
                post(
                    lambda w: obstacles_api,
                    lambda w: {
                        "unit_id": w.id("ward"),
                        "category": "data",
                        "subject": "s",
                        "body": "b",
                    },
                ),
                WARD_WRITES,
            )
        ],
        ("GET", f"{obstacles_api}/inbox"): [
            Row("one's body's inbox", get(lambda w: f"{obstacles_api}/inbox"), ALL_200)
        ],
        ("GET", f"{obstacles_api}/guidance"): [
            Row(
                "search the guidance",
                get(lambda w: f"{obstacles_api}/guidance", {"q": "y"}),
                ALL_200,
            )
        ],
        ("GET", f"{obstacles_api}/{{obstacle_id}}"): [
            Row("an open obstacle of the ward", get(_url(obstacles_api + "/{open}")), READ_WARD)
        ],
        ("POST", f"{obstacles_api}/{{obstacle_id}}/answer"): [
            Row(
                "answer the ward's obstacle (routed to Sở Nội vụ)",
                post(_url(obstacles_api + "/{open}/answer"), lambda w: {"answer": "z"}),
                BODY_WRITES,
            )
        ],
        ("POST", f"{obstacles_api}/{{obstacle_id}}/publish"): [
            Row(
                "publish an answered obstacle",
                post(_url(obstacles_api + "/{answered}/publish"), lambda w: {}),
                BODY_WRITES,
            )
        ],
        ("POST", f"{obstacles_api}/{{obstacle_id}}/close"): [
            Row(
                "close an answered obstacle (the ward or the body)",
                post(_url(obstacles_api + "/{answered}/close")),
                "200 200 200 200 200 404 403 404",
            )
        ],
    }


def page_rows() -> dict[str, list[Any]]:
    from tinhgon.accounts.tests.test_matrix import Row, page

    return {
        "coordination:reports": [Row("one's reports", page(lambda w: "/coord/reports/"), ALL_200)],
        "coordination:report_template_new": [
            Row("the form", page(lambda w: "/coord/reports/templates/new/"), ALL_200)
        ],
        "coordination:report_round_new": [
            Row("the form", page(lambda w: "/coord/reports/rounds/new/"), ALL_200)
        ],
        "coordination:report_round": [
            Row(
                "a round of Sở Nội vụ",
                page(_url("/coord/reports/rounds/{round}/")),
                PROVINCE_READERS,
            )
        ],
        "coordination:report_submit": [
            Row("the ward's report", page(_url("/coord/reports/duties/{duty}/")), READ_WARD)
        ],
        "coordination:report_decide": [
            Row(
                "accept the ward's report (the owner's)",
                page(_url("/coord/reports/duties/{duty}/decide/?accept=1")),
                PROVINCE_READERS,
            )
        ],
        "coordination:figures": [
            Row(
                "the figures of one's own province",
                page(lambda w: "/coord/reports/figures/"),
                "200 200 200 200 404 404 404 200",
            )
        ],
        "coordination:obstacles": [
            Row("one's obstacles and inbox", page(lambda w: "/coord/obstacles/"), ALL_200)
        ],
        "coordination:obstacle_new": [
            Row("the form", page(lambda w: "/coord/obstacles/new/"), ALL_200)
        ],
        "coordination:guidance": [
            Row("the search", page(lambda w: "/coord/obstacles/guidance/"), ALL_200)
        ],
        "coordination:obstacle": [
            Row("an open obstacle of the ward", page(_url("/coord/obstacles/{open}/")), READ_WARD)
        ],
        "coordination:obstacle_publish": [
            Row(
                "publish (the confirmation)",
                page(_url("/coord/obstacles/{answered}/publish/")),
                BODY_WRITES,
            )
        ],
        "coordination:obstacle_withdraw": [
            Row(
                "withdraw (the confirmation)",
                page(_url("/coord/obstacles/{answered}/withdraw/")),
                BODY_WRITES,
            )
        ],
        "coordination:obstacle_close": [
            Row(
                # The ward that raised it (and the body, the province) may close it; the
                # observer reads it but is refused the confirmation of a write (403).
                "close (the confirmation)",
                page(_url("/coord/obstacles/{answered}/close/")),
                "200 200 200 200 200 404 403 404",
            )
        ],
    }
