"""The API: the same services as the pages, one error shape, bounds before the services."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tinhgon.equipment.models import InventoryItem, PremisesStatus
from tinhgon.equipment.tests.factories import item, premises
from tinhgon.units import selectors as units

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre(chieng_an) -> int:
    return units.versions_on(timezone.localdate()).get(code=f"{chieng_an.code}-TTHCC").unit_id


def test_a_line_added_changed_and_written_off_through_the_api(centre, commune_official):
    api = commune_official.api()
    made = api.post(
        f"/api/equipment/units/{centre}/inventory",
        {"item": "computer", "quantity": 4, "value": 60_000_000, "acquired_year": 2021},
        content_type="application/json",
    )
    assert made.status_code == 201
    line = made.json()
    assert (line["item"], line["quantity"], line["version"]) == ("computer", 4, 0)
    changed = api.post(
        f"/api/equipment/inventory/{line['id']}",
        {"quantity": 4, "condition": "usable", "value": 60_000_000, "version": 0},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["condition"] == "usable"
    stale = api.post(
        f"/api/equipment/inventory/{line['id']}",
        {"quantity": 5, "version": 0},
        content_type="application/json",
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale"
    written = api.post(
        f"/api/equipment/inventory/{line['id']}/write-off",
        {"reason": "Hỏng", "quantity": 1},
        content_type="application/json",
    )
    assert written.status_code == 200 and written.json()["quantity"] == 1
    gaps = {g["item"]: g for g in api.get(f"/api/equipment/units/{centre}/gaps").json()}
    assert (gaps["computer"]["available"], gaps["computer"]["usable"]) == (3, 3)
    history = api.get(f"/api/equipment/units/{centre}/inventory", {"written_off": "true"}).json()
    assert [h["write_off_reason"] for h in history] == ["Hỏng"]


@pytest.mark.parametrize(
    "body",
    [
        {"item": "computer", "quantity": 0},
        {"item": "computer", "quantity": 1, "condition": "new"},
        {"item": "computer", "quantity": 1, "value": -1},
        {"item": "x" * 41, "quantity": 1},
        {"item": "computer", "quantity": 1, "note": "a\u0000b"},
    ],
)
def test_bad_lines_are_refused_before_the_service_with_a_4xx(centre, commune_official, body):
    response = commune_official.api().post(
        f"/api/equipment/units/{centre}/inventory", body, content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    assert "error" in response.json()
    assert not InventoryItem.objects.exists()


def test_premises_change_status_alone_and_the_headquarters_move_is_refused_with_409(
    centre, commune_official
):
    api = commune_official.api()
    building = premises(centre, "Trụ sở cũ")
    hq = premises(centre, "Trụ sở chính")
    profile = api.put(
        f"/api/equipment/units/{centre}/profile",
        {"officers": 7, "counters": 3, "headquarters_id": hq.pk},
        content_type="application/json",
    )
    assert profile.json() == {
        "unit_id": centre,
        "officers": 7,
        "counters": 3,
        "headquarters_id": hq.pk,
    }
    surplus = api.post(
        f"/api/equipment/premises/{building.pk}",
        {"status": "surplus", "planned_use": "Nhà văn hóa"},
        content_type="application/json",
    )
    assert surplus.status_code == 200
    assert (surplus.json()["status"], surplus.json()["name"]) == ("surplus", "Trụ sở cũ")
    refused = api.post(
        f"/api/equipment/premises/{hq.pk}", {"status": "surplus"}, content_type="application/json"
    )
    assert refused.status_code == 409
    building.refresh_from_db()
    assert building.status == PremisesStatus.SURPLUS


def test_the_province_reads_its_ranking_and_the_ward_does_not(
    son_la, centre, province_admin, commune_official
):
    item(centre, "scanner", 1)
    ranking = province_admin.api().get("/api/equipment/ranking", {"province": son_la.unit_id})
    rows = ranking.json()
    assert rows[0]["inventoried"] is True and rows[0]["shortfall"] > 0
    assert all(not r["inventoried"] for r in rows[1:])
    short = province_admin.api().get(
        "/api/equipment/gaps", {"province": son_la.unit_id, "short": "true"}
    )
    assert all(g["shortfall"] for g in short.json())
    assert (
        commune_official.api()
        .get("/api/equipment/ranking", {"province": son_la.unit_id})
        .status_code
        == 404
    )
