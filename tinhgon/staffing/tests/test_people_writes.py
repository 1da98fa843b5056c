"""The writes of people through the API and the pages: an official added (identity number
validated and sealed) and edited, a position opened and closed (after a confirmation page), a
quota set (the parent's cap refused on the form, naming the figures), an assignment started on
a vacant seat and ended (after a confirmation page), a training recorded. Every write goes
through the same service; the database is checked afterwards, with its audit row."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone, translation

from tinhgon.core.models import AuditEvent
from tinhgon.staffing import protect, services
from tinhgon.staffing.forms import identity_problem
from tinhgon.staffing.models import Assignment, Official, Position, Quota, Training
from tinhgon.staffing.tests import factories


@pytest.fixture(autouse=True)
def in_english(settings):  # type: ignore[no-untyped-def]
    """The messages are matched as written (English source strings), here and in the test
    client's requests (which fall back to LANGUAGE_CODE)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


TODAY = timezone.localdate()
NUMBER = "014090001234"  # born 1990, male: 0 (1900s, male), 90
OFFICIAL = {
    "full_name": "Lò Văn Thử",
    "national_id": NUMBER,
    "birth_date": "1990-05-02",
    "gender": "male",
    "ethnicity": "Thái",
    "level": 4,
    "field": "law",
    "category": "civil_servant",
    "salary_coefficient": "2.67",
    "hire_date": "2015-03-01",
    "rank": "Chuyên viên",
}


def _json(data):  # type: ignore[no-untyped-def]
    return {"data": data, "content_type": "application/json"}


# -- the identity number ---------------------------------------------------------------------
def test_an_identity_number_must_match_the_century_gender_and_year_of_birth():
    born = dt.date(1990, 5, 2)
    assert identity_problem(NUMBER, born, "male") is None
    assert "4th digit" in str(identity_problem(NUMBER, born, "female"))
    assert "year of birth" in str(identity_problem("014088001234", born, "male"))
    assert "12 digits" in str(identity_problem("01409000123", born, "male"))
    # Born in 2001, female: 3.
    assert identity_problem("014301001234", dt.date(2001, 1, 1), "female") is None


# -- API -------------------------------------------------------------------------------------
def test_the_apis_literal_choices_are_the_models_choices():
    from typing import get_args

    from tinhgon.staffing import models, people_api

    pairs = [
        (people_api.Gender, models.Gender),
        (people_api.Group, models.Group),
        (people_api.Role, models.LeaderRole),
        (people_api.Category, models.Category),
        (people_api.Qualification, models.Qualification),
        (people_api.TrainingField, models.Field),
        (people_api.TrainingResult, models.Training.Result),
    ]
    for literal, choices in pairs:
        assert list(get_args(literal)) == list(choices.values), choices


def test_the_api_adds_an_official_with_the_number_sealed_and_shown_whole_to_the_manager(
    commune_official, chieng_an
):
    response = commune_official.api().post(
        "/api/staff/officials", **_json({**OFFICIAL, "unit_id": chieng_an.unit_id})
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["national_id"] == NUMBER and data["masked"] is False
    official = Official.objects.get(pk=data["id"])
    assert official.unit_id == chieng_an.unit_id
    assert NUMBER not in official.national_id_sealed
    assert protect.unseal(official.national_id_sealed) == NUMBER
    event = AuditEvent.objects.get(action="staffing.official_create")
    assert NUMBER not in str(event.data)


def test_the_api_refuses_an_official_of_another_commune_as_not_found(
    other_commune_official, chieng_an
):
    response = other_commune_official.api().post(
        "/api/staff/officials", **_json({**OFFICIAL, "unit_id": chieng_an.unit_id})
    )
    assert response.status_code == 404
    assert not Official.objects.exists()


def test_the_api_refuses_a_number_that_is_not_12_digits(commune_official, chieng_an):
    response = commune_official.api().post(
        "/api/staff/officials",
        **_json({**OFFICIAL, "national_id": "12345", "unit_id": chieng_an.unit_id}),
    )
    assert response.status_code in (400, 422)
    assert not Official.objects.exists()


def test_the_api_changes_only_the_fields_sent(commune_official, chieng_an):
    pk = factories.official(chieng_an.unit_id, full_name="Lò Thị Cũ", rank="Cán sự")
    response = commune_official.api().patch(
        f"/api/staff/officials/{pk}", **_json({"rank": "Chuyên viên"})
    )
    assert response.status_code == 200, response.content
    official = Official.objects.get(pk=pk)
    assert (official.rank, official.full_name) == ("Chuyên viên", "Lò Thị Cũ")
    assert AuditEvent.objects.get(action="staffing.official_update").data["fields"] == ["rank"]


def test_an_observer_cannot_change_an_official(observer, chieng_an):
    pk = factories.official(chieng_an.unit_id, rank="Cán sự")
    response = observer.api().patch(f"/api/staff/officials/{pk}", **_json({"rank": "X"}))
    assert response.status_code == 403
    assert Official.objects.get(pk=pk).rank == "Cán sự"


def test_the_api_opens_a_position_then_an_assignment_then_ends_it_and_closes_it(
    commune_official, chieng_an
):
    client = commune_official.api()
    opened = client.post(
        "/api/staff/positions",
        **_json(
            {
                "unit_id": chieng_an.unit_id,
                "code": "CV-99",
                "title": "Chuyên viên tư pháp",
                "group": "professional",
                "category": "civil_servant",
                "level_required": 4,
                "field_required": "law",
                "seats": 1,
                "valid_from": "2026-01-01",
            }
        ),
    )
    assert opened.status_code == 201, opened.content
    position_id = opened.json()["id"]
    official_id = factories.official(chieng_an.unit_id)
    started = client.post(
        "/api/staff/assignments",
        **_json(
            {"official_id": official_id, "position_id": position_id, "valid_from": "2026-02-01"}
        ),
    )
    assert started.status_code == 201, started.content
    # Still held: the position cannot close.
    refused = client.post(
        f"/api/staff/positions/{position_id}/close", **_json({"last_day": "2026-03-31"})
    )
    assert refused.status_code == 400 and "end the assignments first" in refused.content.decode()
    ended = client.post(
        f"/api/staff/assignments/{started.json()['id']}/end",
        **_json({"last_day": "2026-03-31", "decision": "QĐ 5/QĐ-UBND"}),
    )
    assert ended.status_code == 200 and ended.json()["valid_to"] == "2026-03-31"
    closed = client.post(
        f"/api/staff/positions/{position_id}/close", **_json({"last_day": "2026-03-31"})
    )
    assert closed.status_code == 200 and closed.json()["valid_to"] == "2026-03-31"
    assert Position.objects.get(pk=position_id).valid_to == dt.date(2026, 3, 31)


def test_the_api_refuses_a_quota_above_the_parents_cap_naming_the_figures(
    province_admin, son_la, chieng_an, to_hieu
):
    client = province_admin.api()
    for unit, count in ((son_la, 100), (chieng_an, 60)):
        response = client.post(
            "/api/staff/quotas",
            **_json(
                {
                    "unit_id": unit.unit_id,
                    "year": 2026,
                    "category": "civil_servant",
                    "count": count,
                    "decision": "QĐ 1/QĐ-UBND",
                }
            ),
        )
        assert response.status_code == 201, response.content
    refused = client.post(
        "/api/staff/quotas",
        **_json(
            {
                "unit_id": to_hieu.unit_id,
                "year": 2026,
                "category": "civil_servant",
                "count": 41,
                "decision": "QĐ 2/QĐ-UBND",
            }
        ),
    )
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert "At most 40 is left for Phường Tô Hiệu" in error["message"]
    assert error["problems"][0]["field"] == "count"
    assert not Quota.objects.filter(unit_id=to_hieu.unit_id).exists()


def test_the_api_records_a_training_that_raises_the_qualification(commune_official, chieng_an):
    pk = factories.official(chieng_an.unit_id, level=4)
    response = commune_official.api().post(
        f"/api/staff/officials/{pk}/trainings",
        **_json(
            {
                "course": "Thạc sĩ Quản lý công",
                "field": "administration",
                "level": 5,
                "start": "2023-09-01",
                "end": "2025-09-01",
                "result": "passed",
            }
        ),
    )
    assert response.status_code == 201, response.content
    assert Official.objects.get(pk=pk).level == 5
    assert Training.objects.filter(official_id=pk).count() == 1


# -- pages -----------------------------------------------------------------------------------
def _browser(persona):  # type: ignore[no-untyped-def]
    """The persona's browser, reading the pages in English (the messages as written)."""
    client = persona.browser()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _form(data: dict) -> dict:  # type: ignore[type-arg]
    """The API's values as a person types them (dd/mm/yyyy, a decimal comma)."""
    typed = dict(data)
    for name in ("birth_date", "hire_date"):
        typed[name] = dt.date.fromisoformat(typed[name]).strftime("%d/%m/%Y")
    typed["salary_coefficient"] = typed["salary_coefficient"].replace(".", ",")
    return typed


def test_the_page_adds_an_official_and_opens_their_page(commune_official, chieng_an):
    client = _browser(commune_official)
    form = client.get(f"/staff/officials/new/?unit={chieng_an.code}")
    assert form.status_code == 200 and "Identity number" in form.content.decode()
    response = client.post(
        "/staff/officials/new/", {**_form(OFFICIAL), "unit": chieng_an.code}, follow=True
    )
    assert response.status_code == 200
    official = Official.objects.get()
    assert response.redirect_chain[-1][0] == f"/staff/officials/{official.pk}/"
    assert NUMBER in response.content.decode()  # the manager sees the whole number


def test_the_page_keeps_what_was_typed_and_names_a_wrong_identity_number(
    commune_official, chieng_an
):
    typed = {**_form(OFFICIAL), "national_id": "014088001234", "unit": chieng_an.code}
    response = _browser(commune_official).post("/staff/officials/new/", typed)
    assert response.status_code == 400
    page = response.content.decode()
    assert "year of birth" in page and "Lò Văn Thử" in page and 'href="#id_national_id"' in page
    assert not Official.objects.exists()


def test_the_official_page_is_not_offered_to_an_observer_or_another_commune(
    observer, other_commune_official, chieng_an
):
    assert _browser(observer).get(f"/staff/officials/new/?unit={chieng_an.code}").status_code == 403
    other = _browser(other_commune_official)
    assert other.get(f"/staff/officials/new/?unit={chieng_an.code}").status_code == 404


def test_the_edit_page_changes_the_rank_and_keeps_the_number_when_left_blank(
    commune_official, chieng_an
):
    pk = factories.official(chieng_an.unit_id, number=NUMBER, rank="Cán sự")
    official = Official.objects.get(pk=pk)
    client = _browser(commune_official)
    page = client.get(f"/staff/officials/{pk}/edit/")
    assert page.status_code == 200 and NUMBER not in page.content.decode()
    data = {
        "full_name": official.full_name,
        "national_id": "",
        "birth_date": official.birth_date.strftime("%d/%m/%Y"),
        "gender": official.gender,
        "ethnicity": official.ethnicity,
        "home_commune": "",
        "level": official.level,
        "field": official.field,
        "category": official.category,
        "rank": "Chuyên viên",
        "salary_coefficient": str(official.salary_coefficient).replace(".", ","),
        "hire_date": official.hire_date.strftime("%d/%m/%Y"),
    }
    response = client.post(f"/staff/officials/{pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    official.refresh_from_db()
    assert official.rank == "Chuyên viên"
    assert protect.unseal(official.national_id_sealed) == NUMBER
    assert AuditEvent.objects.get(action="staffing.official_update").data["fields"] == ["rank"]


def test_the_quota_form_shows_the_parents_cap_refusal_with_the_figures(
    province_admin, son_la, chieng_an, to_hieu
):
    for unit, count in ((son_la, 100), (chieng_an, 60)):
        services.quota_set(
            actor=None,
            unit_id=unit.unit_id,
            year=2026,
            category="civil_servant",
            count=count,
            decision="QĐ 1/QĐ-UBND",
        )
    client = _browser(province_admin)
    page = client.get(f"/staff/quotas/?unit={to_hieu.code}")
    assert page.status_code == 200 and "Set a quota" in page.content.decode()
    response = client.post(
        f"/staff/quotas/?unit={to_hieu.code}",
        {
            "unit": to_hieu.code,
            "year": 2026,
            "category": "civil_servant",
            "count": 41,
            "decision": "QĐ 2/QĐ-UBND",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Sơn La" in text and "At most 40 is left" in text and 'href="#id_count"' in text
    assert 'value="41"' in text  # what was typed stays
    # The figures at the field too (above its input).
    assert "At most 40 is left" in text.split('name="count"')[0].rsplit("field__label", 1)[1]
    assert not Quota.objects.filter(unit_id=to_hieu.unit_id).exists()


def test_closing_a_position_asks_for_confirmation_first(commune_official, chieng_an):
    pk = factories.position(chieng_an.unit_id, code="CV-77")
    client = _browser(commune_official)
    assert client.get(f"/staff/positions/{pk}/close/").status_code == 200
    confirm = client.post(f"/staff/positions/{pk}/close/", {"last_day": "31/03/2026"})
    assert confirm.status_code == 200 and "Confirm the closing" in confirm.content.decode()
    assert Position.objects.get(pk=pk).valid_to is None
    done = client.post(
        f"/staff/positions/{pk}/close/", {"last_day": "31/03/2026", "confirmed": "True"}
    )
    assert done.status_code == 302
    assert Position.objects.get(pk=pk).valid_to == dt.date(2026, 3, 31)


def test_an_official_takes_a_vacant_seat_and_the_end_is_confirmed(commune_official, chieng_an):
    position = factories.position(chieng_an.unit_id, code="CV-55")
    official = factories.official(chieng_an.unit_id, full_name="Quàng Văn Ghế")
    client = _browser(commune_official)
    form = client.get(f"/staff/assignments/new/?unit={chieng_an.code}")
    page = form.content.decode()
    assert form.status_code == 200 and "Quàng Văn Ghế" in page and "CV-55" in page
    response = client.post(
        "/staff/assignments/new/",
        {
            "unit": chieng_an.code,
            "official": official,
            "position": position,
            "valid_from": TODAY.strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assignment = Assignment.objects.get(official_id=official)
    # The seat is taken: it is no longer offered.
    assert (
        "CV-55" not in client.get(f"/staff/assignments/new/?unit={chieng_an.code}").content.decode()
    )
    last = TODAY.strftime("%d/%m/%Y")
    confirm = client.post(f"/staff/assignments/{assignment.pk}/end/", {"last_day": last})
    assert "Confirm the end of the assignment" in confirm.content.decode()
    assignment.refresh_from_db()
    assert assignment.valid_to is None
    client.post(f"/staff/assignments/{assignment.pk}/end/", {"last_day": last, "confirmed": "True"})
    assignment.refresh_from_db()
    assert assignment.valid_to == TODAY


def test_the_training_page_records_a_course(commune_official, chieng_an):
    pk = factories.official(chieng_an.unit_id)
    response = _browser(commune_official).post(
        f"/staff/officials/{pk}/training/",
        {
            "course": "Bồi dưỡng kỹ năng chuyển đổi số",
            "field": "it",
            "level": "",
            "start": "01/03/2025",
            "end": "30/04/2025",
            "result": "passed",
        },
    )
    assert response.status_code == 302
    assert Training.objects.get(official_id=pk).course == "Bồi dưỡng kỹ năng chuyển đổi số"
