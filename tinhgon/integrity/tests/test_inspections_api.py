"""The inspections API and pages: a whole inspection driven through the API by the
inspectorate, the ward answering its recommendation; bad input is a 4xx, never a 500; the pages
confirm a move before doing it; the demo is labelled and made once."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.utils import timezone

from tinhgon.accounts.models import Role
from tinhgon.conftest import make_persona
from tinhgon.integrity import inspections_demo
from tinhgon.integrity.models import (
    Inspection,
    InspectionPlan,
    InspectionStatus,
    Recommendation,
    RecommendationStatus,
)
from tinhgon.integrity.tests import inspections_factories as make

pytestmark = pytest.mark.django_db
BASE = "/api/integrity/inspections"


@pytest.fixture
def inspector(son_la):
    return make_persona("inspector", make.inspectorate(son_la.unit_id), Role.UNIT_OFFICIAL)


def _post(persona, path: str, body: dict | None = None):  # type: ignore[no-untyped-def]
    return persona.api().post(path, body or {}, content_type="application/json")


def test_the_inspectorate_runs_an_inspection_through_the_api_and_the_ward_answers(
    son_la, chieng_an, inspector, commune_official
):
    today = timezone.localdate()
    made = _post(
        inspector,
        BASE,
        {
            "kind": "administrative",
            "title": "Thanh tra đột xuất",
            "inspecting_unit_id": make.inspectorate(son_la.unit_id),
            "subject_unit_id": chieng_an.unit_id,
            "period_from": "2025-07-01",
            "period_to": "2025-10-31",
            "scope": "Việc giải quyết thủ tục",
        },
    )
    assert made.status_code == 200, made.content
    inspection = made.json()
    assert inspection["status"] == "planned" and inspection["plan_id"] is None
    assert inspection["may_act"] is True
    pk = inspection["id"]
    # Not visible to the ward while only planned.
    assert commune_official.api().get(f"{BASE}/{pk}").status_code == 404
    decided = _post(
        inspector,
        f"{BASE}/{pk}/moves/decide",
        {
            "decision_number": "9/QĐ-TTr",
            "decided_on": (today - dt.timedelta(days=10)).isoformat(),
            "team": [{"name": "Nguyễn Văn Thanh", "role": "head"}],
        },
    )
    assert decided.status_code == 200 and decided.json()["team"][0]["role"] == "head"
    seen = commune_official.api().get(f"{BASE}/{pk}")
    assert seen.status_code == 200 and seen.json()["may_act"] is False
    assert _post(commune_official, f"{BASE}/{pk}/moves/start").status_code == 403
    assert _post(inspector, f"{BASE}/{pk}/moves/start").json()["status"] == "underway"
    finding = _post(
        inspector, f"{BASE}/{pk}/findings", {"text": "Hồ sơ trễ hạn", "severity": "violation"}
    )
    assert finding.json()["summary"]["findings"]["violation"] == 1
    due = (today + dt.timedelta(days=30)).isoformat()
    with_rec = _post(inspector, f"{BASE}/{pk}/recommendations", {"text": "Chấn chỉnh", "due": due})
    recommendation = with_rec.json()["recommendations"][0]
    assert (recommendation["unit"], recommendation["overdue"]) == (chieng_an.code, False)
    rec = recommendation["id"]
    concluded = _post(inspector, f"{BASE}/{pk}/moves/conclude", {"conclusion": "Kết luận"})
    assert concluded.json()["status"] == "concluded"
    assert _post(inspector, f"{BASE}/{pk}/moves/close").status_code == 409
    reported = _post(
        commune_official,
        f"{BASE}/recommendations/{rec}/report",
        {"evidence": "Công văn chấn chỉnh số 5"},
    )
    assert reported.status_code == 200 and reported.json()["reported"] is True
    assert _post(commune_official, f"{BASE}/recommendations/{rec}/accept").status_code == 403
    assert _post(inspector, f"{BASE}/recommendations/{rec}/accept").json()["status"] == (
        "implemented"
    )
    closed = _post(inspector, f"{BASE}/{pk}/moves/close")
    assert closed.json()["status"] == "closed"
    listed = commune_official.api().get(BASE, {"open": "false"}).json()
    assert [r["id"] for r in listed] == [pk]
    owed = commune_official.api().get(f"{BASE}/recommendations", {"unit_id": chieng_an.unit_id})
    assert [r["status"] for r in owed.json()] == ["implemented"]


def test_bad_input_is_a_4xx_never_a_500(chieng_an, inspector):
    pk = make.decided(chieng_an.unit_id).pk
    refusals: list[tuple[str, dict[str, Any]]] = [
        (f"{BASE}/{pk}/moves/fly", {}),
        (f"{BASE}/{pk}/findings", {"text": "a\x00b", "severity": "note"}),
        (f"{BASE}/{pk}/findings", {"text": "x" * 20001, "severity": "note"}),
        (f"{BASE}/{pk}/sample", {"size": 10**6, "seed": 1}),
        (f"{BASE}/{pk}/recommendations", {"text": "Chấn chỉnh", "due": "30/06/2026"}),
        (f"{BASE}/99999999/moves/start", {}),
        (f"{BASE}/{pk}/moves/start", {"starts_on": "2000-01-01"}),
        (f"{BASE}/recommendations/1/report", {"implemented_on": 5}),
    ]
    for path, body in refusals:
        answer = _post(inspector, path, body)
        assert 400 <= answer.status_code < 500, (path, body, answer.status_code)
    assert Inspection.objects.get(pk=pk).status == InspectionStatus.DECIDED


def test_a_team_without_its_head_is_refused_through_the_api_with_the_field(chieng_an, inspector):
    pk = make.create(chieng_an.unit_id).pk
    answer = _post(
        inspector,
        f"{BASE}/{pk}/moves/decide",
        {"decision_number": "1/QĐ", "team": [{"name": "Lò Văn A", "role": "member"}]},
    )
    assert answer.status_code == 400
    assert "head" in answer.content.decode()


def test_the_page_confirms_a_move_before_doing_it(chieng_an, inspector):
    pk = make.decided(chieng_an.unit_id).pk
    browser = inspector.browser()
    page = browser.get(f"/integrity/inspections/{pk}/")
    assert (
        page.status_code == 200 and f"/integrity/inspections/{pk}/start/" in page.content.decode()
    )
    asked = browser.post(f"/integrity/inspections/{pk}/start/", {"starts_on": ""})
    assert asked.status_code == 200 and 'name="confirm" value="1"' in asked.content.decode()
    assert Inspection.objects.get(pk=pk).status == InspectionStatus.DECIDED
    done = browser.post(f"/integrity/inspections/{pk}/start/", {"starts_on": "", "confirm": "1"})
    assert done.status_code == 302
    assert Inspection.objects.get(pk=pk).status == InspectionStatus.UNDERWAY


def test_the_ward_sees_its_overdue_recommendation_marked_and_reports_it_on_the_page(
    chieng_an, commune_official
):
    inspection, recommendation = make.concluded(chieng_an.unit_id)
    Recommendation.objects.filter(pk=recommendation.pk).update(
        due=timezone.localdate() - dt.timedelta(days=2)
    )
    browser = commune_official.browser()
    page = browser.get(f"/integrity/inspections/{inspection.pk}/").content.decode()
    assert "row--overdue" in page
    assert f"/integrity/inspections/recommendations/{recommendation.pk}/report/" in page
    assert f"/integrity/inspections/{inspection.pk}/close/" not in page
    refused = browser.post(
        f"/integrity/inspections/recommendations/{recommendation.pk}/report/", {"evidence": ""}
    )
    assert refused.status_code == 400
    done = browser.post(
        f"/integrity/inspections/recommendations/{recommendation.pk}/report/",
        {"evidence": "Công văn số 7"},
    )
    assert done.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.evidence == "Công văn số 7"
    assert recommendation.status == RecommendationStatus.OPEN


def test_the_list_page_filters_by_status(chieng_an, inspector):
    decided = make.decided(chieng_an.unit_id)
    planned = make.create(chieng_an.unit_id, title="Thanh tra kế hoạch riêng")
    page = inspector.browser().get("/integrity/inspections/", {"status": "planned"}).content
    assert planned.title.encode() in page and decided.decision_number.encode() not in page


def test_the_demo_plants_a_labelled_plan_with_inspections_in_every_state_once(son_la):
    made = inspections_demo.plant(province_id=son_la.unit_id, rng=random.Random(1))
    assert made["made"] is True
    plan = InspectionPlan.objects.get(province_id=son_la.unit_id, year=timezone.localdate().year)
    assert plan.synthetic and plan.title.startswith("[Minh họa]") and plan.approved_on
    found = Inspection.objects.filter(synthetic=True, subject_province_id=son_la.unit_id)
    assert all(i.title.startswith("[Minh họa]") for i in found)
    assert set(found.values_list("status", flat=True)) == set(InspectionStatus.values)
    assert found.filter(plan__isnull=True).count() == 1
    recommendations = Recommendation.objects.filter(inspection__in=found)
    today = timezone.localdate()
    assert recommendations.filter(status="open", due__lt=today).exists()
    assert recommendations.filter(status="implemented").exists()
    assert found.filter(kind="public_service").exists()
    again = inspections_demo.plant(province_id=son_la.unit_id, rng=random.Random(1))
    assert again["made"] is False
    assert Inspection.objects.filter(synthetic=True).count() == found.count()


def test_the_inspectorate_drafts_its_plan_and_approves_it_after_confirming_on_the_pages(
    son_la, inspector, commune_official
):
    browser = inspector.browser()
    drafted = browser.post(
        "/integrity/inspections/plans/",
        {"province": son_la.unit_id, "year": 2027, "title": "Kế hoạch thanh tra 2027"},
    )
    assert drafted.status_code == 302
    plan = InspectionPlan.objects.get(province_id=son_la.unit_id, year=2027)
    approve = f"/integrity/inspections/plans/{plan.pk}/approve/"
    assert commune_official.browser().get(approve).status_code == 404
    asked = browser.post(approve, {"decision_number": "3/QĐ-UBND", "approved_on": "2026-12-01"})
    assert asked.status_code == 200 and 'name="confirm" value="1"' in asked.content.decode()
    plan.refresh_from_db()
    assert plan.approved_on is None
    done = browser.post(
        approve, {"decision_number": "3/QĐ-UBND", "approved_on": "2026-12-01", "confirm": "1"}
    )
    assert done.status_code == 302
    plan.refresh_from_db()
    assert (plan.decision_number, plan.approved_on) == ("3/QĐ-UBND", dt.date(2026, 12, 1))
    listed = browser.get("/integrity/inspections/plans/").content.decode()
    assert "3/QĐ-UBND" in listed and "01/12/2026" in listed


def test_the_list_exports_to_excel_with_its_recommendations_and_no_formula(
    chieng_an, commune_official
):
    import io

    from openpyxl import load_workbook

    inspection, recommendation = make.concluded(chieng_an.unit_id)
    Recommendation.objects.filter(pk=recommendation.pk).update(text="=HYPERLINK(1)")
    answer = commune_official.browser().get("/integrity/inspections/export.xlsx", {"state": "all"})
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.content))
    inspections_sheet, recommendations_sheet = book.worksheets
    assert [row[0] for row in inspections_sheet.iter_rows(min_row=2, values_only=True)] == [
        inspection.pk
    ]
    row = next(recommendations_sheet.iter_rows(min_row=2))
    assert row[1].value == "=HYPERLINK(1)" and row[1].data_type == "s"
