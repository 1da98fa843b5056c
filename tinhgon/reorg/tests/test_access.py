"""Who may handle a plan: an administrator of every province it touches, through the API, the
pages and the services alike. Personas: the administrators of Sơn La and of Hà Nội, a commune
official of Sơn La, a superuser."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tinhgon.accounts import services as accounts
from tinhgon.accounts.models import Role
from tinhgon.conftest import db_checksum, make_persona
from tinhgon.core.errors import Forbidden
from tinhgon.reorg import planfile, services
from tinhgon.reorg.models import Plan

pytestmark = pytest.mark.django_db

HEAD = "title: Phương án thử\neffective_date: 2026-01-01\nsteps:\n"
# Phường Ba Đình (00004) is in Hà Nội; Phường Chiềng An (03667), its office of culture and
# society (03667-PVHXH) and the province itself (14) are in Sơn La.
WARD_OPENED_IN_SON_LA = """
- action: consolidate
  sources: ['00004']
  target: {code: '93001', name: Phường Thử, kind: ward, parent: '14'}
"""
OFFICE_MOVED_TO_HA_NOI = "- {action: move, unit: 03667-PVHXH, parent: '00004'}\n"
PART_TAKEN_FROM_HA_NOI = "- {action: partial, unit: '00004', into: '03667'}\n"
SON_LA_ONLY = "- {action: rename, unit: '03667', name: Phường Chiềng An Mới}\n"
# No district is open after 2025-07-01: this plan names and closes nothing.
TOUCHING_NOTHING = "- {action: abolish_level, kinds: [rural_district]}\n"


def upload(client, steps: str, path: str = "/api/plans"):
    return client.post(path, {"file": SimpleUploadedFile("plan.yaml", (HEAD + steps).encode())})


def api(persona):
    """The persona's API client, once it has authenticated: the first request stamps the
    token's last use, so that what a refusal writes is nothing at all."""
    client = persona.api()
    assert client.get("/api/units", {"limit": 1}).status_code == 200
    return client


def stored(steps: str) -> Plan:
    """A plan stored by the operator at the command line (no user: no scope)."""
    return services.plan_create(actor=None, spec=planfile.load_yaml(HEAD + steps))


@pytest.mark.parametrize(
    ("steps", "persona"),
    [
        (WARD_OPENED_IN_SON_LA, "ha_noi_admin"),
        (OFFICE_MOVED_TO_HA_NOI, "province_admin"),
        (PART_TAKEN_FROM_HA_NOI, "province_admin"),
    ],
    ids=["new-unit-parent", "move-destination", "part-move-source"],
)
@pytest.mark.parametrize("path", ["/api/plans", "/api/plans/preview"])
def test_a_plan_reaching_into_another_province_is_refused_and_nothing_is_stored(
    request, steps, persona, path
):
    client = api(request.getfixturevalue(persona))
    before = db_checksum()
    response = upload(client, steps, path)
    assert response.status_code == 403, response.content
    assert response.json()["error"]["code"] == "forbidden"
    assert db_checksum() == before


def test_an_administrator_of_another_province_cannot_open_a_ward_in_son_la_on_the_page(
    ha_noi_admin,
):
    plans = Plan.objects.count()
    response = ha_noi_admin.browser().post(
        "/plans/",
        {"file": SimpleUploadedFile("plan.yaml", (HEAD + WARD_OPENED_IN_SON_LA).encode())},
    )
    assert response.status_code == 403
    assert "Phương án có đơn vị ngoài tỉnh của bạn." in response.content.decode()
    assert Plan.objects.count() == plans


def test_an_administrator_of_both_provinces_may_store_a_plan_touching_both(province_admin, ha_noi):
    accounts.membership_add(
        actor=None, user=province_admin.user, unit_id=ha_noi.unit_id, role=Role.PROVINCE_ADMIN
    )
    response = upload(province_admin.api(), OFFICE_MOVED_TO_HA_NOI)
    assert response.status_code == 201, response.content
    plan = Plan.objects.get(pk=response.json()["id"])
    assert len(plan.provinces) == 2


def test_a_plan_touching_no_province_is_for_a_superuser_only(province_admin, superuser):
    client = api(province_admin)
    before = db_checksum()
    refused = upload(client, TOUCHING_NOTHING)
    assert refused.status_code == 403
    assert "quản trị viên hệ thống" in refused.json()["error"]["message"]
    assert db_checksum() == before
    created = upload(superuser.api(), TOUCHING_NOTHING)
    assert created.status_code == 201
    plan_id = created.json()["id"]
    assert Plan.objects.get(pk=plan_id).provinces == []
    assert client.get(f"/api/plans/{plan_id}").status_code == 404
    assert province_admin.browser().get(f"/plans/{plan_id}/").status_code == 404
    assert f"/plans/{plan_id}/" not in province_admin.browser().get("/plans/").content.decode()
    assert superuser.api().get(f"/api/plans/{plan_id}").status_code == 200


def test_a_plan_outside_your_province_answers_exactly_like_a_plan_that_does_not_exist(
    province_admin, ha_noi_admin
):
    plan = stored(SON_LA_ONLY)
    missing = plan.pk + 1000
    client = ha_noi_admin.api()
    for method, suffix in [
        ("get", ""),
        ("get", "/preview"),
        ("post", "/approve"),
        ("post", "/apply"),
    ]:
        outside = getattr(client, method)(f"/api/plans/{plan.pk}{suffix}")
        absent = getattr(client, method)(f"/api/plans/{missing}{suffix}")
        assert (outside.status_code, absent.status_code) == (404, 404), suffix
        assert outside.json()["error"]["code"] == absent.json()["error"]["code"] == "not_found"
    decided = client.post(
        f"/api/plans/{plan.pk}/decisions",
        {"carrier": "child_units", "choices": {"1": "new:T1"}},
        content_type="application/json",
    )
    assert decided.status_code == 404
    browser = ha_noi_admin.browser()
    assert browser.get(f"/plans/{plan.pk}/").status_code == 404
    assert browser.post(f"/plans/{plan.pk}/approve/").status_code == 404
    plan.refresh_from_db()
    assert (plan.status, plan.approved_by_id) == (Plan.Status.DRAFT, None)
    assert province_admin.api().get(f"/api/plans/{plan.pk}").status_code == 200


def test_someone_who_administers_no_province_is_refused_whatever_the_plan_id(commune_official):
    plan = stored(SON_LA_ONLY)
    client = commune_official.api()
    assert client.get(f"/api/plans/{plan.pk}").status_code == 403
    assert client.get(f"/api/plans/{plan.pk + 1000}").status_code == 403


def test_a_faulty_plan_reaching_into_another_province_is_refused_before_its_problems_are_shown(
    ha_noi_admin,
):
    # Without a receiver the dissolution is faulty; the faults would describe Sơn La's units.
    response = upload(ha_noi_admin.api(), "- {action: dissolve, unit: 14-SNV}\n")
    assert response.status_code == 403
    assert response.json()["error"]["problems"] == []


def test_a_faulty_plan_within_your_province_shows_its_problems(province_admin):
    response = upload(province_admin.api(), "- {action: dissolve, unit: 14-SNV}\n")
    assert response.status_code == 400
    assert response.json()["error"]["problems"][0]["field"] == "receiver"


def test_the_provinces_are_checked_again_when_a_plan_is_approved(province_admin, son_la):
    # A plan stored under the old rule, which did not count the destination of a move.
    plan = stored(OFFICE_MOVED_TO_HA_NOI)
    Plan.objects.filter(pk=plan.pk).update(provinces=[son_la.unit_id])
    second = make_persona("second-admin", son_la.unit_id, Role.PROVINCE_ADMIN)
    response = second.api().post(f"/api/plans/{plan.pk}/approve")
    assert response.status_code == 403
    plan.refresh_from_db()
    assert (plan.status, plan.approved_at) == (Plan.Status.DRAFT, None)


def test_the_services_refuse_a_user_outside_the_plans_provinces(ha_noi_admin):
    plan = stored(SON_LA_ONLY)
    plans = Plan.objects.count()
    spec = services.spec_of(plan)
    with pytest.raises(Forbidden):
        services.plan_preview(actor=ha_noi_admin.user, spec=spec, plan=plan)
    with pytest.raises(Forbidden):
        services.plan_create(actor=ha_noi_admin.user, spec=spec)
    assert Plan.objects.count() == plans
