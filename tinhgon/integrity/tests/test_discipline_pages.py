"""Discipline through its pages (decide and drop through confirmations), its API and its
command: the same services; the official's own account reads nothing before the end."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tinhgon.accounts.models import Role
from tinhgon.conftest import make_persona
from tinhgon.core.errors import NotFound
from tinhgon.integrity import discipline
from tinhgon.integrity.models import Proceeding, ProceedingStatus
from tinhgon.integrity.tests.cases_factories import committee_of
from tinhgon.staffing.models import DisciplinaryMeasure, Measure
from tinhgon.staffing.tests import factories as staff

pytestmark = pytest.mark.django_db

GROUNDS = "Giữ hồ sơ quá hạn 20 ngày không lý do."


@pytest.fixture
def official(chieng_an) -> int:
    return staff.official(committee_of(chieng_an.unit_id), full_name="Lường Văn Chậm")


@pytest.fixture
def proceeding(official) -> Proceeding:
    return discipline.proceeding_open(
        actor=None, official_id=official, measure=Measure.REPRIMAND, grounds=GROUNDS
    )


def test_a_manager_opens_a_proceeding_on_its_page_and_decides_it_through_the_confirmation(
    official, commune_official
):
    client = commune_official.browser()
    assert client.get("/integrity/discipline/new/").status_code == 200
    opened = client.post(
        "/integrity/discipline/new/",
        {"official": official, "measure": Measure.WARNING, "grounds": GROUNDS},
    )
    assert opened.status_code == 302
    made = Proceeding.objects.get(official_id=official)
    assert opened["Location"] == f"/integrity/discipline/{made.pk}/"
    page = client.get(opened["Location"]).content.decode()
    assert GROUNDS in page and "Lường Văn Chậm" in page
    # A date input takes ISO dates only: the day prefilled in any other form would be empty.
    assert f'value="{timezone.localdate().isoformat()}"' in page

    address = f"/integrity/discipline/{made.pk}/decide/"
    fields = {
        "measure": Measure.WARNING,
        "decision": "21/QĐ-UBND",
        "decided_on": timezone.localdate().isoformat(),
        "legal_basis": "Nghị định 172/2025/NĐ-CP",
        "version": made.version,
    }
    confirm = client.post(address, fields)
    assert confirm.status_code == 200 and "Decide the measure" in confirm.content.decode()
    assert not DisciplinaryMeasure.objects.filter(official_id=official).exists()
    done = client.post(address, {**fields, "confirmed": "1"})
    assert done.status_code == 302
    made.refresh_from_db()
    assert made.status == ProceedingStatus.DECIDED
    assert made.measure is not None and made.measure.decision == "21/QĐ-UBND"
    assert "21/QĐ-UBND" in client.get("/integrity/discipline/").content.decode()


def test_dropping_needs_its_reason_and_a_confirmation(proceeding, commune_official):
    client = commune_official.browser()
    address = f"/integrity/discipline/{proceeding.pk}/drop/"
    assert client.post(address, {"reason": ""}).status_code == 400
    assert client.post(address, {"reason": "Không có vi phạm"}).status_code == 200
    proceeding.refresh_from_db()
    assert proceeding.status == ProceedingStatus.PROPOSED
    client.post(address, {"reason": "Không có vi phạm", "confirmed": "1"})
    proceeding.refresh_from_db()
    assert proceeding.status == ProceedingStatus.DROPPED


def test_demotion_decided_today_is_refused_on_the_page_naming_the_law(proceeding, commune_official):
    refused = commune_official.browser().post(
        f"/integrity/discipline/{proceeding.pk}/decide/",
        {
            "measure": Measure.DEMOTION,
            "decision": "22/QĐ-UBND",
            "decided_on": timezone.localdate().isoformat(),
            "legal_basis": "Nghị định 172/2025/NĐ-CP",
            "confirmed": "1",
        },
    )
    assert refused.status_code == 400
    assert "Demotion is no longer a disciplinary measure" in refused.content.decode()
    assert "22/QĐ-UBND" in refused.content.decode()  # kept


def test_the_official_concerned_reads_nothing_before_the_decision_on_pages_nor_api(
    chieng_an, official, commune_official
):
    own = make_persona("luong-van-cham", chieng_an.unit_id, Role.UNIT_OFFICIAL)
    made = discipline.proceeding_open(
        actor=commune_official.user,
        official_id=official,
        measure=Measure.REPRIMAND,
        grounds=GROUNDS,
        concerned_username="luong-van-cham",
    )
    assert own.browser().get(f"/integrity/discipline/{made.pk}/").status_code == 404
    assert GROUNDS not in own.browser().get("/integrity/discipline/").content.decode()
    assert own.api().get(f"/api/integrity/discipline/{made.pk}").status_code == 404
    assert own.api().get("/api/integrity/discipline").json() == []
    assert commune_official.api().get("/api/integrity/discipline").json()[0]["id"] == made.pk


def test_the_api_opens_decides_and_answers_the_measure(official, commune_official):
    api = commune_official.api()
    opened = api.post(
        "/api/integrity/discipline",
        {"official_id": official, "measure": "reprimand", "grounds": GROUNDS},
        content_type="application/json",
    )
    assert opened.status_code == 200, opened.content
    body = opened.json()
    assert body["status"] == "proposed" and body["measure"] is None and body["grounds"] == GROUNDS
    decided = api.post(
        f"/api/integrity/discipline/{body['id']}/decide",
        {
            "measure": "reprimand",
            "decision": "23/QĐ-UBND",
            "decided_on": timezone.localdate().isoformat(),
            "legal_basis": "Nghị định 172/2025/NĐ-CP",
            "version": body["version"],
        },
        content_type="application/json",
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["measure"]["decision"] == "23/QĐ-UBND"
    again = api.post(
        f"/api/integrity/discipline/{body['id']}/drop",
        {"reason": "Nhầm"},
        content_type="application/json",
    )
    assert again.status_code == 409
    by_ward = api.get("/api/integrity/discipline", {"unit_id": official_ward(official)}).json()
    assert [row["id"] for row in by_ward] == [body["id"]]
    bad = api.post(
        "/api/integrity/discipline",
        {"official_id": official, "measure": "exile", "grounds": GROUNDS},
        content_type="application/json",
    )
    assert bad.status_code == 422


def official_ward(official: int) -> int:
    """The ward whose committee employs the official."""
    from tinhgon.staffing.models import Official
    from tinhgon.units import selectors

    unit = Official.objects.get(pk=official).unit_id
    return selectors.version_on(unit, timezone.localdate()).admin_unit_id


def test_integrity_discipline_lists_a_units_proceedings_as_json(chieng_an, proceeding):
    out = io.StringIO()
    call_command(
        "integrity", "discipline", "--unit", chieng_an.code, "--format", "json", stdout=out
    )
    rows = json.loads(out.getvalue())
    assert [r["id"] for r in rows] == [proceeding.pk]
    assert rows[0]["status"] == "proposed" and rows[0]["proposed_measure"] == "reprimand"
    assert {"official", "due_on", "decision", "legal_basis"} <= set(rows[0])
    table = io.StringIO()
    call_command("integrity", "discipline", "--unit", chieng_an.code, stdout=table)
    assert "Lường Văn Chậm" in table.getvalue()


def test_integrity_discipline_refuses_an_unknown_unit_and_an_unknown_status():
    with pytest.raises(NotFound):
        call_command("integrity", "discipline", "--unit", "no-such-unit-zz")
    with pytest.raises(CommandError):
        call_command("integrity", "discipline", "--unit", "03667", "--status", "pending")


def test_a_decided_case_about_an_official_offers_its_managers_a_proceeding(
    chieng_an, official, commune_official, observer
):
    from tinhgon.integrity import cases
    from tinhgon.integrity.tests.cases_factories import receive

    case = receive(chieng_an.unit_id, received_at=None, official_id=official)
    cases.case_accept(actor=None, case_id=case.pk)
    cases.case_decide(actor=None, case_id=case.pk, decision="Tố cáo đúng")
    link = f"/integrity/discipline/new/?official={official}&amp;case={case.pk}"
    assert link in commune_official.browser().get(f"/integrity/cases/{case.pk}/").content.decode()
    assert link not in observer.browser().get(f"/integrity/cases/{case.pk}/").content.decode()
    form = commune_official.browser().get(link.replace("&amp;", "&")).content.decode()
    assert f'value="{case.pk}"' in form and f'value="{official}"' in form
