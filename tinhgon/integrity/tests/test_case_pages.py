"""The case page's moves (accept, extend, decide and close through their confirmations) and the
desk's form, through the same services as the API; the author on the handler's page only."""

from __future__ import annotations

import pytest

from tinhgon.accounts.models import Role
from tinhgon.conftest import make_persona
from tinhgon.core.models import AuditEvent
from tinhgon.integrity.models import Case, CaseEvent, CaseKind, CaseStatus
from tinhgon.integrity.tests.cases_factories import AUTHOR, CONTACT, committee_of, leader, receive

pytestmark = pytest.mark.django_db


def _page(case: Case, move: str = "") -> str:
    return f"/integrity/cases/{case.pk}/" + (f"{move}/" if move else "")


@pytest.fixture
def case(chieng_an) -> Case:
    """A denunciation concerning the ward, handled by its people's committee."""
    found = receive(chieng_an.unit_id, received_at=None)
    assert found.handler_unit_id == committee_of(chieng_an.unit_id)
    return found


def test_the_handler_accepts_extends_decides_and_closes_a_case_on_its_page(case, commune_official):
    client = commune_official.browser()
    page = client.get(_page(case)).content.decode()
    assert f'action="{_page(case, "accept")}"' in page
    assert f'action="{_page(case, "decide")}"' not in page  # not before it is accepted

    assert client.post(_page(case, "accept"), {"version": 1}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED and case.handler_id == commune_official.user.pk

    due = case.due
    extended = client.post(
        _page(case, "extend"), {"reason": "Cần xác minh thêm tại cơ sở", "extensions": 1}
    )
    assert extended.status_code == 302
    case.refresh_from_db()
    assert case.extensions == 1 and case.due > due
    again = client.post(_page(case, "extend"), {"reason": "Gửi lại", "extensions": 1})
    assert again.status_code == 302  # the same form twice extends once
    case.refresh_from_db()
    assert case.extensions == 1

    decision = "Tố cáo đúng một phần.\nKiến nghị xử lý kỷ luật."
    confirm = client.post(_page(case, "decide"), {"decision": decision, "version": case.version})
    assert confirm.status_code == 200
    assert "Record the decision" in confirm.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED  # nothing done before the confirmation
    done = client.post(
        _page(case, "decide"),
        {"decision": decision, "version": case.version, "confirmed": "1"},
    )
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED and case.decision == decision

    assert "Close the case" in client.get(_page(case, "close")).content.decode()
    assert client.post(_page(case, "close"), {"version": case.version}).status_code == 200
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED  # the confirmation again, not the move
    closed = client.post(_page(case, "close"), {"version": case.version, "confirmed": "1"})
    assert closed.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    moves = list(CaseEvent.objects.filter(case=case).values_list("move", flat=True))
    assert moves == ["receive", "accept", "extend", "decide", "close"]
    assert AuditEvent.objects.filter(action="case_close", data__case=case.pk).exists()


def test_an_extension_past_the_allowed_number_is_refused_naming_the_limit_and_its_source(
    case, commune_official
):
    client = commune_official.browser()
    client.post(_page(case, "accept"))
    for count in (1, 2):
        client.post(_page(case, "extend"), {"reason": f"Lần {count}", "extensions": count})
    refused = client.post(_page(case, "extend"), {"reason": "Lần 3", "extensions": 3})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "The law allows 2 extension(s) for this case" in text
    assert "Luật Tố cáo" in text  # the source of the limit
    assert "Lần 3" in text  # what was typed is kept
    case.refresh_from_db()
    assert case.extensions == 2


def test_a_decision_without_its_text_is_refused_on_the_page(case, commune_official):
    client = commune_official.browser()
    client.post(_page(case, "accept"))
    refused = client.post(_page(case, "decide"), {"decision": "  ", "confirmed": "1"})
    assert refused.status_code == 400
    assert "field--error" in refused.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED


def test_a_form_read_before_another_move_is_refused_as_stale(case, commune_official):
    client = commune_official.browser()
    client.post(_page(case, "accept"))
    stale = client.post(
        _page(case, "decide"), {"decision": "Kết luận", "version": 1, "confirmed": "1"}
    )
    assert stale.status_code == 409
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED


def test_only_the_handler_acts_others_are_refused_or_do_not_see_the_case(
    case, province_admin, superuser, observer, other_commune_official
):
    assert province_admin.browser().post(_page(case, "accept")).status_code == 403
    assert superuser.browser().post(_page(case, "accept")).status_code == 403
    assert observer.browser().post(_page(case, "accept")).status_code == 403
    assert other_commune_official.browser().post(_page(case, "accept")).status_code == 404
    assert province_admin.browser().get(_page(case, "close")).status_code == 403
    assert "Accept the case" not in province_admin.browser().get(_page(case)).content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED


def test_an_unknown_move_is_not_found(case, commune_official):
    assert commune_official.browser().post(_page(case, "reopen")).status_code == 404


def test_only_the_handler_sees_the_author_not_an_administrator_nor_a_superuser(
    case, commune_official, province_admin, superuser
):
    assert AUTHOR in commune_official.browser().get(_page(case)).content.decode()
    commune_official.browser().post(_page(case, "accept"))
    for reader in (province_admin, superuser):
        page = reader.browser().get(_page(case))
        assert page.status_code == 200
        text = page.content.decode()
        assert AUTHOR not in text and CONTACT not in text
        assert "sealed: visible to the handler only" in text
    # Once accepted, the one who accepted is the handler: a colleague no longer reads it.
    colleague = make_persona("colleague", case.unit_id, Role.UNIT_OFFICIAL)
    assert AUTHOR not in colleague.browser().get(_page(case)).content.decode()
    assert AUTHOR in commune_official.browser().get(_page(case)).content.decode()


def test_a_desk_officer_receives_a_case_that_goes_above_and_does_not_read_it_again(
    chieng_an, commune_official
):
    chairman = leader(committee_of(chieng_an.unit_id))
    client = commune_official.browser()
    assert client.get("/integrity/cases/new/").status_code == 200
    sent = client.post(
        "/integrity/cases/new/",
        {
            "kind": CaseKind.DENUNCIATION,
            "variant": "normal",
            "subject": "Chủ tịch phường nhận tiền",
            "body": "Ông chủ tịch nhận tiền để ký hồ sơ đất đai.",
            "unit": chieng_an.code,
            "official": chairman,
            "author_name": AUTHOR,
            "author_contact": CONTACT,
        },
        follow=True,
    )
    assert sent.status_code == 200
    made = Case.objects.get(subject="Chủ tịch phường nhận tiền")
    assert made.channel == "desk" and made.official_id == chairman
    assert made.handler_unit_id != committee_of(chieng_an.unit_id)  # above the ward
    text = sent.content.decode()
    assert f"Case #{made.pk} was received" in text
    assert AUTHOR not in text and CONTACT not in text
    assert client.get(_page(made)).status_code == 404  # not the ward's to read


def test_the_desk_form_keeps_what_was_typed_when_a_complaint_is_anonymous(
    chieng_an, commune_official
):
    refused = commune_official.browser().post(
        "/integrity/cases/new/",
        {
            "kind": CaseKind.COMPLAINT,
            "variant": "normal",
            "subject": "Khiếu nại quyết định thu hồi đất",
            "body": "Nội dung khiếu nại",
            "unit": chieng_an.code,
            "anonymous": "on",
        },
    )
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "A complaint cannot be anonymous." in text
    assert "Khiếu nại quyết định thu hồi đất" in text
    assert not Case.objects.filter(subject="Khiếu nại quyết định thu hồi đất").exists()


def test_the_desk_form_refuses_an_observer_and_a_unit_outside_the_scope(
    observer, commune_official, to_hieu
):
    assert observer.browser().get("/integrity/cases/new/").status_code == 403
    refused = commune_official.browser().post(
        "/integrity/cases/new/",
        {
            "kind": CaseKind.FEEDBACK,
            "variant": "normal",
            "subject": "Phản ánh",
            "body": "Nội dung",
            "unit": to_hieu.code,
            "author_name": AUTHOR,
        },
    )
    assert refused.status_code == 404
    assert not Case.objects.filter(subject="Phản ánh").exists()
