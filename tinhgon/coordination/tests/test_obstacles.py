"""Obstacles: routed by category, due in working days, reminded and escalated under a frozen
clock, answered by the responsible body only, published as guidance every commune of the
province finds without diacritics."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from tinhgon.accounts.models import Role
from tinhgon.conftest import make_persona
from tinhgon.coordination import obstacles
from tinhgon.coordination.models import ObstacleRoute, ObstacleStatus, Reminder
from tinhgon.coordination.tests.reports_factories import body
from tinhgon.core.errors import DomainError, Forbidden, NotFound
from tinhgon.core.jobs import parts
from tinhgon.publicservices.tests.conftest import FrozenClock
from tinhgon.workdays.calendar import VIETNAM

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VIETNAM)


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    frozen = FrozenClock(MONDAY)
    monkeypatch.setattr(timezone, "now", frozen.now)
    return frozen


@pytest.fixture
def home_affairs(son_la):  # type: ignore[no-untyped-def]
    official = make_persona("snv-official", body(son_la.unit_id, "SNV"), Role.UNIT_OFFICIAL)
    official.user.email = "snv@example.vn"
    official.user.save()
    return official


def _raise(persona, unit_id: int, category: str = "staff"):  # type: ignore[no-untyped-def]
    return obstacles.obstacle_raise(
        actor=persona.user,
        unit_id=unit_id,
        category=category,
        subject="Thiếu công chức địa chính sau sáp nhập",
        body="Phường thiếu 2 công chức địa chính; đề nghị hướng dẫn tuyển dụng.",
    )


def test_without_a_route_an_obstacle_goes_to_the_office_of_the_peoples_committee(
    clock, son_la, chieng_an, commune_official
):
    raised = _raise(commune_official, chieng_an.unit_id)
    assert raised.responsible_id == body(son_la.unit_id, "VP")
    # Ten working days from Monday 2 March 2026.
    assert raised.due == dt.date(2026, 3, 16)
    assert raised.status == ObstacleStatus.OPEN


def test_the_default_routes_send_staff_to_home_affairs_and_legal_to_justice(
    clock, son_la, chieng_an, commune_official
):
    made = obstacles.routes_seed_defaults(actor=None, province_id=son_la.unit_id)
    assert made == 7
    assert obstacles.routes_seed_defaults(actor=None, province_id=son_la.unit_id) == 0
    assert _raise(commune_official, chieng_an.unit_id).responsible_id == body(son_la.unit_id, "SNV")
    legal = _raise(commune_official, chieng_an.unit_id, "legal")
    assert legal.responsible_id == body(son_la.unit_id, "STP")


def test_a_route_with_fewer_days_shortens_the_deadline(clock, son_la, chieng_an, commune_official):
    obstacles.route_set(
        actor=None,
        province_id=son_la.unit_id,
        category="finance",
        body_id=body(son_la.unit_id, "STC"),
        answer_days=3,
    )
    raised = _raise(commune_official, chieng_an.unit_id, "finance")
    assert (raised.responsible_id, raised.due) == (body(son_la.unit_id, "STC"), dt.date(2026, 3, 5))


def test_an_unknown_category_is_refused_naming_the_field(clock, chieng_an, commune_official):
    with pytest.raises(DomainError) as refused:
        _raise(commune_official, chieng_an.unit_id, "weather")
    assert refused.value.problems[0].field == "category"


def test_a_commune_official_cannot_raise_for_another_commune(clock, to_hieu, commune_official):
    with pytest.raises(NotFound):
        _raise(commune_official, to_hieu.unit_id)


def test_a_late_obstacle_is_reminded_on_its_day_then_escalated_once(
    clock, son_la, chieng_an, commune_official, home_affairs, django_capture_on_commit_callbacks
):
    obstacles.routes_seed_defaults(actor=None, province_id=son_la.unit_id)
    raised = _raise(commune_official, chieng_an.unit_id)
    mail.outbox.clear()
    part = parts()["coordination_obstacles"]
    clock.set(dt.datetime(2026, 3, 16, 8, 0, tzinfo=VIETNAM))
    with django_capture_on_commit_callbacks(execute=True):
        assert part() == {"reminded": 1, "escalated": 0}
    assert part() == {"reminded": 0, "escalated": 0}
    assert [m.to for m in mail.outbox] == [["snv@example.vn"]]
    clock.set(dt.datetime(2026, 3, 17, 8, 0, tzinfo=VIETNAM))
    assert part() == {"reminded": 0, "escalated": 1}
    assert part() == {"reminded": 0, "escalated": 0}
    raised.refresh_from_db()
    assert raised.status == ObstacleStatus.ESCALATED
    assert raised.escalated_to_id == body(son_la.unit_id, "UBND")
    assert list(Reminder.objects.filter(obstacle=raised).values_list("kind", flat=True)) == [
        "due",
        "escalated",
    ]
    # Escalated, the body can still answer.
    answered = obstacles.obstacle_answer(
        actor=home_affairs.user, obstacle_id=raised.pk, answer="Tuyển dụng theo Nghị định 170."
    )
    assert answered.status == ObstacleStatus.ANSWERED


def test_only_the_responsible_body_answers(clock, son_la, chieng_an, commune_official):
    obstacles.routes_seed_defaults(actor=None, province_id=son_la.unit_id)
    raised = _raise(commune_official, chieng_an.unit_id)
    with pytest.raises(Forbidden):
        obstacles.obstacle_answer(actor=commune_official.user, obstacle_id=raised.pk, answer="x")
    justice = make_persona("stp", body(son_la.unit_id, "STP"), Role.UNIT_OFFICIAL)
    with pytest.raises(DomainError):
        obstacles.obstacle_answer(actor=justice.user, obstacle_id=raised.pk, answer="x")
    assert [o.pk for o in obstacles.inbox(justice.user)] == []


def test_an_answer_published_as_guidance_is_found_by_another_commune_without_diacritics(
    clock, son_la, chieng_an, commune_official, other_commune_official, home_affairs, ha_noi_admin
):
    obstacles.routes_seed_defaults(actor=None, province_id=son_la.unit_id)
    raised = _raise(commune_official, chieng_an.unit_id)
    assert [o.pk for o in obstacles.inbox(home_affairs.user)] == [raised.pk]
    # Unpublished, another commune does not see it.
    with pytest.raises(NotFound):
        obstacles.access_obstacle(other_commune_official.user, raised.pk)
    assert obstacles.guidance(other_commune_official.user, "dia chinh") == []
    obstacles.obstacle_answer(
        actor=home_affairs.user,
        obstacle_id=raised.pk,
        answer="Xét tuyển công chức theo Nghị định 170/2025; Sở Nội vụ hỗ trợ biệt phái.",
    )
    with pytest.raises(DomainError) as refused:
        obstacles.obstacle_publish(actor=commune_official.user, obstacle_id=raised.pk)
    assert refused.value.status == 403
    obstacles.obstacle_publish(actor=home_affairs.user, obstacle_id=raised.pk)
    found = obstacles.guidance(other_commune_official.user, "cong chuc DIA CHINH biet phai")
    assert [o.pk for o in found] == [raised.pk]
    assert obstacles.access_obstacle(other_commune_official.user, raised.pk) == found[0]
    assert obstacles.guidance(ha_noi_admin.user, "dia chinh") == []
    closed = obstacles.obstacle_close(actor=commune_official.user, obstacle_id=raised.pk)
    assert closed.status == ObstacleStatus.CLOSED
    with pytest.raises(DomainError) as again:
        obstacles.obstacle_answer(actor=home_affairs.user, obstacle_id=raised.pk, answer="y")
    assert again.value.code == "illegal_move"


def test_an_obstacle_cannot_be_closed_or_published_before_it_is_answered(
    clock, son_la, chieng_an, commune_official, home_affairs
):
    obstacles.routes_seed_defaults(actor=None, province_id=son_la.unit_id)
    raised = _raise(commune_official, chieng_an.unit_id)
    for move in (obstacles.obstacle_close, obstacles.obstacle_publish):
        with pytest.raises(DomainError) as refused:
            move(actor=home_affairs.user, obstacle_id=raised.pk)
        assert refused.value.code == "illegal_move"


def test_a_route_to_a_unit_of_another_province_is_refused(son_la, ha_noi):
    with pytest.raises(DomainError) as refused:
        obstacles.route_set(
            actor=None, province_id=son_la.unit_id, category="data", body_id=ha_noi.unit_id
        )
    assert refused.value.problems[0].field == "body"
    assert not ObstacleRoute.objects.exists()
