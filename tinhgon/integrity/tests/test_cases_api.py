"""The cases API: the author only in the handler's answers; routing, moves and refusals."""

from __future__ import annotations

import pytest

from tinhgon.accounts.models import Role
from tinhgon.conftest import make_persona
from tinhgon.integrity.models import Case
from tinhgon.integrity.tests.cases_factories import AUTHOR, CONTACT, committee_of, leader, receive

pytestmark = pytest.mark.django_db


def test_the_author_is_in_the_handlers_answers_only(
    son_la, chieng_an, province_admin, superuser, commune_official, observer
):
    chairman = leader(committee_of(chieng_an.unit_id))
    case = receive(chieng_an.unit_id, official_id=chairman)
    inspector = make_persona("inspector", case.handler_unit_id, Role.UNIT_OFFICIAL)
    url = f"/api/integrity/cases/{case.pk}"
    mine = inspector.api().get(url)
    assert mine.status_code == 200
    assert mine.json()["author"] == {"name": AUTHOR, "contact": CONTACT}
    for someone in (province_admin, superuser):
        answer = someone.api().get(url)
        assert answer.status_code == 200 and answer.json()["author"] is None
        assert AUTHOR not in answer.content.decode() and CONTACT not in answer.content.decode()
        listed = someone.api().get("/api/integrity/cases").content.decode()
        assert str(case.pk) in listed and AUTHOR not in listed
    # The ward whose chairman is denounced does not see the denunciation at all.
    for someone in (commune_official, observer):
        assert someone.api().get(url).status_code == 404
        assert someone.api().get("/api/integrity/cases").json() == []
    accepted = inspector.api().post(f"{url}/accept", content_type="application/json", data={})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    extended = inspector.api().post(
        f"{url}/extend", content_type="application/json", data={"reason": "Phức tạp"}
    )
    assert extended.status_code == 200 and extended.json()["extensions"] == 1
    closed = inspector.api().post(f"{url}/close", content_type="application/json", data={})
    assert closed.status_code == 409
    assert closed.json()["error"]["code"] == "illegal_move"


def test_a_desk_receives_a_denunciation_and_its_answer_does_not_show_the_author_back(
    son_la, chieng_an, commune_official
):
    chairman = leader(committee_of(chieng_an.unit_id))
    answer = commune_official.api().post(
        "/api/integrity/cases",
        content_type="application/json",
        data={
            "kind": "denunciation",
            "subject": "Tố cáo chủ tịch",
            "body": "Nội dung",
            "unit_id": chieng_an.unit_id,
            "official_id": chairman,
            "author_name": AUTHOR,
            "author_contact": CONTACT,
        },
    )
    assert answer.status_code == 200, answer.content
    body = answer.content.decode()
    assert AUTHOR not in body and CONTACT not in body
    case = Case.objects.get(pk=answer.json()["id"])
    assert case.handler_unit_id != committee_of(chieng_an.unit_id)
    assert answer.json()["handler_unit"] == f"{son_la.code}-TTR"


def test_bad_input_answers_400_naming_the_field_and_writes_nothing(chieng_an, commune_official):
    before = Case.objects.count()
    answer = commune_official.api().post(
        "/api/integrity/cases",
        content_type="application/json",
        data={"kind": "feedback", "subject": "X", "body": "Y", "unit_id": chieng_an.unit_id},
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["problems"][0]["field"] == "author_name"
    assert Case.objects.count() == before


def test_a_refused_receipt_does_not_echo_the_author(chieng_an, commune_official):
    answer = commune_official.api().post(
        "/api/integrity/cases",
        content_type="application/json",
        data={
            "kind": "denunciation",
            "subject": "Tố cáo",
            "body": "Nội dung",
            "unit_id": chieng_an.unit_id,
            "author_name": AUTHOR + "\x01",
            "author_contact": "x" * 400 + CONTACT,
        },
    )
    assert answer.status_code == 422  # the project's answer to input of the wrong shape
    assert AUTHOR not in answer.content.decode() and CONTACT not in answer.content.decode()


def test_the_case_page_shows_the_author_to_the_handler_only(
    son_la, chieng_an, province_admin, superuser
):
    chairman = leader(committee_of(chieng_an.unit_id))
    case = receive(chieng_an.unit_id, official_id=chairman)
    inspector = make_persona("inspector", case.handler_unit_id, Role.UNIT_OFFICIAL)
    url = f"/integrity/cases/{case.pk}/"
    mine = inspector.browser().get(url)
    assert mine.status_code == 200 and AUTHOR in mine.content.decode()
    for someone in (province_admin, superuser):
        for page in (url, "/integrity/?state=all"):
            answer = someone.browser().get(page)
            assert answer.status_code == 200
            text = answer.content.decode()
            assert AUTHOR not in text and CONTACT not in text
        assert f"#{case.pk}" in someone.browser().get("/integrity/").content.decode()
