"""Findings of the independent review of coordination, each kept as a test: numbers out of range are a 400, never a 500."""

import json

import pytest

from tinhgon.coordination.tests.reports_factories import body, report_duty

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("raw", ['"1e9999999999"', "NaN"])
def test_a_number_out_of_decimal_range_is_refused_with_a_400(commune_official, chieng_an, raw):
    duty = report_duty(chieng_an.unit_id)
    client = commune_official.api()
    client.raise_request_exception = False
    answer = client.post(
        f"/api/coord/reports/duties/{duty}/submissions",
        data='{"values": {"staff": ' + raw + ', "progress": "Xong"}}',
        content_type="application/json",
    )
    assert answer.status_code == 400


def test_the_submission_page_refuses_a_huge_exponent(commune_official, chieng_an):
    duty = report_duty(chieng_an.unit_id)
    client = commune_official.browser()
    client.raise_request_exception = False
    answer = client.post(
        f"/coord/reports/duties/{duty}/", {"staff": "1e9999999999", "progress": "Xong"}
    )
    assert answer.status_code == 400


def test_a_template_bound_out_of_range_is_refused(province_admin, son_la):
    client = province_admin.api()
    client.raise_request_exception = False
    payload = {
        "owner_id": body(son_la.unit_id, "SNV"),
        "name": "x",
        "period": "monthly",
        "fields": [{"key": "a", "label": "A", "type": "number", "max": "1e9999999999"}],
    }
    answer = client.post(
        "/api/coord/reports/templates", data=json.dumps(payload), content_type="application/json"
    )
    assert answer.status_code == 400


def test_published_guidance_shows_the_citizens_dossier_code_only_to_the_raiser_and_the_body(
    commune_official, other_commune_official, chieng_an
):
    from tinhgon.coordination import obstacles

    raised = obstacles.obstacle_raise(
        actor=None,
        unit_id=chieng_an.unit_id,
        category="procedures",
        subject="Hồ sơ đất đai bị trả lại",
        body="Hỏi về thủ tục sau sáp nhập.",
        dossier_code="03667-20260302-000001",
    )
    obstacles.obstacle_answer(actor=None, obstacle_id=raised.pk, answer="Làm theo hướng dẫn.")
    obstacles.obstacle_publish(actor=None, obstacle_id=raised.pk)
    url = f"/coord/obstacles/{raised.pk}/"
    neighbour = other_commune_official.browser().get(url)
    assert neighbour.status_code == 200 and "Làm theo hướng dẫn." in neighbour.content.decode()
    assert "03667-20260302-000001" not in neighbour.content.decode()
    assert "03667-20260302-000001" in commune_official.browser().get(url).content.decode()
