"""Cases: routing away from the official concerned, the sealed author, deadlines on the
working-day calendar, transitions, and open cases following a merger."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from tinhgon.accounts.models import Role
from tinhgon.carriers import contract
from tinhgon.conftest import make_persona, unit
from tinhgon.core.errors import DomainError
from tinhgon.core.models import AuditEvent
from tinhgon.integrity import cases
from tinhgon.integrity.models import Case, CaseEvent, CaseKind, CaseStatus, TimeLimit, Variant
from tinhgon.integrity.tests.cases_factories import (
    AUTHOR,
    BEFORE_MERGE,
    CONTACT,
    RECEIVED,
    committee_of,
    leader,
    receive,
)
from tinhgon.staffing.models import LeaderRole
from tinhgon.staffing.tests import factories as staff
from tinhgon.units import selectors
from tinhgon.units.kinds import Kind, Level
from tinhgon.workdays.calendar import VIETNAM
from tinhgon.workdays.selectors import calendar_for

pytestmark = pytest.mark.django_db


def _inspectorate(province_id: int) -> int:
    committee = committee_of(province_id)
    return (
        selectors.versions_on(RECEIVED.date())
        .filter(parent_id=committee, kind=Kind.DEPARTMENT, name__startswith="Thanh tra")
        .values_list("unit_id", flat=True)
        .get()
    )


def _personas(case: Case) -> dict[str, object]:
    return {
        "handler": make_persona("inspector", case.handler_unit_id, Role.UNIT_OFFICIAL).user,
        "colleague_elsewhere": make_persona(
            "commune-desk", committee_of(case.unit_id), Role.UNIT_OFFICIAL
        ).user,
    }


# -- routing ------------------------------------------------------------------------------------


def test_a_denunciation_against_a_commune_chairman_is_routed_above_the_commune(son_la, chieng_an):
    chairman = leader(committee_of(chieng_an.unit_id))
    case = receive(chieng_an.unit_id, official_id=chairman)
    assert case.handler_unit_id == _inspectorate(son_la.unit_id)
    handler = selectors.version_on(case.handler_unit_id, RECEIVED.date())
    assert handler.level == Level.PROVINCE and handler.admin_unit_id == son_la.unit_id
    assert case.province_id == son_la.unit_id


def test_a_case_against_an_office_of_the_commune_whose_chairman_is_concerned_also_goes_above(
    son_la, chieng_an
):
    chairman = leader(committee_of(chieng_an.unit_id))
    office = (
        selectors.versions_on(RECEIVED.date())
        .filter(parent_id=committee_of(chieng_an.unit_id), kind=Kind.OFFICE)
        .values_list("unit_id", flat=True)
        .first()
    )
    assert office is not None
    case = receive(office, official_id=chairman)
    assert case.handler_unit_id == _inspectorate(son_la.unit_id)


def test_feedback_about_a_commune_chairman_goes_to_the_provincial_people_s_committee(
    son_la, chieng_an
):
    chairman = leader(committee_of(chieng_an.unit_id), LeaderRole.DEPUTY)
    case = receive(chieng_an.unit_id, kind=CaseKind.FEEDBACK, official_id=chairman)
    assert case.handler_unit_id == committee_of(son_la.unit_id)


def test_a_denunciation_against_a_commune_clerk_stays_with_the_commune_committee(chieng_an):
    clerk = staff.official(committee_of(chieng_an.unit_id))
    case = receive(chieng_an.unit_id, official_id=clerk)
    assert case.handler_unit_id == committee_of(chieng_an.unit_id)


def test_a_denunciation_against_a_department_head_goes_to_the_provincial_committee(son_la):
    department = (
        selectors.versions_on(RECEIVED.date())
        .filter(parent_id=committee_of(son_la.unit_id), name__startswith="Sở Y tế")
        .values_list("unit_id", flat=True)
        .get()
    )
    director = leader(department)
    case = receive(department, official_id=director)
    assert case.handler_unit_id == committee_of(son_la.unit_id)
    # Without the director concerned, the department handles it itself.
    assert receive(department).handler_unit_id == department


def test_a_case_against_the_province_chairman_is_refused_with_where_it_goes(son_la):
    chairman = leader(committee_of(son_la.unit_id))
    before = Case.objects.count()
    with pytest.raises(DomainError) as refused:
        receive(son_la.unit_id, official_id=chairman)
    assert refused.value.code == "no_handler"
    assert "Government Inspectorate" in refused.value.message
    assert Case.objects.count() == before


def test_bad_input_is_refused_naming_the_field_and_writes_nothing(chieng_an):
    before = Case.objects.count()
    refusals: list[tuple[dict[str, Any], str]] = [
        ({"kind": "gossip"}, "kind"),
        ({"subject": "  "}, "subject"),
        ({"author_name": ""}, "author_name"),
        ({"anonymous": True}, "anonymous"),  # with a name given
        (
            {
                "kind": CaseKind.COMPLAINT,
                "anonymous": True,
                "author_name": "",
                "author_contact": "",
            },
            "anonymous",
        ),
    ]
    for fields, name in refusals:
        with pytest.raises(DomainError) as refused:
            receive(chieng_an.unit_id, **fields)
        assert refused.value.problems[0].field == name
    assert Case.objects.count() == before


# -- the sealed author --------------------------------------------------------------------------


def test_only_the_handler_reads_the_author_not_administrators_nor_superusers(
    chieng_an, province_admin, superuser, commune_official
):
    chairman = leader(committee_of(chieng_an.unit_id))
    case = receive(chieng_an.unit_id, official_id=chairman)
    people = _personas(case)
    assert AUTHOR not in case.author_sealed and CONTACT not in case.author_sealed
    assert cases.author_for(people["handler"], case) == cases.Author(AUTHOR, CONTACT)
    for someone in (
        province_admin.user,
        superuser.user,
        commune_official.user,
        people["colleague_elsewhere"],
        None,
    ):
        assert cases.author_for(someone, case) is None
    # Once accepted, the one who accepted it is the handler, and only them.
    colleague = make_persona("inspector-2", case.handler_unit_id, Role.UNIT_OFFICIAL).user
    case = cases.case_accept(actor=people["handler"], case_id=case.pk)
    assert cases.author_for(colleague, case) is None
    assert cases.author_for(people["handler"], case) == cases.Author(AUTHOR, CONTACT)


def test_the_author_is_absent_from_events_audit_rows_and_the_carriers_descriptions(chieng_an):
    case = receive(chieng_an.unit_id, subject="Phản ánh", body="Nội dung")
    cases.case_accept(actor=None, case_id=case.pk)
    written = json.dumps(
        [
            list(CaseEvent.objects.filter(case=case).values("note", "data")),
            list(AuditEvent.objects.filter(action__startswith="case_").values("data")),
            contract.get("cases").describe([case.pk]),  # type: ignore[union-attr]
        ],
        ensure_ascii=False,
        default=str,
    )
    assert AUTHOR not in written and CONTACT not in written


def test_an_anonymous_denunciation_keeps_no_author_at_all(chieng_an):
    case = receive(chieng_an.unit_id, anonymous=True, author_name="", author_contact="")
    assert case.anonymous and case.author_sealed == ""


# -- deadlines ----------------------------------------------------------------------------------


def test_time_limits_are_seeded_with_their_articles():
    complaint = TimeLimit.objects.get(kind=CaseKind.COMPLAINT, variant=Variant.NORMAL)
    assert (complaint.days, complaint.extension_days, complaint.max_extensions) == (30, 15, 1)
    assert "Luật Khiếu nại 2011" in complaint.source and "Điều 28" in complaint.source
    remote = TimeLimit.objects.get(kind=CaseKind.COMPLAINT, variant=Variant.REMOTE)
    assert remote.days == 45
    denunciation = TimeLimit.objects.get(kind=CaseKind.DENUNCIATION, variant=Variant.NORMAL)
    assert (denunciation.days, denunciation.extension_days, denunciation.max_extensions) == (
        30,
        30,
        2,
    )
    assert "Luật Tố cáo 2018" in denunciation.source


def test_due_is_thirty_working_days_after_receipt_on_the_calendar(chieng_an):
    # From Monday 2 March 2026: six weeks of weekdays without a holiday, the 30th is 13 April.
    case = receive(chieng_an.unit_id)
    assert case.due == dt.datetime(2026, 4, 13, 17, 0, tzinfo=VIETNAM)


def test_extensions_count_working_days_from_the_due_date_up_to_what_the_law_allows(chieng_an):
    case = receive(chieng_an.unit_id)
    first_due = case.due
    cases.case_accept(actor=None, case_id=case.pk)
    case = cases.case_extend(actor=None, case_id=case.pk, reason="Vụ việc phức tạp", extensions=1)
    calendar = calendar_for(2026, 2027)
    assert case.extensions == 1
    assert case.due.astimezone(VIETNAM).time() == dt.time(17, 0)
    assert (
        calendar.working_days_between(first_due.date(), case.due.astimezone(VIETNAM).date()) == 30
    )
    assert calendar.is_working_day(case.due.astimezone(VIETNAM).date())
    # The same request again is harmless: still one extension, same due date.
    again = cases.case_extend(actor=None, case_id=case.pk, reason="Vụ việc phức tạp", extensions=1)
    assert (again.extensions, again.due) == (1, case.due)
    case = cases.case_extend(actor=None, case_id=case.pk, reason="Đặc biệt phức tạp", extensions=2)
    with pytest.raises(DomainError) as refused:
        cases.case_extend(actor=None, case_id=case.pk, reason="Thêm", extensions=3)
    assert refused.value.problems[0].field == "extensions"
    assert Case.objects.get(pk=case.pk).extensions == 2
    moves = list(CaseEvent.objects.filter(case=case).values_list("move", "note"))
    assert moves == [
        ("receive", ""),
        ("accept", ""),
        ("extend", "Vụ việc phức tạp"),
        ("extend", "Đặc biệt phức tạp"),
    ]


def test_an_extension_needs_a_reason(chieng_an):
    case = receive(chieng_an.unit_id)
    cases.case_accept(actor=None, case_id=case.pk)
    with pytest.raises(DomainError) as refused:
        cases.case_extend(actor=None, case_id=case.pk, reason=" ", extensions=1)
    assert refused.value.problems[0].field == "reason"


# -- transitions --------------------------------------------------------------------------------


def test_a_case_runs_received_accepted_decided_closed_with_its_actor_on_every_event(chieng_an):
    case = receive(chieng_an.unit_id, kind=CaseKind.COMPLAINT)
    handler = make_persona("commune-handler", case.handler_unit_id, Role.UNIT_OFFICIAL).user
    case = cases.case_accept(actor=handler, case_id=case.pk)
    assert case.handler_id == handler.pk and case.status == CaseStatus.ACCEPTED
    case = cases.case_decide(actor=handler, case_id=case.pk, decision="Khiếu nại đúng một phần.")
    assert case.decided_at is not None
    case = cases.case_close(actor=handler, case_id=case.pk)
    assert case.status == CaseStatus.CLOSED
    events = list(CaseEvent.objects.filter(case=case).values_list("move", "to_status", "actor"))
    assert events == [
        ("receive", "received", None),
        ("accept", "accepted", handler.pk),
        ("decide", "decided", handler.pk),
        ("close", "closed", handler.pk),
    ]


def test_an_illegal_move_is_refused_and_a_repeated_one_does_nothing(chieng_an):
    case = receive(chieng_an.unit_id)
    with pytest.raises(DomainError) as refused:
        cases.case_close(actor=None, case_id=case.pk)
    assert refused.value.code == "illegal_move"
    accepted = cases.case_accept(actor=None, case_id=case.pk)
    again = cases.case_accept(actor=None, case_id=case.pk)
    assert again.version == accepted.version
    assert CaseEvent.objects.filter(case=case, move="accept").count() == 1


def test_a_stale_version_is_refused(chieng_an):
    case = receive(chieng_an.unit_id)
    cases.case_accept(actor=None, case_id=case.pk, version=case.version)
    with pytest.raises(DomainError) as refused:
        cases.case_decide(actor=None, case_id=case.pk, decision="Kết luận", version=case.version)
    assert refused.value.code == "stale"


def test_someone_outside_the_handler_unit_may_not_act_on_a_case(
    chieng_an, other_commune_official, superuser
):
    case = receive(chieng_an.unit_id)
    # Outside the scope the case does not exist (acting needs reading); the superuser reads it.
    for outsider, code in (
        (other_commune_official.user, "not_found"),
        (superuser.user, "forbidden"),
    ):
        with pytest.raises(DomainError) as refused:
            cases.case_accept(actor=outsider, case_id=case.pk)
        assert refused.value.code == code
    assert Case.objects.get(pk=case.pk).status == CaseStatus.RECEIVED


# -- reorganization -----------------------------------------------------------------------------


def test_open_cases_of_merged_communes_continue_at_the_successor_with_their_deadlines():
    from tinhgon.carriers.tests.test_contract import MERGE_TWO_WARDS, plan
    from tinhgon.reorg import engine

    to_hieu, chieng_an = unit("Phường Tô Hiệu").unit_id, unit("Phường Chiềng An").unit_id
    chairman = leader(committee_of(to_hieu, BEFORE_MERGE.date()))
    open_one = receive(to_hieu, received_at=BEFORE_MERGE)
    # Handled by a ward's own committee... and one handled at the ward itself.
    at_ward = receive(chieng_an, received_at=BEFORE_MERGE, kind=CaseKind.FEEDBACK)
    Case.objects.filter(pk=at_ward.pk).update(handler_unit_id=chieng_an)
    above = receive(to_hieu, received_at=BEFORE_MERGE, official_id=chairman)
    done = receive(to_hieu, received_at=BEFORE_MERGE)
    cases.case_accept(actor=None, case_id=done.pk)
    cases.case_decide(actor=None, case_id=done.pk, decision="Không đúng")
    before = {c.pk: c for c in Case.objects.filter(pk__in=[open_one.pk, at_ward.pk, above.pk])}

    outcome = engine.apply_plan(plan(MERGE_TWO_WARDS))
    assert outcome.plan is not None
    successor = selectors.resolve("Phường Tô Chiềng", day=dt.date(2026, 1, 1)).unit_id
    for case in Case.objects.filter(pk__in=before):
        assert case.unit_id == successor
        assert (case.due, case.status, case.extensions) == (
            before[case.pk].due,
            before[case.pk].status,
            before[case.pk].extensions,
        )
    assert Case.objects.get(pk=at_ward.pk).handler_unit_id == successor
    assert Case.objects.get(pk=above.pk).handler_unit_id == before[above.pk].handler_unit_id
    assert Case.objects.get(pk=done.pk).unit_id == to_hieu, (
        "a decided case is the old ward's record"
    )
