"""The pages and endpoints of reports and figures, for the personas: a commune official submits
its own report (never another commune's), the province sees the round and its spreadsheet."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tinhgon.coordination import reports
from tinhgon.coordination.models import DutyStatus, ReportRound
from tinhgon.coordination.tests.reports_factories import template
from tinhgon.core.errors import NotFound

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(son_la) -> ReportRound:  # type: ignore[no-untyped-def]
    return reports.round_open(
        actor=None,
        template_id=template(son_la.unit_id).pk,
        label="11/2026",
        starts=dt.date(2026, 11, 1),
        ends=dt.date(2026, 11, 30),
        due=dt.date(2026, 12, 20),
        every="communes",
    )


def test_a_commune_official_submits_its_report_through_the_page(
    round_, chieng_an, commune_official
):
    duty = round_.duties.get(unit_id=chieng_an.unit_id)
    client = commune_official.browser()
    page = client.get(reverse("coordination:reports"))
    assert page.status_code == 200
    assert (
        reverse("coordination:report_submit", kwargs={"duty_id": duty.pk}) in page.content.decode()
    )
    url = reverse("coordination:report_submit", kwargs={"duty_id": duty.pk})
    refused = client.post(url, {"staff": "900", "progress": "Xong"})
    assert refused.status_code == 400
    assert 'href="#id_staff"' in refused.content.decode()
    assert 'value="900"' in refused.content.decode()  # what was typed stays
    done = client.post(url, {"staff": "9", "progress": "Xong", "note": "ổn"})
    assert done.status_code == 302
    duty.refresh_from_db()
    assert duty.status == DutyStatus.SUBMITTED
    assert duty.submissions.get().values["staff"] == 9


def test_another_communes_report_page_is_not_found(round_, to_hieu, commune_official):
    duty = round_.duties.get(unit_id=to_hieu.unit_id)
    client = commune_official.browser()
    url = reverse("coordination:report_submit", kwargs={"duty_id": duty.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"staff": "1", "progress": "Xong"}).status_code == 404
    assert not duty.submissions.exists()


def test_a_round_out_of_scope_is_answered_as_a_round_that_does_not_exist(round_, commune_official):
    with pytest.raises(NotFound) as refused:
        reports.access_round(commune_official.user, round_.pk)
    with pytest.raises(NotFound) as unknown:
        reports.access_round(commune_official.user, round_.pk + 1000)
    assert str(refused.value.message).replace(str(round_.pk), "N") == str(
        unknown.value.message
    ).replace(str(round_.pk + 1000), "N")


def test_the_province_sees_the_round_and_downloads_its_spreadsheet(
    round_, province_admin, commune_official
):
    url = reverse("coordination:report_round", kwargs={"round_id": round_.pk})
    client = province_admin.browser()
    page = client.get(url)
    assert page.status_code == 200
    assert "75" in page.content.decode()
    sheet = client.get(url + "?format=xlsx")
    assert sheet.status_code == 200
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    assert commune_official.browser().get(url).status_code == 404


def test_accepting_a_report_asks_for_confirmation_first(round_, chieng_an, province_admin):
    duty = round_.duties.get(unit_id=chieng_an.unit_id)
    reports.submission_save(actor=None, duty_id=duty.pk, values={"staff": 1, "progress": "Xong"})
    client = province_admin.browser()
    url = reverse("coordination:report_decide", kwargs={"duty_id": duty.pk})
    assert client.get(url + "?accept=1").status_code == 200
    duty.refresh_from_db()
    assert duty.status == DutyStatus.SUBMITTED
    assert client.post(url, {"accept": "1"}).status_code == 302
    duty.refresh_from_db()
    assert duty.status == DutyStatus.ACCEPTED


def test_the_api_refuses_a_value_naming_its_field(round_, chieng_an, commune_official):
    duty = round_.duties.get(unit_id=chieng_an.unit_id)
    api = commune_official.api()
    url = f"/api/coord/reports/duties/{duty.pk}/submissions"
    refused = api.post(
        url, {"values": {"staff": -1, "progress": "Xong"}}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["problems"][0]["field"] == "staff"
    made = api.post(
        url, {"values": {"staff": 2, "progress": "Xong"}}, content_type="application/json"
    )
    assert made.status_code == 201
    listed = api.get("/api/coord/reports/duties?open=true").json()
    assert [d["id"] for d in listed] == [duty.pk]


def test_the_figures_page_and_api_are_the_provinces(
    son_la, round_, province_admin, commune_official
):
    page = province_admin.browser().get(reverse("coordination:figures"))
    assert page.status_code == 200
    api = province_admin.api().get("/api/coord/reports/figures?province=S%C6%A1n%20La").json()
    assert api["reports_missing"] == 0 and api["reports_waiting"] == 75
    assert commune_official.browser().get(reverse("coordination:figures")).status_code == 404
    assert (
        commune_official.api()
        .get(f"/api/coord/reports/figures?province_id={son_la.unit_id}")
        .status_code
        == 404
    )


def test_the_province_makes_a_template_and_opens_a_round_through_the_pages(son_la, province_admin):
    from tinhgon.coordination.models import ReportTemplate
    from tinhgon.coordination.tests.reports_factories import body

    client = province_admin.browser()
    url = reverse("coordination:report_template_new")
    assert client.get(url).status_code == 200
    owner = body(son_la.unit_id, "SNV")
    bad = client.post(
        url, {"owner": owner, "name": "Báo cáo", "period": "monthly", "field_list": "[{"}
    )
    assert bad.status_code == 400
    refused = client.post(
        url,
        {"owner": owner, "name": "Báo cáo", "period": "monthly", "field_list": '[{"key": "A"}]'},
    )
    assert refused.status_code == 400
    assert "fields[0].key" in refused.content.decode()
    fields = '[{"key": "staff", "label": "Số cán bộ", "type": "number", "required": true}]'
    saved = client.post(
        url, {"owner": owner, "name": "Báo cáo", "period": "monthly", "field_list": fields}
    )
    assert saved.status_code == 302
    made = ReportTemplate.objects.get()
    opened = client.post(
        reverse("coordination:report_round_new"),
        {
            "template": made.pk,
            "label": "12/2026",
            "starts": "01/12/2026",
            "ends": "31/12/2026",
            "due": "05/01/2027",
            "every": "communes",
        },
    )
    assert opened.status_code == 302
    assert made.rounds.get().duties.count() == 75
