"""The pages and endpoints of obstacles: a commune raises one, the responsible body answers and
publishes it after a confirmation, another commune finds it in the guidance."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tinhgon.accounts.models import Role
from tinhgon.conftest import make_persona
from tinhgon.coordination import obstacles
from tinhgon.coordination.models import Obstacle, ObstacleStatus
from tinhgon.coordination.tests.reports_factories import body

pytestmark = pytest.mark.django_db


@pytest.fixture
def home_affairs(son_la):  # type: ignore[no-untyped-def]
    obstacles.routes_seed_defaults(actor=None, province_id=son_la.unit_id)
    return make_persona("snv-official", body(son_la.unit_id, "SNV"), Role.UNIT_OFFICIAL)


def test_a_commune_raises_the_body_answers_and_publishes_and_another_commune_finds_it(
    chieng_an, commune_official, other_commune_official, home_affairs
):
    client = commune_official.browser()
    assert client.get(reverse("coordination:obstacle_new")).status_code == 200
    refused = client.post(
        reverse("coordination:obstacle_new"),
        {"unit": chieng_an.unit_id, "category": "staff", "subject": "", "body": "x"},
    )
    assert refused.status_code == 400
    sent = client.post(
        reverse("coordination:obstacle_new"),
        {
            "unit": chieng_an.unit_id,
            "category": "staff",
            "subject": "Biệt phái công chức",
            "body": "Xin hướng dẫn biệt phái công chức về phường.",
        },
    )
    assert sent.status_code == 302
    made = Obstacle.objects.get()
    url = reverse("coordination:obstacle", kwargs={"obstacle_id": made.pk})
    assert other_commune_official.browser().get(url).status_code == 404
    body_client = home_affairs.browser()
    assert (
        "Biệt phái công chức" in body_client.get(reverse("coordination:obstacles")).content.decode()
    )
    assert body_client.post(url, {"answer": "Theo Nghị định 170/2025."}).status_code == 302
    publish = reverse("coordination:obstacle_publish", kwargs={"obstacle_id": made.pk})
    assert body_client.get(publish).status_code == 200
    made.refresh_from_db()
    assert not made.published
    assert body_client.post(publish).status_code == 302
    made.refresh_from_db()
    assert (made.status, made.published) == (ObstacleStatus.ANSWERED, True)
    found = other_commune_official.browser().get(reverse("coordination:guidance") + "?q=biet+phai")
    assert "Nghị định 170/2025" in found.content.decode()
    # The commune that raised it cannot answer it.
    assert client.post(url, {"answer": "x"}).status_code == 403


def test_the_api_raises_and_lists_only_ones_own(
    chieng_an, to_hieu, commune_official, other_commune_official, home_affairs
):
    made = commune_official.api().post(
        "/api/coord/obstacles",
        {
            "unit_id": chieng_an.unit_id,
            "category": "legal",
            "subject": "Con dấu",
            "body": "Chưa có con dấu mới.",
        },
        content_type="application/json",
    )
    assert made.status_code == 201
    assert made.json()["responsible"].endswith("-STP")
    assert other_commune_official.api().get("/api/coord/obstacles").json() == []
    assert (
        other_commune_official.api().get(f"/api/coord/obstacles/{made.json()['id']}").status_code
        == 404
    )
    wrong = commune_official.api().post(
        "/api/coord/obstacles",
        {"unit_id": to_hieu.unit_id, "category": "legal", "subject": "x", "body": "y"},
        content_type="application/json",
    )
    assert wrong.status_code == 404
