"""The rebalancing pages and API: propose from the province's page, read the run as a table with
its totals, approve it behind a confirmation page; the same refusals as the services."""

from __future__ import annotations

import pytest

from tinhgon.equipment.rebalance_models import RebalanceRun, RunStatus
from tinhgon.equipment.tests.rebalance_factories import centre, profile, stock, usable

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_centres(son_la):  # type: ignore[no-untyped-def]
    giver, taker = centre("Phường Tô Hiệu"), centre("Phường Chiềng An")
    profile(giver, officers=2)
    profile(taker, officers=2)
    stock(giver, "computer", 3)
    return giver, taker


def test_a_manager_proposes_from_the_page_and_approves_after_confirming(
    son_la, two_centres, province_admin
):
    giver, taker = two_centres
    client = province_admin.browser()
    listing = client.get("/equipment/rebalance/")
    assert listing.status_code == 200
    assert "Propose transfers" in listing.content.decode()

    proposed = client.post("/equipment/rebalance/", {"province_id": son_la.unit_id})
    run = RebalanceRun.objects.get()
    assert proposed.status_code == 302 and proposed["Location"] == f"/equipment/rebalance/{run.pk}/"
    page = client.get(f"/equipment/rebalance/{run.pk}/").content.decode()
    assert "Chiềng An" in page and "Purchase list" in page
    assert f"/equipment/rebalance/{run.pk}/approve/" in page

    confirm = client.get(f"/equipment/rebalance/{run.pk}/approve/")
    assert confirm.status_code == 200
    assert "Approval cannot be undone" in confirm.content.decode()
    assert usable(taker, "computer") == 0, "the confirmation page moves nothing"

    done = client.post(f"/equipment/rebalance/{run.pk}/approve/", {"version": run.version})
    assert done.status_code == 302
    assert usable(taker, "computer") == 1 and usable(giver, "computer") == 2
    again = client.post(f"/equipment/rebalance/{run.pk}/approve/", {"version": run.version})
    assert again.status_code == 409
    assert "already approved" in again.content.decode()
    assert usable(taker, "computer") == 1


def test_the_department_reads_the_run_but_neither_proposes_nor_approves(
    son_la, two_centres, province_admin, django_user_model
):
    from django.test import Client
    from django.utils import timezone

    from tinhgon.accounts import services as accounts
    from tinhgon.accounts.models import Role
    from tinhgon.units import selectors

    official = django_user_model.objects.create_user("so-noi-vu")
    department = selectors.versions_on(timezone.localdate()).get(code="14-SNV")
    accounts.membership_add(
        actor=None, user=official, unit_id=department.unit_id, role=Role.UNIT_OFFICIAL
    )
    client = Client()
    client.force_login(official)
    listing = client.get("/equipment/rebalance/").content.decode()
    assert "Propose transfers" not in listing
    assert client.post("/equipment/rebalance/", {"province_id": son_la.unit_id}).status_code == 403
    assert client.post("/equipment/rebalance/", {"province_id": "x"}).status_code == 404

    made = province_admin.api().post(
        "/api/equipment/rebalance",
        {"province_id": son_la.unit_id},
        content_type="application/json",
    )
    assert made.status_code == 201
    run_id = made.json()["run"]
    page = client.get(f"/equipment/rebalance/{run_id}/").content.decode()
    assert "Approve" not in page
    assert client.get(f"/equipment/rebalance/{run_id}/approve/").status_code == 403
    assert RebalanceRun.objects.get(pk=run_id).status == RunStatus.PROPOSED


def test_the_api_proposes_reads_and_approves_with_bounded_inputs(
    son_la, two_centres, province_admin
):
    api = province_admin.api()
    bad = api.post(
        "/api/equipment/rebalance",
        {"province_id": son_la.unit_id, "max_km": 0},
        content_type="application/json",
    )
    assert bad.status_code in (400, 422)
    made = api.post(
        "/api/equipment/rebalance",
        {"province_id": son_la.unit_id, "max_km": 50},
        content_type="application/json",
    ).json()
    assert [(t["quantity"], t["item"]) for t in made["transfers"] if t["item"] == "computer"] == [
        (1, "computer")
    ]
    listed = api.get("/api/equipment/rebalance", {"province_id": son_la.unit_id}).json()
    assert listed[0]["run"] == made["run"]
    assert api.get(f"/api/equipment/rebalance/{made['run']}").json()["status"] == "proposed"
    approved = api.post(
        f"/api/equipment/rebalance/{made['run']}/approve", {}, content_type="application/json"
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    again = api.post(
        f"/api/equipment/rebalance/{made['run']}/approve", {}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_approved"
    assert api.get("/api/equipment/rebalance/99999999").status_code == 404
