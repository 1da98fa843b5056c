"""The access matrix's rows of inspections (accounts/tests/test_matrix.py adds them): who may use
each endpoint and page of this part.

Columns: SU AD A2 DE WA NB OB OP (see test_matrix). Each request gets its own inspection of
Phường Chiềng An by Sơn La's inspectorate, made before its savepoint. Reading follows the scope
(the ward reads its inspection once decided); conducting it is the inspectorate's: those who may
write it (the superuser and the provincial administrators here), not the department's official,
who reads the province but writes only Sở Nội vụ, nor the ward. The ward answers its own
recommendations (reports their implementation), nothing more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

ALL_200 = "200 200 200 200 200 200 200 200"
READ_WARD = "200 200 200 200 200 404 200 404"
INSPECTORS = "200 200 200 403 403 404 403 404"
CREATE = "200 200 200 403 404 404 404 404"
ANSWER = "200 200 200 403 200 404 403 404"
World = Any


def _make():  # type: ignore[no-untyped-def]
    from tinhgon.integrity.tests import inspections_factories

    return inspections_factories


def decided(world: World, kind: str = "administrative") -> int:
    return _make().decided(world.id("ward"), kind=kind).pk


def underway(world: World, kind: str = "administrative") -> int:
    return _make().underway(world.id("ward"), kind=kind).pk


def sampled(world: World) -> tuple[int, int]:
    """An underway public service inspection with one dossier drawn."""
    from tinhgon.integrity import inspections
    from tinhgon.publicservices.models import Dossier
    from tinhgon.publicservices.tests.factories import file_dossier
    from tinhgon.workdays.calendar import VIETNAM

    dossier = file_dossier(world.id("ward"))
    Dossier.objects.filter(pk=dossier.pk).update(
        submitted_at=dt.datetime(2025, 8, 4, 9, 0, tzinfo=VIETNAM)
    )
    inspection = decided(world, "public_service")
    sample = inspections.sample_draw(actor=None, inspection_id=inspection, size=1, seed=1)[0]
    from django.utils import timezone

    inspections.inspection_start(
        actor=None, inspection_id=inspection, starts_on=timezone.localdate()
    )
    return inspection, sample.pk


def recommendation(world: World, *, reported: bool = False) -> int:
    from django.utils import timezone

    from tinhgon.integrity import inspections

    _inspection, made = _make().concluded(world.id("ward"))
    if reported:
        inspections.recommendation_report(
            actor=None,
            recommendation_id=made.pk,
            implemented_on=timezone.localdate(),
            evidence="Văn bản chấn chỉnh",
        )
    return made.pk


def plan(world: World) -> int:
    from tinhgon.integrity import inspections

    return inspections.plan_create(
        actor=None, province_id=world.id("province"), year=2026, title="Kế hoạch 2026"
    ).pk


def inspection_url(make: Callable[[World], int], suffix: str = "") -> Callable[[World], str]:
    return lambda world: f"/api/integrity/inspections/{make(world)}{suffix}"


def api_rows() -> dict[tuple[str, str], list[Any]]:
    from tinhgon.accounts.tests.test_matrix import Row, get, post

    base = "/api/integrity/inspections"

    def verdict_url(world: World) -> str:
        inspection, sample = sampled(world)
        return f"{base}/{inspection}/samples/{sample}/verdict"

    def creation(world: World) -> dict[str, Any]:
        return {
            "kind": "administrative",
            "title": "Thanh tra đột xuất",
            "inspecting_unit_id": _make().inspectorate(world.id("province")),
            "subject_unit_id": world.id("ward"),
            "period_from": "2025-07-01",
            "period_to": "2025-10-31",
            "scope": "Việc giải quyết thủ tục",
        }

    return {
        ("GET", base): [Row("the inspections of one's scope", get(lambda w: base), ALL_200)],
        ("GET", f"{base}/{{inspection_id}}"): [
            Row("a decided inspection of the ward", get(inspection_url(decided)), READ_WARD)
        ],
        ("POST", base): [
            Row("an ad hoc inspection of the ward", post(lambda w: base, creation), CREATE)
        ],
        ("POST", f"{base}/{{inspection_id}}/moves/{{move}}"): [
            Row(
                "start a decided inspection (the inspectors)",
                post(inspection_url(decided, "/moves/start"), lambda w: {}),
                INSPECTORS,
            )
        ],
        ("POST", f"{base}/{{inspection_id}}/findings"): [
            Row(
                "record a finding (the inspectors)",
                post(
                    inspection_url(underway, "/findings"),
                    lambda w: {"text": "Hồ sơ trễ hạn", "severity": "shortcoming"},
                ),
                INSPECTORS,
            )
        ],
        ("POST", f"{base}/{{inspection_id}}/recommendations"): [
            Row(
                "record a recommendation (the inspectors)",
                post(
                    inspection_url(underway, "/recommendations"),
                    lambda w: {"text": "Chấn chỉnh", "due": "2027-06-30"},
                ),
                INSPECTORS,
            )
        ],
        ("POST", f"{base}/{{inspection_id}}/sample"): [
            Row(
                "draw the sample (the inspectors)",
                post(
                    inspection_url(lambda w: decided(w, "public_service"), "/sample"),
                    lambda w: {"size": 5, "seed": 1},
                ),
                INSPECTORS,
            )
        ],
        ("POST", f"{base}/{{inspection_id}}/samples/{{sample_id}}/verdict"): [
            Row(
                "a verdict on a sampled dossier (the inspectors)",
                post(verdict_url, lambda w: {"verdict": "compliant"}),
                INSPECTORS,
            )
        ],
        ("GET", f"{base}/recommendations"): [
            Row(
                "the recommendations of one's scope",
                get(lambda w: f"{base}/recommendations"),
                ALL_200,
            )
        ],
        ("POST", f"{base}/recommendations/{{recommendation_id}}/{{move}}"): [
            Row(
                "report implementation (the ward itself)",
                post(
                    lambda w: f"{base}/recommendations/{recommendation(w)}/report",
                    lambda w: {"evidence": "Văn bản chấn chỉnh"},
                ),
                ANSWER,
            ),
            Row(
                "accept the report (the inspectors)",
                post(
                    lambda w: f"{base}/recommendations/{recommendation(w, reported=True)}/accept",
                    lambda w: {},
                ),
                INSPECTORS,
            ),
        ],
        ("GET", f"{base}/plans"): [Row("the plans", get(lambda w: f"{base}/plans"), ALL_200)],
        ("POST", f"{base}/plans"): [
            Row(
                "draft the year's plan (the inspectorate or the committee)",
                post(
                    lambda w: f"{base}/plans",
                    lambda w: {"province_id": w.id("province"), "year": 2027, "title": "Kế hoạch"},
                ),
                CREATE,
            )
        ],
        ("POST", f"{base}/plans/{{inspection_plan_id}}/approve"): [
            Row(
                "approve the plan",
                post(
                    lambda w: f"{base}/plans/{plan(w)}/approve",
                    lambda w: {"decision_number": "1/QĐ-UBND", "approved_on": "2026-01-05"},
                ),
                CREATE,
            )
        ],
    }


def page_rows() -> dict[str, list[Any]]:
    from tinhgon.accounts.tests.test_matrix import Row, form, page

    pages = "/integrity/inspections"
    return {
        "integrity:inspections": [Row("the list", page(lambda w: f"{pages}/"), ALL_200)],
        "integrity:inspection": [
            Row(
                "a decided inspection of the ward",
                page(lambda w: f"{pages}/{decided(w)}/"),
                READ_WARD,
            )
        ],
        "integrity:inspection-new": [
            Row("the form of a new inspection", page(lambda w: f"{pages}/new/"), CREATE_PAGE)
        ],
        "integrity:inspections-xlsx": [
            Row("the list in Excel", page(lambda w: f"{pages}/export.xlsx"), ALL_200)
        ],
        "integrity:inspection-plans": [
            Row("the plans", page(lambda w: f"{pages}/plans/"), ALL_200),
            Row(
                "draft the year's plan (the inspectorate or the committee)",
                lambda w: (
                    "post",
                    f"{pages}/plans/",
                    {"data": {"province": w.id("province"), "year": 2027, "title": "Kế hoạch"}},
                ),
                PLAN_FORM,
            ),
        ],
        "integrity:inspection-plan-approve": [
            Row(
                "approve the plan, confirmed",
                form(
                    lambda w: f"{pages}/plans/{plan(w)}/approve/",
                    {"decision_number": "1/QĐ-UBND", "approved_on": "2026-01-05", "confirm": "1"},
                ),
                PLAN_APPROVE_PAGE,
            )
        ],
        "integrity:inspection-act": [
            Row(
                "the form to start an inspection (the inspectors)",
                page(lambda w: f"{pages}/{decided(w)}/start/"),
                INSPECTORS,
            ),
            Row(
                "start it (the inspectors; otherwise the form again with the refusal)",
                form(lambda w: f"{pages}/{decided(w)}/start/", {"starts_on": "", "confirm": "1"}),
                ACT_PAGE,
            ),
        ],
        "integrity:recommendation-act": [
            Row(
                "report implementation (the ward itself)",
                form(
                    lambda w: f"{pages}/recommendations/{recommendation(w)}/report/",
                    {"evidence": "Văn bản chấn chỉnh"},
                ),
                ANSWER_PAGE,
            )
        ],
    }


# The pages answer a form they refuse with the form again (its error at the top, 200); done,
# they redirect (302) to the inspection. Outside the scope: 404.
CREATE_PAGE = "200 200 200 200 200 200 200 200"
ACT_PAGE = "302 302 302 403 403 404 403 404"
ANSWER_PAGE = "302 302 302 403 302 404 403 404"
# Drafting: the form offers only the provinces one may draft for; any other is refused by the
# form (400, the form again). Approving: the provincial bodies' writers, others 403, outside 404.
PLAN_FORM = "302 302 302 400 400 400 400 400"
PLAN_APPROVE_PAGE = "302 302 302 403 404 404 404 404"
