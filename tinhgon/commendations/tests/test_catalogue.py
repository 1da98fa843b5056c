"""The council of the deployment's province edits a form's data, the proposing rules and a
campaign's quotas (never below what is already proposed); others are refused."""

from __future__ import annotations

import pytest

from tinhgon.accounts.models import Role
from tinhgon.commendations import catalogue, services
from tinhgon.commendations.models import CampaignQuota, Form, ProposalRule
from tinhgon.commendations.tests import factories as make
from tinhgon.conftest import AFTER, make_persona
from tinhgon.core.errors import DomainError, Forbidden
from tinhgon.core.models import AuditEvent
from tinhgon.units import selectors

pytestmark = pytest.mark.django_db

FORM = "bang-khen-chu-tich-tinh"


@pytest.fixture
def home_affairs(db):  # type: ignore[no-untyped-def]
    unit = selectors.versions_on(AFTER).get(code="14-SNV")
    return make_persona("snv-official", unit.unit_id, Role.UNIT_OFFICIAL)


def test_the_council_edits_a_form_s_data_but_not_its_legal_identity(home_affairs):
    form = Form.objects.get(code=FORM)
    updated = catalogue.form_update(
        actor=home_affairs.user,
        code=FORM,
        name=form.name,
        legal_basis="Điều 74 Luật Thi đua, khen thưởng 2022",
        to_confirm=False,
        active=True,
    )
    assert (updated.legal_basis, updated.to_confirm, updated.authority) == (
        "Điều 74 Luật Thi đua, khen thưởng 2022",
        False,
        form.authority,
    )
    event = AuditEvent.objects.get(action="form_update")
    assert event.actor == home_affairs.user and event.data["changed"]["to_confirm"] == [True, False]
    catalogue.form_update(
        actor=home_affairs.user,
        code=FORM,
        name=form.name,
        legal_basis="Điều 74 Luật Thi đua, khen thưởng 2022",
        to_confirm=False,
        active=True,
    )
    assert AuditEvent.objects.filter(action="form_update").count() == 1, "the same again: nothing"


def test_an_edit_of_a_form_made_on_an_older_version_is_refused_as_stale(home_affairs):
    form = Form.objects.get(code=FORM)
    read = form.version

    def edit(to_confirm: bool) -> Form:
        return catalogue.form_update(
            actor=home_affairs.user,
            code=FORM,
            name=form.name,
            legal_basis=form.legal_basis,
            to_confirm=to_confirm,
            active=True,
            version=read,
        )

    assert edit(False).version == read + 1
    with pytest.raises(DomainError) as refused:
        edit(True)
    assert refused.value.code == "stale" and refused.value.status == 409
    assert Form.objects.get(code=FORM).to_confirm is False, "the first edit is not lost"
    # The page carries the version it was drawn from: a save over a newer edit is refused.
    browser = home_affairs.browser()
    url = f"/commendations/forms/{FORM}/edit/"
    assert f'name="version" value="{read + 1}"' in browser.get(url).content.decode()
    page = {"name": form.name, "legal_basis": "Điều 74", "active": "on", "version": str(read)}
    assert browser.post(url, page).status_code == 409
    assert browser.post(url, {**page, "version": str(read + 1)}).status_code == 302
    assert Form.objects.get(code=FORM).legal_basis == "Điều 74"


def test_the_api_refuses_a_stale_form_edit_and_quotas_or_marks_that_are_not_json_numbers(
    son_la, home_affairs
):
    api = home_affairs.api()
    listed = {f["code"]: f for f in api.get("/api/commendations/forms").json()}[FORM]
    body = {
        "name": listed["name"],
        "legal_basis": listed["legal_basis"],
        "to_confirm": False,
        "active": True,
        "version": listed["version"],
    }
    url = f"/api/commendations/forms/{FORM}"
    saved = api.put(url, body, content_type="application/json")
    assert saved.status_code == 200 and saved.json()["version"] == listed["version"] + 1
    stale = api.put(url, {**body, "to_confirm": True}, content_type="application/json")
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale"
    assert (
        api.put(url, {**body, "active": "yes"}, content_type="application/json").status_code == 422
    )
    campaign = make.campaign(son_la.unit_id, quotas={FORM: 3})
    quotas = f"/api/commendations/campaigns/{campaign.pk}/quotas"
    for wrong in (True, "5", 5.0):
        answer = api.put(quotas, {"quotas": {FORM: wrong}}, content_type="application/json")
        assert answer.status_code == 422, wrong
    assert CampaignQuota.objects.get(campaign=campaign).quota == 3


def test_a_ward_official_may_not_edit_forms_or_rules(commune_official):
    with pytest.raises(Forbidden):
        catalogue.rule_add(
            actor=commune_official.user, unit_kind="ward", form_code="giay-khen-chu-tich-xa"
        )
    with pytest.raises(Forbidden):
        catalogue.form_update(
            actor=commune_official.user,
            code=FORM,
            name="X",
            legal_basis="Y",
            to_confirm=True,
            active=False,
        )


def test_a_rule_added_lets_the_kind_propose_and_removed_refuses_its_drafts(
    son_la, chieng_an, home_affairs
):
    campaign = make.campaign(son_la.unit_id, quotas={})
    rule = ProposalRule.objects.get(unit_kind="ward", form__code=FORM)
    draft = make.proposal(chieng_an.unit_id, campaign.pk)
    assert catalogue.rule_remove(actor=home_affairs.user, rule_id=rule.pk)
    assert not catalogue.rule_remove(actor=home_affairs.user, rule_id=rule.pk), "again: nothing"
    with pytest.raises(DomainError) as refused:
        services.proposal_submit(actor=None, proposal_id=draft.pk)
    assert refused.value.code == "rule"
    again = catalogue.rule_add(
        actor=home_affairs.user, unit_kind="ward", form_code=FORM, source="Điều 74"
    )
    assert again.source == "Điều 74"
    assert services.proposal_submit(actor=None, proposal_id=draft.pk).status == "submitted"
    actions = list(
        AuditEvent.objects.filter(action__startswith="rule_").order_by("id").values_list("action")
    )
    assert actions == [("rule_remove",), ("rule_add",)]
    with pytest.raises(DomainError) as unknown:
        catalogue.rule_add(actor=home_affairs.user, unit_kind="planet", form_code=FORM)
    assert unknown.value.problems[0].field == "unit_kind"


def test_a_quota_below_what_is_proposed_is_refused_naming_the_figures(
    son_la, chieng_an, to_hieu, home_affairs
):
    campaign = make.campaign(son_la.unit_id, quotas={FORM: 3})
    for unit in (chieng_an, to_hieu):
        made = make.proposal(unit.unit_id, campaign.pk)
        services.proposal_submit(actor=None, proposal_id=made.pk)
    with pytest.raises(DomainError) as refused:
        catalogue.campaign_quotas_set(
            actor=home_affairs.user, campaign_id=campaign.pk, quotas={FORM: 1}
        )
    assert refused.value.code == "quota"
    assert "a quota of 1 is below the 2 already proposed (0 of them accepted" in str(
        refused.value.message
    )
    assert CampaignQuota.objects.get(campaign=campaign).quota == 3, "unchanged"

    catalogue.campaign_quotas_set(
        actor=home_affairs.user, campaign_id=campaign.pk, quotas={FORM: 2}
    )
    assert CampaignQuota.objects.get(campaign=campaign).quota == 2
    catalogue.campaign_quotas_set(actor=home_affairs.user, campaign_id=campaign.pk, quotas={})
    assert not CampaignQuota.objects.filter(campaign=campaign).exists(), "left out: no limit"
    assert AuditEvent.objects.filter(action="campaign_quotas_set").count() == 2


def test_the_quota_pages_refuse_below_the_use_and_save_otherwise(son_la, chieng_an, home_affairs):
    campaign = make.campaign(son_la.unit_id, quotas={FORM: 3})
    made = make.proposal(chieng_an.unit_id, campaign.pk)
    services.proposal_submit(actor=None, proposal_id=made.pk)
    browser = home_affairs.browser()
    url = f"/commendations/campaigns/{campaign.pk}/quotas/"
    assert browser.get(url).status_code == 200
    refused = browser.post(url, {f"quota_{FORM}": "0"})
    assert refused.status_code == 400
    assert "a quota of 0 is below the 1 already proposed" in refused.content.decode()
    saved = browser.post(url, {f"quota_{FORM}": "5"})
    assert saved.status_code == 302
    assert CampaignQuota.objects.get(campaign=campaign).quota == 5


def test_saving_the_quotas_page_keeps_a_quota_set_on_a_form_the_page_does_not_show(
    son_la, home_affairs
):
    """The page shows the provincial and central forms in use; a quota set through the API on a
    commune-level form (or a form out of use) is not on it and survives the page's save."""
    campaign = make.campaign(son_la.unit_id, quotas={FORM: 3})
    commune_form = Form.objects.filter(authority="commune").first()
    retired = Form.objects.exclude(authority="commune").exclude(code=FORM).first()
    assert commune_form is not None and retired is not None
    Form.objects.filter(pk=retired.pk).update(active=False)
    catalogue.campaign_quotas_set(
        actor=None,
        campaign_id=campaign.pk,
        quotas={FORM: 3, commune_form.code: 7, retired.code: 2},
    )
    url = f"/commendations/campaigns/{campaign.pk}/quotas/"
    assert home_affairs.browser().post(url, {f"quota_{FORM}": "4"}).status_code == 302
    kept = dict(CampaignQuota.objects.filter(campaign=campaign).values_list("form__code", "quota"))
    assert kept == {FORM: 4, commune_form.code: 7, retired.code: 2}
    # A shown form left empty loses its quota (no limit); the hidden ones still stay.
    assert home_affairs.browser().post(url, {f"quota_{FORM}": ""}).status_code == 302
    kept = dict(CampaignQuota.objects.filter(campaign=campaign).values_list("form__code", "quota"))
    assert kept == {commune_form.code: 7, retired.code: 2}


def test_the_api_replaces_every_quota_of_the_campaign(son_la, home_affairs):
    campaign = make.campaign(son_la.unit_id, quotas={FORM: 3, "giay-khen-chu-tich-xa": 7})
    answer = home_affairs.api().put(
        f"/api/commendations/campaigns/{campaign.pk}/quotas",
        {"quotas": {FORM: 4}},
        content_type="application/json",
    )
    assert answer.status_code == 200
    kept = dict(CampaignQuota.objects.filter(campaign=campaign).values_list("form__code", "quota"))
    assert kept == {FORM: 4}, "the API's quotas are the whole list"


def test_the_rule_pages_confirm_before_removing(home_affairs):
    rule = ProposalRule.objects.filter(unit_kind="ward").first()
    assert rule is not None
    browser = home_affairs.browser()
    confirm = browser.get(f"/commendations/rules/{rule.pk}/remove/")
    assert "Remove this proposing rule?" in confirm.content.decode()
    assert ProposalRule.objects.filter(pk=rule.pk).exists()
    assert browser.post(f"/commendations/rules/{rule.pk}/remove/").status_code == 302
    assert not ProposalRule.objects.filter(pk=rule.pk).exists()
    added = browser.post(
        "/commendations/rules/", {"unit_kind": "ward", "form": rule.form.code, "source": "Đ. 74"}
    )
    assert added.status_code == 302
    assert ProposalRule.objects.filter(unit_kind="ward", form=rule.form, source="Đ. 74").exists()


def test_the_api_sets_quotas_and_edits_rules(son_la, home_affairs, commune_official):
    campaign = make.campaign(son_la.unit_id, quotas={})
    api = home_affairs.api()
    answer = api.put(
        f"/api/commendations/campaigns/{campaign.pk}/quotas",
        {"quotas": {FORM: 4}},
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["quotas"][0]["quota"] == 4
    added = api.post(
        "/api/commendations/rules",
        {"unit_kind": "ward", "form": "giay-khen-chu-tich-xa"},
        content_type="application/json",
    )
    assert added.status_code == 200 and added.json()["form"] == "giay-khen-chu-tich-xa"
    denied = commune_official.api().delete(f"/api/commendations/rules/{added.json()['id']}")
    assert denied.status_code == 403
    assert api.delete(f"/api/commendations/rules/{added.json()['id']}").status_code == 204
