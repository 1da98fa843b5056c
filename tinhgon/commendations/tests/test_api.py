"""The API: the same services as the pages, its errors in the one JSON shape."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tinhgon.accounts.models import Role
from tinhgon.commendations.tests import factories as make
from tinhgon.commendations.tests.test_history import chieng_xom, record_2023, successor
from tinhgon.conftest import AFTER, make_persona
from tinhgon.units import selectors

pytestmark = pytest.mark.django_db


def post(client, url, body):  # type: ignore[no-untyped-def]
    return client.post(url, body, content_type="application/json")


def test_a_proposal_through_the_api_from_draft_to_decision(
    son_la, chieng_an, commune_official, province_admin
):
    council = make_persona(
        "snv", selectors.versions_on(AFTER).get(code="14-SNV").unit_id, Role.UNIT_OFFICIAL
    ).api()
    campaign = make.campaign(son_la.unit_id)
    ward = commune_official.api()
    made = post(
        ward,
        "/api/commendations/proposals",
        {
            "unit_id": chieng_an.unit_id,
            "campaign_id": campaign.pk,
            "title": "Đề nghị",
            "items": [
                {"form": "bang-khen-chu-tich-tinh", "unit_id": chieng_an.unit_id, "reason": "A"}
            ],
        },
    ).json()
    assert made["status"] == "draft"
    submitted = post(ward, f"/api/commendations/proposals/{made['id']}/submit", {})
    assert submitted.json()["status"] == "submitted"
    item = made["items"][0]["id"]
    reviewed = post(
        council,
        f"/api/commendations/proposals/{made['id']}/review",
        {"verdicts": [{"item_id": item, "accept": True}]},
    )
    assert reviewed.json()["items"][0]["verdict"] == "accepted"
    decided = post(
        province_admin.api(),
        "/api/commendations/decisions",
        {
            "campaign_id": campaign.pk,
            "number": "12/QĐ-UBND",
            "date": timezone.localdate().isoformat(),
            "authority": "province",
            "signed_by": "Chủ tịch",
        },
    )
    assert decided.status_code == 200
    assert [r["recipient"] for r in decided.json()["commendations"]] == ["Phường Chiềng An"]


def test_a_quota_refusal_is_a_400_naming_the_form_and_the_figures(
    son_la, chieng_an, commune_official
):
    campaign = make.campaign(son_la.unit_id, quotas={"bang-khen-chu-tich-tinh": 0})
    proposal = make.proposal(chieng_an.unit_id, campaign.pk)

    refused = post(commune_official.api(), f"/api/commendations/proposals/{proposal.pk}/submit", {})

    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "quota"
    assert (
        "quota is 0, 0 already proposed, this proposal asks 1" in refused.json()["error"]["message"]
    )


def test_an_illegal_move_is_a_409(son_la, chieng_an, province_admin):
    campaign = make.campaign(son_la.unit_id)
    proposal = make.proposal(chieng_an.unit_id, campaign.pk)

    refused = post(
        province_admin.api(), f"/api/commendations/proposals/{proposal.pk}/review", {"verdicts": []}
    )

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "illegal_move"


def test_a_units_history_through_the_api_names_the_predecessor(son_la, province_admin):
    record_2023(son_la.unit_id, chieng_xom())

    found = province_admin.api().get(f"/api/commendations/units/{successor()}").json()
    own = (
        province_admin.api()
        .get(f"/api/commendations/units/{successor()}?with_predecessors=false")
        .json()
    )

    assert [(r["decision"], r["date"], r["via"] is not None) for r in found] == [
        ("1234/QĐ-UBND", "2023-11-15", True)
    ]
    assert own == []


@pytest.mark.parametrize(
    "body",
    [
        {"unit_id": 0, "campaign_id": 1, "title": "x", "items": []},
        {"unit_id": 1, "campaign_id": 1, "title": "x\x00", "items": []},
        {
            "unit_id": 1,
            "campaign_id": 1,
            "title": "x",
            "items": [{"form": "NOT A SLUG", "reason": "x"}],
        },
        {"unit_id": 1, "campaign_id": 1, "title": "x" * 301, "items": []},
    ],
)
def test_bad_input_is_a_4xx(province_admin, body):  # type: ignore[no-untyped-def]
    response = post(province_admin.api(), "/api/commendations/proposals", body)

    assert 400 <= response.status_code < 500
