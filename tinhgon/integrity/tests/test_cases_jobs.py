"""Reminders and escalation of cases by the scheduled job, under a frozen clock, with Django's
locmem mail backend: each once per due date, recorded on the case's events, never naming the
author."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from tinhgon.accounts import services as accounts
from tinhgon.accounts.models import Role
from tinhgon.conftest import make_persona
from tinhgon.core import jobs as core_jobs
from tinhgon.integrity import cases, cases_jobs
from tinhgon.integrity.models import Case, CaseEvent, CaseKind
from tinhgon.integrity.tests.cases_factories import (
    AUTHOR,
    CONTACT,
    RECEIVED,
    committee_of,
    leader,
    receive,
)
from tinhgon.publicservices.tests.conftest import FrozenClock
from tinhgon.units import selectors
from tinhgon.units.kinds import Kind
from tinhgon.workdays.calendar import VIETNAM, local_time
from tinhgon.workdays.selectors import calendar_for

pytestmark = pytest.mark.django_db

SUBJECT = "Cán bộ Lò Thị Mẩy bị sách nhiễu"  # a subject that names someone: never mailed


@pytest.fixture
def clock(monkeypatch):
    frozen = FrozenClock(RECEIVED)
    monkeypatch.setattr(timezone, "now", frozen.now)
    return frozen


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def one_round() -> dict[str, int]:
        with django_capture_on_commit_callbacks(execute=True):
            return cases_jobs.run()

    return one_round


def _with_email(persona, email: str):  # type: ignore[no-untyped-def]
    persona.user.email = email
    persona.user.save(update_fields=["email"])
    return persona


def _working_days_before(day: dt.date, count: int) -> dt.date:
    calendar = calendar_for(day.year - 1, day.year)
    while count:
        day -= dt.timedelta(days=1)
        if calendar.is_working_day(day):
            count -= 1
    return day


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=VIETNAM)


@pytest.fixture
def case(chieng_an, clock) -> Case:
    return receive(chieng_an.unit_id, subject=SUBJECT)


@pytest.fixture
def ward_member(chieng_an):
    return _with_email(
        make_persona("ward-handler", chieng_an.unit_id, Role.UNIT_OFFICIAL), "xa@example.vn"
    )


@pytest.fixture
def inspector(son_la):
    committee = committee_of(son_la.unit_id)
    inspectorate = (
        selectors.versions_on(RECEIVED.date())
        .filter(parent_id=committee, kind=Kind.DEPARTMENT, name__startswith="Thanh tra")
        .values_list("unit_id", flat=True)
        .get()
    )
    return _with_email(
        make_persona("inspector", inspectorate, Role.UNIT_OFFICIAL), "thanhtra@example.vn"
    )


def test_a_case_nearing_its_due_date_reminds_the_handler_unit_once_without_its_author(
    case, ward_member, clock, run
):
    due_day = local_time(case.due).date()
    clock.at = _at(_working_days_before(due_day, 4))
    assert run() == {"remind": 0, "escalate": 0}  # four working days before: not yet
    clock.at = _at(_working_days_before(due_day, 2))
    assert run() == {"remind": 1, "escalate": 0}
    assert [m.to for m in mail.outbox] == [["xa@example.vn"]]
    message = mail.outbox[0]
    text = f"{message.subject} {message.body}"
    assert f"#{case.pk}" in message.subject
    assert AUTHOR not in text and CONTACT not in text and SUBJECT not in text
    event = CaseEvent.objects.get(case=case, move="remind")
    assert event.data == {"due": cases_jobs.due_key(case.due), "recipients": 1}
    assert event.to_status == case.status and event.actor is None
    assert run() == {"remind": 0, "escalate": 0}  # once
    assert len(mail.outbox) == 1
    case.refresh_from_db()
    assert case.version == 1  # the handler's forms stay valid


def test_the_remind_window_is_a_setting(case, ward_member, clock, run, settings):
    settings.TINHGON_CASE_REMIND_DAYS = 5
    clock.at = _at(_working_days_before(local_time(case.due).date(), 4))
    assert run()["remind"] == 1


def test_an_overdue_complaint_is_escalated_to_the_inspectorate_above_once(
    chieng_an, ward_member, inspector, clock, run
):
    case = receive(chieng_an.unit_id, subject=SUBJECT, kind=CaseKind.COMPLAINT)
    clock.at = case.due + dt.timedelta(hours=16)
    assert run() == {"remind": 0, "escalate": 1}
    assert [m.to for m in mail.outbox] == [["thanhtra@example.vn"]]
    assert AUTHOR not in mail.outbox[0].body and SUBJECT not in mail.outbox[0].body
    event = CaseEvent.objects.get(case=case, move="escalate")
    assert event.unit_id == inspector.user.memberships.get().unit_id
    clock.at = case.due + dt.timedelta(days=3)
    assert run() == {"remind": 0, "escalate": 0}
    assert len(mail.outbox) == 1


def test_an_overdue_denunciation_the_inspectorate_may_not_read_is_escalated_to_the_province_s_administrators(
    case, son_la, ward_member, inspector, clock, run
):
    """The provincial inspectorate is not above the ward's committee in the registry's tree: it
    does not read the ward's denunciation (`cases.visible_cases`), so it is not told of it; the
    province's administrators, above every unit of the province, are (docs/integrity-cases.md)."""
    admin = _with_email(
        make_persona("province-admin", son_la.unit_id, Role.PROVINCE_ADMIN), "tinh@example.vn"
    )
    assert not cases.visible_cases(inspector.user).filter(pk=case.pk).exists()
    assert cases.visible_cases(admin.user).filter(pk=case.pk).exists()
    clock.at = case.due + dt.timedelta(hours=16)
    assert run() == {"remind": 0, "escalate": 1}
    assert [m.to for m in mail.outbox] == [["tinh@example.vn"]]
    assert AUTHOR not in mail.outbox[0].body and SUBJECT not in mail.outbox[0].body
    event = CaseEvent.objects.get(case=case, move="escalate")
    assert (event.unit_id, event.data["recipients"]) == (son_la.unit_id, 1)


def test_an_extension_moves_the_due_date_and_the_new_one_is_escalated_again(
    case, ward_member, inspector, clock, run
):
    clock.at = case.due + dt.timedelta(hours=16)
    run()
    cases.case_accept(actor=ward_member.user, case_id=case.pk)
    extended = cases.case_extend(
        actor=ward_member.user, case_id=case.pk, reason="Xác minh thêm", extensions=1
    )
    clock.at = extended.due - dt.timedelta(hours=2)
    assert run() == {"remind": 1, "escalate": 0}
    clock.at = extended.due + dt.timedelta(hours=16)
    assert run() == {"remind": 0, "escalate": 1}
    assert CaseEvent.objects.filter(case=case, move="escalate").count() == 2


def test_a_decided_case_is_neither_reminded_nor_escalated(case, ward_member, clock, run):
    cases.case_accept(actor=ward_member.user, case_id=case.pk)
    cases.case_decide(actor=ward_member.user, case_id=case.pk, decision="Kết luận")
    clock.at = case.due + dt.timedelta(days=2)
    assert run() == {"remind": 0, "escalate": 0}
    assert mail.outbox == []


def test_a_case_a_provincial_department_handles_escalates_to_the_provinces_committee(son_la, clock):
    department = selectors.versions_on(RECEIVED.date()).get(code="14-SNV")
    handled = receive(department.unit_id, subject=SUBJECT)
    assert handled.handler_unit_id == department.unit_id
    above = cases_jobs.level_above(handled, RECEIVED.date())
    assert above == committee_of(son_la.unit_id)


def test_the_job_part_is_registered():
    assert core_jobs.parts()["integrity_cases"] is cases_jobs.run


def test_a_denunciation_is_never_mailed_to_the_account_linked_to_the_official_concerned(
    chieng_an, ward_member, clock, run
):
    from tinhgon.staffing import user_link
    from tinhgon.staffing.tests import factories as staff

    plain = staff.official(committee_of(chieng_an.unit_id))  # no leading post: handled there
    case = receive(chieng_an.unit_id, subject=SUBJECT, official_id=plain)
    own = _with_email(
        make_persona("bi-to-cao", chieng_an.unit_id, Role.UNIT_OFFICIAL), "bitocao@example.vn"
    )
    user_link.official_link_user(actor=None, official_id=plain, username=own.user.username)
    clock.at = _at(_working_days_before(local_time(case.due).date(), 2))
    assert run() == {"remind": 1, "escalate": 0}
    assert [m.to for m in mail.outbox] == [["xa@example.vn"]]


def _denounced_director(son_la) -> tuple[int, int]:
    """Sở Y tế and its director (the provincial committee handles what denounces them)."""
    health = (
        selectors.versions_on(RECEIVED.date())
        .filter(parent_id=committee_of(son_la.unit_id), name__startswith="Sở Y tế")
        .values_list("unit_id", flat=True)
        .get()
    )
    return health, leader(health)


def test_a_denunciation_is_mailed_only_to_the_members_who_may_read_it(son_la, clock, run):
    """A plain member of the handler unit is told; a member who also holds a membership at the
    unit the denounced official leads reads nothing of it, and is told nothing."""
    health, director = _denounced_director(son_la)
    case = receive(health, official_id=director, subject=SUBJECT)
    plain = _with_email(
        make_persona("ubnd-tinh", case.handler_unit_id, Role.UNIT_OFFICIAL), "ubnd@example.vn"
    )
    both = _with_email(
        make_persona("ubnd-va-so", case.handler_unit_id, Role.UNIT_OFFICIAL), "ubndvaso@example.vn"
    )
    accounts.membership_add(actor=None, user=both.user, unit_id=health, role=Role.OBSERVER)
    assert cases.visible_cases(plain.user).filter(pk=case.pk).exists()
    assert not cases.visible_cases(both.user).filter(pk=case.pk).exists()
    clock.at = _at(_working_days_before(local_time(case.due).date(), 2))
    assert run() == {"remind": 1, "escalate": 0}
    assert [m.to for m in mail.outbox] == [["ubnd@example.vn"]]
    assert CaseEvent.objects.get(case=case, move="remind").data["recipients"] == 1


def test_who_may_read_is_decided_once_per_recipient_in_a_round_not_once_per_case(
    son_la, clock, run, monkeypatch
):
    health, director = _denounced_director(son_la)
    found = [receive(health, official_id=director, subject=SUBJECT) for _n in range(3)]
    for name in ("ubnd-mot", "ubnd-hai"):
        _with_email(
            make_persona(name, found[0].handler_unit_id, Role.UNIT_OFFICIAL), f"{name}@example.vn"
        )
    asked: list[int] = []
    visible_cases = cases.visible_cases

    def counted(user, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(user.pk)
        return visible_cases(user, **kwargs)

    monkeypatch.setattr(cases, "visible_cases", counted)
    clock.at = _at(_working_days_before(local_time(found[0].due).date(), 2))
    assert run() == {"remind": 3, "escalate": 0}
    assert len(mail.outbox) == 3 and len(asked) == len(set(asked)) == 2
