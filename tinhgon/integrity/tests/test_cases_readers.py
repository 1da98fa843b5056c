"""Who reads a denunciation: its handler's side through a real hierarchy, not everyone whose
scope is the province, and never anyone at a unit the official concerned leads (the security
review of the integrity part); the complaints flag only to the handler unit's members; no flag
shown to the official it is about; a flag dismissed by two inspectors at once is dismissed and
audited once; the discipline form answers the same for an unknown account and one outside the
actor's scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from tinhgon.accounts import services as accounts
from tinhgon.accounts.models import Role
from tinhgon.conftest import make_persona
from tinhgon.core.errors import DomainError, NotFound
from tinhgon.core.models import AuditEvent
from tinhgon.integrity import cases, discipline, exports, flags
from tinhgon.integrity.models import Case, CaseKind, CaseStatus, FlagKind, RedFlag
from tinhgon.integrity.tests.cases_factories import RECEIVED, committee_of, leader, receive
from tinhgon.integrity.tests.test_exports import cells
from tinhgon.integrity.tests.test_flags import repeated_flag
from tinhgon.staffing import user_link
from tinhgon.staffing.models import Measure, Official
from tinhgon.staffing.tests import factories as staff
from tinhgon.units import selectors
from tinhgon.units.kinds import Kind

pytestmark = pytest.mark.django_db

SUBJECT = "Tố cáo giám đốc Sở Y tế nhận hối lộ"


def _under_committee(son_la, name: str) -> int:
    return (
        selectors.versions_on(RECEIVED.date())
        .filter(parent_id=committee_of(son_la.unit_id), name__startswith=name)
        .values_list("unit_id", flat=True)
        .get()
    )


def _inspectorate(son_la) -> int:
    return (
        selectors.versions_on(RECEIVED.date())
        .filter(
            parent_id=committee_of(son_la.unit_id),
            kind=Kind.DEPARTMENT,
            name__startswith="Thanh tra",
        )
        .values_list("unit_id", flat=True)
        .get()
    )


def _reads(persona, case: Case) -> bool:  # type: ignore[no-untyped-def]
    """Whether the persona reads the case on the page, the API and the spreadsheets of the unit
    concerned and of the handler unit: all four agree, or the test fails."""
    page = persona.browser().get(f"/integrity/cases/{case.pk}/").status_code
    api = persona.api().get(f"/api/integrity/cases/{case.pk}").status_code
    listed = str(case.pk) in {
        str(item["id"]) for item in persona.api().get("/api/integrity/cases").json()
    }
    exported = []
    for unit_id in (case.unit_id, case.handler_unit_id):
        try:
            content = exports.cases_xlsx(persona.user, unit_id=unit_id)
        except NotFound:
            exported.append(False)
            continue
        exported.append(SUBJECT in cells(content))
    found = {page == 200, api == 200, listed, *exported}
    assert len(found) == 1, (page, api, listed, exported)
    assert page in (200, 404) and api in (200, 404)
    return found.pop()


@pytest.fixture
def health(son_la) -> int:
    return _under_committee(son_la, "Sở Y tế")


@pytest.fixture
def director(health) -> int:
    return leader(health)


@pytest.mark.parametrize("handled_by", ["routed", "inspectorate"])
def test_a_department_official_does_not_read_a_denunciation_against_their_director(
    son_la, health, director, province_admin, handled_by
):
    case = receive(health, official_id=director, subject=SUBJECT)
    if handled_by == "inspectorate":
        # As when the provincial committee hands it to its inspectorate.
        Case.objects.filter(pk=case.pk).update(handler_unit_id=_inspectorate(son_la))
        case.refresh_from_db()
    health_official = make_persona("so-y-te", health, Role.UNIT_OFFICIAL)
    elsewhere = make_persona("so-noi-vu", _under_committee(son_la, "Sở Nội vụ"), Role.UNIT_OFFICIAL)
    handler = make_persona("handler", case.handler_unit_id, Role.UNIT_OFFICIAL)
    assert not _reads(health_official, case)
    assert not _reads(elsewhere, case)
    assert _reads(handler, case)
    assert _reads(province_admin, case)  # a membership in the province itself: above everything


def test_a_unit_above_the_handler_reads_the_denunciation_and_one_beside_it_does_not(
    son_la, chieng_an
):
    chairman = leader(committee_of(chieng_an.unit_id))
    case = receive(chieng_an.unit_id, official_id=chairman, subject=SUBJECT)
    assert case.handler_unit_id == _inspectorate(son_la)
    provincial_committee = make_persona(
        "ubnd-tinh", committee_of(son_la.unit_id), Role.UNIT_OFFICIAL
    )
    health = make_persona("so-y-te", _under_committee(son_la, "Sở Y tế"), Role.UNIT_OFFICIAL)
    assert _reads(provincial_committee, case)
    assert not _reads(health, case)


def test_no_membership_reads_a_denunciation_against_the_leader_of_a_unit_it_holds(
    son_la, health, director
):
    case = receive(health, official_id=director, subject=SUBJECT)
    both = make_persona("ubnd-va-so", case.handler_unit_id, Role.UNIT_OFFICIAL)
    assert _reads(both, case)
    accounts.membership_add(actor=None, user=both.user, unit_id=health, role=Role.OBSERVER)
    assert not _reads(both, case)
    # A denunciation the department handles itself, naming no one it is led by: read there.
    other = receive(health, subject=SUBJECT + " (khác)")
    assert other.handler_unit_id == health
    assert cases.visible_cases(both.user).filter(pk=other.pk).exists()


def test_who_may_not_read_a_denunciation_does_not_act_on_it_and_learns_nothing_of_it(
    son_la, health, director
):
    """A member of the handler unit who also holds a membership where the official concerned
    leads: no move, through the services either, and the refusal is an unknown case's."""
    case = receive(health, official_id=director, subject=SUBJECT)
    both = make_persona("ubnd-va-so", case.handler_unit_id, Role.UNIT_OFFICIAL)
    accounts.membership_add(actor=None, user=both.user, unit_id=health, role=Role.OBSERVER)
    assert not _reads(both, case)
    missing = case.pk + 1000
    answers: list[Any] = []
    for case_id in (case.pk, missing):
        with pytest.raises(NotFound) as refused:
            cases.case_accept(actor=both.user, case_id=case_id)
        answers.append(str(refused.value).replace(str(case_id), "?"))
        api = both.api().post(
            f"/api/integrity/cases/{case_id}/accept", content_type="application/json", data={}
        )
        page = both.browser().post(f"/integrity/cases/{case_id}/accept/")
        answers.append((api.status_code, api.json()["error"]["message"].replace(str(case_id), "?")))
        answers.append(page.status_code)
    assert answers[:3] == answers[3:]
    assert answers[1][0] == 404 and answers[2] == 404
    kept = Case.objects.get(pk=case.pk)
    assert (kept.status, kept.handler_id, kept.version) == ("received", None, case.version)
    # The handler unit's members who hold nothing under the director still act on it.
    member = make_persona("ubnd", case.handler_unit_id, Role.UNIT_OFFICIAL)
    assert cases.case_accept(actor=member.user, case_id=case.pk).handler_id == member.user.pk


def test_the_account_linked_to_the_official_concerned_never_reads_the_denunciation(
    son_la, chieng_an, superuser
):
    """A plain official of the ward (no leading post: the ward's committee handles it) whose
    own account is a member there, then also a provincial administrator and a superuser."""
    committee = committee_of(chieng_an.unit_id)
    plain = staff.official(committee, full_name="Lò Văn Bị Tố Cáo")
    case = receive(chieng_an.unit_id, official_id=plain, subject=SUBJECT)
    assert case.handler_unit_id == committee
    own = make_persona("lo-van-bi-to-cao", chieng_an.unit_id, Role.UNIT_OFFICIAL)
    colleague = make_persona("dong-nghiep", chieng_an.unit_id, Role.UNIT_OFFICIAL)
    assert _reads(own, case)  # no link yet: their memberships decide
    user_link.official_link_user(actor=None, official_id=plain, username="lo-van-bi-to-cao")
    assert not _reads(own, case)
    assert _reads(colleague, case)
    with pytest.raises(NotFound):
        cases.case_accept(actor=own.user, case_id=case.pk)
    accounts.membership_add(
        actor=None, user=own.user, unit_id=son_la.unit_id, role="province_admin"
    )
    assert not _reads(own, case)
    # Even made a superuser (repairs), the account does not read the denunciation against them.
    own.user.is_superuser = True
    own.user.save(update_fields=["is_superuser"])
    assert not cases.visible_cases(own.user).filter(pk=case.pk).exists()
    assert cases.visible_cases(superuser.user).filter(pk=case.pk).exists()
    # A complaint against them keeps the scope rule (the complainant is not protected so).
    complaint = receive(chieng_an.unit_id, official_id=plain, kind=CaseKind.COMPLAINT)
    assert cases.visible_cases(own.user).filter(pk=complaint.pk).exists()


def test_an_unlinked_official_cannot_tie_their_own_staff_record_to_someone_elses_account(
    son_la, chieng_an, province_admin
):
    """The person concerned, a ward official who manages the ward's staff records (so their own),
    tries to link their own record to a colleague's account before the personnel authority links
    it to theirs: refused, the colleague keeps reading, and the right link is made."""
    committee = committee_of(chieng_an.unit_id)
    me = staff.official(committee, full_name="Lò Văn Bị Tố Cáo")
    own = make_persona("lo-van-bi-to-cao", chieng_an.unit_id, Role.UNIT_OFFICIAL)
    colleague = make_persona("dong-nghiep", chieng_an.unit_id, Role.UNIT_OFFICIAL)
    case = receive(chieng_an.unit_id, official_id=me, subject=SUBJECT)
    with pytest.raises(DomainError) as refused:
        user_link.official_link_user(actor=own.user, official_id=me, username="dong-nghiep")
    assert refused.value.status == 403
    assert Official.objects.get(pk=me).user_id is None
    assert cases.visible_cases(colleague.user).filter(pk=case.pk).exists()
    user_link.official_link_user(
        actor=province_admin.user, official_id=me, username="lo-van-bi-to-cao"
    )
    assert not cases.visible_cases(own.user).filter(pk=case.pk).exists()
    assert cases.visible_cases(colleague.user).filter(pk=case.pk).exists()


def test_nobody_blinds_a_handler_by_linking_the_denounced_official_to_the_handler(
    son_la, chieng_an, province_admin
):
    """The personnel authority, and even the operator, may not link the denounced official's
    record to the account of who accepted (handles) the denunciation; nor, the authority, to a
    member of its handler unit (the operator may: the person concerned may be one)."""
    committee = committee_of(chieng_an.unit_id)
    accused = staff.official(committee, full_name="Cầm Văn Bị Tố")
    handler = make_persona("xu-ly", chieng_an.unit_id, Role.UNIT_OFFICIAL)
    make_persona("uy-ban", committee, Role.UNIT_OFFICIAL)
    case = receive(chieng_an.unit_id, official_id=accused, subject=SUBJECT)
    assert case.handler_unit_id == committee
    cases.case_accept(actor=handler.user, case_id=case.pk)
    for actor in (province_admin.user, None):
        with pytest.raises(DomainError) as refused:
            user_link.official_link_user(actor=actor, official_id=accused, username="xu-ly")
        assert refused.value.status == 409 and refused.value.code == "handles_case"
    assert Official.objects.get(pk=accused).user_id is None
    assert cases.visible_cases(handler.user).filter(pk=case.pk).exists()
    with pytest.raises(DomainError) as refused:
        user_link.official_link_user(
            actor=province_admin.user, official_id=accused, username="uy-ban"
        )
    assert refused.value.status == 409
    user_link.official_link_user(actor=None, official_id=accused, username="uy-ban")
    # Once the case is no longer open, the authority links the handler's account freely.
    user_link.official_unlink_user(actor=None, official_id=accused)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    user_link.official_link_user(actor=province_admin.user, official_id=accused, username="xu-ly")


def test_complaints_and_feedback_keep_the_scope_rule(son_la, health, director):
    complaint = receive(health, official_id=director, kind=CaseKind.COMPLAINT, subject=SUBJECT)
    elsewhere = make_persona("so-noi-vu", _under_committee(son_la, "Sở Nội vụ"), Role.UNIT_OFFICIAL)
    assert _reads(elsewhere, complaint)


# -- the complaints flag -------------------------------------------------------------------------


def test_the_complaints_flag_is_read_by_the_handler_units_members_only(
    settings, son_la, chieng_an, province_admin
):
    settings.TINHGON_FLAG_COMPLAINTS_AT = 1
    chairman = leader(committee_of(chieng_an.unit_id))
    receive(chieng_an.unit_id, official_id=chairman)
    flag = RedFlag.objects.get(kind=FlagKind.COMPLAINTS)
    member = make_persona("thanh-tra", flag.unit_id, Role.UNIT_OFFICIAL)
    health = make_persona("so-y-te", _under_committee(son_la, "Sở Y tế"), Role.UNIT_OFFICIAL)
    assert list(flags.flags_of_unit(member.user, unit_id=flag.unit_id)) == [flag]
    assert flags.access_flag(member.user, flag.pk) == flag
    listed = member.api().get("/api/integrity/flags", {"unit": flag.unit_id}).json()
    assert [item["id"] for item in listed] == [flag.pk]
    for reader in (province_admin, health):  # their scope covers the unit: not enough
        assert not flags.flags_of_unit(reader.user, unit_id=flag.unit_id).exists()
        with pytest.raises(NotFound):
            flags.access_flag(reader.user, flag.pk)
        assert reader.api().get("/api/integrity/flags", {"unit": flag.unit_id}).json() == []
        answer = reader.api().post(
            f"/api/integrity/flags/{flag.pk}/dismiss",
            content_type="application/json",
            data={"reason": "Không có cơ sở"},
        )
        assert answer.status_code == 404
        page = reader.browser().get(f"/integrity/flags/units/{flag.unit_id}/")
        assert page.status_code == 200 and f"staff:{chairman}" not in page.content.decode()
    assert RedFlag.objects.get(pk=flag.pk).dismissed_at is None


def test_the_complaints_flag_about_an_official_is_never_shown_to_their_own_account(
    settings, chieng_an
):
    settings.TINHGON_FLAG_COMPLAINTS_AT = 1
    chairman = leader(committee_of(chieng_an.unit_id))
    receive(chieng_an.unit_id, official_id=chairman, kind=CaseKind.COMPLAINT)
    flag = RedFlag.objects.get(kind=FlagKind.COMPLAINTS)
    # The chairman's own account is (also) a member of the handler unit, the inspectorate.
    own = make_persona("chu-tich", flag.unit_id, Role.UNIT_OFFICIAL)
    member = make_persona("thanh-tra", flag.unit_id, Role.UNIT_OFFICIAL)
    assert flags.access_flag(own.user, flag.pk) == flag  # no link yet
    user_link.official_link_user(actor=None, official_id=chairman, username="chu-tich")
    assert not flags.flags_of_unit(own.user, unit_id=flag.unit_id).exists()
    with pytest.raises(NotFound):
        flags.access_flag(own.user, flag.pk)
    assert own.api().get("/api/integrity/flags", {"unit": flag.unit_id}).json() == []
    page = own.browser().get(f"/integrity/flags/units/{flag.unit_id}/")
    assert page.status_code == 200 and f"staff:{chairman}" not in page.content.decode()
    exported = own.browser().get(f"/integrity/exports/flags.xlsx?unit={flag.unit_id}")
    assert exported.status_code == 200 and f"staff:{chairman}" not in cells(exported.content)
    dismissed = own.api().post(
        f"/api/integrity/flags/{flag.pk}/dismiss",
        content_type="application/json",
        data={"reason": "Không có cơ sở"},
    )
    assert dismissed.status_code == 404
    assert RedFlag.objects.get(pk=flag.pk).dismissed_at is None
    # The unit's other members still read it.
    assert list(flags.flags_of_unit(member.user, unit_id=flag.unit_id)) == [flag]
    assert f"staff:{chairman}" in cells(exports.flags_xlsx(member.user, unit_id=flag.unit_id))


def test_a_flag_is_never_shown_to_the_official_it_is_about_whatever_they_hold(
    chieng_an, commune_official, superuser
):
    """The clerk the flags are about is an official of the unit, who reads and dismisses its
    other flags: the flags about them (every kind naming the user who acted) are not in their
    list, page, API nor spreadsheet, and dismissing one is not found; made a superuser, still
    not (as a denunciation against them). The unit's other officials read them all."""
    clerk = make_persona("mot-cua", chieng_an.unit_id, Role.UNIT_OFFICIAL)
    colleague = make_persona("dong-nghiep", chieng_an.unit_id, Role.UNIT_OFFICIAL).user
    repeated = repeated_flag(chieng_an.unit_id, clerk.user)
    idle, colleague_s = (
        RedFlag.objects.create(
            official=official,
            unit_id=chieng_an.unit_id,
            kind=FlagKind.IDLE,
            score=2.0,
            explanation=f"Hồ sơ để quá hạn của {official.username}",
            computed_at=timezone.now(),
        )
        for official in (clerk.user, colleague)
    )
    about_clerk = {repeated.pk, idle.pk}
    unit = chieng_an.unit_id
    assert {f.pk for f in flags.flags_of_unit(commune_official.user, unit_id=unit)} == {
        *about_clerk,
        colleague_s.pk,
    }
    assert "mot-cua" in cells(exports.flags_xlsx(commune_official.user, unit_id=unit))
    for is_superuser in (False, True):
        clerk.user.is_superuser = is_superuser
        clerk.user.save(update_fields=["is_superuser"])
        assert [f.pk for f in flags.flags_of_unit(clerk.user, unit_id=unit)] == [colleague_s.pk]
        assert [f["id"] for f in clerk.api().get(f"/api/integrity/flags?unit={unit}").json()] == [
            colleague_s.pk
        ]
        page = clerk.browser().get(f"/integrity/flags/units/{unit}/").content.decode()
        assert colleague_s.explanation in page
        assert repeated.explanation not in page and idle.explanation not in page
        exported = cells(exports.flags_xlsx(clerk.user, unit_id=unit))
        assert "mot-cua" not in exported and "dong-nghiep" in exported
        for flag_id in about_clerk:
            with pytest.raises(NotFound):
                flags.flag_dismiss(actor=clerk.user, flag_id=flag_id, reason="Không có gì")
            dismissed = clerk.api().post(
                f"/api/integrity/flags/{flag_id}/dismiss",
                {"reason": "Không có gì"},
                content_type="application/json",
            )
            assert dismissed.status_code == 404
            assert clerk.browser().get(f"/integrity/flags/{flag_id}/dismiss/").status_code == 404
    assert not RedFlag.objects.filter(dismissed_at__isnull=False).exists()
    assert not AuditEvent.objects.filter(action="red_flag_dismiss").exists()
    # Another superuser reads them.
    assert about_clerk <= {f.pk for f in flags.flags_of_unit(superuser.user, unit_id=unit)}


# -- dismissing a flag twice at once -------------------------------------------------------------


@pytest.fixture
def raced(settings, chieng_an, monkeypatch):  # type: ignore[no-untyped-def]
    """A flag, and the second inspector's read of it taken before the first dismissed it."""
    settings.TINHGON_FLAG_COMPLAINTS_AT = 1
    receive(chieng_an.unit_id, official_id=staff.official(chieng_an.unit_id))
    flag = RedFlag.objects.get(kind=FlagKind.COMPLAINTS)
    stale = RedFlag.objects.get(pk=flag.pk)
    first = make_persona("thanh-tra-1", flag.unit_id, Role.UNIT_OFFICIAL)
    second = make_persona("thanh-tra-2", flag.unit_id, Role.UNIT_OFFICIAL)
    flags.flag_dismiss(actor=first.user, flag_id=flag.pk, reason="Đã xác minh")
    # The second request read the flag before the first one's update.
    monkeypatch.setattr(flags, "access_flag", lambda *args, **kwargs: stale)
    return flag, first, second


def test_a_second_dismissal_at_once_with_the_same_reason_does_nothing(raced):
    flag, first, second = raced
    again = flags.flag_dismiss(actor=second.user, flag_id=flag.pk, reason="Đã xác minh")
    assert again.dismissed_by_id == first.user.pk
    assert AuditEvent.objects.filter(action="red_flag_dismiss").count() == 1


def test_a_second_dismissal_at_once_with_another_reason_is_refused_as_stale(raced):
    flag, first, second = raced
    with pytest.raises(DomainError, match="changed since you read it") as refused:
        flags.flag_dismiss(actor=second.user, flag_id=flag.pk, reason="Lý do khác")
    assert refused.value.status == 409
    kept = RedFlag.objects.get(pk=flag.pk)
    assert (kept.dismissed_by_id, kept.dismissed_reason) == (first.user.pk, "Đã xác minh")
    assert AuditEvent.objects.filter(action="red_flag_dismiss").count() == 1


# -- the discipline form's account ---------------------------------------------------------------


def test_the_account_concerned_is_answered_alike_when_unknown_and_when_outside_the_scope(
    chieng_an, to_hieu, commune_official
):
    official = staff.official(committee_of(chieng_an.unit_id), full_name="Cầm Văn Bổ")
    make_persona("ben-canh", to_hieu.unit_id, Role.UNIT_OFFICIAL)  # the neighbouring ward's
    answers = []
    for name in ("khong-co-ai", "ben-canh"):
        with pytest.raises(DomainError) as refused:
            discipline.proceeding_open(
                actor=commune_official.user,
                official_id=official,
                measure=Measure.REPRIMAND,
                grounds="Vi phạm quy chế",
                concerned_username=name,
            )
        answers.append(
            (
                refused.value.status,
                str(refused.value).replace(name, "?"),
                [p.field for p in refused.value.problems],
            )
        )
    assert answers[0] == answers[1]
    make_persona("cam-van-bo", chieng_an.unit_id, Role.UNIT_OFFICIAL)  # within the ward
    proceeding = discipline.proceeding_open(
        actor=commune_official.user,
        official_id=official,
        measure=Measure.REPRIMAND,
        grounds="Vi phạm quy chế",
        concerned_username="cam-van-bo",
    )
    assert proceeding.concerned_user is not None
