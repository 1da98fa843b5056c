"""Only approved plans apply, and the author of a plan does not approve it: through the API, the
pages and the services alike (the command line: tinhgon/reorg/tests/test_commands.py)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tinhgon.accounts.models import Role
from tinhgon.conftest import db_checksum, make_persona, plan_audit
from tinhgon.core.errors import DomainError
from tinhgon.reorg import planfile, services
from tinhgon.reorg.models import Plan
from tinhgon.units.models import UnitVersion

pytestmark = pytest.mark.django_db

RENAME = """title: Đổi tên phường Chiềng An
effective_date: 2026-01-01
steps:
- {action: rename, unit: '03667', name: Phường Chiềng An Mới}
"""


@pytest.fixture
def second_admin(son_la):
    return make_persona("second-province-admin", son_la.unit_id, Role.PROVINCE_ADMIN)


def authored_by(persona) -> Plan:
    """A draft the persona uploaded, once its API client has authenticated (the first request
    stamps the token's last use; after it a refusal writes nothing)."""
    client = persona.api()
    response = client.post("/api/plans", {"file": SimpleUploadedFile("p.yaml", RENAME.encode())})
    assert response.status_code == 201, response.content
    return Plan.objects.get(pk=response.json()["id"])


def renamed() -> bool:
    return UnitVersion.objects.filter(name="Phường Chiềng An Mới").exists()


def test_a_draft_is_applied_neither_through_the_api_nor_on_its_page(province_admin):
    plan = authored_by(province_admin)
    browser = province_admin.browser()
    page = browser.get(f"/plans/{plan.pk}/").content.decode()
    assert f"/plans/{plan.pk}/apply/" not in page
    before = db_checksum()
    response = province_admin.api().post(f"/api/plans/{plan.pk}/apply")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_approved"
    response = browser.post(f"/plans/{plan.pk}/apply/")
    assert response.status_code == 409
    assert "Chỉ phương án đã được phê duyệt mới được thực hiện" in response.content.decode()
    assert db_checksum() == before
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.DRAFT
    assert not renamed()


def test_the_author_cannot_approve_their_own_plan(province_admin):
    plan = authored_by(province_admin)
    before = db_checksum()
    response = province_admin.api().post(f"/api/plans/{plan.pk}/approve")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "self_approval"
    assert response.json()["error"]["message"].startswith("Người lập phương án không được")
    english = province_admin.api().post(
        f"/api/plans/{plan.pk}/approve", headers={"Accept-Language": "en"}
    )
    assert english.json()["error"]["message"].startswith("The author of a plan cannot approve")
    assert db_checksum() == before
    plan.refresh_from_db()
    assert (plan.status, plan.approved_by_id, plan.approved_at) == (Plan.Status.DRAFT, None, None)
    page = province_admin.browser().get(f"/plans/{plan.pk}/").content.decode()
    assert f"/plans/{plan.pk}/approve/" not in page
    assert "một quản trị viên khác của tỉnh phải phê duyệt" in page


def test_the_author_may_approve_their_own_plan_where_the_setting_allows_it(
    province_admin, settings
):
    settings.TINHGON_PLAN_SELF_APPROVAL = True
    plan = authored_by(province_admin)
    response = province_admin.api().post(f"/api/plans/{plan.pk}/approve")
    assert response.status_code == 200
    plan.refresh_from_db()
    assert (plan.status, plan.approved_by_id) == (Plan.Status.APPROVED, province_admin.user.pk)


def test_another_administrator_approves_and_the_plan_records_who_and_when(
    province_admin, second_admin
):
    plan = authored_by(province_admin)
    start = timezone.now()
    response = second_admin.api().post(f"/api/plans/{plan.pk}/approve")
    assert response.json()["status"] == "approved"
    plan.refresh_from_db()
    assert plan.approved_by_id == second_admin.user.pk
    assert plan.approved_at is not None and start <= plan.approved_at <= timezone.now()
    page = province_admin.browser().get(f"/plans/{plan.pk}/").content.decode()
    assert "second-province-admin" in page and f"/plans/{plan.pk}/apply/" in page
    # Approving again changes nothing.
    again = second_admin.api().post(f"/api/plans/{plan.pk}/approve")
    assert again.status_code == 200
    assert Plan.objects.get(pk=plan.pk).approved_at == plan.approved_at
    applied = province_admin.api().post(f"/api/plans/{plan.pk}/apply")
    assert applied.json()["status"] == "applied"
    assert renamed()
    assert plan_audit(plan.pk) == [
        ("plan_create", province_admin.user.pk),
        ("plan_approve", second_admin.user.pk),
        ("plan_apply", province_admin.user.pk),
    ]


def test_the_services_apply_only_the_steps_that_were_approved():
    plan = services.plan_create(actor=None, spec=planfile.load_yaml(RENAME))
    services.plan_approve(actor=None, plan=plan)
    other = planfile.load_yaml(RENAME.replace("Chiềng An Mới", "Chiềng An Khác"))
    with pytest.raises(DomainError):
        services.plan_apply(actor=None, spec=other, plan=plan)
    assert not UnitVersion.objects.filter(name="Phường Chiềng An Khác").exists()
