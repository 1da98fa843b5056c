"""The link between an official and their own user account: made and undone by the province's
personnel authority (its administrators, Sở Nội vụ; not the ward's officials who manage the
ward's records) through the service, the API, the page with a confirmation before unlinking, and
by the operator at the command line; one account per official and one official per account (a
second link refused, naming the official it is linked to only to who sees them), never by the
account itself, audited, and shown only to managers and the authority."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import ProtectedError
from django.utils import translation

from tinhgon.accounts import services as accounts
from tinhgon.accounts.models import Role
from tinhgon.conftest import AFTER, make_persona
from tinhgon.core import commands
from tinhgon.core.errors import DomainError, NotFound
from tinhgon.core.models import AuditEvent
from tinhgon.staffing import user_link
from tinhgon.staffing.management.commands.staff import Command
from tinhgon.staffing.models import Official
from tinhgon.staffing.tests import factories
from tinhgon.units import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(settings):  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def ward_official(chieng_an) -> int:
    return factories.official(chieng_an.unit_id, full_name="Lò Văn Liên")


@pytest.fixture
def account(chieng_an):  # type: ignore[no-untyped-def]
    """The official's own account: an official of the ward."""
    return make_persona("lo-van-lien", chieng_an.unit_id, Role.UNIT_OFFICIAL)


@pytest.fixture
def personnel(son_la):  # type: ignore[no-untyped-def]
    """An official of Sơn La's Sở Nội vụ: the province's personnel body."""
    home_affairs = selectors.versions_on(AFTER).get(code="14-SNV")
    return make_persona("so-noi-vu", home_affairs.unit_id, Role.UNIT_OFFICIAL)


def _linked(official_id: int) -> int | None:
    return Official.objects.values_list("user_id", flat=True).get(pk=official_id)


def test_a_manager_links_an_official_to_their_account_once_and_it_is_audited(
    ward_official, account, personnel
):
    official = user_link.official_link_user(
        actor=personnel.user, official_id=ward_official, username="lo-van-lien"
    )
    assert official.user == account.user and _linked(ward_official) == account.user.pk
    again = user_link.official_link_user(
        actor=personnel.user, official_id=ward_official, username="lo-van-lien"
    )
    assert again.user_id == account.user.pk
    rows = AuditEvent.objects.filter(action="staffing.official_link_user")
    assert rows.count() == 1
    assert rows.get().data["official"] == ward_official


def test_an_account_linked_to_another_official_is_refused_naming_that_official(
    chieng_an, ward_official, account, personnel
):
    other = factories.official(chieng_an.unit_id, full_name="Cầm Thị Khác")
    user_link.official_link_user(actor=None, official_id=other, username="lo-van-lien")
    with pytest.raises(DomainError) as refused:
        user_link.official_link_user(
            actor=personnel.user, official_id=ward_official, username="lo-van-lien"
        )
    assert f"#{other} Cầm Thị Khác" in str(refused.value)
    assert refused.value.problems[0].field == "username"
    assert _linked(ward_official) is None


def test_an_official_linked_to_an_account_is_not_linked_to_another_before_unlinking(
    chieng_an, ward_official, account, personnel
):
    make_persona("tai-khoan-khac", chieng_an.unit_id, Role.OBSERVER)
    user_link.official_link_user(actor=None, official_id=ward_official, username="lo-van-lien")
    with pytest.raises(DomainError, match="unlink it first"):
        user_link.official_link_user(
            actor=personnel.user, official_id=ward_official, username="tai-khoan-khac"
        )
    user_link.official_unlink_user(actor=personnel.user, official_id=ward_official)
    user_link.official_link_user(
        actor=personnel.user, official_id=ward_official, username="tai-khoan-khac"
    )
    assert _linked(ward_official) == get_user_model().objects.get(username="tai-khoan-khac").pk
    assert AuditEvent.objects.filter(action="staffing.official_unlink_user").count() == 1


def test_an_account_linked_to_an_official_the_actor_does_not_see_is_refused_without_naming_them(
    ha_noi, ward_official, account, personnel
):
    elsewhere = factories.official(ha_noi.unit_id, full_name="Nguyễn Văn Hà Nội")
    user_link.official_link_user(actor=None, official_id=elsewhere, username="lo-van-lien")
    with pytest.raises(DomainError) as refused:
        user_link.official_link_user(
            actor=personnel.user, official_id=ward_official, username="lo-van-lien"
        )
    said = str(refused.value)
    assert "another official" in said
    assert f"#{elsewhere}" not in said and "Hà Nội" not in said
    assert _linked(ward_official) is None


def test_nobody_links_or_unlinks_their_own_account(ward_official, account, personnel):
    # The official is also a member of Sở Nội vụ: the authority, but not for their own account.
    home_affairs = selectors.versions_on(AFTER).get(code="14-SNV")
    accounts.membership_add(
        actor=None, user=account.user, unit_id=home_affairs.unit_id, role=Role.UNIT_OFFICIAL
    )
    with pytest.raises(DomainError, match="their own account") as refused:
        user_link.official_link_user(
            actor=account.user, official_id=ward_official, username="lo-van-lien"
        )
    assert refused.value.status == 403
    user_link.official_link_user(
        actor=personnel.user, official_id=ward_official, username="lo-van-lien"
    )
    with pytest.raises(DomainError, match="their own account") as refused:
        user_link.official_unlink_user(actor=account.user, official_id=ward_official)
    assert refused.value.status == 403
    assert _linked(ward_official) == account.user.pk


def test_an_unknown_account_and_one_outside_the_scope_get_the_same_answer(
    ha_noi, ward_official, personnel
):
    make_persona("ben-canh", ha_noi.unit_id, Role.UNIT_OFFICIAL)
    answers = []
    for name in ("khong-co-ai", "ben-canh"):
        with pytest.raises(DomainError) as refused:
            user_link.official_link_user(
                actor=personnel.user, official_id=ward_official, username=name
            )
        answers.append((refused.value.status, str(refused.value).replace(name, "?")))
    assert answers[0] == answers[1]
    assert _linked(ward_official) is None


def test_a_ward_official_who_manages_the_ward_s_records_neither_links_nor_unlinks(
    chieng_an, ward_official, account, commune_official, personnel
):
    """The ward's officials manage the ward's records, their own included: one of them, not yet
    linked, would otherwise tie their own record to a colleague's account (the colleague then
    kept from the denunciations against them, they still reading them, the right link refused).
    """
    me = factories.official(chieng_an.unit_id, full_name="Lò Văn Bị Tố Cáo")
    own = make_persona("lo-van-bi-to-cao", chieng_an.unit_id, Role.UNIT_OFFICIAL)
    for actor, official in ((own, me), (commune_official, ward_official)):
        with pytest.raises(DomainError) as refused:
            user_link.official_link_user(
                actor=actor.user, official_id=official, username="lo-van-lien"
            )
        assert refused.value.status == 403 and _linked(official) is None
        page = actor.browser().post(f"/staff/officials/{official}/user/", {"username": "x"})
        assert page.status_code == 403
    assert (
        "Link the account"
        not in commune_official.browser().get(f"/staff/officials/{ward_official}/").text
    )
    user_link.official_link_user(
        actor=personnel.user, official_id=ward_official, username="lo-van-lien"
    )
    with pytest.raises(DomainError) as refused:
        user_link.official_unlink_user(actor=commune_official.user, official_id=ward_official)
    assert refused.value.status == 403 and _linked(ward_official) == account.user.pk
    # The ward's manager still sees the link, without the means to undo it.
    page = commune_official.browser().get(f"/staff/officials/{ward_official}/").text
    assert "lo-van-lien" in page and "/user/unlink/" not in page


def test_who_is_not_the_personnel_authority_of_the_official_neither_links_nor_sees_the_link(
    ward_official, account, observer, other_commune_official, province_admin, ha_noi_admin
):
    with pytest.raises(DomainError) as refused:
        user_link.official_link_user(
            actor=observer.user, official_id=ward_official, username="lo-van-lien"
        )
    assert refused.value.status == 403
    for outsider in (other_commune_official, ha_noi_admin):
        with pytest.raises(NotFound):
            user_link.official_link_user(
                actor=outsider.user, official_id=ward_official, username="lo-van-lien"
            )
    user_link.official_link_user(
        actor=province_admin.user, official_id=ward_official, username="lo-van-lien"
    )
    manager = province_admin.api().get(f"/api/staff/officials/{ward_official}").json()
    assert manager["user"] == "lo-van-lien"
    seen = observer.api().get(f"/api/staff/officials/{ward_official}").json()
    assert seen["user"] is None
    assert "lo-van-lien" not in observer.browser().get(f"/staff/officials/{ward_official}/").text
    assert "lo-van-lien" in province_admin.browser().get(f"/staff/officials/{ward_official}/").text


def test_the_api_links_and_unlinks(ward_official, account, personnel):
    url = f"/api/staff/officials/{ward_official}"
    linked = personnel.api().post(
        f"{url}/link-user", data={"username": "lo-van-lien"}, content_type="application/json"
    )
    assert linked.status_code == 200 and linked.json() == {
        "official_id": ward_official,
        "user": "lo-van-lien",
    }
    unlinked = personnel.api().post(f"{url}/unlink-user")
    assert unlinked.status_code == 200 and unlinked.json()["user"] is None
    assert _linked(ward_official) is None
    bad = personnel.api().post(
        f"{url}/link-user", data={"username": "khong-co-ai"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["problems"][0]["field"] == "username"


def test_the_page_links_and_unlinks_after_a_confirmation(ward_official, account, personnel):
    browser = personnel.browser()
    page = f"/staff/officials/{ward_official}/"
    assert "Link the account" in browser.get(page).text
    refused = browser.post(f"{page}user/", {"username": "khong-co-ai"})
    assert refused.status_code == 400
    assert "khong-co-ai" in refused.text  # what was typed is kept
    done = browser.post(f"{page}user/", {"username": "lo-van-lien"})
    assert done.status_code == 302 and _linked(ward_official) == account.user.pk
    assert "lo-van-lien" in browser.get(page).text
    confirm = browser.get(f"{page}user/unlink/")
    assert confirm.status_code == 200 and "Unlink the account" in confirm.text
    assert _linked(ward_official) == account.user.pk  # nothing before the confirmation
    assert browser.post(f"{page}user/unlink/").status_code == 302
    assert _linked(ward_official) is None


def test_a_linked_account_is_not_deleted_with_its_link(ward_official, account):
    user_link.official_link_user(actor=None, official_id=ward_official, username="lo-van-lien")
    with pytest.raises(ProtectedError):
        account.user.delete()


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("staff", *args, stdout=out)
    return out.getvalue()


def test_the_command_links_and_unlinks(ward_official, account):
    said = run("link-user", "--official", str(ward_official), "--user", "lo-van-lien")
    assert "Lò Văn Liên" in said and _linked(ward_official) == account.user.pk
    run("link-user", "--official", str(ward_official), "--user", "lo-van-lien", "--unlink")
    assert _linked(ward_official) is None


@pytest.mark.parametrize(
    "args",
    [
        ["--official", "999999", "--user", "lo-van-lien"],
        ["--user", "khong-co-ai"],
        ["--user", "khac", "--unlink"],
    ],
)
def test_a_refusal_on_the_command_line_is_one_line_and_exit_1(
    ward_official, account, chieng_an, args, capsys, monkeypatch
):
    monkeypatch.setattr(commands.connections, "close_all", lambda: None)
    user_link.official_link_user(actor=None, official_id=ward_official, username="lo-van-lien")
    if "--official" not in args:
        args = ["--official", str(ward_official), *args]
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["tinhgon", "staff", "link-user", *args])
    captured = capsys.readouterr()
    assert exited.value.code == 1
    assert len(captured.err.strip().splitlines()) == 1
    assert _linked(ward_official) == account.user.pk
