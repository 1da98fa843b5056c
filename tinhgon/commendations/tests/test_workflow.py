"""The workflow: a unit proposes (rules and quotas), the council reviews, the authority decides;
each move checked, idempotent, concurrency-safe and audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tinhgon.accounts.models import Role
from tinhgon.commendations import decisions, services
from tinhgon.commendations.models import (
    Authority,
    Commendation,
    ItemVerdict,
    ProposalEvent,
    ProposalRule,
    ProposalStatus,
)
from tinhgon.commendations.tests import factories as make
from tinhgon.conftest import AFTER, make_persona
from tinhgon.core.errors import DomainError, Forbidden
from tinhgon.core.models import AuditEvent
from tinhgon.staffing.tests import factories as staff
from tinhgon.units import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def home_affairs(db):  # type: ignore[no-untyped-def]
    unit = selectors.versions_on(AFTER).get(code="14-SNV")
    return make_persona("snv-official", unit.unit_id, Role.UNIT_OFFICIAL)


def accept_all(proposal, actor=None):  # type: ignore[no-untyped-def]
    return services.proposal_review(
        actor=actor,
        proposal_id=proposal.pk,
        verdicts=[services.Verdict(item_id=i.pk, accept=True) for i in proposal.items.all()],
    )


def test_a_ward_proposes_the_council_reviews_and_the_province_decides(
    son_la, chieng_an, commune_official, home_affairs, province_admin
):
    campaign = make.campaign(son_la.unit_id)
    official = staff.official(chieng_an.unit_id, day=AFTER)
    proposal = services.proposal_create(
        actor=commune_official.user,
        unit_id=chieng_an.unit_id,
        campaign_id=campaign.pk,
        title="Đề nghị",
        items=[
            services.ItemIn(form="bang-khen-chu-tich-tinh", unit_id=chieng_an.unit_id, reason="A"),
            services.ItemIn(form="bang-khen-chu-tich-tinh", official_id=official, reason="B"),
        ],
    )
    services.proposal_submit(actor=commune_official.user, proposal_id=proposal.pk)
    collective, individual = proposal.items.order_by("id")
    reviewed = services.proposal_review(
        actor=home_affairs.user,
        proposal_id=proposal.pk,
        verdicts=[
            services.Verdict(item_id=collective.pk, accept=True),
            services.Verdict(
                item_id=individual.pk, accept=False, note="Chưa đủ thời gian công tác"
            ),
        ],
    )
    assert reviewed.status == ProposalStatus.REVIEWED

    decision = decisions.decision_make(
        actor=province_admin.user,
        campaign_id=campaign.pk,
        number="1018/QĐ-UBND",
        date=timezone.localdate(),
        authority=Authority.PROVINCE,
        signed_by="Chủ tịch UBND tỉnh",
    )

    rows = list(Commendation.objects.filter(decision=decision))
    assert [(r.recipient_kind, r.unit_id, r.recipient_name) for r in rows] == [
        ("collective", chieng_an.unit_id, "Phường Chiềng An")
    ]
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECIDED
    individual.refresh_from_db()
    assert (individual.verdict, individual.note) == (
        ItemVerdict.REJECTED,
        "Chưa đủ thời gian công tác",
    )
    moves = list(ProposalEvent.objects.filter(proposal=proposal).values_list("move", "actor_id"))
    assert moves == [
        ("create", commune_official.user.pk),
        ("submit", commune_official.user.pk),
        ("review", home_affairs.user.pk),
        ("decide", province_admin.user.pk),
    ]
    assert AuditEvent.objects.filter(action="decision_make", data__decision=decision.pk).exists()


def test_the_same_decision_again_writes_nothing_more(son_la, chieng_an):
    campaign = make.campaign(son_la.unit_id)
    proposal = make.proposal(chieng_an.unit_id, campaign.pk)
    services.proposal_submit(actor=None, proposal_id=proposal.pk)
    accept_all(proposal)
    again: dict[str, Any] = dict(
        actor=None,
        campaign_id=campaign.pk,
        number="5/QĐ-UBND",
        date=timezone.localdate(),
        authority=Authority.PROVINCE,
        signed_by="Chủ tịch",
    )
    first = decisions.decision_make(**again)
    second = decisions.decision_make(**again)

    assert first.pk == second.pk
    assert Commendation.objects.filter(decision=first).count() == 1


def test_submitting_over_the_quota_is_refused_naming_the_form_and_the_figures(
    son_la, chieng_an, to_hieu
):
    campaign = make.campaign(son_la.unit_id, quotas={"bang-khen-chu-tich-tinh": 2})
    first = make.proposal(
        chieng_an.unit_id, campaign.pk, officials=[staff.official(chieng_an.unit_id, day=AFTER)]
    )
    services.proposal_submit(actor=None, proposal_id=first.pk)
    second = make.proposal(to_hieu.unit_id, campaign.pk)

    with pytest.raises(DomainError) as refused:
        services.proposal_submit(actor=None, proposal_id=second.pk)

    assert refused.value.code == "quota"
    assert (
        "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh: the campaign's quota is 2, 2 already "
        "proposed, this proposal asks 1." in refused.value.message
    )
    second.refresh_from_db()
    assert second.status == ProposalStatus.DRAFT


def test_rejected_items_give_their_place_back_to_the_quota(son_la, chieng_an, to_hieu):
    campaign = make.campaign(son_la.unit_id, quotas={"bang-khen-chu-tich-tinh": 1})
    first = make.proposal(chieng_an.unit_id, campaign.pk)
    services.proposal_submit(actor=None, proposal_id=first.pk)
    services.proposal_review(
        actor=None,
        proposal_id=first.pk,
        verdicts=[
            services.Verdict(item_id=i.pk, accept=False, note="Không đạt")
            for i in first.items.all()
        ],
    )
    second = make.proposal(to_hieu.unit_id, campaign.pk)

    assert services.proposal_submit(actor=None, proposal_id=second.pk).status == "submitted"
    first.refresh_from_db()
    assert first.status == ProposalStatus.REJECTED


def test_a_form_no_rule_allows_is_refused_naming_the_form(son_la, chieng_an):
    campaign = make.campaign(son_la.unit_id)
    ProposalRule.objects.filter(unit_kind="ward", form__code="co-thi-dua-tinh").delete()

    with pytest.raises(DomainError) as refused:
        make.proposal(chieng_an.unit_id, campaign.pk, form="co-thi-dua-tinh")

    assert refused.value.code == "rule"
    assert "Cờ thi đua của Ủy ban nhân dân tỉnh" in refused.value.message


def test_a_collective_form_is_not_given_to_an_individual(son_la, chieng_an):
    campaign = make.campaign(son_la.unit_id)
    official = staff.official(chieng_an.unit_id, day=AFTER)

    with pytest.raises(DomainError, match="is not given to individual"):
        services.proposal_create(
            actor=None,
            unit_id=chieng_an.unit_id,
            campaign_id=campaign.pk,
            title="x",
            items=[services.ItemIn(form="co-thi-dua-tinh", official_id=official, reason="x")],
        )


def test_a_ward_cannot_propose_a_unit_of_another_ward(son_la, chieng_an, to_hieu):
    campaign = make.campaign(son_la.unit_id)

    with pytest.raises(DomainError) as refused:
        services.proposal_create(
            actor=None,
            unit_id=chieng_an.unit_id,
            campaign_id=campaign.pk,
            title="x",
            items=[
                services.ItemIn(form="bang-khen-chu-tich-tinh", unit_id=to_hieu.unit_id, reason="x")
            ],
        )
    assert refused.value.problems[0].field == "unit"


def test_only_the_council_reviews_and_only_the_province_decides(
    son_la, chieng_an, commune_official, home_affairs
):
    campaign = make.campaign(son_la.unit_id)
    proposal = make.proposal(chieng_an.unit_id, campaign.pk)
    services.proposal_submit(actor=None, proposal_id=proposal.pk)

    with pytest.raises(Forbidden):
        accept_all(proposal, actor=commune_official.user)
    accept_all(proposal, actor=home_affairs.user)
    with pytest.raises(Forbidden):
        decisions.decision_make(
            actor=home_affairs.user,
            campaign_id=campaign.pk,
            number="9/QĐ-UBND",
            date=timezone.localdate(),
            authority=Authority.PROVINCE,
            signed_by="x",
        )


def test_an_illegal_move_is_refused_and_a_repeated_one_does_nothing(son_la, chieng_an):
    campaign = make.campaign(son_la.unit_id)
    proposal = make.proposal(chieng_an.unit_id, campaign.pk)

    with pytest.raises(DomainError) as refused:
        accept_all(proposal)
    assert refused.value.code == "illegal_move"
    submitted = services.proposal_submit(actor=None, proposal_id=proposal.pk)
    again = services.proposal_submit(actor=None, proposal_id=proposal.pk)
    assert (submitted.version, again.version) == (2, 2)
    assert ProposalEvent.objects.filter(proposal=proposal, move="submit").count() == 1


def test_a_stale_version_is_refused(son_la, chieng_an):
    campaign = make.campaign(son_la.unit_id)
    proposal = make.proposal(chieng_an.unit_id, campaign.pk)

    with pytest.raises(DomainError) as refused:
        services.proposal_submit(actor=None, proposal_id=proposal.pk, version=7)
    assert refused.value.code == "stale"


def test_a_campaign_closed_today_takes_no_proposal(son_la, chieng_an):
    today = timezone.localdate()
    campaign = services.campaign_create(
        actor=None,
        province_id=son_la.unit_id,
        code="old",
        theme="Cũ",
        opens=today - dt.timedelta(days=30),
        closes=today - dt.timedelta(days=1),
    )
    proposal = make.proposal(chieng_an.unit_id, campaign.pk)

    with pytest.raises(DomainError, match="takes proposals from"):
        services.proposal_submit(actor=None, proposal_id=proposal.pk)


def test_a_decision_cannot_be_dated_in_the_future(son_la, chieng_an):
    with pytest.raises(DomainError, match="future"):
        decisions.decision_record(
            actor=None,
            province_id=son_la.unit_id,
            number="1/QĐ",
            date=timezone.localdate() + dt.timedelta(days=1),
            authority=Authority.PROVINCE,
            signed_by="x",
            rows=[
                decisions.RecordedRow(
                    form="bang-khen-chu-tich-tinh", unit_id=chieng_an.unit_id, reason="x"
                )
            ],
        )
