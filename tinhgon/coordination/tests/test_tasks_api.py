"""The tasks API: scope, legal moves, errors of one shape."""

from __future__ import annotations

import pytest

from tinhgon.coordination.models import Task, TaskStatus
from tinhgon.coordination.tests import tasks_factories as make

pytestmark = pytest.mark.django_db


def test_a_commune_official_lists_its_own_tasks_never_another_communes(
    chieng_an, to_hieu, commune_official
):
    mine = make.open_task(chieng_an.unit_id)
    make.open_task(to_hieu.unit_id)
    response = commune_official.api().get("/api/coord/tasks")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [mine]
    assert response.json()[0]["unit"] == chieng_an.code


def test_another_communes_task_answers_404_and_cannot_be_moved(chieng_an, other_commune_official):
    task_id = make.open_task(chieng_an.unit_id)
    client = other_commune_official.api()
    assert client.get(f"/api/coord/tasks/{task_id}").status_code == 404
    response = client.post(f"/api/coord/tasks/{task_id}/start", content_type="application/json")
    assert response.status_code == 404
    assert Task.objects.get(pk=task_id).status == TaskStatus.RECEIVED


def test_the_lead_unit_reports_and_the_province_accepts_through_the_api(
    chieng_an, commune_official, province_admin
):
    task_id = make.open_task(chieng_an.unit_id)
    detail = commune_official.api().get(f"/api/coord/tasks/{task_id}").json()
    assert "report" in detail["moves"] and "accept" not in detail["moves"]
    reported = commune_official.api().post(
        f"/api/coord/tasks/{task_id}/report",
        {"note": "Đã rà soát"},
        content_type="application/json",
    )
    assert reported.status_code == 200 and reported.json()["status"] == "reported"
    refused = commune_official.api().post(
        f"/api/coord/tasks/{task_id}/accept", content_type="application/json"
    )
    assert refused.status_code == 403
    accepted = province_admin.api().post(
        f"/api/coord/tasks/{task_id}/accept", content_type="application/json"
    )
    assert accepted.json()["status"] == "accepted"
    assert [e["move"] for e in accepted.json()["history"]] == ["assign", "report", "accept"]
    illegal = province_admin.api().post(
        f"/api/coord/tasks/{task_id}/return", {"reason": "x"}, content_type="application/json"
    )
    assert illegal.status_code == 409 and illegal.json()["error"]["code"] == "illegal_move"


def test_a_report_without_a_note_is_refused_naming_the_field(chieng_an, commune_official):
    task_id = make.open_task(chieng_an.unit_id)
    response = commune_official.api().post(
        f"/api/coord/tasks/{task_id}/report", {}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["problems"][0]["field"] == "note"
