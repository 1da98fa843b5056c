"""What an inspection may name stays within its province and the actor's scope: officials in
the team and in findings, the unit a recommendation is addressed to, the dossier a finding cites,
the plans the new-inspection form offers and the unit that opens an inspection. The page and the
API refuse alike, through the service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tinhgon.accounts.models import Role
from tinhgon.conftest import make_persona
from tinhgon.core.errors import DomainError, NotFound
from tinhgon.integrity import inspections
from tinhgon.integrity.models import (
    Finding,
    Inspection,
    InspectionPlan,
    Recommendation,
    TeamMember,
)
from tinhgon.integrity.tests import inspections_factories as make
from tinhgon.integrity.tests.cases_factories import committee_of
from tinhgon.publicservices.tests.factories import file_dossier
from tinhgon.staffing.models import Official
from tinhgon.staffing.tests import factories as staff

pytestmark = pytest.mark.django_db
BASE = "/api/integrity/inspections"


@pytest.fixture
def inspector(son_la):
    return make_persona("inspector", make.inspectorate(son_la.unit_id), Role.UNIT_OFFICIAL)


@pytest.fixture
def ha_noi_official(ha_noi) -> int:
    return staff.official(ha_noi.unit_id, full_name="Trần Thị Hà Nội")


def _decide(actor, inspection_id: int, team: list[dict]) -> Inspection:  # type: ignore[no-untyped-def]
    return inspections.inspection_decide(
        actor=actor,
        inspection_id=inspection_id,
        decision_number="5/QĐ-TTr",
        decided_on=timezone.localdate() - dt.timedelta(days=3),
        team=team,
    )


def test_an_official_of_another_province_is_refused_as_team_head(
    chieng_an, inspector, ha_noi_official
):
    inspection = make.create(chieng_an.unit_id)
    head = [{"official_id": ha_noi_official, "role": "head"}]
    for actor in (inspector.user, None):
        with pytest.raises(NotFound):
            _decide(actor, inspection.pk, head)
    answer = inspector.api().post(
        f"{BASE}/{inspection.pk}/moves/decide",
        {"decision_number": "5/QĐ-TTr", "team": head},
        content_type="application/json",
    )
    assert answer.status_code == 404
    assert "Trần Thị Hà Nội" not in answer.content.decode()
    assert not TeamMember.objects.filter(inspection=inspection).exists()
    # An official of the province is named by their full name.
    own = staff.official(chieng_an.unit_id, full_name="Lò Thị Sơn")
    decided = _decide(inspector.user, inspection.pk, [{"official_id": own, "role": "head"}])
    assert [m.name for m in decided.team.all()] == ["Lò Thị Sơn"]


def test_an_official_of_another_province_is_refused_in_a_finding(
    chieng_an, inspector, ha_noi_official
):
    inspection = make.underway(chieng_an.unit_id)
    for actor in (inspector.user, None):
        with pytest.raises(NotFound):
            inspections.finding_add(
                actor=actor,
                inspection_id=inspection.pk,
                text="Cán bộ tiếp nhận sai quy trình",
                severity="violation",
                official_id=ha_noi_official,
            )
    answer = inspector.api().post(
        f"{BASE}/{inspection.pk}/findings",
        {"text": "Sai quy trình", "severity": "violation", "official_id": ha_noi_official},
        content_type="application/json",
    )
    assert answer.status_code == 404
    assert not Finding.objects.filter(inspection=inspection).exists()
    own = staff.official(chieng_an.unit_id, full_name="Lò Thị Sơn")
    found = inspections.finding_add(
        actor=inspector.user,
        inspection_id=inspection.pk,
        text="Cán bộ tiếp nhận sai quy trình",
        severity="violation",
        official_id=own,
    )
    assert found.official == Official.objects.get(pk=own)


def test_a_recommendation_to_a_unit_of_another_province_is_refused_on_the_page_and_the_api(
    chieng_an, to_hieu, ha_noi, inspector
):
    inspection = make.underway(chieng_an.unit_id)
    due = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    with pytest.raises(DomainError) as refused:
        inspections.recommendation_add(
            actor=None,
            inspection_id=inspection.pk,
            text="Khắc phục",
            due=dt.date.fromisoformat(due),
            unit_id=ha_noi.unit_id,
        )
    assert refused.value.problems[0].field == "unit"
    api = inspector.api().post(
        f"{BASE}/{inspection.pk}/recommendations",
        {"text": "Khắc phục", "due": due, "unit_id": ha_noi.unit_id},
        content_type="application/json",
    )
    assert api.status_code == 400, api.content
    assert api.json()["error"]["problems"][0]["field"] == "unit"
    page = inspector.browser().post(
        reverse("integrity:inspection-act", args=[inspection.pk, "recommendation"]),
        {"text": "Khắc phục", "due": due, "unit": ha_noi.code},
    )
    assert page.status_code == 400
    assert not Recommendation.objects.filter(inspection=inspection).exists()
    # Another ward of the province is a unit the inspection may ask.
    made = inspector.browser().post(
        reverse("integrity:inspection-act", args=[inspection.pk, "recommendation"]),
        {"text": "Khắc phục", "due": due, "unit": to_hieu.code},
    )
    assert made.status_code == 302
    assert Recommendation.objects.get(inspection=inspection).unit_id == to_hieu.unit_id


def test_a_finding_cites_only_a_dossier_of_the_subject_unit(chieng_an, to_hieu):
    inspection = make.underway(chieng_an.unit_id)
    elsewhere = file_dossier(to_hieu.unit_id)
    answers = []
    for code in (elsewhere.code, "KHONG-CO-HO-SO"):
        with pytest.raises(DomainError) as refused:
            inspections.finding_add(
                actor=None,
                inspection_id=inspection.pk,
                text="Hồ sơ trễ hạn",
                severity="shortcoming",
                dossier_code=code,
            )
        assert refused.value.problems[0].field == "dossier_code"
        answers.append(refused.value.message.replace(code, "?"))
    # Another unit's dossier and no dossier at all are refused in the same words.
    assert answers[0] == answers[1]
    own = file_dossier(chieng_an.unit_id)
    found = inspections.finding_add(
        actor=None,
        inspection_id=inspection.pk,
        text="Hồ sơ trễ hạn",
        severity="shortcoming",
        dossier_code=own.code,
    )
    assert found.dossier_code == own.code


def test_the_new_inspection_form_offers_only_the_plans_the_user_sees(son_la, ha_noi, inspector):
    InspectionPlan.objects.create(province_id=son_la.unit_id, year=2026, title="Kế hoạch Sơn La")
    InspectionPlan.objects.create(province_id=ha_noi.unit_id, year=2026, title="Kế hoạch Hà Nội")
    page = inspector.browser().get(reverse("integrity:inspection-new"))
    assert page.status_code == 200
    assert "Kế hoạch Sơn La" in page.content.decode()
    assert "Kế hoạch Hà Nội" not in page.content.decode()


def test_a_commune_official_cannot_open_an_inspection(chieng_an, to_hieu, commune_official):
    before = Inspection.objects.count()
    with pytest.raises(DomainError) as refused:
        make.create(
            to_hieu.unit_id,
            actor=commune_official.user,
            inspecting_unit_id=committee_of(chieng_an.unit_id),
        )
    assert refused.value.problems[0].field == "inspecting_unit_id"
    answer = commune_official.api().post(
        BASE,
        {
            "kind": "administrative",
            "title": "Thanh tra",
            "inspecting_unit_id": committee_of(chieng_an.unit_id),
            "subject_unit_id": chieng_an.unit_id,
            "period_from": "2025-07-01",
            "period_to": "2025-10-31",
            "scope": "Việc giải quyết thủ tục",
        },
        content_type="application/json",
    )
    assert answer.status_code == 400, answer.content
    assert Inspection.objects.count() == before


def test_a_province_s_inspectorate_does_not_open_an_inspection_in_another_province(son_la, ha_noi):
    with pytest.raises(DomainError) as refused:
        inspections.inspection_create(
            actor=None,
            kind="administrative",
            title="Thanh tra",
            inspecting_unit_id=make.inspectorate(son_la.unit_id),
            subject_unit_id=ha_noi.unit_id,
            period_from=make.PERIOD_FROM,
            period_to=make.PERIOD_TO,
            scope="Việc giải quyết thủ tục",
        )
    assert refused.value.problems[0].field == "inspecting_unit_id"
